import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { buildStationReport, clockReadingTextFine, CLOCK_OFFSET_LIMIT_MS, exportBundle } from '../../src/audit/index.js';
import { canonicalJson, initStationKeys, openJournal, sealDay, type EventPayloads } from '../../src/journal/index.js';
import { STATION } from './scenario.js';

// Hourly clock checks are most rows of a busy day. Fine readings are counted without being
// parsed (from a journal) or stored apart with their number (in the district store); every
// reading still counts as a check, and every problem is still listed.
const DAYS = ['2026-11-20', '2026-11-21'];
type Clock = EventPayloads['clock.status'];
const READINGS: Array<[string, Clock]> = [
  ['00:10:00', { synchronised: true, offsetMs: 3, source: 'timedatectl' }],
  ['01:10:00', { synchronised: true, offsetMs: -999.9, source: 'chronyc' }],
  ['02:10:00', { synchronised: true, offsetMs: null, source: 'timedatectl' }],
  ['03:10:00', { synchronised: true, offsetMs: 1000, source: 'timedatectl' }], // a problem: a second off
  ['04:10:00', { synchronised: true, offsetMs: -2500, source: 'chronyc' }], // a problem
  ['05:10:00', { synchronised: false, offsetMs: 12, source: 'timedatectl' }], // a problem: not synchronised
  ['06:10:00', { synchronised: 'unknown', offsetMs: null, source: 'none' }], // not fine, not a problem
  ['07:10:00', { synchronised: true, offsetMs: 0.25, source: 'đồng hồ "máy chủ" xã' }],
];
const PROBLEMS_A_DAY = 3;

describe('report: clock checks', () => {
  const tmp = tempDir('loaxa-audit-clock-');
  const db = join(tmp.dir, 'journal.db');
  const bundle = join(tmp.dir, 'clock.jsonl.gz');
  const store = join(tmp.dir, 'huyen.db');

  beforeAll(() => {
    const keys = initStationKeys(join(tmp.dir, 'keys'));
    let now = Date.parse(`${DAYS[0]}T00:00:00+07:00`);
    const journal = openJournal(db, { station: STATION.id, timezone: STATION.timezone, now: () => now });
    for (const date of DAYS) {
      for (const [time, p] of READINGS) {
        now = Date.parse(`${date}T${time}+07:00`);
        journal.append('clock.status', p, now);
      }
      now = Date.parse(`${date}T23:59:00+07:00`);
      sealDay(journal, keys, date);
    }
    journal.close();
    exportBundle(db, DAYS[0]!, DAYS[1]!, bundle, { info: STATION, loaxaVersion: 'test' });
  });
  afterAll(() => tmp.cleanup());

  it('tells a fine reading by its canonical text only when it surely is one', () => {
    const fine = READINGS.filter(([, p]) => clockReadingTextFine(canonicalJson(p))).map(([time]) => time);
    expect(fine).toEqual(['00:10:00', '01:10:00', '02:10:00', '07:10:00']);
    // Another shape is read, not counted: a second offsetMs could otherwise hide behind the first.
    expect(clockReadingTextFine('{"offsetMs":3,"offsetMs":5000,"source":"x","synchronised":true}')).toBe(false);
    expect(clockReadingTextFine('{"offsetMs":3,"source":"x","synchronised":true,"zone":"ap-1"}')).toBe(false);
    expect(clockReadingTextFine('{"offsetMs":1e-7,"source":"x","synchronised":true}')).toBe(false);
    // The limit is the model's own (CLOCK_OFFSET_LIMIT_MS), on either side of zero.
    const at = (offset: string) => clockReadingTextFine(`{"offsetMs":${offset},"source":"chronyc","synchronised":true}`);
    expect(['0', '999.999', '-999', '-0.012'].map(at)).toEqual([true, true, true, true]);
    expect([String(CLOCK_OFFSET_LIMIT_MS), `-${CLOCK_OFFSET_LIMIT_MS}`, '12000', '1000.5'].map(at)).toEqual([false, false, false, false]);
  });

  it('counts every reading and lists every problem the same from the journal, the store and the rows themselves', async () => {
    const fromDb = await runLoaxa(['audit', 'report', '--db', db, '--from', DAYS[0]!, '--to', DAYS[1]!, '--format', 'json']);
    expect(fromDb.code, fromDb.stderr).toBe(0);
    const imported = await runLoaxa(['audit', 'import', bundle, '--store', store, '--trust-new-key']);
    expect(imported.code, imported.stderr).toBe(0);
    const fromStore = await runLoaxa(['audit', 'report', '--store', store, '--from', DAYS[0]!, '--to', DAYS[1]!, '--format', 'json']);
    expect(fromStore.code, fromStore.stderr).toBe(0);

    const daysOf = (out: string) => {
      const r = JSON.parse(out) as { stations: Array<{ days: Array<{ date: string; clockChecks: number; clockProblems: Array<{ at: string; synchronised: unknown; offsetMs: unknown }> }> }> };
      return r.stations[0]!.days;
    };
    const journalDays = daysOf(fromDb.stdout);
    expect(daysOf(fromStore.stdout)).toEqual(journalDays);
    for (const day of journalDays) {
      expect(day.clockChecks).toBe(READINGS.length);
      expect(day.clockProblems.map((p) => [p.at.slice(11, 19), p.synchronised, p.offsetMs])).toEqual([
        ['03:10:00', true, 1000],
        ['04:10:00', true, -2500],
        ['05:10:00', false, 12],
      ]);
    }
    expect(journalDays.flatMap((d) => d.clockProblems)).toHaveLength(PROBLEMS_A_DAY * DAYS.length);

    // The model given every row, parsed, says the same.
    const j = openJournal(db, { station: STATION.id, timezone: STATION.timezone, readonly: true });
    try {
      const plain = buildStationReport({ id: STATION.id }, j.events({}), DAYS[0]!, DAYS[1]!);
      expect(plain.days.map((d) => [d.clockChecks, d.clockProblems.length])).toEqual(journalDays.map((d) => [d.clockChecks, d.clockProblems.length]));
    } finally {
      j.close();
    }

    // The store keeps the fine readings with the rows a report does not parse, and their number in the day's counts.
    const s = new Database(store, { readonly: true });
    try {
      const perDay = s.prepare('SELECT day, counted_clock FROM station_days ORDER BY day').raw(true).all();
      expect(perDay).toEqual(DAYS.map((d) => [d, 4]));
      const chunks = s.prepare('SELECT report_rows FROM event_chunks ORDER BY first_seq').all() as Array<{ report_rows: Buffer }>;
      const parsed = chunks.flatMap((c) => JSON.parse(c.report_rows.toString('utf8')) as Array<{ type: string }>).filter((r) => r.type === 'clock.status');
      expect(parsed).toHaveLength((READINGS.length - 4) * DAYS.length);
      // …and every reading is still in the store, as the station wrote it.
      expect((s.prepare("SELECT count(*) AS n FROM events WHERE type = 'clock.status'").get() as { n: number }).n).toBe(READINGS.length * DAYS.length);
    } finally {
      s.close();
    }
  });
});
