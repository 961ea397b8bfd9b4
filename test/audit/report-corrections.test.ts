import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { openJournal, sealDay } from '../../src/journal/index.js';
import { buildScenario, daysFromStoreAndJournal, STATION, TRUTH, type Scenario } from './scenario.js';

// An officer amends a slot result days later (a `correction` event, as `loaxa journal correct`
// writes it): reports of the week apply it, from the journal and from the district store alike.
describe('audit report: corrections written long after the slot', () => {
  const tmp = tempDir('loaxa-audit-correct-');
  let sc: Scenario;
  let correctedSeq = 0;
  let correctionSeq = 0;
  const store = () => join(tmp.dir, 'huyen.db');
  const week = ['--from', '2026-11-09', '--to', '2026-11-15'];

  beforeAll(async () => {
    sc = buildScenario(join(tmp.dir, 'station'));
    // Five days after the week, with the faked clock (past the days a report reads around its range):
    // Tuesday's missed relay did go out, through the FM backup.
    let clock = Date.parse('2026-11-20T09:15:00+07:00');
    const journal = openJournal(sc.db, { station: STATION.id, timezone: STATION.timezone, now: () => clock });
    const missed = journal.events({ types: ['slot.result'] }).find((e) => (e.payload as { slot: string }).slot === TRUTH.missedSlot)!;
    correctedSeq = missed.seq;
    correctionSeq = journal.append('correction', {
      corrects: missed.seq, user: 'can-bo-vhtt', reason: 'Phát qua máy FM dự phòng, có biên bản', fields: { status: 'aired', secondsAired: 1800, reasons: [] },
    }).seq;
    clock = Date.parse('2026-11-21T00:00:01+07:00');
    sealDay(journal, sc.keys, '2026-11-20');
    journal.close();
    const bundle = join(tmp.dir, 'den-20-11.jsonl.gz');
    const e = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-20', '-o', bundle]);
    expect(e.code, e.stderr).toBe(0);
    const i = await runLoaxa(['audit', 'import', bundle, '--store', store(), '--trust-new-key']);
    expect(i.code, i.stderr).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('the week reported from the journal and from the store shows the slot corrected, attributed', async () => {
    for (const source of [['--db', sc.db], ['--store', store()]]) {
      const r = await runLoaxa(['audit', 'report', ...source, ...week, '--json']);
      expect(r.code, r.stderr).toBe(0);
      const s = JSON.parse(r.stdout).stations[0];
      const slot = s.days.flatMap((d: { slots: Array<{ slot: string }> }) => d.slots).find((x: { slot: string }) => x.slot === TRUTH.missedSlot);
      expect(slot.status).toBe('aired');
      expect(slot.secondsAired).toBe(1800);
      expect(slot.correctedBy).toEqual({ seq: correctionSeq, user: 'can-bo-vhtt', reason: 'Phát qua máy FM dự phòng, có biên bản' });
      expect(s.totals.required.missed).toBe(TRUTH.missed - 1);
      expect(s.totals.required.aired).toBe(TRUTH.aired + 1);
      expect(s.totals.secondsAired).toBe(TRUTH.secondsAired + 1800);
    }
    expect(correctionSeq).toBeGreaterThan(correctedSeq);
  });

  it('the CSV names the correction on the slot row', async () => {
    const r = await runLoaxa(['audit', 'report', '--store', store(), ...week, '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const row = r.stdout.split('\r\n').find((l) => l.includes(TRUTH.missedSlot))!;
    expect(row).toContain(`#${correctionSeq} can-bo-vhtt: Phát qua máy FM dự phòng`);
  });

  it('store and journal give the same days, day by day', () => {
    const { fromStore, fromJournal } = daysFromStoreAndJournal(store(), sc.db, '2026-11-09', '2026-11-15');
    expect(fromStore).toBe(fromJournal);
    expect(fromStore).toContain('can-bo-vhtt');
  });
});
