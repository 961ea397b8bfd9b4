import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../helpers/cli.js';
import * as jm from '../../src/journal/index.js';

const WRITER = fileURLToPath(new URL('./fixtures/writer.mjs', import.meta.url));

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('loaxa-durability-')));
afterEach(() => cleanup());

interface Writer {
  child: ChildProcess;
  acked: Map<number, string>;
  /** Resolves once `n` appends are acknowledged (or the writer ended). */
  until(n: number): Promise<void>;
  exited: Promise<number | null>;
}

function startWriter(db: string, tag: string, count?: number): Writer {
  const child = spawn(process.execPath, [WRITER, ROOT, db, tag, ...(count ? [String(count)] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked = new Map<number, string>();
  let buffer = '';
  let stderr = '';
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let ended = false;
  const wake = () => {
    for (const w of [...waiters]) if (ended || acked.size >= w.n) (waiters.splice(waiters.indexOf(w), 1), w.resolve());
  };
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      const m = /^(\d+) (\S+)$/.exec(line);
      if (m) acked.set(Number(m[1]), m[2]!);
    }
    wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      ended = true;
      wake();
      if (code && code !== 0) process.stderr.write(`writer ${tag} exited ${code}: ${stderr}\n`);
      resolve(code);
    }),
  );
  return { child, acked, exited, until: (n) => new Promise((resolve) => (waiters.push({ n, resolve }), wake())) };
}

function checkFile(db: string, acked: Map<number, string>): void {
  const raw = new Database(db, { readonly: true });
  expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
  raw.close();
  const result = jm.verifyJournal(db, { requireSeals: false, noStationKeys: true });
  expect(result.firstBad).toBeUndefined();
  expect(result.ok).toBe(true);
  const journal = jm.openJournal(db, { station: 'an-thanh-ba', timezone: 'Asia/Ho_Chi_Minh', readonly: true });
  try {
    const stored = new Map(journal.events().map((e) => [e.seq, (e.payload as jm.EventPayloads['relay.action']).slot]));
    for (const [seq, what] of acked) expect(stored.get(seq), `acknowledged seq ${seq}`).toBe(what);
    expect(stored.size).toBeGreaterThanOrEqual(acked.size);
  } finally {
    journal.close();
  }
}

describe('durability', () => {
  it('every acknowledged append survives a SIGKILL mid-burst, the file stays sound and the chain verifies', async () => {
    const db = join(dir, 'station', 'journal.db');
    const all = new Map<number, string>();
    for (let round = 0; round < 3; round++) {
      const w = startWriter(db, `r${round}`);
      await w.until(150 + round * 50);
      w.child.kill('SIGKILL');
      const code = await w.exited;
      expect(code).toBeNull(); // killed, not finished
      expect(w.acked.size).toBeGreaterThanOrEqual(150);
      for (const [k, v] of w.acked) all.set(k, v);
      // the next round reopens the file a killed writer left behind (WAL recovery) and continues the chain
      checkFile(db, all);
    }
  });

  it('two processes creating and appending to one journal at once never fork the chain', async () => {
    const db = join(dir, 'journal.db');
    const a = startWriter(db, 'a', 120);
    const b = startWriter(db, 'b', 120);
    expect(await a.exited).toBe(0);
    expect(await b.exited).toBe(0);
    const all = new Map([...a.acked, ...b.acked]);
    expect(all.size).toBe(240); // no seq handed out twice
    checkFile(db, all);
  });
});
