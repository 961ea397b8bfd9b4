/**
 * Daily seals: the station signs {station, date, lastSeq, headHash} with its Ed25519 key
 * and stores the signature as a `seal` event in the chain.
 */
import { canonicalJson } from './canonical.js';
import type { EventPayloads, JournalEvent } from './events.js';
import { fingerprint, publicKeyBase64, signText, verifyText, type PublicKeyLike, type StationKeys } from './keys.js';
import type { Journal } from './store.js';
import { localDate } from './time.js';

export type SealPayload = EventPayloads['seal'];

/** The exact text a seal signs. */
export function sealMessage(p: Pick<SealPayload, 'station' | 'date' | 'lastSeq' | 'headHash'>): string {
  return canonicalJson({ station: p.station, date: p.date, lastSeq: p.lastSeq, headHash: p.headHash });
}

export function makeSealPayload(keys: Pick<StationKeys, 'privateKey' | 'publicKey'>, fields: Pick<SealPayload, 'station' | 'date' | 'lastSeq' | 'headHash'>): SealPayload {
  return {
    station: fields.station,
    date: fields.date,
    lastSeq: fields.lastSeq,
    headHash: fields.headHash,
    publicKey: publicKeyBase64(keys.publicKey),
    fingerprint: fingerprint(keys.publicKey),
    signature: signText(keys.privateKey, sealMessage(fields)),
  };
}

export type SealCheck =
  | { ok: true; publicKey: string }
  | { ok: false; problem: 'seal-forged' | 'seal-wrong-key'; reason: 'signature' | 'fingerprint' | 'malformed' | 'untrusted-key' };

/**
 * Check one seal on its own: well formed, fingerprint matches its key, signature valid,
 * and (when `trusted` is given) signed by one of those keys. A Set of `trusted` is taken
 * to hold raw keys in base64 already (the verifier's fast path).
 */
export function verifySeal(p: SealPayload, trusted?: Iterable<PublicKeyLike>): SealCheck {
  if (
    !p ||
    typeof p.station !== 'string' ||
    typeof p.date !== 'string' ||
    typeof p.lastSeq !== 'number' ||
    typeof p.headHash !== 'string' ||
    typeof p.publicKey !== 'string' ||
    typeof p.signature !== 'string'
  ) {
    return { ok: false, problem: 'seal-forged', reason: 'malformed' };
  }
  let key: string;
  try {
    key = publicKeyBase64(p.publicKey);
  } catch {
    return { ok: false, problem: 'seal-forged', reason: 'malformed' };
  }
  if (fingerprint(key) !== p.fingerprint) return { ok: false, problem: 'seal-forged', reason: 'fingerprint' };
  if (!verifyText(key, sealMessage(p), p.signature)) return { ok: false, problem: 'seal-forged', reason: 'signature' };
  if (trusted) {
    const allowed = trusted instanceof Set ? (trusted as Set<PublicKeyLike>) : new Set([...trusted].map((k) => publicKeyBase64(k)));
    if (allowed.size > 0 && !allowed.has(key)) return { ok: false, problem: 'seal-wrong-key', reason: 'untrusted-key' };
  }
  return { ok: true, publicKey: key };
}

/**
 * Seal a local day: sign the last event of `date` (default: today, station-local).
 * Idempotent — returns the existing seal when one already covers the day's last event.
 * Returns null when the day has no events.
 */
export function sealDay(journal: Journal, keys: Pick<StationKeys, 'privateKey' | 'publicKey'>, date?: string): JournalEvent<'seal'> | null {
  const day = date ?? localDate(journal.nowMs(), journal.timezone);
  const last = journal.lastOfDay(day);
  if (!last) return null;
  const keyB64 = publicKeyBase64(keys.publicKey);
  for (const ev of journal.iterate({ types: ['seal'] })) {
    const p = ev.payload as SealPayload;
    if (p.date === day && p.lastSeq >= last.seq && p.publicKey === keyB64) return ev as JournalEvent<'seal'>;
  }
  return journal.append('seal', makeSealPayload(keys, { station: journal.station, date: day, lastSeq: last.seq, headHash: last.hash }));
}

/** Past local days (before `beforeDate`, default today) whose events no seal covers yet. */
export function unsealedDays(journal: Journal, beforeDate?: string): string[] {
  const today = beforeDate ?? localDate(journal.nowMs(), journal.timezone);
  const covered = new Map<string, number>();
  for (const ev of journal.iterate({ types: ['seal'] })) {
    const p = ev.payload as SealPayload;
    covered.set(p.date, Math.max(covered.get(p.date) ?? 0, p.lastSeq));
  }
  const lastNonSeal = new Map<string, number>();
  for (const ev of journal.iterate()) {
    if (ev.type === 'seal') continue;
    lastNonSeal.set(ev.local.slice(0, 10), ev.seq);
  }
  return [...lastNonSeal]
    .filter(([day, seq]) => day < today && (covered.get(day) ?? 0) < seq)
    .map(([day]) => day)
    .sort();
}

/** Seal every past day left unsealed (the daemon calls this at start, after downtime over midnight). */
export function sealPendingDays(journal: Journal, keys: Pick<StationKeys, 'privateKey' | 'publicKey'>, beforeDate?: string): Array<JournalEvent<'seal'>> {
  return unsealedDays(journal, beforeDate)
    .map((day) => sealDay(journal, keys, day))
    .filter((s): s is JournalEvent<'seal'> => s !== null);
}
