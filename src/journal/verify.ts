/**
 * Verification of a chain of events and its seals — the one implementation used for
 * journal files (verifyJournal) and for audit bundles (verifyEvents on their rows).
 */

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EXIT, LoaxaError, t, type Lang } from '../i18n/index.js';
import { GENESIS_HASH, rowHash, rowHashOfCanonical, rowHashOfTexts, type RowTextRanges } from './canonical.js';
import type { EventType, JournalEvent } from './events.js';
import { PUBLIC_KEY_FILE, fingerprint, loadPublicKey, publicKeyBase64, type PublicKeyLike } from './keys.js';
import { verifySeal, type SealPayload } from './seal.js';
import { openDatabase } from './store.js';

export type VerifyProblem =
  /** A row's content no longer matches its hash (or the hash its successor recorded). */
  | 'changed'
  /** Rows are gone: a gap in seq, or rows renumbered over a gap. */
  | 'missing'
  /** Rows are out of order: seq going back, or a row that links to a later one. */
  | 'order'
  /** A seal whose signature or fingerprint does not check out. */
  | 'seal-forged'
  /** A past day with events but no seal covering them. */
  | 'seal-missing'
  /** A seal signed by a key other than the station's (registered, or first seen). */
  | 'seal-wrong-key'
  /** A correctly signed seal over a head that is not in this chain: history rewritten. */
  | 'seal-mismatch';

export interface VerifyFailure {
  seq: number;
  problem: VerifyProblem;
  /** English, for logs and JSON; describeVerifyResult() renders it in the chosen language. */
  detail: string;
  params: Record<string, string | number>;
}

export interface VerifyResult {
  ok: boolean;
  /** Rows checked (all of them when ok; up to the first bad one otherwise). */
  events: number;
  /** Local dates that have events other than seals. */
  days: number;
  /** Valid seals seen. */
  seals: number;
  firstSeq: number | null;
  head: { seq: number; hash: string } | null;
  firstDate: string | null;
  lastDate: string | null;
  /** Fingerprint of the key the seals were checked against (null: no seal, no key). */
  keyFingerprint: string | null;
  /** Where that key came from. */
  keySource: 'given' | 'station-folder' | 'first-seen' | null;
  /** The last day, not sealed yet (allowed: it may still be running). */
  openDay: string | null;
  firstBad?: VerifyFailure;
}

export interface VerifyOptions {
  /** Keys a seal may be signed with (the station's registered key). Empty: the first key seen. */
  publicKeys?: Iterable<PublicKeyLike>;
  /** prev_hash the first row must carry (bundles starting mid-chain); default the genesis hash. */
  startPrevHash?: string;
  /** seq the first row must have; default 1 from genesis, else whatever the first row has. */
  startSeq?: number;
  /** Check that every past day is sealed (default true). */
  requireSeals?: boolean;
  /**
   * Days allowed to be unsealed besides the last one (e.g. the edge of an exported range). A Set
   * is read as it stands when seals are checked, so a reader may fill it as rows pass.
   */
  exemptDays?: Iterable<string>;
}

interface Link {
  seq: number;
  hash: string;
  prevHash: string;
}

function fail(seq: number, problem: VerifyProblem, detail: string, params: Record<string, string | number> = {}): VerifyFailure {
  return { seq, problem, detail, params: { seq, ...params } };
}

/** Work out what is wrong at the first row that does not fit, looking at the rows after it. */
function classify(ev: StoredEvent, expectedSeq: number, prevHash: string, prev: Link | null, rest: Link[]): VerifyFailure {
  if (ev.seq < expectedSeq) {
    return fail(ev.seq, 'order', `seq ${ev.seq} comes after seq ${expectedSeq - 1}`, { after: expectedSeq - 1 });
  }
  if (ev.seq > expectedSeq) {
    if (rest.some((r) => r.seq === expectedSeq)) {
      return fail(expectedSeq, 'order', `seq ${expectedSeq} comes after seq ${ev.seq}`, { after: ev.seq });
    }
    return fail(expectedSeq, 'missing', `rows ${expectedSeq}–${ev.seq - 1} are missing`, { from: expectedSeq, to: ev.seq - 1 });
  }
  if (ev.prevHash === prevHash) {
    return fail(ev.seq, 'changed', `row ${ev.seq} does not match its hash`);
  }
  if (rest.some((r) => r.hash === ev.prevHash)) {
    return fail(ev.seq, 'order', `row ${ev.seq} links to a row stored after it`, { after: ev.seq });
  }
  const selfConsistent = safeHash(ev.prevHash, ev) === ev.hash;
  if (!selfConsistent) {
    // Rows deleted and the rest renumbered: the row still hashes under its old seq.
    for (let old = ev.seq + 1; old <= ev.seq + 1000; old++) {
      if (safeHash(ev.prevHash, withSeq(ev, old)) === ev.hash) {
        return fail(ev.seq, 'missing', `rows removed before seq ${ev.seq} and the rest renumbered`, { from: ev.seq, to: old - 1 });
      }
    }
    return fail(ev.seq, 'changed', `row ${ev.seq} does not match its hash`);
  }
  if (prev) {
    // This row is intact, so the one before was rewritten (and re-hashed) after this row recorded it.
    return fail(prev.seq, 'changed', `row ${prev.seq} was rewritten: row ${ev.seq} recorded a different hash for it`, { next: ev.seq });
  }
  return fail(ev.seq, 'changed', `row ${ev.seq} does not link to the start of the chain`);
}

/**
 * A row as read from a journal file (the payload's stored text travels with it) or from a
 * bundle (the row's canonical text travels with it as the UTF-8 bytes received: hashed as they
 * stand, no re-encoding; bytes that are not canonical simply fail their hash).
 */
export type StoredEvent = JournalEvent & {
  payloadJson?: string;
  canonical?: Uint8Array;
  /** The JSON texts of the row's fields where they stand in a bundle's bytes (canonical text assembled from them). */
  texts?: RowTextRanges & { src: Buffer };
  /**
   * The row's hash over its own prevHash, computed with rowHash's rules where the row was laid
   * out (a bundle row hashed in the store's buffer): used only when that prevHash is the one
   * the chain expects, so the comparison with `hash` stays here.
   */
  ownHash?: string;
  /** The row's local date (`local` cut to 10 characters), when the reader has it already. */
  day?: string;
};

function safeHash(prevHash: string, ev: StoredEvent): string | null {
  if (ev.ownHash !== undefined && prevHash === ev.prevHash) return ev.ownHash;
  try {
    if (ev.texts) return rowHashOfTexts(prevHash, ev.texts.src, ev.texts);
    return ev.canonical ? rowHashOfCanonical(prevHash, ev.canonical) : rowHash(prevHash, ev, ev.payloadJson);
  } catch {
    return null;
  }
}

/** The row with another seq, as a plain row (its canonical bytes, if any, parsed back into fields). */
function withSeq(ev: StoredEvent, seq: number): StoredEvent {
  if (!ev.canonical && !ev.texts) return { ...ev, seq };
  const { seq: _seq, station, atMs, local, type, prevHash, hash } = ev;
  try {
    return { seq, station, atMs, local, type, payload: ev.payload, prevHash, hash };
  } catch {
    return { seq, station, atMs, local, type, payload: undefined as never, prevHash, hash };
  }
}

/** Row hashes (lower-case hex, as checked) kept as bytes, 32 a row. */
class HashBytes {
  private buf = Buffer.allocUnsafe(32 * 1024);
  private n = 0;
  push(hex: string): void {
    if ((this.n + 1) * 32 > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.n * 32);
      this.buf = bigger;
    }
    this.buf.write(hex, this.n * 32, 32, 'hex');
    this.n++;
  }
  /** Row i's hash as hex (i an integer); undefined when there is no row i (as an array would answer). */
  hex(i: number): string | undefined {
    return i >= 0 && i < this.n ? this.buf.toString('hex', i * 32, i * 32 + 32) : undefined;
  }
}

/**
 * The chain rules applied row by row, as rows are pushed to it (no iterator in between): a
 * reader that holds rows in place — a bundle read off its bytes — pushes one reused object.
 * push() says whether a row fits; verifyEvents names what is wrong with one that does not.
 */
export class ChainVerifier {
  private readonly trusted: string[];
  private readonly trustedSet: Set<PublicKeyLike>;
  readonly result: VerifyResult;
  private prevHash: string;
  private expectedSeq: number | undefined;
  /** The last row accepted, as scalars (a pushed object may be reused for the next row). */
  private havePrev = false;
  private prevSeq = 0;
  private prevPrevHash = '';
  private firstKey: string | null = null;
  /**
   * Hashes of the rows accepted, row i (seq firstSeq + i) as 32 bytes at i * 32: rows are
   * consecutive. Bytes, not the hex texts: a year's 60,000 texts kept to the end are old-
   * generation garbage to mark again and again (verifying a dense bundle took ~10 % longer).
   * None when the reader keeps them itself (`hashOfRow`).
   */
  private readonly hashes: HashBytes | null;
  private readonly hashOfRow: (i: number) => string | undefined;
  private readonly dayLast = new Map<string, number>();
  private readonly sealed = new Map<string, number>();
  private readonly exempt: ReadonlySet<string>;
  private readonly requireSeals: boolean;
  private currentDay: string | null = null;

  /**
   * `hashOfRow`: the hash (lower-case hex) of accepted row i (an integer, 0: the first pushed),
   * when the reader keeps the rows' hashes itself — undefined for a row not accepted yet.
   */
  constructor(opts: VerifyOptions = {}, hashOfRow?: (i: number) => string | undefined) {
    this.trusted = [...(opts.publicKeys ?? [])].map((k) => publicKeyBase64(k));
    this.trustedSet = new Set<PublicKeyLike>(this.trusted);
    this.result = {
      ok: true,
      events: 0,
      days: 0,
      seals: 0,
      firstSeq: null,
      head: null,
      firstDate: null,
      lastDate: null,
      keyFingerprint: this.trusted.length ? fingerprint(this.trusted[0]!) : null,
      keySource: this.trusted.length ? 'given' : null,
      openDay: null,
    };
    this.prevHash = opts.startPrevHash ?? GENESIS_HASH;
    this.expectedSeq = opts.startSeq ?? (this.prevHash === GENESIS_HASH ? 1 : undefined);
    this.exempt = opts.exemptDays instanceof Set ? opts.exemptDays : new Set(opts.exemptDays ?? []);
    this.requireSeals = opts.requireSeals !== false;
    if (hashOfRow) {
      this.hashes = null;
      this.hashOfRow = hashOfRow;
    } else {
      const hashes = (this.hashes = new HashBytes());
      this.hashOfRow = (i) => hashes.hex(i);
    }
  }

  /**
   * Check the next row. null: it fits, and is accepted. 'unlinked': it does not follow the
   * chain (seq, prev_hash or its own hash): verifyEvents tells why from the rows after it.
   * A failure: a seal that does not check out. Nothing is accepted after a row that does not fit.
   */
  push(ev: StoredEvent): VerifyFailure | 'unlinked' | null {
    const result = this.result;
    if (this.expectedSeq === undefined) this.expectedSeq = ev.seq;
    if (ev.seq !== this.expectedSeq || ev.prevHash !== this.prevHash || safeHash(ev.prevHash, ev) !== ev.hash) return 'unlinked';
    if (result.firstSeq === null) result.firstSeq = ev.seq;
    const currentDay = this.currentDay;
    // Rows of one day come together: reuse the day's string rather than cutting a new one per row.
    const day: string =
      ev.day ?? (typeof ev.local !== 'string' ? '' : currentDay !== null && currentDay.length === 10 && ev.local.startsWith(currentDay) ? currentDay : ev.local.slice(0, 10));
    if (ev.type === 'seal') {
      const p = (ev.payloadJson !== undefined ? JSON.parse(ev.payloadJson) : ev.payload) as SealPayload;
      const trusted = this.trusted;
      const check = verifySeal(p, trusted.length ? this.trustedSet : undefined);
      if (!check.ok) {
        const detail = check.problem === 'seal-wrong-key' ? `seal ${ev.seq} is signed by another key` : `seal ${ev.seq} has a bad ${check.reason}`;
        return fail(ev.seq, check.problem, detail, { reason: check.reason, date: String(p?.date ?? '') });
      }
      if (!trusted.length) {
        if (this.firstKey === null) {
          this.firstKey = check.publicKey;
          result.keyFingerprint = fingerprint(check.publicKey);
          result.keySource = 'first-seen';
        } else if (check.publicKey !== this.firstKey) {
          return fail(ev.seq, 'seal-wrong-key', `seal ${ev.seq} is signed by another key than the earlier seals`, { reason: 'untrusted-key', date: p.date });
        }
      }
      if (p.station !== ev.station) {
        return fail(ev.seq, 'seal-mismatch', `seal ${ev.seq} names station ${p.station}`, { date: p.date });
      }
      const firstSeq = result.firstSeq;
      if (p.lastSeq >= ev.seq) {
        return fail(ev.seq, 'seal-mismatch', `seal ${ev.seq} covers rows after itself`, { date: p.date });
      }
      // A seal over rows before a partial bundle's start cannot be matched; its signature still was.
      if (p.lastSeq >= firstSeq && (Number.isInteger(p.lastSeq) ? this.hashOfRow(p.lastSeq - firstSeq) : undefined) !== p.headHash) {
        return fail(ev.seq, 'seal-mismatch', `seal ${ev.seq} signed a head hash for seq ${p.lastSeq} that is not in this chain`, { date: p.date, lastSeq: p.lastSeq });
      }
      this.sealed.set(p.date, Math.max(this.sealed.get(p.date) ?? 0, p.lastSeq));
      result.seals++;
    } else if (day) {
      this.dayLast.set(day, ev.seq);
    }
    if (day) this.currentDay = day;
    this.hashes?.push(ev.hash);
    result.events++;
    this.havePrev = true;
    this.prevSeq = ev.seq;
    this.prevPrevHash = ev.prevHash;
    this.prevHash = ev.hash;
    this.expectedSeq = ev.seq + 1;
    return null;
  }

  /** What is wrong with `ev`, a row push() found 'unlinked', seen with the rows after it. */
  classify(ev: StoredEvent, rest: Link[]): VerifyFailure {
    return classify(ev, this.expectedSeq!, this.prevHash, this.havePrev ? { seq: this.prevSeq, hash: this.prevHash, prevHash: this.prevPrevHash } : null, rest);
  }

  private summarise(): string[] {
    const result = this.result;
    const days = [...this.dayLast.keys()].sort();
    result.days = days.length;
    result.firstDate = days[0] ?? null;
    result.lastDate = days[days.length - 1] ?? null;
    return days;
  }

  /** The earliest day, before `currentDay`, whose events no seal covers (by the seq of its last event). */
  private firstUnsealed(currentDay: string | null): VerifyFailure | undefined {
    if (!this.requireSeals) return undefined;
    let worst: VerifyFailure | undefined;
    for (const [day, last] of this.dayLast) {
      if (currentDay === null || day >= currentDay || this.exempt.has(day)) continue;
      const cover = this.sealed.get(day);
      if (cover !== undefined && cover >= last) continue;
      if (!worst || last < worst.seq) {
        worst =
          cover === undefined
            ? fail(last, 'seal-missing', `day ${day} has no seal`, { date: day })
            : fail(last, 'seal-missing', `day ${day} has events after its seal (sealed up to seq ${cover})`, { date: day, sealedTo: cover });
      }
    }
    return worst;
  }

  private head(): VerifyResult['head'] {
    return this.havePrev ? { seq: this.prevSeq, hash: this.prevHash } : null;
  }

  /** The result once a row has failed (nothing after it is checked). */
  stop(failure: VerifyFailure): VerifyResult {
    const result = this.result;
    // A seal that fails for a later day than an unsealed one: the unsealed day is the earlier fault
    // (e.g. a seal removed, the rest renumbered and re-hashed). Chain faults are always named as found:
    // the daemon may legitimately seal a past day after a later day's first rows.
    const earlier = failure.problem.startsWith('seal-') ? this.firstUnsealed(this.currentDay) : undefined;
    const sealDate = String(failure.params.date ?? '');
    result.ok = false;
    result.firstBad = earlier && earlier.seq < failure.seq && String(earlier.params.date) < sealDate ? earlier : failure;
    result.head = this.head();
    this.summarise();
    return result;
  }

  /** The result once every row has been pushed and accepted: every past day must be sealed. */
  finish(): VerifyResult {
    const result = this.result;
    result.head = this.head();
    const days = this.summarise();
    const lastDay = days[days.length - 1] ?? null;
    if (lastDay && (this.sealed.get(lastDay) ?? 0) < this.dayLast.get(lastDay)!) result.openDay = lastDay;
    const unsealed = this.firstUnsealed(lastDay);
    if (unsealed) {
      result.ok = false;
      result.firstBad = unsealed;
    }
    return result;
  }
}

/** Verify the chain and the seals of events given in stored order. */
export function verifyEvents(events: Iterable<JournalEvent>, opts: VerifyOptions = {}): VerifyResult {
  const verifier = new ChainVerifier(opts);
  const it = events[Symbol.iterator]();
  for (let step = it.next(); !step.done; step = it.next()) {
    const ev = step.value as StoredEvent;
    const bad = verifier.push(ev);
    if (bad === null) continue;
    if (bad === 'unlinked') {
      const rest: Link[] = [];
      for (let s = it.next(); !s.done; s = it.next()) rest.push({ seq: s.value.seq, hash: s.value.hash, prevHash: s.value.prevHash });
      return verifier.stop(verifier.classify(ev, rest));
    }
    it.return?.(); // release the source (e.g. an open SQLite statement) when stopping early
    return verifier.stop(bad);
  }
  return verifier.finish();
}

export interface VerifyJournalOptions {
  /** The station's registered public key(s). Default: keys/station.pub beside the journal, if present. */
  publicKey?: PublicKeyLike | PublicKeyLike[];
  /** Do not look for keys/ beside the journal. */
  noStationKeys?: boolean;
  requireSeals?: boolean;
}

/** Verify a journal file: the whole chain and every seal. Throws LoaxaError only when the file cannot be read. */
export function verifyJournal(dbPath: string, opts: VerifyJournalOptions = {}): VerifyResult {
  const file = resolve(dbPath);
  let keys: PublicKeyLike[] = opts.publicKey === undefined ? [] : Array.isArray(opts.publicKey) ? opts.publicKey : [opts.publicKey];
  let keySource: VerifyResult['keySource'] = keys.length ? 'given' : null;
  if (!keys.length && !opts.noStationKeys) {
    const keysDir = join(dirname(file), 'keys');
    if (existsSync(join(keysDir, PUBLIC_KEY_FILE))) {
      keys = [loadPublicKey(keysDir).publicKey];
      keySource = 'station-folder';
    }
  }
  const db = openDatabase(file, true);
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'").get();
    if (!hasTable) throw new LoaxaError('journal.db.notJournal', { file }, EXIT.INVALID);
    type Raw = [number, string, number, string, string, string, string, string];
    const page = db.prepare('SELECT seq, station, at_ms, local, type, payload, prev_hash, hash FROM events WHERE seq > ? ORDER BY seq LIMIT 4096').raw();
    // Payloads stay text: hashed as stored, parsed only for seals. Read in pages (faster than row by row).
    function* pages(): Generator<Raw[]> {
      for (let after = -Infinity; ; ) {
        const rows = page.all(after) as Raw[];
        if (rows.length === 0) return;
        yield rows;
        after = rows[rows.length - 1]![0];
      }
    }
    // Rows pushed to the chain rules as they are read, one object for all; at a row that does
    // not fit, the chain is verified again the general way (an object per row, the rows after
    // it at hand), which names what is wrong.
    const verifyOpts: VerifyOptions = { publicKeys: keys, requireSeals: opts.requireSeals };
    const verifier = new ChainVerifier(verifyOpts);
    const ev: StoredEvent = { seq: 0, station: '', atMs: 0, local: '', type: 'seal', payload: undefined as never, payloadJson: '', prevHash: '', hash: '' };
    const fill = (e: StoredEvent, [seq, station, atMs, local, type, payloadJson, prevHash, hash]: Raw): StoredEvent => {
      e.seq = seq;
      e.station = station;
      e.atMs = atMs;
      e.local = local;
      e.type = type as EventType;
      e.payloadJson = payloadJson;
      e.prevHash = prevHash;
      e.hash = hash;
      return e;
    };
    function* events(): Generator<StoredEvent> {
      for (const rows of pages()) for (const row of rows) yield fill({ ...ev }, row);
    }
    let fits = true;
    reading: for (const rows of pages()) {
      for (const row of rows) {
        if (verifier.push(fill(ev, row)) !== null) {
          fits = false;
          break reading;
        }
      }
    }
    const result = fits ? verifier.finish() : verifyEvents(events(), verifyOpts);
    if (keySource === 'station-folder') result.keySource = keySource;
    return result;
  } catch (e) {
    if (e instanceof LoaxaError) throw e;
    throw new LoaxaError('journal.db.unreadable', { file, reason: (e as Error).message }, EXIT.FAULT);
  } finally {
    db.close();
  }
}

/** The verification result as lines a person reads (used by `loaxa audit verify` and `loaxa journal verify`). */
export function describeVerifyResult(result: VerifyResult, lang?: Lang): string[] {
  const lines: string[] = [];
  const summary = {
    events: result.events,
    days: result.days,
    seals: result.seals,
    from: result.firstDate ?? '—',
    to: result.lastDate ?? '—',
  };
  if (result.ok) {
    lines.push(t('journal.verify.ok', summary, lang));
    if (result.head) lines.push(t('journal.verify.head', { seq: result.head.seq, hash: result.head.hash }, lang));
  } else {
    const bad = result.firstBad!;
    lines.push(t('journal.verify.bad', { seq: bad.seq }, lang));
    lines.push('  ' + t(`journal.verify.problem.${bad.problem}`, bad.params, lang));
    lines.push(t('journal.verify.checked', summary, lang));
  }
  if (result.keyFingerprint) lines.push(t(`journal.verify.key.${result.keySource ?? 'given'}`, { fingerprint: result.keyFingerprint }, lang));
  else lines.push(t('journal.verify.key.none', {}, lang));
  if (result.ok && result.openDay) lines.push(t('journal.verify.openDay', { date: result.openDay }, lang));
  return lines;
}

