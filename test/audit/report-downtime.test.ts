import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { buildStationReport, exportBundle, reportFromJournal } from '../../src/audit/index.js';
import { DISTRICT_MIGRATIONS, initStationKeys, openJournal, sealDay, type EventPayloads, type EventType } from '../../src/journal/index.js';
import { daysFromStoreAndJournal, journalRowsOf, STATION, writeFirstLayoutStore } from './scenario.js';

/**
 * A station down for four days: the box dies during Tuesday's evening relay and comes back
 * on Saturday, when the daemon seals Tuesday and closes the interrupted slot — rows about
 * Tuesday written four days later. A report of Monday–Tuesday must still see Tuesday sealed
 * and the slot interrupted (not "no seal", not "no record"), from the journal and the store.
 */
const at = (date: string, time: string) => Date.parse(`${date}T${time}+07:00`);
const iso = (date: string, time: string) => `${date}T${time}+07:00`;
const slot = (date: string, time: string, end: string) => ({
  slot: `thoi-su-tinh@${date}T${time}`, program: 'thoi-su-tinh', title: 'Tiếp sóng thời sự Đài tỉnh', start: iso(date, time), end: iso(date, end),
  required: true, priority: 'normal' as const, zones: ['ap-1', 'cho'],
});
const result = (s: ReturnType<typeof slot>, date: string, status: EventPayloads['slot.result']['status'], secondsAired: number, reasons: string[] = []): EventPayloads['slot.result'] => ({
  ...s, date, status, secondsRequired: 1800, secondsAired, secondsFallback: 0, secondsDeadAir: 0, lateMs: 120, reasons,
});

describe('audit report: a station back after days of downtime', () => {
  const tmp = tempDir('loaxa-audit-downtime-');
  const db = () => join(tmp.dir, 'station', 'journal.db');
  const store = () => join(tmp.dir, 'huyen.db');
  const range = ['--from', '2026-11-09', '--to', '2026-11-10'];
  const evening = slot('2026-11-10', '17:30:00', '18:00:00');

  beforeAll(async () => {
    const keys = initStationKeys(join(tmp.dir, 'station', 'keys'));
    let clock = at('2026-11-09', '00:00:00');
    const journal = openJournal(db(), { station: STATION.id, timezone: STATION.timezone, now: () => clock });
    const put = <T extends EventType>(type: T, payload: EventPayloads[T], atMs: number) => {
      clock = atMs;
      journal.append(type, payload, atMs);
    };
    put('station.start', { version: '0.1.0', pid: 4242, host: 'loaxa-box', user: 'loaxa', schedule: '/srv/loaxa/lich.yaml' }, at('2026-11-09', '00:00:01'));
    for (const date of ['2026-11-09', '2026-11-10']) {
      const morning = slot(date, '05:30:00', '06:00:00');
      const even = slot(date, '17:30:00', '18:00:00');
      put('day.planned', { date, slots: [morning, even] }, at(date, '00:00:05'));
      put('slot.result', result(morning, date, 'aired', 1800), at(date, '06:00:01'));
      if (date === '2026-11-09') {
        put('slot.result', result(even, date, 'aired', 1800), at(date, '18:00:01'));
        clock = at('2026-11-10', '00:00:01');
        sealDay(journal, keys, date);
      } else {
        put('slot.armed', { slot: even.slot, program: even.program, start: even.start, end: even.end, required: true, priority: 'normal', zones: even.zones }, at(date, '17:29:30'));
        // 17:40: the power goes. Saturday 09:00 it comes back.
      }
    }
    put('station.start', { version: '0.1.0', pid: 777, host: 'loaxa-box', user: 'loaxa', schedule: '/srv/loaxa/lich.yaml' }, at('2026-11-14', '09:00:00'));
    clock = at('2026-11-14', '09:00:01');
    sealDay(journal, keys, '2026-11-10');
    put('slot.result', result(evening, '2026-11-10', 'interrupted', 600, ['crash']), at('2026-11-14', '09:00:02'));
    put('day.planned', { date: '2026-11-14', slots: [] }, at('2026-11-14', '09:00:03'));
    clock = at('2026-11-15', '00:00:01');
    sealDay(journal, keys, '2026-11-14');
    journal.close();
    exportBundle(db(), '2026-11-09', '2026-11-14', join(tmp.dir, 'den-thu-bay.jsonl'), { info: STATION, loaxaVersion: 'test' });
    const i = await runLoaxa(['audit', 'import', join(tmp.dir, 'den-thu-bay.jsonl'), '--store', store(), '--trust-new-key']);
    expect(i.code, i.stderr).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  const checkTuesday = (s: { days: Array<{ date: string; sealed: boolean; gaps: string[]; slots: Array<{ slot: string; status: string; secondsAired: number }> }>; totals: { required: { interrupted: number; unrecorded: number }; daysWithoutSeal: number } }) => {
    const tue = s.days.find((d) => d.date === '2026-11-10')!;
    expect(tue.sealed).toBe(true);
    expect(tue.gaps).not.toContain('no-seal');
    const x = tue.slots.find((y) => y.slot === evening.slot)!;
    expect(x.status).toBe('interrupted');
    expect(x.secondsAired).toBe(600);
    expect(s.totals.required.interrupted).toBe(1);
    expect(s.totals.required.unrecorded).toBe(0);
    expect(s.totals.daysWithoutSeal).toBe(0);
  };

  it('from the journal and from the district store: Tuesday sealed, its evening relay interrupted at 10 minutes', async () => {
    for (const source of [['--db', db()], ['--store', store()]]) {
      const r = await runLoaxa(['audit', 'report', ...source, ...range, '--json']);
      expect(r.code, r.stderr).toBe(0);
      checkTuesday(JSON.parse(r.stdout).stations[0]);
    }
    const { fromStore, fromJournal } = daysFromStoreAndJournal(store(), db(), '2026-11-09', '2026-11-10');
    expect(fromStore).toBe(fromJournal);
  });

  it('a store written before late rows were indexed finds them when it is migrated', () => {
    // The same store as the layout of version 2 left it: no late_rows table, no counted clock readings.
    const old = join(tmp.dir, 'cu.db');
    const src = new Database(store(), { readonly: true });
    src.exec(`VACUUM INTO '${old}'`);
    src.close();
    const v2 = new Database(old);
    v2.exec('DROP TABLE late_rows; ALTER TABLE station_days DROP COLUMN counted_clock');
    v2.pragma('user_version = 2');
    v2.close();
    const { fromStore, fromJournal } = daysFromStoreAndJournal(old, db(), '2026-11-09', '2026-11-10');
    expect(fromStore).toBe(fromJournal);
    expect(fromStore).toContain('"status":"interrupted"');
    const migrated = new Database(old, { readonly: true });
    try {
      expect(migrated.pragma('user_version', { simple: true })).toBe(DISTRICT_MIGRATIONS.length);
      expect(migrated.prepare('SELECT ref_day, seq FROM late_rows ORDER BY seq').all()).toEqual(
        (journalRowsOf(db()) as Array<{ seq: number; type: string; payload: string; local: string }>)
          .filter((r) => (r.type === 'seal' || r.type === 'slot.result') && r.local.startsWith('2026-11-14') && JSON.parse(r.payload).date === '2026-11-10')
          .map((r) => ({ ref_day: '2026-11-10', seq: r.seq })),
      );
    } finally {
      migrated.close();
    }
  });

  it('and from a store of the first layout (one row per event), migrated through every version', () => {
    const first = join(tmp.dir, 'dau.db');
    writeFirstLayoutStore(first, journalRowsOf(db()));
    const { fromStore, fromJournal } = daysFromStoreAndJournal(first, db(), '2026-11-09', '2026-11-10');
    expect(fromStore).toBe(fromJournal);
    expect(fromStore).toContain('"status":"interrupted"');
  });
});

describe('audit report from a journal: a clock that ran days ahead, then was set right', () => {
  const tmp = tempDir('loaxa-audit-clock-ahead-');
  afterAll(() => tmp.cleanup());

  it('rows written "later" by the wrong clock are read in seq order with the rest, as reading them all at once gives', () => {
    const db = join(tmp.dir, 'journal.db');
    const keys = initStationKeys(join(tmp.dir, 'keys'));
    let clock = at('2026-11-09', '00:00:00');
    const journal = openJournal(db, { station: STATION.id, timezone: STATION.timezone, now: () => clock });
    const put = <T extends EventType>(type: T, payload: EventPayloads[T], atMs: number) => {
      clock = atMs;
      journal.append(type, payload, atMs);
    };
    const morning = slot('2026-11-10', '05:30:00', '06:00:00');
    const evening = slot('2026-11-10', '17:30:00', '18:00:00');
    put('day.planned', { date: '2026-11-10', slots: [morning, evening] }, at('2026-11-10', '00:00:05'));
    // The box's clock jumps ten days ahead: the morning result is stamped 2026-11-20 …
    put('slot.result', result(morning, '2026-11-10', 'aired', 1800), at('2026-11-20', '06:00:01'));
    // … until NTP sets it right: later rows (higher seq) carry the true, earlier time.
    put('clock.status', { synchronised: true, offsetMs: 2, source: 'timedatectl' }, at('2026-11-10', '06:05:00'));
    put('slot.result', result(evening, '2026-11-10', 'partial', 1500, ['feed-lost']), at('2026-11-10', '18:00:01'));
    clock = at('2026-11-11', '00:00:01');
    sealDay(journal, keys, '2026-11-10');
    const all = journal.events({});
    journal.close();
    const streamed = reportFromJournal(db, '2026-11-09', '2026-11-10');
    const whole = buildStationReport({ ...STATION, fingerprints: streamed.station.fingerprints }, all, '2026-11-09', '2026-11-10');
    expect(JSON.stringify(streamed.days)).toBe(JSON.stringify(whole.days));
    const tue = streamed.days.find((d) => d.date === '2026-11-10')!;
    expect(tue.slots.map((s) => s.status)).toEqual(['aired', 'partial']);
  });
});
