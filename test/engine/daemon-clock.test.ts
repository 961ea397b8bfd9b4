import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { FakeClock, startDaemon, watchClockStatus, CLOCK_CHECK_EVERY_MS, type Daemon } from '../../src/engine/index.js';
import { openJournal, type JournalEvent } from '../../src/journal/index.js';
import { runLoaxa, tempDir } from '../helpers/cli.js';

const HOUR = 3_600_000;
// 08:00 in Sóc Trăng: the sample schedule's programmes are at 05:30 and 17:00, so nothing airs.
const START = Date.parse('2026-12-07T08:00:00+07:00');

/** Wait (real time) until `count()` reaches `n`: a clock reading runs chronyc / timedatectl for real. */
async function waitFor(count: () => number, n: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (count() < n) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${n}, have ${count()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const readings = (db: string): JournalEvent[] => {
  const j = openJournal(db, { readonly: true });
  try {
    return j.events({ types: ['clock.status'] });
  } finally {
    j.close();
  }
};

describe('the daemon reads the clock hourly, not only at start', () => {
  const tmp = tempDir('loaxa-daemon-clock-');
  afterAll(() => tmp.cleanup());

  it('journals a reading at start and one each hour while it runs, none after it stops; the report counts them per day', async () => {
    const init = await runLoaxa(['init', join(tmp.dir, 'tram-an-thanh')]);
    expect(init.code, init.stderr).toBe(0);
    const db = join(tmp.dir, 'journal.db');
    const clock = new FakeClock(START);
    const lines: string[] = [];
    let daemon: Daemon | null = await startDaemon({
      scheduleFile: join(tmp.dir, 'tram-an-thanh', 'schedule.yaml'), db, clock, runDir: tmp.dir,
      log: (level, key) => lines.push(`${level} ${key}`), print: () => undefined,
    });
    try {
      await waitFor(() => readings(db).length, 1);
      for (let hour = 1; hour <= 3; hour++) {
        await clock.advance(CLOCK_CHECK_EVERY_MS);
        await waitFor(() => readings(db).length, 1 + hour);
      }
      await daemon.stop('test');
      daemon = null;
      await clock.advance(2 * HOUR);
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      await daemon?.stop('test');
    }
    const got = readings(db);
    expect(got.map((e) => e.atMs - START)).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR]);
    for (const e of got) {
      const p = e.payload as { synchronised: unknown; source: string };
      expect([true, false, 'unknown']).toContain(p.synchronised);
      expect(['chronyc', 'timedatectl', 'none']).toContain(p.source);
    }
    // The officer reads one clock line at start, and another only if the synchronisation changes.
    const clockLines = lines.filter((l) => /engine\.log\.clock(NoOffset|NoSource)?$/.test(l)).length;
    const changes = got.slice(1).filter((e, i) => (e.payload as { synchronised: unknown }).synchronised !== (got[i]!.payload as { synchronised: unknown }).synchronised).length;
    expect(clockLines).toBe(1 + changes);

    const r = await runLoaxa(['audit', 'report', '--db', db, '--from', '2026-12-07', '--to', '2026-12-07', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).stations[0].days[0].clockChecks).toBe(4);
  });

  it('a reading still under way when the watch is cancelled is dropped', async () => {
    const clock = new FakeClock(START);
    const seen: unknown[] = [];
    const watch = watchClockStatus(clock, (s) => seen.push(s), HOUR);
    await clock.advance(HOUR); // the reading starts (a real chronyc / timedatectl run)…
    watch.cancel(); // …and the daemon stops before it is back
    await new Promise((r) => setTimeout(r, 500));
    await clock.advance(5 * HOUR);
    expect(seen).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});
