/**
 * A week at one commune station with known truth, written through the real journal API
 * (real SQLite file, real Ed25519 keys, a faked clock only):
 *   Mon 2026-11-09 … Sun 2026-11-15, two required relays a day (05:30 and 17:30, 30 min)
 *   and an optional 5-minute local bulletin slot at 17:15 (Vietnamese + Khmer inserts).
 *   Tue: the morning relay is missed (feed unreachable).
 *   Wed: the evening feed drops for 5 minutes; the fallback airs; the slot is partial (1500 of 1800 s).
 *   Thu: an emergency flood warning pre-empts the morning relay after 10 minutes (600 s aired).
 *   Fri: the relay for zone ap-2 does not answer when the evening relay starts.
 *   Sat: the clock is found unsynchronised (2.5 s off).
 * Every day is sealed just after the following midnight.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { buildStationReport, exportBundle, reportsFromStore } from '../../src/audit/index.js';
import { DISTRICT_MIGRATIONS, initStationKeys, openDistrictStore, openJournal, sealDay, type EventPayloads, type EventType, type StationKeys } from '../../src/journal/index.js';

export const STATION = { id: 'an-thanh-ba', name: 'Đài truyền thanh xã An Thạnh Ba', district: 'Cù Lao Dung', province: 'Sóc Trăng', timezone: 'Asia/Ho_Chi_Minh' };
export const WEEK = ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'];
export const APPROVER = 'Phó Chủ tịch UBND xã';

export const TRUTH = {
  requiredSlots: 14,
  aired: 11,
  partial: 1,
  missed: 1,
  preempted: 1,
  secondsRequired: 14 * 1800,
  secondsAired: 11 * 1800 + 1500 + 600,
  secondsFallback: 300,
  relayFaults: 1,
  emergencies: 1,
  operatorActions: 1,
  clockProblems: 1,
  bulletinPlays: 14,
  missedSlot: 'thoi-su-tinh-sang@2026-11-10T05:30:00',
  partialSlot: 'thoi-su-tinh-chieu@2026-11-11T17:30:00',
  preemptedSlot: 'thoi-su-tinh-sang@2026-11-12T05:30:00',
};

const at = (date: string, time: string) => Date.parse(`${date}T${time}+07:00`);
const iso = (date: string, time: string) => `${date}T${time}+07:00`;

export interface Scenario {
  db: string;
  keysDir: string;
  keys: StationKeys;
}

interface Options {
  /** Change what one slot result says (to build a rewritten history). */
  tamper?: (slot: string, p: EventPayloads['slot.result']) => EventPayloads['slot.result'];
  /** Use these keys instead of making new ones. */
  keys?: StationKeys;
  days?: string[];
  /** Another station id (same week, same truth). */
  station?: string;
}

export function buildScenario(dir: string, opts: Options = {}): Scenario {
  const db = join(dir, 'journal.db');
  const keysDir = join(dir, 'keys');
  const keys = opts.keys ?? initStationKeys(keysDir);
  let clock = at(WEEK[0]!, '00:00:00');
  const journal = openJournal(db, { station: opts.station ?? STATION.id, timezone: STATION.timezone, now: () => clock });
  const put = <T extends EventType>(type: T, payload: EventPayloads[T], atMs: number) => {
    clock = atMs;
    journal.append(type, payload, atMs);
  };
  const days = opts.days ?? WEEK;
  put('station.start', { version: '0.1.0', pid: 4242, host: 'loaxa-box', user: 'loaxa', schedule: '/srv/loaxa/lich.yaml' }, at(days[0]!, '00:00:01'));
  put('schedule.loaded', { file: '/srv/loaxa/lich.yaml', sha256: 'ab'.repeat(32), programs: 3, zones: 3 }, at(days[0]!, '00:00:02'));

  for (const date of days) {
    const slots = [
      { slot: `thoi-su-tinh-sang@${date}T05:30:00`, program: 'thoi-su-tinh-sang', title: 'Tiếp sóng thời sự Đài tỉnh', start: iso(date, '05:30:00'), end: iso(date, '06:00:00'), required: true, priority: 'normal' as const, zones: ['ap-1', 'ap-2', 'cho'] },
      { slot: `ban-tin-xa@${date}T17:15:00`, program: 'ban-tin-xa', title: 'Bản tin xã', start: iso(date, '17:15:00'), end: iso(date, '17:20:00'), required: false, priority: 'priority' as const, zones: ['ap-1', 'cho'] },
      { slot: `thoi-su-tinh-chieu@${date}T17:30:00`, program: 'thoi-su-tinh-chieu', title: 'Thời sự chiều Đài tỉnh', start: iso(date, '17:30:00'), end: iso(date, '18:00:00'), required: true, priority: 'normal' as const, zones: ['ap-1', 'ap-2', 'cho'] },
    ];
    put('day.planned', { date, slots }, at(date, '00:00:05'));
    const sync = date === '2026-11-14' ? { synchronised: false, offsetMs: 2500, source: 'timedatectl' } : { synchronised: true, offsetMs: 3, source: 'timedatectl' };
    put('clock.status', sync, at(date, '00:00:10'));

    for (const s of slots) {
      const startTime = s.start.slice(11, 19);
      const startMs = at(date, startTime);
      put('slot.armed', { slot: s.slot, program: s.program, start: s.start, end: s.end, required: s.required, priority: s.priority, zones: s.zones }, startMs - 30_000);
      const faultyRelay = date === '2026-11-13' && s.program === 'thoi-su-tinh-chieu';
      put('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1, 3], zones: ['ap-1', 'cho'], wanted: 'on', confirmed: 'on', elapsedMs: 40, slot: s.slot }, startMs - 5000);
      if (s.zones.includes('ap-2')) {
        put('relay.action', faultyRelay
          ? { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [2], zones: ['ap-2'], wanted: 'on', confirmed: null, fault: 'timeout', elapsedMs: 1500, slot: s.slot }
          : { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [2], zones: ['ap-2'], wanted: 'on', confirmed: 'on', elapsedMs: 38, slot: s.slot }, startMs - 4000);
      }
      let result: EventPayloads['slot.result'] = {
        slot: s.slot, program: s.program, title: s.title, date, start: s.start, end: s.end, status: 'aired', required: s.required, priority: s.priority, zones: s.zones,
        secondsRequired: s.program === 'ban-tin-xa' ? 300 : 1800, secondsAired: s.program === 'ban-tin-xa' ? 300 : 1800, secondsFallback: 0, secondsDeadAir: 0, lateMs: 120, reasons: [],
      };
      if (s.program === 'ban-tin-xa') {
        put('insert.played', { slot: s.slot, bulletin: '5k-vi', language: 'vi', mode: 'alone', sha256: 'cd'.repeat(32), approvedBy: APPROVER, at: iso(date, '17:15:00'), seconds: 120 }, at(date, '17:17:00'));
        put('insert.played', { slot: s.slot, bulletin: '5k-km', language: 'km', mode: 'alone', sha256: 'ef'.repeat(32), approvedBy: APPROVER, at: iso(date, '17:17:00'), seconds: 150 }, at(date, '17:19:30'));
      } else if (date === '2026-11-10' && s.program === 'thoi-su-tinh-sang') {
        put('feed.lost', { source: 'tinh', reason: 'connection refused', slot: s.slot }, startMs + 1000);
        result = { ...result, status: 'missed', secondsAired: 0, lateMs: 0, reasons: ['feed-unreachable'] };
      } else if (date === '2026-11-11' && s.program === 'thoi-su-tinh-chieu') {
        put('feed.connected', { source: 'tinh', url: 'http://radio.example.vn/live.mp3', slot: s.slot }, startMs);
        put('feed.lost', { source: 'tinh', reason: 'read timeout', slot: s.slot }, at(date, '17:40:00'));
        put('fallback.started', { source: 'tinh', file: '/srv/loaxa/media/nhac-cho.mp3', reason: 'feed-lost', slot: s.slot }, at(date, '17:40:02'));
        put('feed.connected', { source: 'tinh', url: 'http://radio.example.vn/live.mp3', slot: s.slot }, at(date, '17:45:02'));
        put('fallback.ended', { source: 'tinh', seconds: 300, slot: s.slot }, at(date, '17:45:02'));
        result = { ...result, status: 'partial', secondsAired: 1500, secondsFallback: 300, reasons: ['feed-lost'] };
      } else if (date === '2026-11-12' && s.program === 'thoi-su-tinh-sang') {
        put('feed.connected', { source: 'tinh', url: 'http://radio.example.vn/live.mp3', slot: s.slot }, startMs);
        put('operator.action', { user: 'nguyen.van.an', command: 'play', args: ['--emergency', 'bao-lu'], reason: 'Cảnh báo lũ khẩn cấp' }, at(date, '05:39:50'));
        put('emergency.broadcast', { bulletin: 'bao-lu', language: 'vi', zones: ['ap-1', 'ap-2', 'cho'], user: 'nguyen.van.an', preempted: [s.slot] }, at(date, '05:40:00'));
        result = { ...result, status: 'preempted', secondsAired: 600, reasons: ['emergency:bao-lu'] };
      } else {
        put('feed.connected', { source: 'tinh', url: 'http://radio.example.vn/live.mp3', slot: s.slot }, startMs);
      }
      if (opts.tamper) result = opts.tamper(s.slot, result);
      put('slot.result', result, at(date, s.end.slice(11, 19)) + 1000);
      put('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: s.zones.includes('ap-2') ? [1, 2, 3] : [1, 3], zones: s.zones, wanted: 'off', confirmed: 'off', elapsedMs: 41, slot: s.slot }, at(date, s.end.slice(11, 19)) + 3000);
    }
    // Sealed just after the next local midnight, as the daemon does.
    const next = WEEK[WEEK.indexOf(date) + 1] ?? '2026-11-16';
    clock = at(next, '00:00:01');
    sealDay(journal, keys, date);
  }
  journal.close();
  return { db, keysDir, keys };
}

/** The scenario's week exported as a plain bundle in `dir`, and its lines (header, rows, end). */
export function weekBundle(dir: string): { sc: Scenario; file: string; lines: string[] } {
  const sc = buildScenario(join(dir, 'station'));
  const file = join(dir, 'week.jsonl');
  exportBundle(sc.db, '2026-11-09', '2026-11-15', file, { info: STATION, loaxaVersion: 'test' });
  return { sc, file, lines: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

/** A bundle file `name` in `dir` made of `lines` (to hand a reader an edited copy). */
export function writeLines(dir: string, name: string, lines: string[]): string {
  const f = join(dir, name);
  writeFileSync(f, lines.join('\n') + '\n');
  return f;
}

/** An event row as SQLite holds it, in the journal and in the district store's `events` view. */
export type StoredRow = { seq: number; at_ms: number; local: string; type: string; payload: string; prev_hash: string; hash: string };
export const ROW_COLUMNS = 'seq, at_ms, local, type, payload, prev_hash, hash';

/** A journal file's rows, in seq order, straight from SQLite. */
export function journalRowsOf(file: string): StoredRow[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(`SELECT ${ROW_COLUMNS} FROM events ORDER BY seq`).all() as StoredRow[];
  } finally {
    db.close();
  }
}

/**
 * A district store as its first layout (version 1: one row per event) held `rows` of the
 * station, written by hand with that version's migration — to test migrating it.
 */
export function writeFirstLayoutStore(file: string, rows: StoredRow[], key?: { publicKeyBase64: string; fingerprint: string }): void {
  const old = new Database(file);
  try {
    old.exec(DISTRICT_MIGRATIONS[0]!);
    old.pragma('user_version = 1');
    const insert = old.prepare(`INSERT INTO events (station, ${ROW_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const r of rows) insert.run(STATION.id, r.seq, r.at_ms, r.local, r.type, r.payload, r.prev_hash, r.hash);
    const days = new Map<string, number>();
    for (const r of rows) if (r.type !== 'seal') days.set(r.local.slice(0, 10), (days.get(r.local.slice(0, 10)) ?? 0) + 1);
    for (const [day, n] of days) old.prepare('INSERT INTO station_days (station, day, events) VALUES (?, ?, ?)').run(STATION.id, day, n);
    const head = rows[rows.length - 1]!;
    old.prepare('INSERT INTO stations (id, name, head_seq, head_hash, first_import_ms, last_import_ms) VALUES (?, ?, ?, ?, 0, 0)').run(STATION.id, STATION.name, head.seq, head.hash);
    if (key) old.prepare("INSERT INTO station_keys (station, public_key, fingerprint, registered_ms, how) VALUES (?, ?, ?, 0, 'trust-new-key')").run(STATION.id, key.publicKeyBase64, key.fingerprint);
  } finally {
    old.close();
  }
}

/** The station's days as reported from a district store and from its own journal, as JSON, to compare. */
export function daysFromStoreAndJournal(storeFile: string, journalFile: string, from: string, to: string): { fromStore: string; fromJournal: string } {
  const s = openDistrictStore(storeFile);
  const j = openJournal(journalFile, { station: STATION.id, timezone: STATION.timezone, readonly: true });
  try {
    const store = reportsFromStore(s, from, to)[0]!;
    const journal = buildStationReport({ ...STATION, fingerprints: store.station.fingerprints }, j.events({}), from, to);
    return { fromStore: JSON.stringify(store.days), fromJournal: JSON.stringify(journal.days) };
  } finally {
    s.close();
    j.close();
  }
}
