import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import * as jm from '../../src/journal/index.js';
import { DAY0, HOUR, STATION, TZ, fillDays } from './helpers.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('loaxa-seal-')));
afterEach(() => cleanup());

describe('station keys', () => {
  it('makes an Ed25519 pair with the private key at mode 0600, and refuses to overwrite it', () => {
    const keysDir = join(dir, 'keys');
    const made = jm.initStationKeys(keysDir);
    expect(statSync(made.privatePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(made.privatePath, 'utf8')).toMatch(/BEGIN PRIVATE KEY/);
    expect(readFileSync(made.publicPath, 'utf8')).toMatch(/BEGIN PUBLIC KEY/);
    expect(Buffer.from(made.publicKeyBase64, 'base64')).toHaveLength(32);
    expect(made.fingerprint).toMatch(/^[0-9a-f]{4}(:[0-9a-f]{4}){3}$/);
    const before = readFileSync(made.privatePath, 'utf8');
    expect(() => jm.initStationKeys(keysDir)).toThrow(expect.objectContaining({ key: 'journal.keys.exists', exitCode: 1 }));
    expect(readFileSync(made.privatePath, 'utf8')).toBe(before);
  });

  it('loads the pair back with the same, stable fingerprint in every form of the key', () => {
    const keysDir = join(dir, 'keys');
    const made = jm.initStationKeys(keysDir);
    const loaded = jm.loadStationKeys(keysDir);
    expect(loaded.fingerprint).toBe(made.fingerprint);
    expect(jm.loadPublicKey(keysDir).fingerprint).toBe(made.fingerprint);
    expect(jm.fingerprint(made.publicKeyBase64)).toBe(made.fingerprint);
    expect(jm.fingerprint(readFileSync(made.publicPath, 'utf8'))).toBe(made.fingerprint);
    expect(jm.fingerprint(Buffer.from(made.publicKeyBase64, 'base64'))).toBe(made.fingerprint);
  });

  it('checks signatures the same with libsodium (used here) and with node:crypto: good ones pass, altered ones fail', () => {
    const made = jm.initStationKeys(join(dir, 'keys'));
    const other = jm.initStationKeys(join(dir, 'other'));
    const text = 'xa-01|2026-11-09|42|' + 'ab'.repeat(32);
    const signature = jm.signText(made.privateKey, text);
    const flipped = Buffer.from(signature, 'base64');
    flipped[10]! ^= 1;
    const cases: Array<[string, string, string, boolean]> = [
      [made.publicKeyBase64, text, signature, true],
      [readFileSync(made.publicPath, 'utf8'), text, signature, true],
      [made.publicKeyBase64, text + ' ', signature, false],
      [made.publicKeyBase64, text, flipped.toString('base64'), false],
      [other.publicKeyBase64, text, signature, false],
      [made.publicKeyBase64, text, signature.slice(0, 40), false],
      [made.publicKeyBase64, text, 'not a signature', false],
      ['AAAA', text, signature, false],
    ];
    const saved = process.env.LOAXA_ED25519;
    try {
      delete process.env.LOAXA_ED25519;
      expect(jm.ed25519Backend({ reread: true })).toBe('libsodium');
      const fast = cases.map(([k, m, sig]) => jm.verifyText(k, m, sig));
      process.env.LOAXA_ED25519 = 'node';
      expect(jm.ed25519Backend({ reread: true })).toBe('node:crypto');
      const plain = cases.map(([k, m, sig]) => jm.verifyText(k, m, sig));
      expect(fast).toEqual(cases.map((c) => c[3]));
      expect(plain).toEqual(fast);
    } finally {
      if (saved === undefined) delete process.env.LOAXA_ED25519;
      else process.env.LOAXA_ED25519 = saved;
      jm.ed25519Backend({ reread: true });
    }
  });

  it('refuses a private key that group or others can read, like ssh', () => {
    const keysDir = join(dir, 'keys');
    const made = jm.initStationKeys(keysDir);
    chmodSync(made.privatePath, 0o644);
    let error: unknown;
    try {
      jm.loadStationKeys(keysDir);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ key: 'journal.keys.tooOpen', exitCode: 1, params: { mode: '0644' } });
    expect((error as Error).message).toContain('chmod 600');
    chmodSync(made.privatePath, 0o640);
    expect(() => jm.loadStationKeys(keysDir)).toThrow(expect.objectContaining({ key: 'journal.keys.tooOpen' }));
    chmodSync(made.privatePath, 0o600);
    expect(jm.loadStationKeys(keysDir).fingerprint).toBe(made.fingerprint);
  });

  it('says how to make keys when there are none, and rejects a mismatched public key file', () => {
    expect(() => jm.loadStationKeys(join(dir, 'nokeys'))).toThrow(expect.objectContaining({ key: 'journal.keys.missing' }));
    const keysDir = join(dir, 'keys');
    const made = jm.initStationKeys(keysDir);
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'pem', type: 'spki' });
    writeFileSync(made.publicPath, other);
    expect(() => jm.loadStationKeys(keysDir)).toThrow(expect.objectContaining({ key: 'journal.keys.pairMismatch' }));
  });
});

describe('daily seals', () => {
  function station(days: number) {
    const keys = jm.initStationKeys(join(dir, 'keys'));
    let now = DAY0;
    const journal = jm.openJournal(join(dir, 'journal.db'), { station: STATION, timezone: TZ, now: () => now });
    fillDays(journal, null, days);
    return { keys, journal, setNow: (ms: number) => (now = ms) };
  }

  it('seals a day over its last event, verifiably, and only once', () => {
    const { keys, journal, setNow } = station(2);
    setNow(DAY0 + 24 * HOUR + 10 * HOUR); // 2026-11-21 10:00 local
    const seal = jm.sealDay(journal, keys, '2026-11-20')!;
    expect(seal.seq).toBe(9);
    expect(seal.payload).toMatchObject({ station: STATION, date: '2026-11-20', lastSeq: 4, headHash: journal.get(4)!.hash, fingerprint: keys.fingerprint, publicKey: keys.publicKeyBase64 });
    expect(jm.verifySeal(seal.payload, [keys.publicKey])).toEqual({ ok: true, publicKey: keys.publicKeyBase64 });
    expect(jm.sealDay(journal, keys, '2026-11-20')!.seq).toBe(9); // idempotent
    expect(jm.sealDay(journal, keys, '2026-11-25')).toBeNull(); // nothing to seal
    // default date: today (station-local)
    expect(jm.sealDay(journal, keys)!.payload).toMatchObject({ date: '2026-11-21', lastSeq: 9 });
    journal.close();
    const result = jm.verifyJournal(join(dir, 'journal.db'));
    expect(result).toMatchObject({ ok: true, events: 10, days: 2, seals: 2, keySource: 'station-folder', keyFingerprint: keys.fingerprint });
  });

  it('a seal does not verify once any of its fields or its signature is altered', () => {
    const { keys, journal } = station(1);
    const seal = jm.sealDay(journal, keys, '2026-11-20')!;
    journal.close();
    expect(jm.verifySeal({ ...seal.payload, lastSeq: 3 })).toMatchObject({ ok: false, problem: 'seal-forged', reason: 'signature' });
    expect(jm.verifySeal({ ...seal.payload, date: '2026-11-21' })).toMatchObject({ ok: false, problem: 'seal-forged' });
    expect(jm.verifySeal({ ...seal.payload, signature: Buffer.alloc(64).toString('base64') })).toMatchObject({ ok: false, problem: 'seal-forged' });
    expect(jm.verifySeal({ ...seal.payload, fingerprint: '0000:0000:0000:0000' })).toMatchObject({ ok: false, reason: 'fingerprint' });
    const other = jm.initStationKeys(join(dir, 'other'));
    expect(jm.verifySeal(seal.payload, [other.publicKey])).toMatchObject({ ok: false, problem: 'seal-wrong-key' });
  });

  it('lists and seals the past days a stopped daemon left unsealed', () => {
    const { keys, journal, setNow } = station(3);
    setNow(DAY0 + 3 * 24 * HOUR + HOUR); // 2026-11-23 01:00
    expect(jm.unsealedDays(journal)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    const made = jm.sealPendingDays(journal, keys);
    expect(made.map((s) => s.payload.date)).toEqual(['2026-11-20', '2026-11-21', '2026-11-22']);
    expect(jm.unsealedDays(journal)).toEqual([]);
    journal.close();
    expect(jm.verifyJournal(join(dir, 'journal.db'))).toMatchObject({ ok: true, seals: 3, days: 3 });
  });

  it('a daemon that seals missed days after its start row still verifies, and a bad late seal is named', () => {
    const { keys, journal, setNow } = station(2); // seq 1–8, no seals
    setNow(DAY0 + 3 * 24 * HOUR + 6 * HOUR); // 2026-11-23 06:00: the daemon starts after two days down
    journal.append('station.start', { version: '0.1.0', pid: 7, host: 'box', user: 'canbo', schedule: '/s.yaml' });
    const seals = jm.sealPendingDays(journal, keys);
    expect(seals.map((s) => [s.seq, s.payload.date, s.payload.lastSeq])).toEqual([
      [10, '2026-11-20', 4],
      [11, '2026-11-21', 8],
    ]);
    const events = journal.events();
    journal.close();
    expect(jm.verifyEvents(events, { publicKeys: [keys.publicKey] })).toMatchObject({ ok: true, seals: 2, openDay: '2026-11-23' });
    // the second late seal forged (and the row re-hashed so the chain holds): named as such, not as an unsealed day
    const other = jm.initStationKeys(join(dir, 'other'));
    const forged = { ...events[10]!, payload: jm.makeSealPayload(other, events[10]!.payload as jm.SealPayload) };
    forged.hash = jm.rowHash(forged.prevHash, forged);
    expect(jm.verifyEvents([...events.slice(0, 10), forged], { publicKeys: [keys.publicKey] }).firstBad).toMatchObject({ seq: 11, problem: 'seal-wrong-key' });
  });

  it('names an unsealed past day, but lets the last day run unsealed', () => {
    const keys = jm.initStationKeys(join(dir, 'keys'));
    const journal = jm.openJournal(join(dir, 'journal.db'), { station: STATION, timezone: TZ });
    fillDays(journal, keys, 2); // day 1 sealed, day 2 (the last) open
    const ok = jm.verifyEvents(journal.iterate(), { publicKeys: [keys.publicKey] });
    expect(ok).toMatchObject({ ok: true, seals: 1, openDay: '2026-11-21' });
    journal.close();

    // a journal with three days and no seal at all
    const bare = jm.openJournal(join(dir, 'bare.db'), { station: STATION, timezone: TZ });
    fillDays(bare, null, 3);
    const r = jm.verifyEvents(bare.iterate());
    bare.close();
    expect(r.firstBad).toMatchObject({ problem: 'seal-missing', seq: 4, params: { date: '2026-11-20' } });
  });

  it('verifies a bundle that starts mid-chain from its start hash', () => {
    const keys = jm.initStationKeys(join(dir, 'keys'));
    const journal = jm.openJournal(join(dir, 'journal.db'), { station: STATION, timezone: TZ });
    fillDays(journal, keys, 4);
    const all = journal.events();
    journal.close();
    const part = all.filter((e) => e.seq >= 6);
    const r = jm.verifyEvents(part, { startPrevHash: all[4]!.hash, publicKeys: [keys.publicKeyBase64] });
    expect(r).toMatchObject({ ok: true, firstSeq: 6, head: { seq: all.length } });
    expect(jm.verifyEvents(part, { startPrevHash: jm.GENESIS_HASH }).ok).toBe(false);
  });
});
