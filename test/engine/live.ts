/**
 * A live test station: a real HTTP feed (440 Hz), a socat pty with a Modbus board
 * simulator on the far end, a schedule whose slot starts a few seconds ahead, and the
 * real `loaxa run` as a child process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { openJournal } from '../../src/journal/index.js';
import type { EventPayloads, JournalEvent } from '../../src/journal/events.js';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';
import { startTestFeed, type TestFeed } from '../helpers/feed.js';
import { ModbusBoardSimulator, startPtyPair, type PtyPair } from '../helpers/boards/index.js';
import { writeStation, type ProgramSpec } from './station.js';

export const TZ = 'Asia/Ho_Chi_Minh';
export const TONES = { feed: 440, fallback: 880, bulletin: 1320 };

/** HH:MM:SS in the station's timezone. */
export function localHms(ms: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(ms));
}

export interface LiveStation {
  dir: string;
  file: string;
  pty: PtyPair;
  board: ModbusBoardSimulator;
  feed: TestFeed;
  /** Planned start (epoch ms, whole second) of the first program. */
  startMs: number;
  /** Programs as liveStation takes them (`at` from the first start plus offsetS). */
  rewrite(programs: Array<Omit<ProgramSpec, 'at'> & { offsetS?: number }>): void;
  events<T extends keyof EventPayloads>(type?: T): Array<JournalEvent<T>>;
  recordings(): string[];
  cleanup(): Promise<void>;
}

/** `programs` get their `at` from `offsets` (seconds after the first start). */
export async function liveStation(leadS: number, programs: Array<Omit<ProgramSpec, 'at'> & { offsetS?: number }>, opts: { warmup?: string; cooldown?: string } = {}): Promise<LiveStation> {
  const tmp = tempDir('loaxa-live-');
  const pty = await startPtyPair('modbus');
  const board = await new ModbusBoardSimulator(pty.boardPath, 8, 1).open();
  const feed = await startTestFeed({ frequency: TONES.feed });
  const startMs = Math.ceil((Date.now() + leadS * 1000) / 1000) * 1000;
  const specs = (ps: typeof programs): ProgramSpec[] => ps.map((p) => ({ ...p, at: localHms(startMs + (p.offsetS ?? 0) * 1000) }));
  const writeOpts = { port: pty.path, feedUrl: feed.url, warmup: opts.warmup ?? '1s', cooldown: opts.cooldown ?? '1s' };
  const file = writeStation(tmp.dir, specs(programs), writeOpts);
  return {
    dir: tmp.dir,
    file,
    pty,
    board,
    feed,
    startMs,
    rewrite: (ps) => void writeStation(tmp.dir, specs(ps as typeof programs), writeOpts),
    events: (type) => {
      const j = openJournal(join(tmp.dir, 'journal.db'), { station: 'xa-thu', timezone: TZ, readonly: true });
      try {
        return j.events(type ? { types: [type] } : {}) as never;
      } finally {
        j.close();
      }
    },
    recordings: () => {
      try {
        return readdirSync(join(tmp.dir, 'recordings')).map((f) => join(tmp.dir, 'recordings', f));
      } catch {
        return [];
      }
    },
    cleanup: async () => {
      await board.close().catch(() => undefined);
      await pty.dispose().catch(() => undefined);
      await feed.close().catch(() => undefined);
      tmp.cleanup();
    },
  };
}

export interface DaemonProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

/** `loaxa run` in English unless `env` says otherwise (e.g. `{ LANG: 'vi_VN.UTF-8' }`). */
export function spawnDaemon(file: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): DaemonProcess {
  const child = spawn(process.execPath, [BIN, 'run', file, ...args], {
    cwd: ROOT,
    env: { ...process.env, LANG: 'en_US.UTF-8', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (text, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const tick = () => {
          if (typeof text === 'string' ? out.includes(text) : text.test(out)) return resolve();
          if (child.exitCode !== null || Date.now() > deadline) return reject(new Error(`daemon never printed ${String(text)}; output:\n${out}`));
          setTimeout(tick, 50);
        };
        tick();
      }),
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const until = (ms: number) => sleep(Math.max(0, ms - Date.now()));

/** Coil changes carried by one Modbus frame (FC05 single, FC0F several); none for reads. */
export function coilChanges(bytes: Buffer): Array<{ coil: number; on: boolean }> {
  const fc = bytes[1];
  const start = (bytes[2]! << 8) | bytes[3]!;
  if (fc === 0x05) {
    const v = (bytes[4]! << 8) | bytes[5]!;
    if (start === 0xff) return Array.from({ length: 8 }, (_, coil) => ({ coil, on: v === 0xff00 }));
    return [{ coil: start, on: v === 0xff00 }];
  }
  if (fc === 0x0f) {
    const qty = (bytes[4]! << 8) | bytes[5]!;
    const out: Array<{ coil: number; on: boolean }> = [];
    for (let i = 0; i < qty; i++) out.push({ coil: start + i, on: Boolean((bytes[7 + (i >> 3)]! >> (i & 7)) & 1) });
    return out;
  }
  return [];
}

/** First time (ms) a frame set coil `coil` to `on` at or after `fromMs`. */
export function coilAt(board: ModbusBoardSimulator, coil: number, on: boolean, fromMs = 0): number | null {
  for (const f of board.frames) {
    if (f.atMs < fromMs || !f.valid) continue;
    if (coilChanges(f.bytes).some((c) => c.coil === coil && c.on === on)) return f.atMs;
  }
  return null;
}
