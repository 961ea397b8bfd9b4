import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import * as jm from '../../src/journal/index.js';
import { STATION, TZ, fillDays } from './helpers.js';

let dir: string;
let cleanup: () => void;
let path: string;
let keys: jm.StationKeys;

// Five sealed days plus an open sixth: seq 1–4 day 1, 5 its seal, 6–9 day 2, 10 its seal, …
beforeEach(() => {
  ({ dir, cleanup } = tempDir('loaxa-tamper-'));
  path = join(dir, 'journal.db');
  keys = jm.initStationKeys(join(dir, 'keys'));
  const journal = jm.openJournal(path, { station: STATION, timezone: TZ });
  fillDays(journal, keys, 6);
  journal.close();
});
afterEach(() => cleanup());

interface RawRow {
  seq: number;
  station: string;
  at_ms: number;
  local: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** Open the file as an attacker would: raw SQL, triggers dropped first. */
function attack(fn: (db: Database.Database) => void): void {
  const db = new Database(path);
  db.exec('DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;');
  fn(db);
  db.close();
}

/** A careful attacker recomputes the hashes (with loaxa's own public rules) from a seq onward. */
function rehashFrom(db: Database.Database, from: number): void {
  const rows = db.prepare('SELECT * FROM events WHERE seq >= ? ORDER BY seq').all(from) as RawRow[];
  let prev = from === 1 ? jm.GENESIS_HASH : (db.prepare('SELECT hash FROM events WHERE seq = ?').get(from - 1) as { hash: string }).hash;
  for (const r of rows) {
    const hash = jm.rowHash(prev, { seq: r.seq, station: r.station, atMs: r.at_ms, local: r.local, type: r.type as jm.EventType, payload: JSON.parse(r.payload) });
    db.prepare('UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?').run(prev, hash, r.seq);
    prev = hash;
  }
}

function payloadOf(db: Database.Database, seq: number): Record<string, unknown> {
  return JSON.parse((db.prepare('SELECT payload FROM events WHERE seq = ?').get(seq) as { payload: string }).payload);
}

const verify = () => jm.verifyJournal(path);

describe('an untouched journal', () => {
  it('verifies with a summary', () => {
    expect(verify()).toMatchObject({ ok: true, events: 29, days: 6, seals: 5, head: { seq: 29 }, openDay: '2026-11-25', keyFingerprint: keys.fingerprint });
  });
});

describe('tampering is detected and the right row named', () => {
  it('a payload edited with raw SQL', () => {
    attack((db) => {
      const p = payloadOf(db, 13);
      p.secondsAired = 1800;
      p.status = 'aired';
      db.prepare('UPDATE events SET payload = ? WHERE seq = 13').run(jm.canonicalJson({ ...p, secondsAired: 1799 }));
    });
    expect(verify().firstBad).toMatchObject({ seq: 13, problem: 'changed' });
  });

  it('a payload edited and that row re-hashed', () => {
    attack((db) => {
      db.prepare('UPDATE events SET payload = ? WHERE seq = 14').run(jm.canonicalJson({ user: 'someone-else', command: 'play', args: [] }));
      const r = db.prepare('SELECT * FROM events WHERE seq = 14').get() as RawRow;
      db.prepare('UPDATE events SET hash = ? WHERE seq = 14').run(
        jm.rowHash(r.prev_hash, { seq: 14, station: r.station, atMs: r.at_ms, local: r.local, type: r.type as jm.EventType, payload: JSON.parse(r.payload) }),
      );
    });
    expect(verify().firstBad).toMatchObject({ seq: 14, problem: 'changed' });
  });

  it('the time of a row moved', () => {
    attack((db) => db.prepare('UPDATE events SET at_ms = at_ms + 600000 WHERE seq = 8').run());
    expect(verify().firstBad).toMatchObject({ seq: 8, problem: 'changed' });
  });

  it('a row deleted', () => {
    attack((db) => db.prepare('DELETE FROM events WHERE seq = 7').run());
    expect(verify().firstBad).toMatchObject({ seq: 7, problem: 'missing', params: { from: 7, to: 7 } });
  });

  it('rows deleted and the rest renumbered', () => {
    attack((db) => {
      db.prepare('DELETE FROM events WHERE seq IN (7, 8)').run();
      db.prepare('UPDATE events SET seq = -seq WHERE seq > 8').run();
      db.prepare('UPDATE events SET seq = -seq - 2 WHERE seq < 0').run();
    });
    expect(verify().firstBad).toMatchObject({ seq: 7, problem: 'missing', params: { from: 7, to: 8 } });
  });

  it('two rows swapped', () => {
    attack((db) => {
      db.prepare('UPDATE events SET seq = -1 WHERE seq = 11').run();
      db.prepare('UPDATE events SET seq = 11 WHERE seq = 12').run();
      db.prepare('UPDATE events SET seq = 12 WHERE seq = -1').run();
    });
    expect(verify().firstBad).toMatchObject({ seq: 11, problem: 'order' });
  });

  it('two distant rows swapped', () => {
    attack((db) => {
      db.prepare('UPDATE events SET seq = -1 WHERE seq = 3').run();
      db.prepare('UPDATE events SET seq = 3 WHERE seq = 17').run();
      db.prepare('UPDATE events SET seq = 17 WHERE seq = -1').run();
    });
    expect(verify().firstBad).toMatchObject({ seq: 3, problem: 'order' });
  });

  it('a seal re-signed with another key, the chain re-hashed after it', () => {
    const other = jm.initStationKeys(join(dir, 'attacker-keys'));
    attack((db) => {
      const p = payloadOf(db, 10) as jm.SealPayload;
      const forged = jm.makeSealPayload(other, p);
      db.prepare('UPDATE events SET payload = ? WHERE seq = 10').run(jm.canonicalJson(forged));
      rehashFrom(db, 10);
    });
    // against the station's registered key (keys/station.pub beside the journal)
    expect(verify().firstBad).toMatchObject({ seq: 10, problem: 'seal-wrong-key' });
    // against the key first seen when no key is registered
    expect(jm.verifyJournal(path, { noStationKeys: true }).firstBad).toMatchObject({ seq: 10, problem: 'seal-wrong-key' });
  });

  it('a seal re-signed with another key without re-hashing', () => {
    const other = jm.initStationKeys(join(dir, 'attacker-keys'));
    attack((db) => {
      const p = payloadOf(db, 15) as jm.SealPayload;
      db.prepare('UPDATE events SET payload = ? WHERE seq = 15').run(jm.canonicalJson(jm.makeSealPayload(other, p)));
    });
    expect(verify().firstBad).toMatchObject({ seq: 15, problem: 'changed' });
  });

  it('a forged seal signature', () => {
    attack((db) => {
      const p = payloadOf(db, 20) as jm.SealPayload;
      const sig = Buffer.from(p.signature, 'base64');
      sig[0]! ^= 0xff;
      db.prepare('UPDATE events SET payload = ? WHERE seq = 20').run(jm.canonicalJson({ ...p, signature: sig.toString('base64') }));
      rehashFrom(db, 20);
    });
    expect(verify().firstBad).toMatchObject({ seq: 20, problem: 'seal-forged' });
  });

  it('a seal removed', () => {
    attack((db) => db.prepare('DELETE FROM events WHERE seq = 15').run());
    expect(verify().firstBad).toMatchObject({ seq: 15, problem: 'missing' });
  });

  it('a seal removed, the rest renumbered and re-hashed', () => {
    attack((db) => {
      db.prepare('DELETE FROM events WHERE seq = 15').run();
      db.prepare('UPDATE events SET seq = -seq WHERE seq > 15').run();
      db.prepare('UPDATE events SET seq = -seq - 1 WHERE seq < 0').run();
      rehashFrom(db, 15);
    });
    // day 3 (seq 11–14) has no seal any more
    expect(verify().firstBad).toMatchObject({ seq: 14, problem: 'seal-missing', params: { date: '2026-11-22' } });
  });

  it('history rewritten and re-hashed to the end: the next seal no longer matches', () => {
    attack((db) => {
      const p = payloadOf(db, 18);
      db.prepare('UPDATE events SET payload = ? WHERE seq = 18').run(jm.canonicalJson({ ...p, status: 'aired', secondsAired: 1799, reasons: ['rewritten'] }));
      rehashFrom(db, 18);
    });
    expect(verify().firstBad).toMatchObject({ seq: 20, problem: 'seal-mismatch' });
  });

  it('the same attacks are caught when the rows travel as a bundle (verifyEvents)', () => {
    const journal = jm.openJournal(path, { station: STATION, timezone: TZ, readonly: true });
    const events = journal.events();
    journal.close();
    const swapped = [...events];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!]; // lines 6 and 7 exchanged, seq kept
    expect(jm.verifyEvents(swapped, { publicKeys: [keys.publicKey] }).firstBad).toMatchObject({ seq: 6, problem: 'order' });
    const dropped = events.filter((e) => e.seq !== 9);
    expect(jm.verifyEvents(dropped, { publicKeys: [keys.publicKey] }).firstBad).toMatchObject({ seq: 9, problem: 'missing' });
    const edited = events.map((e) => (e.seq === 2 ? { ...e, payload: { ...(e.payload as object), confirmed: 'off' } } : e)) as jm.JournalEvent[];
    expect(jm.verifyEvents(edited, { publicKeys: [keys.publicKey] }).firstBad).toMatchObject({ seq: 2, problem: 'changed' });
  });
});

describe('describeVerifyResult', () => {
  it('renders intact and broken results in both languages', () => {
    const good = jm.describeVerifyResult(verify(), 'en');
    expect(good[0]).toBe('Journal intact — events: 29, days: 6 (2026-11-20 to 2026-11-25), seals: 5');
    expect(good.join('\n')).toContain(keys.fingerprint);
    expect(jm.describeVerifyResult(verify(), 'vi')[0]).toBe('Sổ nhật ký nguyên vẹn — sự kiện: 29, số ngày: 6 (2026-11-20 đến 2026-11-25), dấu niêm phong: 5');
    attack((db) => db.prepare('DELETE FROM events WHERE seq = 7').run());
    const bad = jm.describeVerifyResult(verify(), 'en');
    expect(bad[0]).toBe('Journal NOT intact: first bad row is seq 7');
    expect(bad[1]).toContain('rows 7 to 7 are missing');
    expect(jm.describeVerifyResult(verify(), 'vi')[1]).toContain('thiếu các dòng từ 7 đến 7');
  });
});
