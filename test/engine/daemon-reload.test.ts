import { afterAll, describe, expect, it } from 'vitest';
import { linkSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pbkdf2 } from 'node:crypto';
import { FakeClock, startDaemon, type Daemon } from '../../src/engine/index.js';
import { openJournal } from '../../src/journal/index.js';
import { runLoaxa, tempDir } from '../helpers/cli.js';

// 08:00 in Sóc Trăng: the sample schedule's programmes are at 05:30 and 17:00, so nothing airs.
const START = Date.parse('2026-12-07T08:00:00+07:00');

async function waitFor(ok: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the daemon sees a schedule edit its change notifications miss', () => {
  const tmp = tempDir('loaxa-daemon-reload-');
  afterAll(() => tmp.cleanup());

  it('an edit written through a hard link in another folder (no notification for the schedule\'s folder) is still rejected or loaded', async () => {
    const init = await runLoaxa(['init', join(tmp.dir, 'tram-an-thanh')]);
    expect(init.code, init.stderr).toBe(0);
    const file = join(tmp.dir, 'tram-an-thanh', 'schedule.yaml');
    const good = readFileSync(file, 'utf8');
    // The same file seen from elsewhere, as a network share or a second mount might show it:
    // inotify reports a write to the folder it was made through, not to the schedule's.
    mkdirSync(join(tmp.dir, 'elsewhere'));
    const other = join(tmp.dir, 'elsewhere', 'lich.yaml');
    linkSync(file, other);

    const db = join(tmp.dir, 'journal.db');
    const lines: string[] = [];
    const daemon: Daemon = await startDaemon({
      scheduleFile: file, db, clock: new FakeClock(START), runDir: tmp.dir,
      log: (level, key) => lines.push(`${level} ${key}`), print: () => undefined,
    });
    try {
      writeFileSync(other, good.replace('timezone: Asia/Ho_Chi_Minh', 'timezone: Mars/Olympus'));
      await waitFor(() => lines.includes('error engine.log.rejected'), 'the broken edit to be rejected');
      // A valid edit (a new programme time) is loaded the same way.
      expect(daemon.engine.status().next?.start).toContain('T17:00');
      writeFileSync(other, good.replace('at: "17:00"', 'at: "17:30"'));
      await waitFor(() => daemon.engine.status().next?.start.includes('T17:30') === true, 'the valid edit to re-plan');
    } finally {
      await daemon.stop('test');
    }
    const j = openJournal(db, { readonly: true });
    try {
      expect(j.events({ types: ['schedule.rejected'] })).toHaveLength(1);
    } finally {
      j.close();
    }
  });

  it('an edit made the moment the daemon has started, on a machine whose thread pool is busy, is still seen', async () => {
    const init = await runLoaxa(['init', join(tmp.dir, 'tram-vinh-hai')]);
    expect(init.code, init.stderr).toBe(0);
    const file = join(tmp.dir, 'tram-vinh-hai', 'schedule.yaml');
    const good = readFileSync(file, 'utf8');
    const other = join(tmp.dir, 'elsewhere-2', 'lich.yaml');
    mkdirSync(join(tmp.dir, 'elsewhere-2'));
    linkSync(file, other);

    // Keep libuv's four threads busy with real work, as a loaded station PC does: anything the
    // daemon hands the pool waits its turn behind a key derivation of ~100 ms.
    let busy = true;
    const keepBusy = (): void => {
      if (busy) pbkdf2('loaxa', 'salt', 500_000, 32, 'sha256', keepBusy);
    };
    for (let i = 0; i < 4; i++) keepBusy();
    const lines: string[] = [];
    const daemon: Daemon = await startDaemon({
      scheduleFile: file, db: join(tmp.dir, 'journal-2.db'), clock: new FakeClock(START), runDir: tmp.dir,
      log: (level, key) => lines.push(`${level} ${key}`), print: () => undefined,
    });
    try {
      writeFileSync(other, good.replace('at: "17:00"', 'at: "17:45"'));
      await waitFor(() => daemon.engine.status().next?.start.includes('T17:45') === true, 'the edit to re-plan');
    } finally {
      busy = false;
      await daemon.stop('test');
    }
  });
});
