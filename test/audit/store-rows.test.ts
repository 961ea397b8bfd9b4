import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { exportBundle } from '../../src/audit/index.js';
import { buildScenario, daysFromStoreAndJournal, journalRowsOf, ROW_COLUMNS, STATION, type Scenario, type StoredRow } from './scenario.js';


describe('audit import: rows land in the district store exactly as the station wrote them', () => {
  const tmp = tempDir('loaxa-audit-rows-');
  let sc: Scenario;
  let journalRows: StoredRow[];
  const store = () => join(tmp.dir, 'huyen.db');

  beforeAll(() => {
    sc = buildScenario(join(tmp.dir, 'station'));
    journalRows = journalRowsOf(sc.db);
  });
  afterAll(() => tmp.cleanup());

  it('an overlapping second bundle adds only the new rows, byte for byte, with the day counts', async () => {
    const opts = { info: STATION, loaxaVersion: 'test' };
    const firstHalf = join(tmp.dir, 'a.jsonl.gz');
    const week = join(tmp.dir, 'b.jsonl');
    exportBundle(sc.db, '2026-11-09', '2026-11-11', firstHalf, opts);
    exportBundle(sc.db, '2026-11-09', '2026-11-15', week, opts);
    // Through the CLI: bundles read and verified in worker threads, written in one run.
    const r = await runLoaxa(['audit', 'import', firstHalf, week, '--store', store(), '--trust-new-key', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const outcomes = JSON.parse(r.stdout) as Array<{ status: string; added: number; already: number }>;
    expect(outcomes.map((o) => o.status)).toEqual(['imported', 'imported']);
    const [a, b] = outcomes;
    // Rows are written in batches: the counts cross a batch boundary and leave a remainder.
    expect(a!.added + b!.added).toBe(journalRows.length);
    expect(b!.already).toBe(a!.added);
    expect(a!.added % 32).not.toBe(0);

    // The report reads only the columns it needs; it sees the same events as the journal gives.
    const { fromStore, fromJournal } = daysFromStoreAndJournal(store(), sc.db, '2026-11-09', '2026-11-15');
    expect(fromStore).toBe(fromJournal);
    const db = new Database(store(), { readonly: true });
    try {
      const stored = db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE station = ? ORDER BY seq`).all(STATION.id) as StoredRow[];
      expect(stored).toEqual(journalRows);
      const perDay = new Map<string, number>();
      for (const r of journalRows) if (r.type !== 'seal') perDay.set(r.local.slice(0, 10), (perDay.get(r.local.slice(0, 10)) ?? 0) + 1);
      expect(db.prepare('SELECT day, events FROM station_days ORDER BY day').all()).toEqual([...perDay].map(([day, events]) => ({ day, events })));
      // A new store is made with large pages (rows of hashes and JSON sit in a WITHOUT ROWID tree).
      expect(db.pragma('page_size', { simple: true })).toBe(16384);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('imports while a reader has the store open (the run stays in WAL mode), and leaves no journal file', async () => {
    const opts = { info: STATION, loaxaVersion: 'test' };
    const firstHalf = join(tmp.dir, 'c.jsonl');
    const week = join(tmp.dir, 'd.jsonl');
    exportBundle(sc.db, '2026-11-09', '2026-11-11', firstHalf, opts);
    exportBundle(sc.db, '2026-11-09', '2026-11-15', week, opts);
    const file = join(tmp.dir, 'shared.db');
    expect((await runLoaxa(['audit', 'import', firstHalf, '--store', file, '--trust-new-key'])).code).toBe(0);
    const reader = new Database(file, { readonly: true });
    try {
      const before = (reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      const r = await runLoaxa(['audit', 'import', week, '--store', file]);
      expect(r.code, r.stderr).toBe(0);
      expect((reader.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n).toBe(journalRows.length);
      expect(before).toBeLessThan(journalRows.length);
      const stored = reader.prepare(`SELECT ${ROW_COLUMNS} FROM events ORDER BY seq`).all() as StoredRow[];
      expect(stored).toEqual(journalRows);
    } finally {
      reader.close();
    }
    expect(existsSync(`${file}-journal`)).toBe(false);
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});
