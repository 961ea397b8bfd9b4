import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { tempDir } from '../helpers/cli.js';
import { exportBundle } from '../../src/audit/index.js';
import { openBundle } from '../../src/audit/bundle.js';
import { prepareInPlace, prepareRowObjects, type PreparedBundle } from '../../src/audit/prepare.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { initStationKeys, makeSealPayload, openJournal, rowHash, sealDay, type EventPayloads, type EventType, type JournalEvent } from '../../src/journal/index.js';
import { buildScenario, STATION, writeLines } from './scenario.js';

/**
 * The import reads a bundle's rows in place (prepareInPlace) and falls back to a row object
 * per line (prepareRowObjects, the checks `loaxa audit verify` makes) at anything unusual.
 * The fast path may only accept what the general one accepts, with the same result to the
 * byte: checked on real bundles of every shape, and on hundreds of damaged and forged copies.
 */

const NOW = Date.parse('2026-12-01T00:00:00Z');

/** Everything a prepared bundle hands the store, as plain values. */
function comparable(p: PreparedBundle) {
  const r = p.rows;
  const bytes = (a: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    file: p.file, sha256: p.sha256, header: p.header, end: p.end, verdict: p.verdict,
    rows: r && {
      ...r,
      hashes: bytes(r.hashes), seals: bytes(r.seals), inReport: bytes(r.inReport), clock: bytes(r.clock),
      rowStart: [...r.rowStart], rowEnd: [...r.rowEnd], reportItems: bytes(r.reportItems), otherItems: bytes(r.otherItems),
      reportRuns: [...r.reportRuns], otherRuns: [...r.otherRuns],
    },
  };
}

/** The general path's answer: the prepared bundle, or the error it names. */
function general(file: string): PreparedBundle | string {
  try {
    return prepareRowObjects(openBundle(file), NOW);
  } catch (e) {
    if (!(e instanceof LoaxaError)) throw e;
    return `error: ${e.message}`;
  }
}

/** The fast path's answer: null when it leaves the bundle to the general path (or the file is no bundle at all). */
function fast(file: string): PreparedBundle | null {
  let o;
  try {
    o = openBundle(file);
  } catch (e) {
    if (!(e instanceof LoaxaError)) throw e;
    return null;
  }
  return prepareInPlace(o, NOW);
}

/** The one property: the fast path accepts only what the general one accepts, giving exactly its result. */
function expectSameOrDeferred(file: string): 'fast' | 'deferred' {
  const f = fast(file);
  if (f === null) return 'deferred';
  const g = general(file);
  expect(typeof g === 'string' ? g : g.verdict.ok ? 'ok' : `refused: ${g.verdict.failure?.reason}`).toBe('ok');
  expect(comparable(f)).toEqual(comparable(g as PreparedBundle));
  return 'fast';
}

const at = (date: string, time: string) => Date.parse(`${date}T${time}+07:00`);

/**
 * A station's fortnight with what the common week lacks: days sealed late after downtime, a
 * clock found off, a relay fault, a correction, Khmer and Vietnamese text, an operator's note.
 */
function buildOddJournal(dir: string): string {
  const db = join(dir, 'journal.db');
  const keys = initStationKeys(join(dir, 'keys'));
  let clock = at('2026-11-01', '00:00:00');
  const journal = openJournal(db, { station: 'xa-hoa-tu-2', timezone: 'Asia/Ho_Chi_Minh', now: () => clock });
  const put = <T extends EventType>(type: T, payload: EventPayloads[T], atMs: number) => {
    clock = atMs;
    return journal.append(type, payload, atMs);
  };
  put('station.start', { version: '0.1.0', pid: 1, host: 'loa-xa', user: 'loaxa', schedule: '/srv/loaxa/lich.yaml' }, at('2026-11-01', '00:00:01'));
  const days = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-08', '2026-11-09', '2026-11-10'];
  for (const date of days) {
    const s = { slot: `thoi-su@${date}T05:30:00`, program: 'thoi-su', title: 'Thời sự — ព័ត៌មាន', start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, required: true, priority: 'normal' as const, zones: ['ap-1'] };
    put('day.planned', { date, slots: [s] }, at(date, '00:00:05'));
    put('clock.status', date === '2026-11-03' ? { synchronised: true, offsetMs: 1800, source: 'chrony' } : { synchronised: true, offsetMs: -4, source: 'chrony' }, at(date, '00:10:00'));
    put('relay.action', date === '2026-11-02'
      ? { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1], zones: ['ap-1'], wanted: 'on', confirmed: null, fault: 'timeout', elapsedMs: 1500, slot: s.slot }
      : { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1], zones: ['ap-1'], wanted: 'on', confirmed: 'on', elapsedMs: 40, slot: s.slot }, at(date, '05:29:55'));
    put('insert.played', { slot: s.slot, bulletin: 'tin-km', language: 'km', mode: 'alone', sha256: 'ab'.repeat(32), approvedBy: 'Chủ tịch UBND xã Hòa Tú 2', at: `${date}T05:40:00+07:00`, seconds: 90 }, at(date, '05:41:30'));
    put('slot.result', { ...s, date, status: 'aired', secondsRequired: 1800, secondsAired: 1800, secondsFallback: 0, secondsDeadAir: 0, lateMs: 80, reasons: [] }, at(date, '06:00:01'));
    if (date === '2026-11-04') continue; // the box dies: 04 is sealed on the 08th
    if (date === '2026-11-08') {
      clock = at(date, '06:00:05');
      sealDay(journal, keys, '2026-11-04');
      put('correction', { corrects: 6, user: 'can-bo-vhtt', reason: 'Ghi nhầm giờ, có biên bản', fields: { status: 'aired' } }, at(date, '06:00:06'));
    }
    const next = days[days.indexOf(date) + 1] ?? '2026-11-11';
    clock = at(next, '00:00:01');
    sealDay(journal, keys, date);
  }
  journal.close();
  return db;
}

describe('audit import: a bundle read in place gives what reading it row by row gives', () => {
  const tmp = tempDir('loaxa-audit-inplace-');
  const good: Record<string, string> = {};
  let weekLines: string[] = [];
  let partLines: string[] = [];

  beforeAll(() => {
    const sc = buildScenario(join(tmp.dir, 'an-thanh-ba'));
    const week = join(tmp.dir, 'week.jsonl');
    exportBundle(sc.db, '2026-11-09', '2026-11-15', week, { info: STATION, loaxaVersion: 'test', nowMs: NOW });
    good['a week from the first row'] = week;
    const part = join(tmp.dir, 'part.jsonl');
    exportBundle(sc.db, '2026-11-11', '2026-11-12', part, { info: STATION, loaxaVersion: 'test', nowMs: NOW });
    good['two days from a seal, riding on to their seals'] = part;
    const gz = join(tmp.dir, 'part.jsonl.gz');
    writeFileSync(gz, gzipSync(readFileSync(part)));
    good['the same, gzipped'] = gz;
    const odd = buildOddJournal(join(tmp.dir, 'hoa-tu-2'));
    const oddAll = join(tmp.dir, 'odd.jsonl');
    exportBundle(odd, '2026-11-01', '2026-11-10', oddAll, { info: { id: 'xa-hoa-tu-2', name: 'Đài truyền thanh xã Hòa Tú 2' }, loaxaVersion: 'test', nowMs: NOW });
    good['downtime, late seal, correction, clock off, relay fault, Khmer'] = oddAll;
    const oddPart = join(tmp.dir, 'odd-part.jsonl');
    exportBundle(odd, '2026-11-03', '2026-11-04', oddPart, { info: { id: 'xa-hoa-tu-2' }, loaxaVersion: 'test', nowMs: NOW });
    good['days whose seal came after downtime'] = oddPart;
    weekLines = readFileSync(week, 'utf8').trimEnd().split('\n');
    partLines = readFileSync(part, 'utf8').trimEnd().split('\n');
  });
  afterAll(() => tmp.cleanup());

  it('real bundles of every shape are read in place, to the same bytes', () => {
    for (const [name, file] of Object.entries(good)) {
      expect(fast(file), name).not.toBeNull();
      expect(expectSameOrDeferred(file), name).toBe('fast');
    }
  });

  /** A deterministic stream of numbers in [0, 1). */
  function random(seed: number): () => number {
    let x = seed >>> 0 || 1;
    return () => {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      return x / 2 ** 32;
    };
  }

  type Row = JournalEvent & { [k: string]: unknown };
  const parse = (line: string) => JSON.parse(line) as Row;
  const line = (e: Row) =>
    JSON.stringify({ seq: e.seq, station: e.station, atMs: e.atMs, local: e.local, type: e.type, prevHash: e.prevHash, hash: e.hash, payload: e.payload });
  /** Rows from `from` on re-hashed as a forger without the key would: the chain holds again, the seals do not. */
  function rehashFrom(lines: string[], from: number): string[] {
    const out = [...lines];
    let prev = parse(out[from]!).prevHash;
    let last = '';
    let lastSeq = 0;
    for (let i = from; i < out.length - 1; i++) {
      const e = parse(out[i]!);
      e.prevHash = prev;
      e.hash = rowHash(prev, e);
      prev = last = e.hash;
      lastSeq = e.seq;
      out[i] = line(e);
    }
    const end = JSON.parse(out[out.length - 1]!);
    out[out.length - 1] = JSON.stringify({ ...end, headHash: last, lastSeq });
    return out;
  }

  const mutations: Array<[string, (ls: string[], rnd: () => number) => string[]]> = [
    ['a byte changed in a row', (ls, rnd) => {
      const out = [...ls];
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      const l = out[i]!;
      const k = Math.floor(rnd() * l.length);
      const c = '0a9f"\\,:{}[] xé'[Math.floor(rnd() * 15)]!;
      out[i] = l.slice(0, k) + c + l.slice(k + 1);
      return out;
    }],
    ['a row removed', (ls, rnd) => {
      const gone = 1 + Math.floor(rnd() * (ls.length - 2));
      return ls.filter((_, i) => i !== gone);
    }],
    ['a row twice', (ls, rnd) => {
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      return [...ls.slice(0, i + 1), ls[i]!, ...ls.slice(i + 1)];
    }],
    ['two rows swapped', (ls, rnd) => {
      const out = [...ls];
      const i = 1 + Math.floor(rnd() * (ls.length - 3));
      [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
      return out;
    }],
    ['a payload edited, the chain re-hashed without the key', (ls, rnd) => {
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      const e = parse(ls[i]!);
      if (e.type === 'seal') (e.payload as { lastSeq: number }).lastSeq -= 1;
      else (e.payload as Record<string, unknown>).note = 'sửa lại';
      const out = [...ls];
      out[i] = line(e);
      return rehashFrom(out, i);
    }],
    ['a seal re-signed with another key after a re-hash', (ls, rnd) => {
      const other = initStationKeys(join(tmp.dir, `other-${Math.floor(rnd() * 1e9)}`));
      const seals = ls.map((l, i) => [l, i] as const).filter(([l]) => l.includes('"type":"seal"'));
      const [, i] = seals[Math.floor(rnd() * seals.length)]!;
      const e = parse(ls[i]!);
      const p = e.payload as EventPayloads['seal'];
      e.payload = makeSealPayload(other, { station: p.station, date: p.date, lastSeq: p.lastSeq, headHash: p.headHash });
      const out = [...ls];
      out[i] = line(e);
      return rehashFrom(out, i);
    }],
    ['a row of another station', (ls, rnd) => {
      const out = [...ls];
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      out[i] = out[i]!.replace(/"station":"[^"]*"/, '"station":"xa-khac"');
      return rehashFrom(out, i);
    }],
    ['a header field changed', (ls, rnd) => {
      const h = JSON.parse(ls[0]!);
      const field = ['startPrevHash', 'events', 'to', 'from', 'firstSeq', 'publicKey'][Math.floor(rnd() * 6)]!;
      h[field] = { startPrevHash: 'f'.repeat(64), events: h.events + 1, to: '2026-11-09', from: '2027-06-01', firstSeq: 99, publicKey: 'AAAA' }[field];
      return [JSON.stringify(h), ...ls.slice(1)];
    }],
    ['the end line changed or gone', (ls, rnd) => {
      const end = JSON.parse(ls[ls.length - 1]!);
      const pick = Math.floor(rnd() * 4);
      if (pick === 0) return ls.slice(0, -1);
      if (pick === 1) return [...ls.slice(0, -1), JSON.stringify({ ...end, events: end.events - 1 })];
      if (pick === 2) return [...ls.slice(0, -1), JSON.stringify({ ...end, headHash: '0'.repeat(64) })];
      return [...ls, ls[ls.length - 1]!];
    }],
    ['the text cut short', (ls, rnd) => {
      const text = ls.join('\n');
      return text.slice(0, Math.floor(text.length * (0.2 + 0.8 * rnd()))).split('\n');
    }],
    ['a row laid out another way', (ls, rnd) => {
      const out = [...ls];
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      const e = parse(out[i]!);
      out[i] = JSON.stringify({ hash: e.hash, ...e });
      return out;
    }],
    ['dated in the future', (ls, rnd) => {
      const out = [...ls];
      const i = 1 + Math.floor(rnd() * (ls.length - 2));
      const e = parse(out[i]!);
      e.atMs = NOW + 86_400_000;
      out[i] = line(e);
      return rehashFrom(out, i);
    }],
    ['a blank line', (ls, rnd) => {
      const i = 1 + Math.floor(rnd() * (ls.length - 1));
      return [...ls.slice(0, i), '', ...ls.slice(i)];
    }],
  ];

  it('damaged and forged copies are never accepted in place unless the general read accepts them the same way', () => {
    const rnd = random(20261208);
    const seen: Record<string, { fast: number; deferred: number }> = {};
    let n = 0;
    for (const [name, mutate] of mutations) {
      seen[name] = { fast: 0, deferred: 0 };
      for (let k = 0; k < 25; k++) {
        const base = rnd() < 0.5 ? weekLines : partLines;
        const file = writeLines(tmp.dir, `m-${n++}.jsonl`, mutate(base, rnd));
        seen[name]![expectSameOrDeferred(file)]++;
      }
    }
    // Forgeries and damage the chain rules catch go to the general path, which names them.
    for (const name of ['a row removed', 'a row twice', 'two rows swapped', 'a payload edited, the chain re-hashed without the key', 'a seal re-signed with another key after a re-hash', 'a row of another station', 'the end line changed or gone', 'dated in the future', 'a row laid out another way']) {
      expect(seen[name]!.fast, name).toBe(0);
    }
  });
});
