/**
 * Import verified bundles into the district store. Each bundle is one transaction: it is
 * checked against what the store already holds for its station — every overlapping row
 * must be the same row, and the rows on either side must still link — so a rewritten past
 * is refused even when it is correctly signed. An unknown key is refused unless the
 * inspector passes --trust-new-key, and then the registration is recorded.
 */
import { basename } from 'node:path';
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import { fingerprint as keyFingerprint, type DistrictStore } from '../journal/index.js';
import { readBundle, type Bundle, type BundleVerdict } from './bundle.js';
import { prepareBundle, prepareFilesInOrder, type PreparedBundle } from './prepare.js';

export type ImportOutcome =
  | { status: 'imported'; file: string; station: string; added: number; already: number; keyRegistered: string | null }
  | { status: 'unchanged'; file: string; station: string; already: number }
  | { status: 'refused'; file: string; station: string | null; reason: 'invalid' | 'unknown-key' | 'rewritten' | 'no-seal'; message: string; seq?: number; verdict?: BundleVerdict };

/** Thrown inside the transaction to roll it back with a readable outcome. */
class Refusal extends Error {
  constructor(readonly outcome: Extract<ImportOutcome, { status: 'refused' }>) {
    super(outcome.message);
  }
}

export interface ImportOptions {
  trustNewKey?: boolean;
  nowMs?: number;
}

/** Import one bundle file. Bad files throw LoaxaError (exit 1); refusals come back as outcomes. */
export function importBundleFile(store: DistrictStore, file: string, opts: ImportOptions = {}): ImportOutcome {
  const bundle = readBundle(file, opts.nowMs);
  return importBundle(store, bundle, opts);
}

export function importBundle(store: DistrictStore, bundle: Bundle, opts: ImportOptions = {}): ImportOutcome {
  return importPrepared(store, prepareBundle(bundle), opts);
}

/** Import a bundle already read and verified (by prepareBundle, perhaps in a worker thread). */
export function importPrepared(store: DistrictStore, bundle: PreparedBundle, opts: ImportOptions = {}): ImportOutcome {
  const name = basename(bundle.file);
  const stationId = bundle.header.station.id;
  const nowMs = opts.nowMs ?? Date.now();
  const verdict = bundle.verdict;
  if (!verdict.ok) {
    return { status: 'refused', file: bundle.file, station: stationId, reason: 'invalid', message: t('audit.import.refusedInvalid', { file: name }), seq: verdict.failure?.seq ?? undefined, verdict };
  }
  if (!verdict.publicKey || !verdict.fingerprint) {
    return { status: 'refused', file: bundle.file, station: stationId, reason: 'no-seal', message: `${name}: ${t('audit.verify.noSeal')}`, verdict };
  }
  const publicKey = verdict.publicKey;
  const fp = verdict.fingerprint;
  const rows = bundle.rows!;
  const count = rows.count;
  const hashes = Buffer.from(rows.hashes.buffer, rows.hashes.byteOffset, rows.hashes.byteLength);
  const hashHex = (i: number) => hashes.toString('hex', i * 32, i * 32 + 32);
  const lastHash = hashHex(count - 1);
  try {
    return store.transaction((): ImportOutcome => {
      // Key: the district must know it, or the inspector registers it now, on the record.
      const known = store.keys(stationId);
      let keyRegistered: string | null = null;
      if (!known.some((k) => k.publicKey === publicKey)) {
        if (!opts.trustNewKey) {
          throw new Refusal({ status: 'refused', file: bundle.file, station: stationId, reason: 'unknown-key', message: t('audit.import.unknownKey', { file: name, station: stationId, fingerprint: fp }), verdict });
        }
        store.addKey({ station: stationId, publicKey, fingerprint: keyFingerprint(publicKey), registeredMs: nowMs, how: 'trust-new-key', bundle: `${name} sha256:${bundle.sha256}` });
        keyRegistered = fp;
      }

      // History: overlapping rows identical (same hash: the hash covers the row and its
      // prev_hash); neighbours still linked. Rows are contiguous (verified): row i has seq firstSeq + i.
      const firstSeq = rows.firstSeq;
      const lastSeq = firstSeq + count - 1;
      const rewritten = (seq: number, detailKey: string) =>
        new Refusal({ status: 'refused', file: bundle.file, station: stationId, reason: 'rewritten', seq, message: t('audit.import.rewritten', { file: name, station: stationId, seq, detail: t(detailKey) }), verdict });
      /** Row ranges [from, to) of the bundle the store already holds. */
      const held: Array<[number, number]> = [];
      for (const c of store.chunksBetween(stationId, firstSeq - 1, lastSeq + 1)) {
        const storedHash = (seq: number) => c.hashes.toString('hex', (seq - c.firstSeq) * 32, (seq - c.firstSeq) * 32 + 32);
        if (c.firstSeq <= firstSeq - 1 && firstSeq - 1 <= c.lastSeq && storedHash(firstSeq - 1) !== bundle.header.startPrevHash) {
          throw rewritten(firstSeq, 'audit.detail.link');
        }
        const from = Math.max(c.firstSeq, firstSeq);
        const to = Math.min(c.lastSeq, lastSeq);
        if (from <= to) {
          const mine = hashes.subarray((from - firstSeq) * 32, (to - firstSeq + 1) * 32);
          const theirs = c.hashes.subarray((from - c.firstSeq) * 32, (to - c.firstSeq + 1) * 32);
          if (!mine.equals(theirs)) {
            let seq = from;
            while (hashHex(seq - firstSeq) === storedHash(seq)) seq++;
            throw rewritten(seq, 'audit.detail.hash');
          }
          held.push([from - firstSeq, to - firstSeq + 1]);
        }
        if (c.firstSeq <= lastSeq + 1 && lastSeq + 1 <= c.lastSeq) {
          const prevOfNext = c.firstSeq === lastSeq + 1 ? c.firstPrevHash : storedHash(lastSeq);
          if (prevOfNext !== lastHash) throw rewritten(lastSeq, 'audit.detail.next');
        }
      }
      let already = 0;
      for (const [a, b] of held) already += b - a;
      const added = count - already;
      if (added === 0 && !keyRegistered) {
        return { status: 'unchanged', file: bundle.file, station: stationId, already };
      }
      // The rows the store does not hold yet, range by range.
      let at = 0;
      for (const [a, b] of held) {
        if (a > at) store.insertRowRange(stationId, rows, at, a);
        at = Math.max(at, b);
      }
      if (at < count) store.insertRowRange(stationId, rows, at, count);
      const current = store.station(stationId);
      const head = current && current.headSeq >= lastSeq ? { seq: current.headSeq, hash: current.headHash } : { seq: lastSeq, hash: lastHash };
      const st = bundle.header.station;
      store.upsertStation({
        id: stationId, name: st.name ?? null, district: st.district ?? null, province: st.province ?? null, timezone: st.timezone ?? null,
        headSeq: head.seq, headHash: head.hash, lastImportMs: nowMs, nowMs,
      });
      store.recordImport({
        station: stationId, atMs: nowMs, file: name, bundleSha256: bundle.sha256, fromDate: bundle.header.from, toDate: bundle.header.to,
        firstSeq, lastSeq, added, keyFingerprint: fp, keyRegistered: keyRegistered !== null,
      });
      return { status: 'imported', file: bundle.file, station: stationId, added, already, keyRegistered };
    });
  } catch (e) {
    if (e instanceof Refusal) return e.outcome;
    if (e instanceof LoaxaError) throw e;
    throw new LoaxaError('cli.internal', { detail: (e as Error).message }, EXIT.FAULT);
  }
}

/**
 * Import many bundle files: read and verified in worker threads, written here as each becomes
 * ready, every bundle its own savepoint inside one transaction for the run. A damaged or
 * unreadable file anywhere rolls the whole run back (store exactly as it was) and throws.
 */
export async function importFiles(
  store: DistrictStore,
  files: string[],
  opts: ImportOptions & { onProgress?: (text: string) => void } = {},
): Promise<ImportOutcome[]> {
  const outcomes: ImportOutcome[] = [];
  store.begin();
  try {
    await prepareFilesInOrder(files, (p) => {
      outcomes.push(importPrepared(store, p, opts));
      store.startWriteBack();
    }, {
      nowMs: opts.nowMs,
      // importPrepared has written a bundle's rows when it returns: their buffers go back to the worker.
      recycle: true,
      onPrepared: (n, total, file) => opts.onProgress?.(t('audit.verify.progress', { n, total, file: basename(file) })),
    });
    store.commit();
  } catch (e) {
    store.rollback();
    throw e;
  }
  return outcomes;
}

/** The lines a person reads for one outcome. */
export function outcomeLines(o: ImportOutcome): string[] {
  const file = basename(o.file);
  switch (o.status) {
    case 'imported':
      return [
        ...(o.keyRegistered ? [t('audit.import.keyRegistered', { file, fingerprint: o.keyRegistered, station: o.station })] : []),
        t('audit.import.ok', { file, added: o.added, station: o.station, already: o.already }),
      ];
    case 'unchanged':
      return [t('audit.import.same', { file, station: o.station })];
    case 'refused': {
      const lines = [o.message];
      if (o.reason === 'invalid' && o.verdict?.failure) {
        lines.push('  ' + (o.verdict.failure.seq === null ? o.verdict.failure.reason : t('audit.verify.bad', { file, seq: o.verdict.failure.seq, reason: o.verdict.failure.reason })));
      }
      return lines;
    }
  }
}
