import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { tempDir } from '../helpers/cli.js';
import * as jm from '../../src/journal/index.js';
import { DAY0, HOUR, STATION, TZ, fillDays } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('loaxa-journal-')));
afterEach(() => cleanup());

describe('canonical JSON and row hash', () => {
  it('sorts keys at every depth, drops undefined, keeps arrays in order', () => {
    expect(jm.canonicalJson({ b: 1, a: { d: [3, { z: 1, y: undefined, x: 'é' }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"x":"é","z":1}]},"b":1}');
    expect(jm.canonicalJson([undefined, NaN, 'a"b'])).toBe('[null,null,"a\\"b"]');
    expect(jm.canonicalJson({ a: 1, b: 2 })).toBe(jm.canonicalJson({ b: 2, a: 1 }));
  });

  it('hashes sha256(prev_hash ‖ canonical row)', () => {
    const row = { seq: 1, station: STATION, atMs: 5, local: '1970-01-01T07:00:00.005+07:00', type: 'station.stop' as const, payload: { reason: 'x' } };
    const expected = createHash('sha256')
      .update(jm.GENESIS_HASH + '{"atMs":5,"local":"1970-01-01T07:00:00.005+07:00","payload":{"reason":"x"},"seq":1,"station":"an-thanh-ba","type":"station.stop"}')
      .digest('hex');
    expect(jm.rowHash(jm.GENESIS_HASH, row)).toBe(expected);
    expect(jm.rowHash(jm.GENESIS_HASH, { ...row, payload: { reason: 'y' } })).not.toBe(expected);
  });
});

describe('journal store', () => {
  it('creates folders and file, WAL with synchronous=FULL, chains rows from genesis', () => {
    const path = join(dir, 'nested', 'station', 'journal.db');
    const j = jm.openJournal(path, { station: STATION, timezone: TZ, now: () => DAY0 + 5.5 * HOUR });
    expect(existsSync(path)).toBe(true);
    const a = j.append('station.start', { version: '0.1.0', pid: 1, host: 'h', user: 'u', schedule: '/x.yaml' });
    const b = j.append('feed.lost', { source: 'tinh', reason: 'timeout', slot: undefined }, DAY0 + 6 * HOUR);
    expect(a.seq).toBe(1);
    expect(a.prevHash).toBe(jm.GENESIS_HASH);
    expect(a.local).toBe('2026-11-20T05:30:00.000+07:00');
    expect(b.prevHash).toBe(a.hash);
    expect(b.hash).toBe(jm.rowHash(a.hash, b));
    expect(j.head()).toEqual({ seq: 2, hash: b.hash });
    j.close();

    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const row = db.prepare('SELECT * FROM events WHERE seq = 2').get() as Record<string, unknown>;
    expect(row.payload).toBe('{"reason":"timeout","source":"tinh"}');
    expect(row.station).toBe(STATION);
    expect(db.pragma('user_version', { simple: true })).toBe(jm.SCHEMA_VERSION);
    db.close();
    // synchronous is per connection: check the journal's own connection settings by reopening
    const again = jm.openJournal(path, { station: STATION, timezone: TZ });
    expect(again.head()?.seq).toBe(2);
    again.close();
  });

  it('queries by date, time, type and seq, in seq order, also streamed', () => {
    const j = jm.openJournal(join(dir, 'journal.db'), { station: STATION, timezone: TZ });
    fillDays(j, null, 3);
    expect(j.count()).toBe(12);
    const day2 = j.events({ date: '2026-11-21' });
    expect(day2.map((e) => e.seq)).toEqual([5, 6, 7, 8]);
    expect(day2.every((e) => e.local.startsWith('2026-11-21'))).toBe(true);
    expect(j.events({ types: ['slot.result'] }).map((e) => e.seq)).toEqual([3, 7, 11]);
    expect(j.events({ afterSeq: 10 }).map((e) => e.seq)).toEqual([11, 12]);
    expect(j.events({ fromMs: DAY0 + 24 * HOUR, toMs: DAY0 + 48 * HOUR }).map((e) => e.seq)).toEqual([5, 6, 7, 8]);
    expect([...j.iterate({ types: ['operator.action'] })].map((e) => e.payload)).toEqual([
      { user: 'canbo', command: 'play', args: ['5k-vi'], reason: 'nhắc lại' },
      { user: 'canbo', command: 'play', args: ['5k-vi'], reason: 'nhắc lại' },
      { user: 'canbo', command: 'play', args: ['5k-vi'], reason: 'nhắc lại' },
    ]);
    expect(j.get(7)?.type).toBe('slot.result');
    expect(j.get(99)).toBeNull();
    expect(j.days()).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    j.close();
  });

  it('batched appends chain exactly like single ones', () => {
    const j = jm.openJournal(join(dir, 'journal.db'), { station: STATION, timezone: TZ, now: () => DAY0 });
    j.append('station.stop', { reason: 'a' });
    const batch = j.appendMany([
      { type: 'station.stop', payload: { reason: 'b' } },
      { type: 'station.stop', payload: { reason: 'c' }, atMs: DAY0 + 1 },
    ]);
    expect(batch.map((e) => e.seq)).toEqual([2, 3]);
    j.close();
    expect(jm.verifyJournal(join(dir, 'journal.db')).firstBad).toBeUndefined();
  });

  it('triggers refuse UPDATE and DELETE', () => {
    const path = join(dir, 'journal.db');
    const j = jm.openJournal(path, { station: STATION, timezone: TZ });
    j.append('station.stop', { reason: 'a' });
    j.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE events SET payload = '{}' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM events WHERE seq = 1').run()).toThrow(/append-only/);
    db.close();
  });

  it('a read-only journal reads but cannot write; a missing file is a readable error', () => {
    const path = join(dir, 'journal.db');
    const w = jm.openJournal(path, { station: STATION, timezone: TZ });
    w.append('station.stop', { reason: 'a' });
    w.close();
    const r = jm.openJournal(path, { station: STATION, timezone: TZ, readonly: true });
    expect(r.events()).toHaveLength(1);
    expect(() => r.append('station.stop', { reason: 'b' })).toThrow();
    r.close();
    expect(() => jm.openJournal(join(dir, 'none.db'), { station: STATION, timezone: TZ, readonly: true })).toThrow(
      expect.objectContaining({ key: 'journal.db.missing', exitCode: 1 }),
    );
  });

  it('refuses to mix another station into a journal, and an unknown time zone', () => {
    const path = join(dir, 'journal.db');
    jm.openJournal(path, { station: STATION, timezone: TZ }).close();
    expect(() => jm.openJournal(path, { station: 'other', timezone: TZ })).toThrow(expect.objectContaining({ key: 'journal.db.otherStation' }));
    expect(() => jm.openJournal(path, { station: STATION, timezone: 'Mars/Olympus' })).toThrow(expect.objectContaining({ key: 'journal.timezone.invalid' }));
  });

  it('a file that is not SQLite is a readable error, not a crash', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = join(dir, 'journal.db');
    writeFileSync(path, 'this is not a database, just text '.repeat(100));
    expect(() => jm.openJournal(path, { station: STATION, timezone: TZ })).toThrow(expect.objectContaining({ key: 'journal.db.unreadable', exitCode: 3 }));
  });
});

describe('migrations', () => {
  it('upgrades a version-1 file in place, keeping its rows and chain', () => {
    const path = join(dir, 'journal.db');
    // A journal as the first release wrote it: migration 1 only.
    const db = new Database(path);
    db.exec(jm.MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    let prev = jm.GENESIS_HASH;
    for (let seq = 1; seq <= 3; seq++) {
      const row = { seq, station: STATION, atMs: DAY0 + seq * HOUR, local: jm.localIso(DAY0 + seq * HOUR, TZ), type: 'station.stop' as const, payload: { reason: `r${seq}` } };
      const hash = jm.rowHash(prev, row);
      db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(seq, STATION, row.atMs, row.local, row.type, jm.canonicalJson(row.payload), prev, hash);
      prev = hash;
    }
    db.close();

    const j = jm.openJournal(path, { station: STATION, timezone: TZ });
    expect(j.openedAtVersion).toBe(1);
    expect(j.schemaVersion()).toBe(jm.SCHEMA_VERSION);
    expect(j.events({ date: '2026-11-20' }).map((e) => e.seq)).toEqual([1, 2, 3]); // uses the v2 index on local
    expect(j.append('station.stop', { reason: 'after upgrade' }).prevHash).toBe(prev);
    j.close();

    const check = new Database(path, { readonly: true });
    const indexes = (check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'").all() as Array<{ name: string }>).map((r) => r.name);
    expect(indexes).toEqual(expect.arrayContaining(['events_local', 'events_type_at']));
    check.close();
    // the unsealed first day is reported, the chain itself is intact
    const result = jm.verifyJournal(path);
    expect(result.firstBad).toMatchObject({ problem: 'seal-missing', seq: 3 });
    expect(jm.verifyJournal(path, { requireSeals: false })).toMatchObject({ ok: true, events: 4 });
  });

  it('refuses a file from a newer loaxa', () => {
    const path = join(dir, 'journal.db');
    const db = new Database(path);
    db.pragma(`user_version = ${jm.SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => jm.openJournal(path, { station: STATION, timezone: TZ })).toThrow(expect.objectContaining({ key: 'journal.db.tooNew' }));
  });
});

describe('local time', () => {
  it('writes station-local ISO time with offset', () => {
    expect(jm.localIso(Date.UTC(2026, 0, 1, 0, 0, 0, 7), 'Asia/Ho_Chi_Minh')).toBe('2026-01-01T07:00:00.007+07:00');
    expect(jm.localIso(Date.UTC(2026, 6, 1, 12, 0, 0), 'Europe/Paris')).toBe('2026-07-01T14:00:00.000+02:00');
    expect(jm.localIso(Date.UTC(2026, 0, 1, 3, 0, 0), 'America/St_Johns')).toBe('2025-12-31T23:30:00.000-03:30');
    expect(jm.localDate(DAY0 - 1, TZ)).toBe('2026-11-19');
    expect(jm.localDate(DAY0, TZ)).toBe('2026-11-20');
  });
});
