/**
 * A real pty pair from socat: loaxa opens one end (`path`), a board simulator the other
 * (`boardPath`). Stopping socat is an unplug; starting it again at the same paths, a replug.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class PtyPair {
  private child: ChildProcess | null = null;
  readonly dir: string;
  /** The end loaxa opens, as a schedule's `port`. */
  readonly path: string;
  /** The far end, where the board simulator sits. */
  readonly boardPath: string;

  constructor(name = 'tty') {
    this.dir = mkdtempSync(join(tmpdir(), 'loaxa-pty-'));
    this.path = join(this.dir, `${name}-loaxa`);
    this.boardPath = join(this.dir, `${name}-board`);
  }

  get running(): boolean {
    return this.child !== null;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.path}`, `pty,raw,echo=0,link=${this.boardPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
    this.child = child;
    // A test that fails before dispose() must not leave socat behind.
    const reap = () => child.kill('SIGTERM');
    process.once('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    const deadline = Date.now() + 10_000;
    // socat prints "starting data transfer loop" once both ptys and links exist.
    while (!(existsSync(this.path) && existsSync(this.boardPath) && log.includes('starting data transfer loop'))) {
      if (child.exitCode !== null) throw new Error(`socat exited: ${log}`);
      if (Date.now() > deadline) throw new Error(`socat did not create ${this.path}: ${log}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Kill socat (the unplug) and wait until its links are gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = null;
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    const deadline = Date.now() + 5000;
    while ((existsSync(this.path) || existsSync(this.boardPath)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Stop socat and remove the folder. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function startPtyPair(name?: string): Promise<PtyPair> {
  const pair = new PtyPair(name);
  await pair.start();
  return pair;
}
