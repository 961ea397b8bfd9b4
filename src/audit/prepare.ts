/**
 * Preparing bundles for import: read, verify, and lay the rows out column by column. The
 * work is CPU-bound (gunzip, JSON, SHA-256, Ed25519), so several bundles are prepared at
 * once in worker threads — one per core — while the store is written by the main thread only.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { EXIT, LoaxaError, errorFromWire, errorToWire, getLang, type WireError } from '../i18n/index.js';
import { ChainVerifier, canonicalJson, canonicalRowLength, layOutCanonicalRow, type JournalEvent, type RowChunks, type SealPayload, type StoredEvent } from '../journal/index.js';
import { clockReadingTextFine, reportReads } from './model.js';
import { addDays } from './dates.js';
import {
  BundleRow, RowFields, bundleRows, bundleVerdict, finishRead, readRowFields, rowStationIs, rowType, sameBytes, openBundle, openBundleInto, readBundle, rowIsJson, rowsRead, verifyBundle, verifyBundleRows,
  type Bundle, type BundleEnd, type BundleEvent, type BundleHeader, type BundleVerdict, type OpenedBundle,
} from './bundle.js';

export interface PreparedBundle {
  file: string;
  sha256: string;
  header: BundleHeader;
  end: BundleEnd;
  verdict: BundleVerdict;
  /** The verified rows laid out for the store (null when the bundle does not verify). */
  rows: RowChunks | null;
  /** The buffer the rows were laid out in, when it came from a worker's ArenaPool: given back once written. */
  arena?: ArrayBuffer;
}

const COMMA = 0x2c;
const noPayload = () => undefined;
const FAULT = Buffer.from('fault":');
const CONFIRMED = Buffer.from('confirmed":');

/**
 * A relay action's payload as far as reportReads() asks about it, read off its bytes without
 * parsing: a fault, or a read-back that is null or a mismatch, shows as `"fault":` or as
 * `"confirmed":` followed by `n` or `"m`. Such a text found elsewhere (a per-channel result)
 * only keeps a good action among the rows the report reads — where the report looks at it again.
 */
function maybeFaulty(d: Buffer, e: RowFields): { confirmed: null } | { confirmed: 'on' } {
  const end = e.payloadEnd;
  const has = (at: number, word: Buffer) => {
    if (at + word.length > end) return false;
    for (let k = 0; k < word.length; k++) if (d[at + k] !== word[k]) return false;
    return true;
  };
  for (let i = e.payloadStart; i < end; i++) {
    if (d[i] !== 0x22) continue;
    const c = d[i + 1];
    if (c === 0x66 /* f */ && has(i + 1, FAULT)) return { confirmed: null };
    if (c === 0x63 /* c */ && has(i + 1, CONFIRMED)) {
      const v = d[i + 1 + CONFIRMED.length];
      if (v === 0x6e /* n */ || (v === 0x22 && d[i + 2 + CONFIRMED.length] === 0x6d) /* "m */) return { confirmed: null };
    }
  }
  return { confirmed: 'on' };
}

const DATE_KEY = Buffer.from('{"date":"');

/**
 * The day a seal or a slot result is about (its payload's `date`): read off the canonical
 * bytes, where `date` is the first key of both; parsed when the row has another shape.
 */
function refDay(e: BundleEvent): string | null {
  if (e instanceof BundleRow) {
    const day = refDayInPlace(e.src, e);
    if (day !== undefined) return day;
  }
  return dateOf(() => e.payload);
}

/** refDay of a row read in place: undefined when its payload does not start with `date` (parse it then). */
function refDayInPlace(d: Buffer, e: RowFields): string | null | undefined {
  let k = 0;
  while (k < DATE_KEY.length && d[e.payloadStart + k] === DATE_KEY[k]) k++;
  if (k < DATE_KEY.length) return undefined;
  const at = e.payloadStart + k;
  return d[at + 10] === 0x22 ? d.toString('latin1', at, at + 10) : null;
}

function dateOf(payload: () => unknown): string | null {
  try {
    const date = (payload() as { date?: unknown } | null)?.date;
    return typeof date === 'string' ? date : null;
  } catch {
    return null; // not JSON: the row fails its hash, and the bundle is refused
  }
}

/** A row's payload as canonical text; a payload that is not JSON (the row then fails its hash) as an empty text. */
function payloadTextOf(e: BundleEvent): string {
  try {
    return canonicalJson(e.payload);
  } catch {
    return '';
  }
}

/**
 * A growing run of bytes: at `start` of `buf` — a region of the bundle's arena (see streamFile),
 * or, once outgrown or when there is none, an ArrayBuffer of its own. Either way the buffer is
 * handed to the main thread, not copied. `length` counts from `start`.
 */
class Bytes {
  buf: Buffer;
  start: number;
  private limit: number;
  length = 0;
  constructor(size: number, region?: { buf: Buffer; start: number; size: number }) {
    if (region) {
      this.buf = region.buf;
      this.start = region.start;
      this.limit = region.start + region.size;
    } else {
      this.buf = Buffer.from(new ArrayBuffer(Math.max(1 << 16, size)));
      this.start = 0;
      this.limit = this.buf.length;
    }
  }
  /** The buffer, with room for `k` more bytes at start + length. */
  room(k: number): Buffer {
    if (this.start + this.length + k > this.limit) {
      const bigger = Buffer.from(new ArrayBuffer(Math.max((this.limit - this.start) * 2, this.length + k)));
      this.buf.copy(bigger, 0, this.start, this.start + this.length);
      this.buf = bigger;
      this.start = 0;
      this.limit = bigger.length;
    }
    return this.buf;
  }
  /** Where the next byte goes in buf. */
  get end(): number {
    return this.start + this.length;
  }
  view(): Uint8Array {
    return this.buf.subarray(this.start, this.start + this.length);
  }
}

/** One part of the rows (those a report reads, or the others): a JSON array per day run, written as rows come. */
class Part {
  readonly bytes: Bytes;
  /** Rows of the current run written so far. */
  private inRun = 0;
  /** Byte range of each run's array: [open, end) at 2r, 2r + 1. */
  readonly runs: number[] = [];

  constructor(size: number, region?: { buf: Buffer; start: number; size: number }) {
    this.bytes = new Bytes(size, region);
  }

  openRun(): void {
    this.runs.push(this.bytes.length);
    this.bytes.room(1)[this.bytes.end] = 0x5b; // [
    this.bytes.length++;
    this.inRun = 0;
  }

  closeRun(): void {
    this.bytes.room(1)[this.bytes.end] = 0x5d; // ]
    this.bytes.length++;
    this.runs.push(this.bytes.length);
  }

  /** Room for a row's text of up to `k` bytes (and a comma before it); returns the buffer, the text to go at bytes.end. */
  startRow(k: number): Buffer {
    const buf = this.bytes.room(k + 1);
    if (this.inRun++ > 0) {
      buf[this.bytes.end] = COMMA;
      this.bytes.length++;
    }
    return buf;
  }
}

/** What sortRow asks of a row's payload, where the type alone does not tell. */
interface PayloadLook {
  /** A relay action's payload, as far as reportReads asks (called unbound). */
  readonly relayPayload: () => unknown;
  /** A clock reading's canonical text (latin-1 is enough to judge its shape). */
  clockText(): string;
  /** The day a seal or a slot result is about. */
  aboutDay(): string | null;
}

/** PayloadLook of a row read in place: its bytes, set before each row. */
class InPlaceLook implements PayloadLook {
  src: Buffer = Buffer.alloc(0);
  r: RowFields = new RowFields();
  readonly relayPayload = (): unknown => maybeFaulty(this.src, this.r);
  clockText(): string {
    return this.src.toString('latin1', this.r.payloadStart, this.r.payloadEnd);
  }
  aboutDay(): string | null {
    const { src, r } = this;
    return refDayInPlace(src, r) ?? dateOf(() => JSON.parse(src.toString('utf8', r.payloadStart, r.payloadEnd)));
  }
}

/**
 * Rows laid out for the store as they come: each row's text in the part it belongs to (the
 * rows a report reads apart from the others, so reports parse only those), each part already
 * one JSON array per day run — so a day the store does not hold yet is written as it stands —
 * and hashes as binaries. A row in the writer's layout is stored as its canonical text, hashed
 * right where it is written (no other copy of it is made).
 */
class Layout {
  private n = 0;
  private hashes: Uint8Array;
  private hashView: Buffer;
  private seals: Uint8Array;
  private inReport: Uint8Array;
  private clock: Uint8Array;
  private rowStart: Uint32Array;
  private rowEnd: Uint32Array;
  private readonly runStarts: number[] = [];
  private readonly runDays: string[] = [];
  private readonly report: Part;
  private readonly other: Part;
  private day = '';
  /** A seal or slot result dated before this was written late (after downtime): see `late`. */
  private lateBefore = '';
  private readonly late: Array<[number, string]> = [];
  private firstSeq = 0;
  private firstPrevHash = '';
  /** What sortRow asks of a row read in place, one object for all (no closures per row). */
  private readonly inPlace = new InPlaceLook();

  /**
   * `rows`: how many rows to expect (a hint); `bytes`: the bundle's size, room enough for both
   * parts; `arena`: the buffer holding the bundle's text, with room for each part after it.
   */
  constructor(rows: number, bytes: number, arena?: Arena) {
    const n = Math.max(16, rows);
    this.hashes = new Uint8Array(n * 32);
    this.hashView = Buffer.from(this.hashes.buffer);
    this.seals = new Uint8Array(n);
    this.inReport = new Uint8Array(n);
    this.clock = new Uint8Array(n);
    this.rowStart = new Uint32Array(n);
    this.rowEnd = new Uint32Array(n);
    this.report = new Part(bytes >> 1, arena && { buf: arena.buf, start: arena.report, size: arena.size });
    this.other = new Part(bytes >> 1, arena && { buf: arena.buf, start: arena.other, size: arena.size });
  }

  private grow(): void {
    const n = this.seals.length * 2;
    const hashes = new Uint8Array(n * 32);
    hashes.set(this.hashes);
    this.hashes = hashes;
    this.hashView = Buffer.from(hashes.buffer);
    const more = <T extends Uint8Array | Uint32Array>(a: T, b: T): T => (b.set(a), b);
    this.seals = more(this.seals, new Uint8Array(n));
    this.inReport = more(this.inReport, new Uint8Array(n));
    this.clock = more(this.clock, new Uint8Array(n));
    this.rowStart = more(this.rowStart, new Uint32Array(n));
    this.rowEnd = more(this.rowEnd, new Uint32Array(n));
  }

  add(e: BundleEvent): void {
    const day = this.n === 0 || !e.local.startsWith(this.day) ? e.local.slice(0, 10) : this.day;
    if (e instanceof BundleRow) {
      e.ownHash = this.addInPlace(e.src, e, e.type, day, e.prevHash);
      return;
    }
    const i = this.startRow(e.seq, e.prevHash, e.type, day);
    this.hashView.write(e.hash, i * 32, 32, 'hex');
    const wanted = this.sortRow(i, e.type, { relayPayload: () => e.payload, clockText: () => payloadTextOf(e), aboutDay: () => refDay(e) });
    const to = wanted ? this.report : this.other;
    const q = JSON.stringify;
    const text = `{"seq":${q(e.seq)},"station":${q(e.station)},"atMs":${q(e.atMs)},"local":${q(e.local)},"type":${q(e.type)},"payload":${canonicalJson(e.payload)}}`;
    const k = Buffer.byteLength(text, 'utf8');
    const items = to.startRow(k);
    this.rowStart[i] = to.bytes.length;
    this.rowEnd[i] = to.bytes.length += items.write(text, to.bytes.end, k, 'utf8');
  }

  /**
   * Lay out a row read in place (the writer's layout, fields `r` in `src`) of local date `day`
   * (the same string as the row before's when the date is the same): its canonical text is a
   * store text too (every field, no hashes), written and hashed where it goes, no other copy
   * made. Returns its hash over the prev_hash its line states (lower-case hex), which is kept
   * as the row's hash: a row whose stated hash is another is refused, and its layout with it.
   */
  addInPlace(src: Buffer, r: RowFields, type: JournalEvent['type'], day: string, prevHash: string): string {
    const i = this.startRow(r.seq, prevHash, type, day);
    const look = this.inPlace;
    look.src = src;
    look.r = r;
    const wanted = this.sortRow(i, type, look);
    const to = wanted ? this.report : this.other;
    const k = canonicalRowLength(r);
    const items = to.startRow(k + 64);
    const at = (this.rowStart[i] = to.bytes.length);
    const hash = layOutCanonicalRow(items, to.bytes.end, src, r, r.prevHashAt);
    this.rowEnd[i] = to.bytes.length = at + k;
    this.hashView.write(hash, i * 32, 32, 'hex');
    return hash;
  }

  /** Row i's hash as laid out (lower-case hex; i an integer); undefined past the rows laid out. */
  hashHex(i: number): string | undefined {
    return i >= 0 && i < this.n ? this.hashView.toString('hex', i * 32, i * 32 + 32) : undefined;
  }

  /** Row i begun: its first-row facts, seal flag and day run (a new one when `day` is not the run's). */
  private startRow(seq: number, prevHash: string, type: string, day: string): number {
    const i = this.n++;
    if (i === this.seals.length) this.grow();
    if (i === 0) {
      this.firstSeq = seq;
      this.firstPrevHash = prevHash;
    }
    if (type === 'seal') this.seals[i] = 1;
    if (i === 0 || day !== this.day) {
      if (i > 0) {
        this.report.closeRun();
        this.other.closeRun();
      }
      this.day = day;
      this.lateBefore = addDays(day, -1);
      this.runStarts.push(i);
      this.runDays.push(day);
      this.report.openRun();
      this.other.openRun();
    }
    return i;
  }

  /**
   * Whether a report reads row i (marked so), a fine clock reading marked as such, a late seal
   * or slot result noted: from its type, and where that does not tell, what the row's payload
   * says (a relay action's as far as reportReads asks, a clock reading's text, the day a seal
   * or a slot result is about).
   */
  private sortRow(i: number, type: string, look: PayloadLook): boolean {
    let wanted = type === 'relay.action' ? reportReads(type, look.relayPayload) : reportReads(type, noPayload);
    // A fine clock reading is only counted by a report (the store keeps their number per day):
    // kept with the others. Latin-1 is enough to judge the text's shape: a UTF-8 sequence in
    // its source never reads as a quote or a backslash.
    if (type === 'clock.status' && clockReadingTextFine(look.clockText())) {
      wanted = false;
      this.clock[i] = 1;
    }
    if (wanted) this.inReport[i] = 1;
    if (type === 'seal' || type === 'slot.result') {
      const ref = look.aboutDay();
      if (ref !== null && ref < this.lateBefore) this.late.push([i, ref]);
    }
    return wanted;
  }

  finish(): RowChunks {
    const n = this.n;
    this.report.closeRun();
    this.other.closeRun();
    return {
      count: n, firstSeq: this.firstSeq, firstPrevHash: this.firstPrevHash, hashes: this.hashes.subarray(0, n * 32),
      seals: this.seals.subarray(0, n), inReport: this.inReport.subarray(0, n), clock: this.clock.subarray(0, n), rowStart: this.rowStart.subarray(0, n),
      rowEnd: this.rowEnd.subarray(0, n), runStarts: this.runStarts, runDays: this.runDays, late: this.late,
      reportItems: this.report.bytes.view(), reportRuns: Uint32Array.from(this.report.runs),
      otherItems: this.other.bytes.view(), otherRuns: Uint32Array.from(this.other.runs),
    };
  }
}

/** Rows of a bundle read whole, laid out for the store. */
function layOut(b: Bundle): RowChunks {
  const layout = new Layout(b.events.length, b.events[0] instanceof BundleRow ? b.events[0].src.length : 0);
  for (const e of b.events) layout.add(e);
  return layout.finish();
}

export function prepareBundle(b: Bundle, opts: { publicKeys?: string[] } = {}): PreparedBundle {
  const verdict = verifyBundle(b, opts);
  if (!verdict.ok) {
    // Read without parsing payloads: a row that is not JSON shows up here, failing its hash.
    // It is damage, not an edit — named by its line, as a full read would have.
    for (let i = 0; i < b.events.length; i++) {
      if (!rowIsJson(b, i)) throw new LoaxaError('audit.bundle.corrupt', { file: basename(b.file), line: i + 2, detail: 'not JSON' }, EXIT.INVALID);
    }
  }
  // The verdict's full verify result is not needed past this point; keep what a person reads.
  return { file: b.file, sha256: b.sha256, header: b.header, end: b.end, verdict: { ...verdict, result: null }, rows: verdict.ok ? layOut(b) : null };
}

/**
 * Read, verify and lay out one bundle file in one pass over its lines: each row is laid out
 * (and hashed) as it is read, then checked by verifyBundleRows — the checks verifyBundle makes —
 * and dropped; payloads stay bytes. Rows only when the bundle verifies. Throws what reading
 * finds wrong (LoaxaError, exit 1), as readBundle does.
 */
export function streamFile(file: string, nowMs = Date.now()): PreparedBundle {
  return streamOpened(openBundle(file), nowMs);
}

/** Where in a buffer holding a bundle's text (from `buf[0]`) both parts may be laid out: at `report` and `other`, `size` bytes each. */
type Arena = { buf: Buffer; report: number; other: number; size: number };

/** Room after a bundle's text of `size` bytes for both parts laid out from it (each at most the text's size: a row's store text is its line less the hashes). */
const partRoom = (size: number) => size + (1 << 16);

/**
 * Buffers a worker thread has used before, given back by the main thread once it has written
 * what was laid out in them: their pages are already in memory (see openBundleInto).
 */
export class ArenaPool {
  private readonly free: ArrayBuffer[] = [];
  take(bytes: number): Buffer {
    const i = this.free.findIndex((b) => b.byteLength >= bytes);
    if (i >= 0) return Buffer.from(this.free.splice(i, 1)[0]!);
    // A little over: the next bundle, a few days longer, fits too.
    return Buffer.from(new ArrayBuffer(Math.ceil(bytes * 1.125)));
  }
  give(b: ArrayBuffer): void {
    if (this.free.length < 3) this.free.push(b);
  }
}

/**
 * streamFile, the bundle's text and both parts laid out from it in one buffer from `pool` —
 * a row's pieces are then moved within it, ~3× cheaper than copies between buffers — which
 * the prepared bundle carries as `arena` for the main thread to give back.
 */
export async function streamFileInto(file: string, pool: ArenaPool, nowMs = Date.now()): Promise<PreparedBundle> {
  let taken: Buffer | null = null;
  const o = await openBundleInto(file, (size) => 2 * partRoom(size), (bytes) => (taken = pool.take(bytes)));
  const buf = taken as Buffer | null;
  // The text at the start of the buffer taken (not when it came out some other way).
  if (!buf || o.data.buffer !== buf.buffer || o.data.byteOffset !== 0) {
    if (buf) pool.give(buf.buffer as ArrayBuffer);
    return streamOpened(o, nowMs);
  }
  const size = o.data.length;
  const room = partRoom(size);
  const p = streamOpened(o, nowMs, { buf, report: size, other: size + room, size: room });
  if (!p.rows) pool.give(buf.buffer as ArrayBuffer);
  else p.arena = buf.buffer as ArrayBuffer;
  return p;
}

/** How many rows to make room for: the header's count when it is a sensible one. */
const rowsHint = (h: BundleHeader) => (typeof h.events === 'number' && h.events > 0 && h.events < 1 << 24 ? h.events : 1024);

/** Whether the 64 bytes of `d` at `at` are the characters of `hex`. */
function bytesAre(d: Buffer, at: number, hex: string): boolean {
  for (let k = 0; k < 64; k++) if (d[at + k] !== hex.charCodeAt(k)) return false;
  return true;
}

/**
 * The prepared bundle, when every line is a row in the writer's layout (readRowFields) that
 * verifies, then the end line — read, laid out and checked in one loop over the lines, each
 * row pushed to the chain rules (ChainVerifier) as one reused object, no per-row object or
 * texts made (a dense bundle opened and prepared: 264 ms against 309 ms row by row). null at the first thing of any other
 * kind — a line of another layout, a row that does not fit, anything refused — and the bundle
 * is then read the general way (streamOpened), which names what it is: this path only ever
 * accepts, and accepts only what the general one accepts, with the same result to the byte.
 */
export function prepareInPlace(o: OpenedBundle, nowMs: number, arena?: Arena): PreparedBundle | null {
  const { data: d, header: h, contentEnd } = o;
  const id = h.station.id;
  const idBytes = Buffer.from(id, 'latin1');
  const startPrevHash = h.startPrevHash;
  // Texts a line's bytes can be equal to: a plain ASCII id and 64 characters.
  if (idBytes.toString('latin1') !== id || startPrevHash.length !== 64) return null;
  const layout = new Layout(rowsHint(h), d.length, arena);
  // Days after the asked range ride along only to reach the seals: they may be unsealed (as verifyBundleRows).
  const exemptDays = new Set<string>();
  const r = new RowFields();
  /** The row pushed to the chain rules, one object for all: its texts are the ones already made. */
  const ev: StoredEvent = { seq: 0, station: id, atMs: 0, local: '', type: 'seal', payload: undefined as never, prevHash: '', hash: '', ownHash: '', day: '' };
  let verifier: ChainVerifier | null = null;
  const seals: SealPayload[] = [];
  let count = 0;
  let firstSeq = 0;
  let latestAtMs = 0;
  let day = '';
  let dayAt = -1;
  let prevHashAt = -1;
  let end: BundleEnd | null = null;
  for (let start = o.bodyStart; start <= contentEnd; ) {
    let stop = d.indexOf(0x0a, start);
    if (stop < 0 || stop > contentEnd) stop = contentEnd;
    const isLast = stop >= contentEnd;
    const lineStart = start;
    start = stop + 1;
    if (!readRowFields(d, lineStart, stop, r)) {
      if (!isLast) return null;
      let v: unknown;
      try {
        v = JSON.parse(d.toString('utf8', lineStart, stop));
      } catch {
        return null;
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v) || (v as { kind?: unknown }).kind !== 'end') return null;
      end = v as BundleEnd;
      break;
    }
    // One station throughout; a local time that starts with its date.
    if (!rowStationIs(d, r, idBytes) || r.localEnd - r.localStart < 12) return null;
    // prev_hash: the start's, then the hash the line before stated (and was found to have).
    if (prevHashAt < 0 ? !bytesAre(d, r.prevHashAt, startPrevHash) : !sameBytes(d, r.prevHashAt, prevHashAt, 64)) return null;
    const prevHash = prevHashAt < 0 ? startPrevHash : ev.hash;
    const localAt = r.localStart + 1;
    if (dayAt < 0 || !sameBytes(d, localAt, dayAt, 10)) {
      day = d.toString('latin1', localAt, localAt + 10);
      dayAt = localAt;
      if (day > h.to) exemptDays.add(day);
    }
    const type = rowType(d, r);
    const hash = layout.addInPlace(d, r, type, day, prevHash);
    if (!bytesAre(d, r.hashAt, hash)) return null;
    ev.seq = r.seq;
    ev.atMs = r.atMs;
    ev.type = type;
    ev.prevHash = prevHash;
    ev.hash = ev.ownHash = hash;
    ev.day = day;
    ev.payload = undefined as never;
    if (type === 'seal') {
      try {
        ev.payload = JSON.parse(d.toString('utf8', r.payloadStart, r.payloadEnd)) as never;
      } catch {
        return null;
      }
      seals.push(ev.payload as SealPayload);
    }
    if (count === 0) {
      firstSeq = r.seq;
      verifier = new ChainVerifier({ startPrevHash, startSeq: firstSeq, exemptDays }, (i) => layout.hashHex(i));
    }
    if (verifier!.push(ev) !== null) return null;
    count++;
    if (r.atMs > latestAtMs) latestAtMs = r.atMs;
    prevHashAt = r.hashAt;
  }
  // What finishRead checks: an end line, some rows, nothing dated in the future.
  if (!end || count === 0 || !verifier || latestAtMs > nowMs + 5 * 60_000 || h.from > new Date(nowMs + 86_400_000).toISOString().slice(0, 10)) return null;
  const result = verifier.finish();
  const verdict = bundleVerdict(o.file, h, { seq: firstSeq, prevHash: startPrevHash }, count, firstSeq + count - 1, null, () => seals, result, end);
  if (!verdict.ok) return null;
  return { file: o.file, sha256: o.sha256, header: h, end, verdict: { ...verdict, result: null }, rows: layout.finish() };
}

/** An opened bundle prepared: in place when it can be (prepareInPlace), else row by row. */
function streamOpened(o: OpenedBundle, nowMs: number, arena?: Arena): PreparedBundle {
  return prepareInPlace(o, nowMs, arena) ?? prepareRowObjects(o, nowMs, arena);
}

/**
 * An opened bundle prepared the general way: a row object per line (any layout), laid out as
 * read, then checked by verifyBundleRows — the checks `loaxa audit verify` makes. Throws what
 * reading finds wrong (LoaxaError, exit 1).
 */
export function prepareRowObjects(o: OpenedBundle, nowMs: number, arena?: Arena): PreparedBundle {
  const file = o.file;
  const read = rowsRead();
  const layout = new Layout(rowsHint(o.header), o.data.length, arena);
  const rows = bundleRows(o, read, { checkPayloads: false, onRow: (e) => layout.add(e) });
  const verdict = verifyBundleRows(file, o.header, rows, () => finishRead(o, read, nowMs));
  return { file, sha256: o.sha256, header: o.header, end: read.end!, verdict: { ...verdict, result: null }, rows: verdict.ok ? layout.finish() : null };
}

/**
 * Read, verify and lay out one bundle file (streamFile). A bundle refused or damaged is read
 * again whole, the general way, so its verdict or error is named exactly as `loaxa audit
 * verify` names it (a payload that is not JSON, say, by its line).
 */
export function prepareFile(file: string, nowMs = Date.now()): PreparedBundle {
  try {
    const p = streamFile(file, nowMs);
    if (p.verdict.ok) return p;
  } catch (e) {
    if (!(e instanceof LoaxaError)) throw e;
  }
  return prepareBundle(readBundle(file, nowMs, { checkPayloads: false }));
}

/** prepareFile in a worker thread, laying rows out in buffers from `pool` (streamFileInto). */
export async function prepareFileInto(file: string, pool: ArenaPool, nowMs = Date.now()): Promise<PreparedBundle> {
  try {
    const p = await streamFileInto(file, pool, nowMs);
    if (p.verdict.ok) return p;
  } catch (e) {
    if (!(e instanceof LoaxaError)) throw e;
  }
  return prepareBundle(readBundle(file, nowMs, { checkPayloads: false }));
}

/** The buffers of a prepared bundle, handed over to another thread rather than copied. */
export function transferables(p: PreparedBundle): ArrayBuffer[] {
  if (!p.rows) return [];
  const r = p.rows;
  // Both parts may lie in one buffer (the bundle's arena): each buffer is listed once.
  const buffers = new Set<ArrayBufferLike>([r.hashes, r.seals, r.inReport, r.clock, r.rowStart, r.rowEnd, r.reportItems, r.reportRuns, r.otherItems, r.otherRuns].map((a) => a.buffer));
  if (p.arena) buffers.add(p.arena);
  return [...buffers] as ArrayBuffer[];
}

/** Files handed to a worker thread at once (see prepareFilesInOrder). */
const FILES_IN_FLIGHT = 2;

interface WorkerReply {
  index: number;
  prepared?: PreparedBundle;
  error?: WireError;
}

/**
 * Prepare every file (in worker threads when there are several) and hand each to `onEach`
 * in file order as soon as it and all before it are ready — so the caller can write bundle k
 * while later ones are still being verified. Throws the first failure in file order; files
 * after it are not handed over.
 */
export async function prepareFilesInOrder(
  files: string[],
  onEach: (prepared: PreparedBundle, index: number) => void,
  opts: { nowMs?: number; onPrepared?: (done: number, total: number, file: string) => void; threads?: number; recycle?: boolean } = {},
): Promise<void> {
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), files.length));
  const results: Array<WorkerReply | undefined> = new Array(files.length);
  /** The worker that prepared each file, to give its buffer back to (opts.recycle: onEach is done with a bundle when it returns). */
  const preparedBy: Array<{ postMessage(m: unknown, transfer: ArrayBuffer[]): void } | undefined> = new Array(files.length);
  let done = 0;
  let delivered = 0;
  let failure: unknown = null;
  const deliver = () => {
    while (failure === null && delivered < files.length && results[delivered]) {
      const r = results[delivered]!;
      results[delivered] = undefined; // let it be collected once written
      if (r.error) {
        failure = errorFromWire(r.error);
        return;
      }
      try {
        onEach(r.prepared!, delivered);
      } catch (e) {
        failure = e;
        return;
      }
      const arena = r.prepared!.arena;
      if (opts.recycle && arena && preparedBy[delivered]) preparedBy[delivered]!.postMessage({ recycle: arena }, [arena]);
      preparedBy[delivered] = undefined;
      delivered++;
    }
  };
  if (threads === 1) {
    for (const [index, file] of files.entries()) {
      try {
        results[index] = { index, prepared: prepareFile(file, opts.nowMs) };
      } catch (e) {
        if (!(e instanceof LoaxaError)) throw e;
        results[index] = { index, error: errorToWire(e) };
      }
      opts.onPrepared?.(++done, files.length, file);
      deliver();
      if (failure !== null) throw failure;
    }
    return;
  }
  const { Worker } = await import('node:worker_threads');
  let next = 0;
  await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL('./prepare-worker.js', import.meta.url), {
          workerData: { nowMs: opts.nowMs, lang: getLang() },
          // Rows die young (read, laid out, checked, dropped): a large young generation scavenges them less often (in-thread runs: 64 MiB semispaces a little faster than 8 or 16).
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
        let inFlight = 0;
        const feed = () => {
          if (next < files.length && failure === null) {
            const index = next++;
            inFlight++;
            worker.postMessage({ index, file: files[index] });
          } else if (inFlight === 0) {
            void worker.terminate().then(() => resolve());
          }
        };
        worker.on('message', (reply: WorkerReply) => {
          inFlight--;
          results[reply.index] = reply;
          preparedBy[reply.index] = worker;
          opts.onPrepared?.(++done, files.length, files[reply.index]!);
          feed(); // give the worker its next file before writing this one here
          deliver();
        });
        worker.on('error', reject);
        // Two files at a time: the next one is read and inflated (on libuv's threads) while this
        // thread checks the one before, instead of waiting for zlib between bundles.
        for (let k = 0; k < FILES_IN_FLIGHT; k++) feed();
      }),
    ),
  );
  if (failure !== null) throw failure;
}

/** Prepare every file; throws the first failure in file order. */
export async function prepareFiles(files: string[], opts: { nowMs?: number; onPrepared?: (done: number, total: number, file: string) => void; threads?: number } = {}): Promise<PreparedBundle[]> {
  const out: PreparedBundle[] = [];
  await prepareFilesInOrder(files, (p) => out.push(p), opts);
  return out;
}
