/**
 * The chain rules, in one place: canonical JSON and the row hash. The journal store,
 * the verifier and the audit bundles all use these functions, never a copy.
 */
import { hash as oneShotHash } from 'node:crypto';
import type { EventType, JournalEvent } from './events.js';

/** prev_hash of the first row of a journal. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Deterministic JSON: object keys sorted by UTF-16 code unit, no whitespace, `undefined`
 * members left out (as JSON.stringify does), non-finite numbers as null.
 */
export function canonicalJson(value: unknown): string {
  const s = canonical(value);
  return s === undefined ? 'null' : s;
}

function canonical(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: bigint is not JSON');
    case 'object': {
      if (value === null) return 'null';
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === 'function') return canonical(withJson.toJSON());
      if (Array.isArray(value)) {
        return '[' + value.map((v) => canonical(v) ?? 'null').join(',') + ']';
      }
      const obj = value as Record<string, unknown>;
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const v = canonical(obj[key]);
        if (v !== undefined) parts.push(JSON.stringify(key) + ':' + v);
      }
      return '{' + parts.join(',') + '}';
    }
  }
}

/** The fields of a row that the hash covers (everything but the hashes themselves). */
export interface HashedRow<T extends EventType = EventType> {
  seq: number;
  station: string;
  atMs: number;
  local: string;
  type: T;
  payload: JournalEvent<T>['payload'];
}

/**
 * The canonical text of a row, as hashed. `payloadJson`, when given, is the payload's stored
 * canonical text, used as is (verification of a journal file skips re-encoding every payload;
 * a stored text that is not canonical then fails its hash, as a modified row should).
 */
export function canonicalRow(row: HashedRow, payloadJson?: string): string {
  const { atMs, local, seq, station, type } = row;
  // Fast path for well-typed rows (every row loaxa writes); the general one below handles the rest.
  if (Number.isFinite(atMs) && Number.isFinite(seq) && typeof local === 'string' && typeof station === 'string' && typeof type === 'string') {
    const payload = payloadJson ?? canonical(row.payload);
    return (
      `{"atMs":${JSON.stringify(atMs)},"local":${JSON.stringify(local)},` +
      (payload === undefined ? '' : `"payload":${payload},`) +
      `"seq":${JSON.stringify(seq)},"station":${JSON.stringify(station)},"type":${JSON.stringify(type)}}`
    );
  }
  // Keys in sorted order: atMs, local, payload, seq, station, type.
  const parts: string[] = [];
  const add = (key: string, text: string | undefined) => {
    if (text !== undefined) parts.push(`"${key}":${text}`);
  };
  add('atMs', canonical(atMs));
  add('local', canonical(local));
  add('payload', payloadJson ?? canonical(row.payload));
  add('seq', canonical(seq));
  add('station', canonical(station));
  add('type', canonical(type));
  return '{' + parts.join(',') + '}';
}

/** hash = sha256(prev_hash ‖ canonical row), lower-case hex. */
export function rowHash(prevHash: string, row: HashedRow, payloadJson?: string): string {
  return oneShotHash('sha256', prevHash + canonicalRow(row, payloadJson), 'hex');
}

const K_AT_MS = Buffer.from('{"atMs":');
const K_LOCAL = Buffer.from(',"local":');
const K_PAYLOAD = Buffer.from(',"payload":');
const K_SEQ = Buffer.from(',"seq":');
const K_STATION = Buffer.from(',"station":');
const K_TYPE = Buffer.from(',"type":');

/** Byte ranges [start, end) of `src` holding the JSON texts of a row's fields. */
export interface RowTextRanges {
  atMsStart: number; atMsEnd: number;
  localStart: number; localEnd: number;
  payloadStart: number; payloadEnd: number;
  seqStart: number; seqEnd: number;
  stationStart: number; stationEnd: number;
  typeStart: number; typeEnd: number;
  /** Each text stands in `src` right after its key (`"atMs":…`), as in a bundle line: set only by a reader that checked. */
  keyed?: boolean;
}

/** Copy src[from, to) to out at `at`; returns the new end. A loop for short runs (cheaper than a native call). */
function put(out: Buffer, at: number, src: Buffer, from: number, to: number): number {
  if (to - from > 48) return at + src.copy(out, at, from, to);
  for (let i = from; i < to; i++) out[at++] = src[i]!;
  return at;
}

/**
 * put when `out` and `src` are the same bytes (the importer lays a bundle's rows out in the
 * buffer holding its text): one copyWithin, ~3× cheaper a piece than a copy between buffers,
 * which makes a view each time.
 */
function putWithin(out: Buffer, at: number, _src: Buffer, from: number, to: number): number {
  out.copyWithin(at, from, to);
  return at + to - from;
}

/**
 * The canonical text of a row (as canonicalRow writes it) as UTF-8 bytes, assembled from the
 * JSON texts of its fields as they stand in `src` — e.g. a bundle line — with no parsing and
 * no re-encoding. The caller hands texts it has checked to be canonical for ids and numbers;
 * the payload's text is taken as it stands: one that is not canonical fails its hash, as an
 * edited row does.
 */
export function canonicalRowBytes(src: Buffer, r: RowTextRanges): Buffer {
  const out = Buffer.allocUnsafe(canonicalRowLength(r));
  writeCanonicalRow(out, 0, src, r);
  return out;
}

export function canonicalRowLength(r: RowTextRanges): number {
  return ( K_AT_MS.length + (r.atMsEnd - r.atMsStart) + K_LOCAL.length + (r.localEnd - r.localStart) + K_PAYLOAD.length +
    (r.payloadEnd - r.payloadStart) + K_SEQ.length + (r.seqEnd - r.seqStart) + K_STATION.length + (r.stationEnd - r.stationStart) +
    K_TYPE.length + (r.typeEnd - r.typeStart) + 1);
}

/** Write the canonical text assembled from `src` into `out` at `at`; returns its end. */
function writeCanonicalRow(out: Buffer, at: number, src: Buffer, r: RowTextRanges): number {
  if (r.keyed) return writeKeyedRow(out, at, src, r);
  let o = put(out, at, K_AT_MS, 0, K_AT_MS.length);
  o = put(out, o, src, r.atMsStart, r.atMsEnd);
  o = put(out, o, K_LOCAL, 0, K_LOCAL.length);
  o = put(out, o, src, r.localStart, r.localEnd);
  o = put(out, o, K_PAYLOAD, 0, K_PAYLOAD.length);
  o = put(out, o, src, r.payloadStart, r.payloadEnd);
  o = put(out, o, K_SEQ, 0, K_SEQ.length);
  o = put(out, o, src, r.seqStart, r.seqEnd);
  o = put(out, o, K_STATION, 0, K_STATION.length);
  o = put(out, o, src, r.stationStart, r.stationEnd);
  o = put(out, o, K_TYPE, 0, K_TYPE.length);
  o = put(out, o, src, r.typeStart, r.typeEnd);
  out[o] = 0x7d;
  return o + 1;
}

// Key texts' lengths, `"atMs":` … `"type":`, for texts that stand right after their keys.
const KEY_AT_MS = 7, KEY_LOCAL = 8, KEY_PAYLOAD = 10, KEY_SEQ = 6, KEY_STATION = 10, KEY_TYPE = 7;

/** src[a0, a1), a comma, src[b0, b1): one run when src has them so. */
function putPair(out: Buffer, o: number, src: Buffer, a0: number, a1: number, b0: number, b1: number, copy: typeof put): number {
  if (b0 === a1 + 1 && src[a1] === 0x2c) return copy(out, o, src, a0, b1);
  o = copy(out, o, src, a0, a1);
  out[o++] = 0x2c;
  return copy(out, o, src, b0, b1);
}

/**
 * writeCanonicalRow for texts that stand right after their keys: the same bytes, copied as
 * key-and-text runs — fields that are neighbours in canonical order too (atMs and local, seq
 * and station in a bundle line) in one run.
 */
function writeKeyedRow(out: Buffer, at: number, src: Buffer, r: RowTextRanges, copy: typeof put = put): number {
  out[at] = 0x7b; // {
  let o = putPair(out, at + 1, src, r.atMsStart - KEY_AT_MS, r.atMsEnd, r.localStart - KEY_LOCAL, r.localEnd, copy);
  out[o++] = 0x2c;
  o = copy(out, o, src, r.payloadStart - KEY_PAYLOAD, r.payloadEnd);
  out[o++] = 0x2c;
  o = putPair(out, o, src, r.seqStart - KEY_SEQ, r.seqEnd, r.stationStart - KEY_STATION, r.stationEnd, copy);
  out[o++] = 0x2c;
  o = copy(out, o, src, r.typeStart - KEY_TYPE, r.typeEnd);
  out[o] = 0x7d; // }
  return o + 1;
}

const scratch = { buf: Buffer.allocUnsafe(1 << 16) };

/** hash = sha256(prev_hash ‖ canonical row), the row's canonical text given as UTF-8 bytes. */
export function rowHashOfCanonical(prevHash: string, canonicalRowBytes: Uint8Array): string {
  const need = Buffer.byteLength(prevHash, 'utf8') + canonicalRowBytes.length;
  if (scratch.buf.length < need) scratch.buf = Buffer.allocUnsafe(need * 2);
  const b = scratch.buf;
  const k = b.write(prevHash, 0, 'utf8');
  b.set(canonicalRowBytes, k);
  return oneShotHash('sha256', b.subarray(0, k + canonicalRowBytes.length), 'hex');
}

/** The same hash, the canonical text assembled from field texts in `src` (see canonicalRowBytes) straight into the hashed bytes. */
export function rowHashOfTexts(prevHash: string, src: Buffer, r: RowTextRanges): string {
  const need = Buffer.byteLength(prevHash, 'utf8') + canonicalRowLength(r);
  if (scratch.buf.length < need) scratch.buf = Buffer.allocUnsafe(need * 2);
  const b = scratch.buf;
  const k = b.write(prevHash, 0, 'utf8');
  return oneShotHash('sha256', b.subarray(0, writeCanonicalRow(b, k, src, r)), 'hex');
}

/**
 * Lay out a row's canonical text (assembled from field texts in `src`, as canonicalRowBytes
 * does) at out[at…] and hash it there: the 64 hex characters of its prev_hash, at
 * src[prevHashAt…], are written just before it so the one-shot hash reads both in place, then
 * the text is moved back over them (one memmove). Needs canonicalRowLength(r) + 64 bytes of
 * room at `at`; the text ends at at + canonicalRowLength(r). Returns the row's hash (hex).
 */
export function layOutCanonicalRow(out: Buffer, at: number, src: Buffer, r: RowTextRanges, prevHashAt: number): string {
  const copy = out.buffer === src.buffer && out.byteOffset === src.byteOffset ? putWithin : put;
  copy(out, at, src, prevHashAt, prevHashAt + 64);
  const end = r.keyed ? writeKeyedRow(out, at + 64, src, r, copy) : writeCanonicalRow(out, at + 64, src, r);
  const hash = oneShotHash('sha256', out.subarray(at, end), 'hex');
  out.copyWithin(at, at + 64, end);
  return hash;
}
