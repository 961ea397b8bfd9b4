/**
 * Bundles: what a commune sends the district (USB stick, e-mail, Zalo). JSON Lines —
 *   line 1   header  {"kind":"header","format":"loaxa-bundle","version":1, station, key, range…}
 *   lines    events  one journal row each, exactly as stored (seq, hashes, payload); seals included
 *   last     end     {"kind":"end","events":N,"lastSeq":…,"headHash":…} — so a cut file is caught
 * gzip when the file name ends in .gz (read back by its magic bytes, whatever the name).
 * The rows are checked with the journal's own chain rules (verifyEvents), never a copy.
 */
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { basename } from 'node:path';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { verifyEvents, canonicalJson, fingerprint as keyFingerprint, publicKeyBase64, type JournalEvent, type VerifyResult, type Journal } from '../journal/index.js';
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
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** A row line up to its payload: `{"seq":…,"hash":"…","payload":` */
function rowHead(e: Omit<JournalEvent, 'payload'>): string {
  const q = JSON.stringify;
  return `{"seq":${q(e.seq)},"station":${q(e.station)},"atMs":${q(e.atMs)},"local":${q(e.local)},"type":${q(e.type)},"prevHash":${q(e.prevHash)},"hash":${q(e.hash)},"payload":`;
}

/** A bundle row, with the payload's text as written when the line has the writer's layout. */
export type BundleEvent = JournalEvent & { payloadJson?: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function eventShapeOk(v: Record<string, unknown>): boolean {
  return (
    typeof v.seq === 'number' && typeof v.station === 'string' && typeof v.atMs === 'number' && typeof v.local === 'string' &&
    typeof v.type === 'string' && 'payload' in v && typeof v.prevHash === 'string' && typeof v.hash === 'string'
  );
}

/**
 * The lines of UTF-8 bytes, each decoded on its own (the same text as decoding the whole and
 * splitting: a newline byte is never inside a multi-byte character). A line of plain ASCII
 * then stays a one-byte string — most rows are — which is cheaper to hash, to pass to the
 * main thread and to store than a slice of one two-byte string for the whole file.
 */
function splitLines(data: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
    lines.push(data.toString('utf8', start, nl));
    start = nl + 1;
  }
  lines.push(data.toString('utf8', start));
  return lines;
}

const PAYLOAD_KEY = ',"payload":';
/**
 * A row line `{…fields…,"payload":<text>}` split at its first top-level `,"payload":` (the
 * first occurrence is top-level: inside a JSON string a quote is always escaped), fields and
 * payload each parsed as JSON, the payload's text kept for the hash and the store. Null when
 * the line does not have that shape: the caller then parses it whole and says what is wrong.
 * (Reading the fields with a pattern instead is quicker per line but leaves two-byte string
 * slices of the line, which cost more to hash and to hand to the main thread.)
 */
function splitRowLine(line: string): BundleEvent | null {
  const k = line.indexOf(PAYLOAD_KEY);
  if (k < 0 || line.charCodeAt(line.length - 1) !== 0x7d /* } */ || line.charCodeAt(0) !== 0x7b /* { */) return null;
  const payloadJson = line.slice(k + PAYLOAD_KEY.length, -1);
  let v: unknown;
  let payload: unknown;
  try {
    v = JSON.parse(line.slice(0, k) + '}');
    payload = JSON.parse(payloadJson);
  } catch {
    return null;
  }
  if (!isObject(v) || 'payload' in v || 'kind' in v) return null;
  v.payload = payload;
  if (!eventShapeOk(v)) return null;
  Object.defineProperty(v, 'payloadJson', { value: payloadJson, enumerable: false, writable: true });
  return v as unknown as BundleEvent;
}

/** Read and parse a bundle (no chain check yet). Throws LoaxaError (exit 1) for anything that is not a whole bundle. */
export function readBundle(file: string, nowMs = Date.now()): Bundle {
  const name = basename(file);
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new LoaxaError('cli.file.missing', { file }, EXIT.INVALID);
    throw new LoaxaError('audit.bundle.unreadable', { file: name, detail: (e as Error).message }, EXIT.INVALID);
  }
  const sha256 = createHash('sha256').update(raw).digest('hex');
  let data: Buffer;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      data = gunzipSync(raw);
    } catch (e) {
      throw new LoaxaError('audit.bundle.truncated', { file: name, detail: `gzip: ${(e as Error).message}` }, EXIT.INVALID);
    }
  } else {
    data = raw;
  }
  const lines = splitLines(data);
  if (lines[lines.length - 1] === '') lines.pop();
  let header: unknown;
  try {
    header = JSON.parse(lines[0] ?? '');
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
  const events: JournalEvent[] = [];
  let end: BundleEnd | null = null;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    // A row as the writer lays it out ends with its payload: parse the fields before it and the
    // payload text apart, and keep that text (the hash is checked over it, the store keeps it).
    const fast = splitRowLine(line);
    if (fast) {
      events.push(fast);
      continue;
    }
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      // The last line cut in the middle is a truncated file; anything else is damage.
      if (i === lines.length - 1) throw new LoaxaError('audit.bundle.truncated', { file: name, detail: `line ${i + 1}` }, EXIT.INVALID);
      throw new LoaxaError('audit.bundle.corrupt', { file: name, line: i + 1, detail: 'not JSON' }, EXIT.INVALID);
    }
    if (!isObject(v)) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: i + 1, detail: 'not an object' }, EXIT.INVALID);
    if (v.kind === 'end') {
      if (i !== lines.length - 1) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: i + 1, detail: 'rows after the end line' }, EXIT.INVALID);
      end = v as unknown as BundleEnd;
      break;
    }
    if (!eventShapeOk(v)) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: i + 1, detail: 'not a journal row' }, EXIT.INVALID);
    const ev = v as unknown as BundleEvent;
    // Hash the payload text as written (the journal's verifier accepts it): no re-encoding.
    // A payload not in canonical form then fails its hash, as an altered row should.
    const head = rowHead(ev);
    if (line.startsWith(head) && line.endsWith('}')) {
      Object.defineProperty(ev, 'payloadJson', { value: line.slice(head.length, -1), enumerable: false, writable: true });
    }
    events.push(ev);
  }
  if (!end) throw new LoaxaError('audit.bundle.truncated', { file: name, detail: 'no end line' }, EXIT.INVALID);
  if (events.length === 0) throw new LoaxaError('audit.bundle.corrupt', { file: name, line: 2, detail: 'no rows' }, EXIT.INVALID);
  // Dated in the future: a clock set wrong at the station, or a forgery. Five minutes of slack.
  const latest = events.reduce((m, e) => Math.max(m, e.atMs), 0);
  if (latest > nowMs + 5 * 60_000) {
    const e = events.find((x) => x.atMs === latest)!;
    throw new LoaxaError('audit.bundle.future', { file: name, when: e.local }, EXIT.INVALID);
  }
  if (h.from > new Date(nowMs + 86_400_000).toISOString().slice(0, 10)) {
    throw new LoaxaError('audit.bundle.future', { file: name, when: h.from }, EXIT.INVALID);
  }
  return { file, sha256, header: h, events, end };
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
  const h = b.header;
  const first = b.events[0]!;
  const verdict: BundleVerdict = {
    file: b.file, ok: false, station: h.station.id, events: b.events.length, firstSeq: first.seq,
    lastSeq: b.events[b.events.length - 1]!.seq, days: 0, seals: 0, fingerprint: null, publicKey: null, anchored: false, result: null,
  };
  const failWith = (seq: number | null, reason: string): BundleVerdict => ({ ...verdict, ok: false, failure: { seq, reason } });

  const other = b.events.find((e) => e.station !== h.station.id);
  if (other) return failWith(other.seq, t('audit.bundle.stationMismatch', { file: basename(b.file), seq: other.seq, other: other.station, station: h.station.id }));

  // Days after the asked range ride along only to reach the seals: they may be unsealed.
  const exemptDays = new Set<string>();
  for (const e of b.events) if (e.local.slice(0, 10) > h.to) exemptDays.add(e.local.slice(0, 10));
  const result = verifyEvents(b.events, {
    startPrevHash: h.startPrevHash,
    startSeq: first.seq,
    publicKeys: opts.publicKeys,
    exemptDays,
  });
  verdict.result = result;
  verdict.days = result.days;
  verdict.seals = result.seals;
  verdict.fingerprint = result.keyFingerprint;
  if (!result.ok) {
    const bad = result.firstBad!;
    return failWith(bad.seq, t(`journal.verify.problem.${bad.problem}`, bad.params));
  }
  if (first.prevHash !== h.startPrevHash) return failWith(first.seq, t('journal.verify.problem.changed', { seq: first.seq }));
  const seals = b.events.filter((e) => e.type === 'seal').map((e) => e.payload as JournalEvent<'seal'>['payload']);
  if (seals.length) {
    verdict.publicKey = publicKeyBase64(seals[0]!.publicKey);
    if (h.publicKey && publicKeyBase64(h.publicKey) !== verdict.publicKey) {
      return failWith(null, t('audit.verify.headerKey', { header: h.fingerprint ?? '?', seal: verdict.fingerprint ?? '?' }));
    }
    // A seal of the day before, carried as the first row, signs the head this bundle starts from.
    const anchor = seals.find((s) => s.lastSeq === first.seq - 1);
    if (anchor) {
      if (anchor.headHash !== h.startPrevHash) return failWith(first.seq, t('journal.verify.problem.seal-mismatch', { seq: first.seq, date: anchor.date }));
      verdict.anchored = true;
    }
  }
  if (first.prevHash === '0'.repeat(64) && first.seq === 1) verdict.anchored = true;
  if (b.end.events !== b.events.length) return failWith(null, t('audit.verify.countMismatch', { expected: b.end.events, actual: b.events.length }));
  if (b.end.headHash !== verdict.result.head?.hash || b.end.lastSeq !== verdict.lastSeq) return failWith(verdict.lastSeq, t('audit.verify.headMismatch'));
  if (typeof h.events === 'number' && h.events !== b.events.length) return failWith(null, t('audit.verify.countMismatch', { expected: h.events, actual: b.events.length }));
  verdict.ok = true;
  return verdict;
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
