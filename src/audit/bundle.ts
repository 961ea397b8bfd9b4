/**
 * Bundles: what a commune sends the district (USB stick, e-mail, Zalo). JSON Lines —
 *   line 1   header  {"kind":"header","format":"loaxa-bundle","version":1, station, key, range…}
 *   lines    events  one journal row each, exactly as stored (seq, hashes, payload); seals included
 *   last     end     {"kind":"end","events":N,"lastSeq":…,"headHash":…} — so a cut file is caught
 * gzip when the file name ends in .gz (read back by its magic bytes, whatever the name).
 * The rows are checked with the journal's own chain rules (verifyEvents), never a copy.
 */
import { createHash } from 'node:crypto';
import { createGunzip, gunzipSync, gzipSync } from 'node:zlib';
import { closeSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
import { EXIT, LoaxaError, fsReason, t } from '../i18n/index.js';
import {
  verifyEvents, canonicalJson, canonicalRow, canonicalRowBytes, fingerprint as keyFingerprint, publicKeyBase64,
  type JournalEvent, type VerifyResult, type Journal, type StoredEvent, type RowTextRanges, type SealPayload,
} from '../journal/index.js';
import type { StationInfo } from './model.js';
import { addDays } from './dates.js';

export const BUNDLE_FORMAT = 'loaxa-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleHeader {
  kind: 'header';
  format: typeof BUNDLE_FORMAT;
  version: number;
  station: StationInfo & { id: string };
  /** Raw Ed25519 public key (base64) and fingerprint of the key that signed the seals. */
  publicKey: string | null;
  fingerprint: string | null;
  /** The local date range asked for; rows after `to` may follow to reach the seal of `to`. */
  from: string;
  to: string;
  firstSeq: number;
  lastSeq: number;
  /** prev_hash of the first row: the previous head, so the first row can be checked. */
  startPrevHash: string;
  events: number;
  seals: number;
  loaxa: string;
  createdAt: string;
}

export interface BundleEnd {
  kind: 'end';
  events: number;
  lastSeq: number;
  headHash: string;
}

export interface Bundle {
  file: string;
  /** sha256 of the file bytes as received. */
  sha256: string;
  header: BundleHeader;
  events: BundleEvent[];
  end: BundleEnd;
}

/** Choose the rows of [from, to]: whole local days, extended back to a seal row just before, forward to the seals of those days. */
export function selectBundleRows(journal: Journal, from: string, to: string): JournalEvent[] {
  const fromMs = Date.parse(addDays(from, -1) + 'T00:00:00Z');
  const toMs = Date.parse(addDays(to, 2) + 'T00:00:00Z');
  const near = journal.events({ fromMs, toMs });
  const inRange = near.filter((e) => e.local.slice(0, 10) >= from && e.local.slice(0, 10) <= to);
  if (!inRange.length) return [];
  let first = inRange[0]!.seq;
  let last = inRange[inRange.length - 1]!.seq;
  // A seal row right before the first row signs the previous head: start there (a seal boundary).
  const before = journal.get(first - 1);
  if (before && before.type === 'seal') first = before.seq;
  // The seals of the range's days may be written later (at midnight, or after a restart).
  for (const s of journal.iterate({ afterSeq: last, types: ['seal'] })) {
    const p = s.payload as JournalEvent<'seal'>['payload'];
    if (p.date <= to && p.date >= from) last = s.seq;
  }
  return journal.events({ afterSeq: first - 1, uptoSeq: last });
}

export function makeHeader(station: StationInfo & { id: string }, events: JournalEvent[], from: string, to: string, loaxaVersion: string, nowMs = Date.now()): BundleHeader {
  const seals = events.filter((e) => e.type === 'seal');
  const key = seals.length ? (seals[seals.length - 1]!.payload as JournalEvent<'seal'>['payload']).publicKey : null;
  return {
    kind: 'header',
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    station,
    publicKey: key,
    fingerprint: key ? keyFingerprint(key) : null,
    from,
    to,
    firstSeq: events[0]!.seq,
    lastSeq: events[events.length - 1]!.seq,
    startPrevHash: events[0]!.prevHash,
    events: events.length,
    seals: seals.length,
    loaxa: loaxaVersion,
    createdAt: new Date(nowMs).toISOString(),
  };
}

/** Serialise; rows are written with the journal's own field order (hashes cover content, not layout). */
export function bundleText(header: BundleHeader, events: JournalEvent[]): string {
  const last = events[events.length - 1]!;
  const end: BundleEnd = { kind: 'end', events: events.length, lastSeq: last.seq, headHash: last.hash };
  const lines = [JSON.stringify(header)];
  // The payload goes last, in canonical JSON, so a reader can hash its text as it stands.
  for (const e of events) lines.push(rowHead(e) + canonicalJson(e.payload) + '}');
  lines.push(JSON.stringify(end));
  return lines.join('\n') + '\n';
}

/** Write atomically (temp file + rename) so a half-written bundle never has the final name. */
export function writeBundle(file: string, header: BundleHeader, events: JournalEvent[]): void {
  const text = bundleText(header, events);
  const data = file.endsWith('.gz') ? gzipSync(Buffer.from(text, 'utf8'), { level: 9 }) : Buffer.from(text, 'utf8');
  writeAtomically(file, data);
}

/** Where a path can't be written because of the path itself (bad input), not the machine. */
const PATH_PROBLEMS = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS']);

/**
 * Write a file the reader asked for (a bundle, a report) through a temp file and a rename: a
 * failed write never leaves a half file under the name, nor clobbers the one already there.
 * A path that can't be written is a clear error — exit 1 for the path (no such folder, no
 * permission), 3 for the machine (disk full) — not a stack trace.
 */
export function writeAtomically(file: string, data: Uint8Array | readonly Uint8Array[]): void {
  // A device or a pipe (-o /dev/stdout, a FIFO) is written as it is: renaming a temp file
  // over it would replace it with a plain file.
  let special = false;
  try {
    special = !statSync(file).isFile();
  } catch {
    // Not there yet (or not reachable: the write below says why).
  }
  const tmp = special ? file : `${file}.tmp-${process.pid}`;
  try {
    // Pieces (a district's CSV, ~40 MB) are written one after another, not joined first.
    const fd = openSync(tmp, 'w');
    try {
      for (const piece of Array.isArray(data) ? data : [data as Uint8Array]) {
        for (let at = 0; at < piece.length; ) at += writeSync(fd, piece, at, piece.length - at);
      }
    } finally {
      closeSync(fd);
    }
    if (!special) renameSync(tmp, file);
  } catch (e) {
    if (!special) rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new LoaxaError('cli.file.unwritable', { file, reason: fsReason(e) }, PATH_PROBLEMS.has(code) ? EXIT.INVALID : EXIT.FAULT);
  }
}

/** A row line up to its payload: `{"seq":…,"hash":"…","payload":` */
function rowHead(e: Omit<JournalEvent, 'payload'>): string {
  const q = JSON.stringify;
  return `{"seq":${q(e.seq)},"station":${q(e.station)},"atMs":${q(e.atMs)},"local":${q(e.local)},"type":${q(e.type)},"prevHash":${q(e.prevHash)},"hash":${q(e.hash)},"payload":`;
}

/**
 * A bundle row. `canonical` is the row's canonical text as UTF-8 bytes — the bytes its hash
 * covers — taken from the line's own bytes when the line has the writer's layout.
 */
export type BundleEvent = StoredEvent & { canonical: Buffer };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function eventShapeOk(v: Record<string, unknown>): boolean {
  return (
    typeof v.seq === 'number' && typeof v.station === 'string' && typeof v.atMs === 'number' && typeof v.local === 'string' &&
    typeof v.type === 'string' && 'payload' in v && typeof v.prevHash === 'string' && typeof v.hash === 'string'
  );
}

const token = (s: string) => Buffer.from(s, 'latin1');
const T_SEQ = token('{"seq":');
const T_STATION = token(',"station":');
const T_AT_MS = token(',"atMs":');
const T_LOCAL = token(',"local":');
const T_TYPE = token(',"type":');
const T_PREV = token(',"prevHash":"');
const T_HASH = token('","hash":"');
const T_PAYLOAD = token('","payload":');
const HASH_HEX = 64;

function hasToken(d: Buffer, at: number, t: Buffer, end: number): boolean {
  if (at + t.length > end) return false;
  for (let k = 0; k < t.length; k++) if (d[at + k] !== t[k]) return false;
  return true;
}

/** End (exclusive) of a JSON string of plain printable ASCII (no escapes) starting at its opening quote; -1 otherwise. */
function plainStringEnd(d: Buffer, at: number, end: number): number {
  if (d[at] !== 0x22) return -1;
  for (let i = at + 1; i < end; i++) {
    const c = d[i]!;
    if (c === 0x22) return i + 1;
    if (c === 0x5c || c < 0x20 || c > 0x7e) return -1;
  }
  return -1;
}

/**
 * Short texts that repeat on every row (the station, the event types), one string each
 * rather than a new one per row: looked up by their bytes.
 */
class RepeatedTexts {
  private readonly seen = new Map<number, Array<{ bytes: Buffer; text: string }>>();

  private last: { bytes: Buffer; text: string } | null = null;
  private beforeLast: { bytes: Buffer; text: string } | null = null;

  get(d: Buffer, a: number, b: number): string {
    // Most often one of the last two (the station, then the type, row after row).
    const l = this.last;
    if (l && same(l.bytes, d, a, b)) return l.text;
    const bl = this.beforeLast;
    if (bl && same(bl.bytes, d, a, b)) {
      this.beforeLast = l;
      this.last = bl;
      return bl.text;
    }
    const found = this.lookUp(d, a, b);
    this.beforeLast = l;
    this.last = found;
    return found.text;
  }

  private lookUp(d: Buffer, a: number, b: number): { bytes: Buffer; text: string } {
    // A few bytes and the length tell the texts apart well enough: the bytes are compared anyway.
    const n = b - a;
    const key = n === 0 ? 0 : (n | (d[a]! << 8) | (d[b - 1]! << 16) | (d[a + (n >> 1)]! << 24)) | 0;
    const list = this.seen.get(key);
    if (list) {
      next: for (const e of list) {
        if (e.bytes.length !== b - a) continue;
        for (let i = a; i < b; i++) if (e.bytes[i - a] !== d[i]) continue next;
        return e;
      }
    }
    const text = d.toString('latin1', a, b);
    if (this.seen.size > 1024) this.seen.clear();
    const entry = { bytes: Buffer.from(d.subarray(a, b)), text };
    if (list) list.push(entry);
    else this.seen.set(key, [entry]);
    return entry;
  }
}

/** The hash text of the row read last, where it stands. */
const lastHash: { src: Buffer | null; at: number; text: string } = { src: null, at: 0, text: '' };

/** Whether the `n` bytes of `d` at `a` and at `b` are the same. */
export function sameBytes(d: Buffer, a: number, b: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (d[a + k] !== d[b + k]) return false;
  return true;
}

function same(x: Buffer, d: Buffer, a: number, b: number): boolean {
  if (x.length !== b - a) return false;
  for (let i = a; i < b; i++) if (x[i - a] !== d[i]) return false;
  return true;
}

// Stations and event types apart: a station's text then comes back row after row.
const stations = new RepeatedTexts();
const types = new RepeatedTexts();

/**
 * Where a row line's fields stand in its bytes, and its two numbers: what readRowFields()
 * finds in a line of the writer's layout.
 */
export class RowFields implements RowTextRanges {
  seq = 0;
  atMs = 0;
  /** Read() checked every field's key before its text. */
  readonly keyed = true;
  /** Where the 64 hex characters of prevHash stand in the line's buffer, and those of hash. */
  prevHashAt = 0;
  hashAt = 0;
  seqStart = 0; seqEnd = 0;
  stationStart = 0; stationEnd = 0;
  atMsStart = 0; atMsEnd = 0;
  localStart = 0; localEnd = 0;
  typeStart = 0; typeEnd = 0;
  payloadStart = 0; payloadEnd = 0;
}

/**
 * Read line [start, end) of `d` into `r` when it has exactly the writer's layout, with plain
 * ASCII ids and integers as JSON.stringify writes them — texts that are canonical as they
 * stand; false otherwise (the line is then parsed as JSON). The one test of "the writer's
 * layout": every reader of rows in place goes through it.
 */
export function readRowFields(d: Buffer, start: number, end: number, r: RowFields): boolean {
  if (!hasToken(d, start, T_SEQ, end) || d[end - 1] !== 0x7d) return false;
  let i = readInteger(d, start + T_SEQ.length, end, r, true);
  if (i < 0 || !hasToken(d, i, T_STATION, end)) return false;
  r.stationStart = i + T_STATION.length;
  i = r.stationEnd = plainStringEnd(d, r.stationStart, end);
  if (i < 0 || !hasToken(d, i, T_AT_MS, end)) return false;
  i = readInteger(d, i + T_AT_MS.length, end, r, false);
  if (i < 0 || !hasToken(d, i, T_LOCAL, end)) return false;
  r.localStart = i + T_LOCAL.length;
  i = r.localEnd = plainStringEnd(d, r.localStart, end);
  if (i < 0 || !hasToken(d, i, T_TYPE, end)) return false;
  r.typeStart = i + T_TYPE.length;
  i = r.typeEnd = plainStringEnd(d, r.typeStart, end);
  if (i < 0 || !hasToken(d, i, T_PREV, end)) return false;
  // Hashes are taken as 64 characters: they are compared with computed hex digests.
  const prevStart = i + T_PREV.length;
  if (!hasToken(d, prevStart + HASH_HEX, T_HASH, end)) return false;
  const hashStart = prevStart + HASH_HEX + T_HASH.length;
  if (!hasToken(d, hashStart + HASH_HEX, T_PAYLOAD, end)) return false;
  r.payloadStart = hashStart + HASH_HEX + T_PAYLOAD.length;
  r.payloadEnd = end - 1;
  if (r.payloadEnd <= r.payloadStart) return false;
  r.prevHashAt = prevStart;
  r.hashAt = hashStart;
  return true;
}

/** A safe integer written as JSON.stringify writes it, at `at`: sets r's seq or atMs, returns its end (-1: not one). */
function readInteger(d: Buffer, at: number, end: number, r: RowFields, isSeq: boolean): number {
  let i = at;
  const negative = d[i] === 0x2d;
  if (negative) i++;
  const first = i;
  let n = 0;
  for (; i < end; i++) {
    const c = d[i]! - 0x30;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  const digits = i - first;
  if (digits === 0 || digits > 15 || (d[first] === 0x30 && (digits > 1 || negative))) return -1;
  if (isSeq) {
    r.seq = negative ? -n : n;
    r.seqStart = at;
    r.seqEnd = i;
  } else {
    r.atMs = negative ? -n : n;
    r.atMsStart = at;
    r.atMsEnd = i;
  }
  return i;
}

/** A row's event type, one string per type (the bytes between its quotes looked up). */
export function rowType(d: Buffer, r: RowFields): JournalEvent['type'] {
  return types.get(d, r.typeStart + 1, r.typeEnd - 1) as JournalEvent['type'];
}

/** Whether a row's station text is `id` (given as its latin-1 bytes). */
export function rowStationIs(d: Buffer, r: RowFields, id: Buffer): boolean {
  return same(id, d, r.stationStart + 1, r.stationEnd - 1);
}

/**
 * A row line in the writer's layout, read off the bundle's bytes: the field texts stay where
 * they are — the canonical text the hash covers is assembled from them, and so is the text the
 * store keeps — only the fields the chain rules need become values, and the payload is parsed
 * when first asked for.
 */
export class BundleRow extends RowFields implements BundleEvent {
  station = '';
  local = '';
  type = '' as JournalEvent['type'];
  prevHash = '';
  hash = '';
  /** Set where the row is laid out and hashed in the store's buffer (see StoredEvent.ownHash). */
  ownHash: string | undefined = undefined;
  private parsed: JournalEvent['payload'] | undefined;

  private constructor(readonly src: Buffer) {
    super();
  }

  /** The row of line [start, end) when it has exactly the writer's layout (readRowFields); null otherwise. */
  static read(d: Buffer, start: number, end: number): BundleRow | null {
    const r = new BundleRow(d);
    if (!readRowFields(d, start, end, r)) return null;
    r.station = stations.get(d, r.stationStart + 1, r.stationEnd - 1);
    r.local = d.toString('latin1', r.localStart + 1, r.localEnd - 1);
    r.type = rowType(d, r);
    const prevStart = r.prevHashAt;
    const hashStart = r.hashAt;
    // A row's prevHash is most often the hash text of the line before: the same string then.
    r.prevHash = lastHash.src === d && sameBytes(d, prevStart, lastHash.at, HASH_HEX) ? lastHash.text : d.toString('latin1', prevStart, prevStart + HASH_HEX);
    r.hash = d.toString('latin1', hashStart, hashStart + HASH_HEX);
    lastHash.src = d;
    lastHash.at = hashStart;
    lastHash.text = r.hash;
    return r;
  }

  /** The field texts the canonical text is assembled from: the journal hashes them where they stand. */
  get texts(): this {
    return this;
  }

  /** The row's canonical text as UTF-8 bytes. */
  get canonical(): Buffer {
    return canonicalRowBytes(this.src, this);
  }

  get payload(): JournalEvent['payload'] {
    return (this.parsed ??= JSON.parse(this.src.toString('utf8', this.payloadStart, this.payloadEnd)) as JournalEvent['payload']);
  }

  set payload(value: JournalEvent['payload']) {
    this.parsed = value;
  }

  toJSON(): JournalEvent {
    return { seq: this.seq, station: this.station, atMs: this.atMs, local: this.local, type: this.type, payload: this.payload, prevHash: this.prevHash, hash: this.hash };
  }
}

export interface ReadBundleOptions {
  /** Called with each row as it is read, before it is handed on (bundleRows). */
  onRow?: (row: BundleEvent) => void;
  /**
   * Parse every payload now, so a payload that is not JSON is named as a damaged line (default
   * true). Off, payloads stay bytes until asked for: a damaged one then fails its row's hash,
   * and the caller asks lineIsJson() about that row to tell damage from an edit.
   */
  checkPayloads?: boolean;
}

/** A bundle file read and its header checked; its rows are still bytes (see bundleRows). */
export interface OpenedBundle {
  file: string;
  /** sha256 of the file bytes as received. */
  sha256: string;
  header: BundleHeader;
  /** The bundle's text, gunzipped. */
  data: Buffer;
  /** Where the line after the header starts, and where the text ends (a final newline left out). */
  bodyStart: number;
  contentEnd: number;
}

/**
 * The size of a gzip file's text as its trailer gives it (ISIZE, the last 4 bytes), or null
 * when that is no size: a cut file's last bytes, or more than a bundle's text compresses to (~8:1).
 */
function inflatedSize(gz: Buffer): number | null {
  const size = gz.length >= 18 ? gz.readUInt32LE(gz.length - 4) : 0;
  return size >= gz.length && size <= gz.length * 64 && size < 1 << 30 ? size : null;
}

/**
 * The output size to inflate a gzip file into: the size its trailer gives, so the text comes
 * out in one piece of the right size — no pieces to join, no spare room. Preparing a dense
 * district's 30 bundles in two worker threads: ~5.4 s, against ~5.8 s in 256 KiB pieces and
 * ~6.0 s in one piece 16× the file. A trailer that lies (a damaged, cut or multi-member file)
 * only costs more pieces: 256 KiB ones.
 */
function inflatedSizeHint(gz: Buffer): number {
  const size = inflatedSize(gz);
  return size === null ? 256 << 10 : size + 1;
}

const isGzip = (raw: Buffer) => raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b;

function readRaw(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LoaxaError('cli.file.missing', { file }, EXIT.INVALID);
    throw new LoaxaError('audit.bundle.unreadable', { file: basename(file), detail: (e as Error).message }, EXIT.INVALID);
  }
}

const gzipError = (file: string, e: unknown) => new LoaxaError('audit.bundle.truncated', { file: basename(file), detail: `gzip: ${(e as Error).message}` }, EXIT.INVALID);

/** Open a bundle: read, gunzip, check the header. Throws LoaxaError (exit 1) for anything that is not a bundle. */
export function openBundle(file: string): OpenedBundle {
  const raw = readRaw(file);
  return openRead(file, raw, createHash('sha256').update(raw).digest('hex'));
}

/** openBundle of a file's bytes already read. */
function openRead(file: string, raw: Buffer, sha256: string): OpenedBundle {
  let data = raw;
  if (isGzip(raw)) {
    try {
      data = gunzipSync(raw, { chunkSize: inflatedSizeHint(raw) });
    } catch (e) {
      throw gzipError(file, e);
    }
  }
  return withHeader(file, sha256, data);
}

/**
 * openBundle, the text inflated at the start of `into` (when the trailer's size fits, with
 * spare(size) bytes after it) rather than into memory of its own: an importer hands it buffers it
 * has used before. Fresh memory costs a page fault per 4 KiB on first touch — for a dense
 * district's gigabyte of text, about as long as inflating it. Inflated in 1 MiB pieces (few
 * trips to zlib's thread; pieces that size are recycled by the allocator). Without room, as
 * openBundle.
 */
export async function openBundleInto(file: string, spare: (size: number) => number, into: (bytes: number) => Buffer): Promise<OpenedBundle> {
  const raw = readRaw(file);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  const size = isGzip(raw) ? inflatedSize(raw) : null;
  if (size === null) return openRead(file, raw, sha256);
  const buf = into(size + spare(size));
  const pieces: Buffer[] = [];
  let at = 0;
  let overflow = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const gunzip = createGunzip({ chunkSize: 1 << 20 });
      gunzip.on('data', (c: Buffer) => {
        // More text than the trailer said (a multi-member file): joined the general way.
        if (!overflow && at + c.length > size) {
          overflow = true;
          pieces.push(Buffer.from(buf.subarray(0, at)));
        }
        if (overflow) pieces.push(c);
        else at += c.copy(buf, at);
      });
      gunzip.once('end', resolve);
      gunzip.once('error', reject);
      gunzip.end(raw);
    });
  } catch (e) {
    throw gzipError(file, e);
  }
  return withHeader(file, sha256, overflow ? Buffer.concat(pieces) : buf.subarray(0, at));
}

/** The opened bundle from its text: the header line checked. */
function withHeader(file: string, sha256: string, data: Buffer): OpenedBundle {
  const name = basename(file);
  // Line boundaries as byte offsets: rows are read off the bytes, not decoded to strings.
  let contentEnd = data.length;
  if (contentEnd > 0 && data[contentEnd - 1] === 0x0a) contentEnd--;
  const firstNl = data.indexOf(0x0a);
  const headerEnd = firstNl < 0 || firstNl > contentEnd ? contentEnd : firstNl;
  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', 0, headerEnd));
  } catch {
    throw new LoaxaError('audit.bundle.notBundle', { file: name, detail: 'no header line' }, EXIT.INVALID);
  }
  if (!isObject(header) || header.kind !== 'header' || header.format !== BUNDLE_FORMAT) {
    throw new LoaxaError('audit.bundle.notBundle', { file: name, detail: 'no header line' }, EXIT.INVALID);
  }
  if (typeof header.version !== 'number' || header.version > BUNDLE_VERSION) {
    throw new LoaxaError('audit.bundle.newerVersion', { file: name, version: String(header.version) }, EXIT.INVALID);
  }
  const h = header as unknown as BundleHeader;
  if (!isObject(h.station) || typeof h.station.id !== 'string' || typeof h.from !== 'string' || typeof h.to !== 'string' || typeof h.startPrevHash !== 'string') {
    throw new LoaxaError('audit.bundle.corrupt', { file: name, line: 1, detail: 'header fields' }, EXIT.INVALID);
  }
  return { file, sha256, header: h, data, bodyStart: headerEnd + 1, contentEnd };
}

/** What reading the rows found besides the rows themselves, filled in as they pass. */
export interface RowsRead {
  end: BundleEnd | null;
  count: number;
  /** The latest atMs, and the local time of the first row with it. */
  latestAtMs: number;
  latestLocal: string;
}

export const rowsRead = (): RowsRead => ({ end: null, count: 0, latestAtMs: 0, latestLocal: '' });

/**
 * The rows of an opened bundle, line by line, as they are read (none kept here): throws
 * LoaxaError (exit 1) for a line that is not a row, naming it by its number. `read` gets the
 * end line and what finishRead() checks once all are read.
 */
export function* bundleRows(o: OpenedBundle, read: RowsRead, opts: ReadBundleOptions = {}): Generator<BundleEvent, void, undefined> {
  const { data, contentEnd } = o;
  const name = basename(o.file);
  const checkPayloads = opts.checkPayloads ?? true;
  const onRow = opts.onRow;
  let lineNo = 1;
  for (let start = o.bodyStart; start <= contentEnd; ) {
    lineNo++;
    let stop = data.indexOf(0x0a, start);
    if (stop < 0 || stop > contentEnd) stop = contentEnd;
    const isLast = stop >= contentEnd;
    const next = stop + 1;
    // A row as the writer lays it out: its field texts are read where they stand.
    let row: BundleEvent | null = BundleRow.read(data, start, stop);
    if (row) {
      if (checkPayloads) {
        try {
          void row.payload;
        } catch {
          if (isLast) throw new LoaxaError('audit.bundle.truncated', { file: name, detail: `line ${lineNo}` }, EXIT.INVALID);
          throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'not JSON' }, EXIT.INVALID);
        }
      }
      start = next;
    } else {
      const line = data.toString('utf8', start, stop);
      start = next;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        // The last line cut in the middle is a truncated file; anything else is damage.
        if (isLast) throw new LoaxaError('audit.bundle.truncated', { file: name, detail: `line ${lineNo}` }, EXIT.INVALID);
        throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'not JSON' }, EXIT.INVALID);
      }
      if (!isObject(v)) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'not an object' }, EXIT.INVALID);
      if (v.kind === 'end') {
        if (!isLast) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'rows after the end line' }, EXIT.INVALID);
        read.end = v as unknown as BundleEnd;
        return;
      }
      if (!eventShapeOk(v)) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'not a journal row' }, EXIT.INVALID);
      const ev = v as unknown as JournalEvent;
      // Another layout: hash the payload text as written when the line ends with it (no
      // re-encoding: a payload not in canonical form then fails its hash, as an altered row
      // should), else the canonical text of the parsed row.
      const head = rowHead(ev);
      const payloadJson = line.startsWith(head) && line.endsWith('}') ? line.slice(head.length, -1) : undefined;
      let canonical: Buffer;
      try {
        canonical = Buffer.from(canonicalRow(ev, payloadJson), 'utf8');
      } catch {
        throw new LoaxaError('audit.bundle.corrupt', { file: name, line: lineNo, detail: 'not a journal row' }, EXIT.INVALID);
      }
      Object.defineProperty(ev, 'canonical', { value: canonical, enumerable: false, writable: true });
      row = ev as BundleEvent;
    }
    read.count++;
    if (row.atMs > read.latestAtMs) {
      read.latestAtMs = row.atMs;
      read.latestLocal = row.local;
    }
    onRow?.(row);
    yield row;
  }
}

/** Once every line is read: an end line, some rows, nothing dated in the future. Throws LoaxaError (exit 1); returns the end line. */
export function finishRead(o: OpenedBundle, read: RowsRead, nowMs = Date.now()): BundleEnd {
  const name = basename(o.file);
  if (!read.end) throw new LoaxaError('audit.bundle.truncated', { file: name, detail: 'no end line' }, EXIT.INVALID);
  if (read.count === 0) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: 2, detail: 'no rows' }, EXIT.INVALID);
  // Dated in the future: a clock set wrong at the station, or a forgery. Five minutes of slack.
  if (read.latestAtMs > nowMs + 5 * 60_000) throw new LoaxaError('audit.bundle.future', { file: name, when: read.latestLocal }, EXIT.INVALID);
  if (o.header.from > new Date(nowMs + 86_400_000).toISOString().slice(0, 10)) {
    throw new LoaxaError('audit.bundle.future', { file: name, when: o.header.from }, EXIT.INVALID);
  }
  return read.end;
}

/** Read and parse a bundle (no chain check yet). Throws LoaxaError (exit 1) for anything that is not a whole bundle. */
export function readBundle(file: string, nowMs = Date.now(), opts: ReadBundleOptions = {}): Bundle {
  const o = openBundle(file);
  const read = rowsRead();
  const events = [...bundleRows(o, read, opts)];
  const end = finishRead(o, read, nowMs);
  return { file, sha256: o.sha256, header: o.header, events, end };
}

/** Whether row `index` of a bundle read without checkPayloads is whole JSON (its line number is index + 2). */
export function rowIsJson(b: Bundle, index: number): boolean {
  const e = b.events[index];
  if (!e) return true;
  try {
    void e.payload;
    return true;
  } catch {
    return false;
  }
}

export interface BundleVerdict {
  file: string;
  ok: boolean;
  station: string;
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  days: number;
  seals: number;
  fingerprint: string | null;
  publicKey: string | null;
  /** The first row is tied to a signed seal (a seal boundary), not just to the previous row's hash. */
  anchored: boolean;
  result: VerifyResult | null;
  /** First bad row (null when the problem is not a row) and why, in the chosen language. */
  failure?: { seq: number | null; reason: string };
}

/**
 * Verify a parsed bundle: its chain from startPrevHash with the journal's rules, every seal,
 * one key throughout (and the expected key when given), the end line, and the header's claims.
 */
export function verifyBundle(b: Bundle, opts: { publicKeys?: string[] } = {}): BundleVerdict {
  return verifyBundleRows(b.file, b.header, b.events, () => b.end, opts);
}

/**
 * verifyBundle over rows given one by one as they are read (none need be kept): every check in
 * one pass. `end` is called once every row has been taken: it gives the end line, or throws
 * what reading found wrong (see finishRead) — before any verdict, as reading a whole bundle first would.
 */
export function verifyBundleRows(
  file: string, h: BundleHeader, rows: Iterable<BundleEvent>, end: () => BundleEnd, opts: { publicKeys?: string[] } = {},
): BundleVerdict {
  const it = rows[Symbol.iterator]();
  const firstStep = it.next();
  if (firstStep.done) {
    end(); // throws: a bundle without rows
    throw new LoaxaError('audit.bundle.corrupt', { file: basename(file), line: 2, detail: 'no rows' }, EXIT.INVALID);
  }
  const first = firstStep.value;
  let count = 0;
  let lastSeq = first.seq;
  let other: { seq: number; station: string } | null = null;
  const seals: BundleEvent[] = [];
  // Days after the asked range ride along only to reach the seals: they may be unsealed.
  // Filled as rows pass; verifyEvents reads it only when it checks seals, by then complete up to that row.
  const exemptDays = new Set<string>();
  const pass = (e: BundleEvent): void => {
    count++;
    lastSeq = e.seq;
    if (other === null && e.station !== h.station.id) other = { seq: e.seq, station: e.station };
    // (A local time sorts after `to` on that date already: cut out the date only for those.)
    if (e.local > h.to && e.local.slice(0, 10) > h.to) exemptDays.add(e.local.slice(0, 10));
    if (e.type === 'seal') seals.push(e);
  };
  pass(first);
  let pending: BundleEvent | null = first;
  // No return(): verifyEvents stopping at a bad row must not close the rows — all are read below.
  const tracked: Iterator<BundleEvent> = {
    next: () => {
      if (pending) {
        const value = pending;
        pending = null;
        return { done: false, value };
      }
      const step = it.next();
      if (!step.done) pass(step.value);
      return step;
    },
  };
  const result = verifyEvents({ [Symbol.iterator]: () => tracked }, {
    startPrevHash: h.startPrevHash,
    startSeq: first.seq,
    publicKeys: opts.publicKeys,
    exemptDays,
  });
  for (let step = tracked.next(); !step.done; step = tracked.next());
  const theEnd = end();
  const mismatch = other as { seq: number; station: string } | null;
  return bundleVerdict(file, h, first, count, lastSeq, mismatch, () => seals.map((e) => e.payload as SealPayload), result, theEnd);
}

/**
 * The verdict on a bundle's rows once all are read and their chain checked (`result`): the
 * station throughout (`mismatch`: the first row of another), the seals' key against the
 * header's, the anchor, and the end line's and the header's claims.
 */
export function bundleVerdict(
  file: string, h: BundleHeader, first: { seq: number; prevHash: string }, count: number, lastSeq: number,
  mismatch: { seq: number; station: string } | null, sealPayloadsOf: () => SealPayload[], result: VerifyResult, theEnd: BundleEnd,
): BundleVerdict {
  const verdict: BundleVerdict = {
    file, ok: false, station: h.station.id, events: count, firstSeq: first.seq,
    lastSeq, days: 0, seals: 0, fingerprint: null, publicKey: null, anchored: false, result: null,
  };
  const failWith = (seq: number | null, reason: string): BundleVerdict => ({ ...verdict, ok: false, failure: { seq, reason } });
  if (mismatch) return failWith(mismatch.seq, t('audit.bundle.stationMismatch', { file: basename(file), seq: mismatch.seq, other: mismatch.station, station: h.station.id }));

  verdict.result = result;
  verdict.days = result.days;
  verdict.seals = result.seals;
  verdict.fingerprint = result.keyFingerprint;
  if (!result.ok) {
    const bad = result.firstBad!;
    return failWith(bad.seq, t(`journal.verify.problem.${bad.problem}`, bad.params));
  }
  if (first.prevHash !== h.startPrevHash) return failWith(first.seq, t('journal.verify.problem.changed', { seq: first.seq }));
  const sealPayloads = sealPayloadsOf();
  if (sealPayloads.length) {
    verdict.publicKey = publicKeyBase64(sealPayloads[0]!.publicKey);
    if (h.publicKey) {
      const key = headerKey(h.publicKey);
      if (key === null) return failWith(null, t('audit.verify.headerKeyBad'));
      const keyPrint = keyFingerprint(key);
      if (key !== verdict.publicKey) return failWith(null, t('audit.verify.headerKey', { header: keyPrint, seal: verdict.fingerprint ?? '?' }));
      if (h.fingerprint && h.fingerprint !== keyPrint) return failWith(null, t('audit.verify.headerFingerprint', { claimed: h.fingerprint, actual: keyPrint }));
    }
    // A seal of the day before, carried as the first row, signs the head this bundle starts from.
    const anchor = sealPayloads.find((s) => s.lastSeq === first.seq - 1);
    if (anchor) {
      if (anchor.headHash !== h.startPrevHash) return failWith(first.seq, t('journal.verify.problem.seal-mismatch', { seq: first.seq, date: anchor.date }));
      verdict.anchored = true;
    }
  }
  if (first.prevHash === '0'.repeat(64) && first.seq === 1) verdict.anchored = true;
  if (theEnd.events !== count) return failWith(null, t('audit.verify.countMismatch', { expected: theEnd.events, actual: count }));
  if (theEnd.headHash !== verdict.result.head?.hash || theEnd.lastSeq !== verdict.lastSeq) return failWith(verdict.lastSeq, t('audit.verify.headMismatch'));
  if (typeof h.events === 'number' && h.events !== count) return failWith(null, t('audit.verify.countMismatch', { expected: h.events, actual: count }));
  // The header's other claims, as a person reads them before checking anything.
  if ((typeof h.firstSeq === 'number' && h.firstSeq !== first.seq) || (typeof h.lastSeq === 'number' && h.lastSeq !== lastSeq)) {
    return failWith(null, t('audit.verify.headerRange', { firstSeq: String(h.firstSeq), lastSeq: String(h.lastSeq), actualFirst: first.seq, actualLast: lastSeq }));
  }
  if (typeof h.seals === 'number' && h.seals !== result.seals) return failWith(null, t('audit.verify.sealCount', { expected: h.seals, actual: result.seals }));
  verdict.ok = true;
  return verdict;
}

/** The header's key in base64, as the seals' keys are compared; null for a text that is no key. */
function headerKey(key: string): string | null {
  try {
    return publicKeyBase64(key);
  } catch {
    return null;
  }
}

export function verdictLine(v: BundleVerdict): string {
  const file = basename(v.file);
  if (v.ok) {
    return t('audit.verify.ok', { file, station: v.station, events: v.events, firstSeq: v.firstSeq ?? '—', lastSeq: v.lastSeq ?? '—', days: v.days, seals: v.seals, fingerprint: v.fingerprint ?? t('audit.none') });
  }
  return v.failure!.seq === null
    ? t('audit.verify.badNoSeq', { file, reason: v.failure!.reason })
    : t('audit.verify.bad', { file, seq: v.failure!.seq, reason: v.failure!.reason });
}
