import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { exportBundle } from '../../src/audit/index.js';
import { DISTRICT_MIGRATIONS } from '../../src/journal/index.js';
import { buildScenario, daysFromStoreAndJournal, journalRowsOf, ROW_COLUMNS, STATION, writeFirstLayoutStore, type Scenario, type StoredRow } from './scenario.js';


/**
 * A district store of the first layout (one row per event) is migrated to day chunks on
 * first open: every row still reads back byte for byte, reports are the same, and the
 * next import checks against the migrated rows.
 */
describe('audit store: migrating a store of the one-row-per-event layout', () => {
  const tmp = tempDir('loaxa-audit-migrate-');
  let sc: Scenario;
  let journalRows: StoredRow[];
  const store = () => join(tmp.dir, 'cu.db');

  beforeAll(() => {
    sc = buildScenario(join(tmp.dir, 'station'));
    journalRows = journalRowsOf(sc.db);
    // The store as version 1 left it, holding the first four days (rows 1…k).
    writeFirstLayoutStore(store(), journalRows.filter((r) => r.local < '2026-11-13'), sc.keys);
  });
  afterAll(() => tmp.cleanup());

  it('keeps every row byte for byte and reports as before', () => {
    const { fromStore, fromJournal } = daysFromStoreAndJournal(store(), sc.db, '2026-11-09', '2026-11-11');
    expect(fromStore).toBe(fromJournal);
    const db = new Database(store(), { readonly: true });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(DISTRICT_MIGRATIONS.length);
      const stored = db.prepare(`SELECT ${ROW_COLUMNS} FROM events WHERE station = ? ORDER BY seq`).all(STATION.id) as StoredRow[];
      expect(stored).toEqual(journalRows.filter((r) => r.local < '2026-11-13'));
      // Day chunks: consecutive seqs of one local date each.
      const chunks = db.prepare('SELECT first_seq, last_seq, first_day, last_day FROM event_chunks ORDER BY first_seq').all() as Array<{ first_seq: number; last_seq: number; first_day: string; last_day: string }>;
      expect(chunks.length).toBe(4);
      chunks.forEach((c, i) => {
        expect(c.first_day).toBe(c.last_day);
        if (i > 0) expect(c.first_seq).toBe(chunks[i - 1]!.last_seq + 1);
      });
    } finally {
      db.close();
    }
  });

  it('then takes the week: the overlap is checked against the migrated rows, the rest added', async () => {
    const week = join(tmp.dir, 'tuan.jsonl');
    exportBundle(sc.db, '2026-11-09', '2026-11-15', week, { info: STATION, loaxaVersion: 'test' });
    const r = await runLoaxa(['audit', 'import', week, '--store', store(), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [o] = JSON.parse(r.stdout) as Array<{ status: string; added: number; already: number }>;
    expect(o!.status).toBe('imported');
    expect(o!.added + o!.already).toBe(journalRows.length);
    const db = new Database(store(), { readonly: true });
    try {
      expect(db.prepare(`SELECT ${ROW_COLUMNS} FROM events ORDER BY seq`).all()).toEqual(journalRows);
    } finally {
      db.close();
    }
  });
});
