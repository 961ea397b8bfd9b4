/**
 * Where the audit reads from: a station's own journal file (--db) or the district store
 * (--store). Both give a station's events for a date range; the report model does the rest.
 */
import { basename } from 'node:path';
import { availableParallelism } from 'node:os';
import { EXIT, LoaxaError, errorFromWire, getLang, t, type WireError } from '../i18n/index.js';
import {
  openJournal,
  openDistrictStore,
  verifyJournal,
  describeVerifyResult,
  type Journal,
  type DistrictStore,
  type ReportRow,
  type VerifyResult,
} from '../journal/index.js';
import { buildReport, buildStationReport, clockReadingTextFine, relayActionTextMaybeFaulty, REPORT_EVENT_TYPES, type StationInfo, type StationReport } from './model.js';
import { renderReport, type ReportFormat } from './render.js';
import { csvDocumentPieces } from './render-csv.js';
import { addDays, datesBetween, todayIn } from './dates.js';
import { makeHeader, selectBundleRows, writeBundle, type BundleHeader } from './bundle.js';

/** Open a journal only to read it: the station id comes from its rows, not from the caller. */
export function openJournalForReading(dbPath: string): { journal: Journal; stationId: string | null; timezoneOffset: string | null } {
  const journal = openJournal(dbPath, { station: '', timezone: 'UTC', readonly: true });
  const first = journal.events({ limit: 1 })[0];
  return { journal, stationId: first?.station ?? null, timezoneOffset: first ? first.local.slice(-6) : null };
}

/**
 * What a report of [from, to] reads of a journal, page by page as it is read (buildStationReport's
 * streamed form): the rows of the range plus a day on each side (seals come after midnight,
 * results may be logged late), of the types a report reads; then, merged in by seq, the rows
 * written later about the range — corrections (an officer amends last month's log today), and
 * seals and slot results written after downtime. The corrections come first on their own too
 * (a correction amends a row before it). Good relay switches and fine clock readings (most
 * rows of a busy day) change nothing in a report but a count: not parsed, and the fine clock
 * readings are counted per local day into `clockChecks` as the rows pass.
 */
function rangeRowStream(journal: Journal, from: string, to: string): { rows: Iterable<ReportRow>; corrections: ReportRow[]; clockChecks: Map<string, number> } {
  const clockChecks = new Map<string, number>();
  const keep = (type: string, payloadJson: string, local: string) => {
    if (type === 'relay.action') return relayActionTextMaybeFaulty(payloadJson);
    if (type !== 'clock.status' || !clockReadingTextFine(payloadJson)) return true;
    const day = local.slice(0, 10);
    clockChecks.set(day, (clockChecks.get(day) ?? 0) + 1);
    return false;
  };
  const fromMs = Date.parse(addDays(from, -1) + 'T00:00:00Z');
  const toMs = Date.parse(addDays(to, 3) + 'T00:00:00Z');
  const late = journal.lateReportRows(toMs, from, to);
  const corrections: ReportRow[] = journal.events({ fromMs, types: ['correction'] });
  function* rows(): Generator<ReportRow> {
    let k = 0;
    for (const page of journal.reportRowPages(fromMs, toMs, REPORT_EVENT_TYPES, keep)) {
      for (const r of page) {
        while (k < late.length && late[k]!.seq < r.seq) yield late[k++]!;
        yield r;
      }
    }
    while (k < late.length) yield late[k++]!;
  }
  return { rows: rows(), corrections, clockChecks };
}

function checkedOrThrow(dbPath: string, verdict: VerifyResult): VerifyResult {
  if (!verdict.ok) {
    throw new LoaxaError('audit.verify.badNoSeq', { file: basename(dbPath), reason: describeVerifyResult(verdict).slice(0, 2).join(' — ') }, EXIT.INVALID);
  }
  return verdict;
}

/** The report of a journal (its chain checked, or being checked), the key's fingerprint first among the station's. */
function reportOfJournal(dbPath: string, keyFingerprint: string | null, from: string, to: string, opts: { station?: string; info?: Partial<StationInfo> }): StationReport {
  const { journal, stationId } = openJournalForReading(dbPath);
  try {
    const id = stationId ?? opts.info?.id ?? basename(dbPath);
    if (opts.station && opts.station !== id) {
      throw new LoaxaError('audit.station.unknown', { station: opts.station, known: id }, EXIT.INVALID);
    }
    const info: StationInfo = { ...opts.info, id, fingerprints: keyFingerprint ? [keyFingerprint] : [] };
    const { rows, corrections, clockChecks } = rangeRowStream(journal, from, to);
    return buildStationReport(info, rows, from, to, journal.dayCounts(from, to), { corrections }, clockChecks);
  } finally {
    journal.close();
  }
}

/** A station's report straight from its journal file, after checking the chain (seals may be missing: they show as gaps). */
export function reportFromJournal(dbPath: string, from: string, to: string, opts: { station?: string; info?: Partial<StationInfo> } = {}): StationReport {
  const verdict = checkedOrThrow(dbPath, verifyJournal(dbPath, { requireSeals: false, noStationKeys: false }));
  return reportOfJournal(dbPath, verdict.keyFingerprint, from, to, opts);
}

/**
 * The same report, the chain verified in a worker thread while the report is read and built
 * here: a station-year takes about as long to verify as to report, so this halves the wait.
 * Nothing is shown before the verdict: a journal that fails is refused as before.
 */
export async function reportFromJournalParallel(
  dbPath: string, from: string, to: string,
  opts: { station?: string; info?: Partial<StationInfo>; whileVerifying?: (report: StationReport) => void } = {},
): Promise<StationReport> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./journal-verify-worker.js', import.meta.url), { workerData: { dbPath, lang: getLang() } });
  const verified = new Promise<VerifyResult>((resolve, reject) => {
    worker.once('message', (m: { result?: VerifyResult; error?: WireError }) => (m.error ? reject(errorFromWire(m.error)) : resolve(m.result!)));
    worker.once('error', reject);
  });
  try {
    // Built before the key is known; the verdict's key goes first among the fingerprints, as in reportFromJournal.
    let report: StationReport | null = null;
    let failure: unknown = null;
    try {
      report = reportOfJournal(dbPath, null, from, to, opts);
    } catch (e) {
      failure = e;
    }
    if (report && opts.whileVerifying) {
      try {
        opts.whileVerifying(report);
      } catch {
        // Only a head start: the caller does the work again once the verdict is in.
      }
    }
    // The verdict speaks first, as in reportFromJournal: a file that is no journal, or a chain that fails.
    const verdict = checkedOrThrow(dbPath, await verified);
    if (failure !== null || !report) throw failure;
    if (verdict.keyFingerprint) report.station.fingerprints = [...new Set([verdict.keyFingerprint, ...(report.station.fingerprints ?? [])])];
    return report;
  } finally {
    void worker.terminate();
  }
}

/**
 * A station's report from its journal in `format`, as UTF-8 pieces to write: rendered while
 * the worker thread is still verifying the chain (reportFromJournalParallel), handed out only
 * once the verdict is in — and rendered again should the verdict's key change the order of
 * the key fingerprints it shows.
 */
export async function renderFromJournalParallel(
  dbPath: string, from: string, to: string, format: ReportFormat,
  opts: { station?: string; info?: Partial<StationInfo>; nowMs?: number } = {},
): Promise<Uint8Array[]> {
  const render = (r: StationReport) => Buffer.from(renderReport(buildReport([r], from, to, opts.nowMs), format), 'utf8');
  const keysOf = (r: StationReport) => JSON.stringify(r.station.fingerprints ?? []);
  let early: { keys: string; bytes: Buffer } | null = null;
  const report = await reportFromJournalParallel(dbPath, from, to, {
    ...opts,
    whileVerifying: (r) => {
      early = { keys: keysOf(r), bytes: render(r) };
    },
  });
  const ready = early as { keys: string; bytes: Buffer } | null;
  return [ready && ready.keys === keysOf(report) ? ready.bytes : render(report)];
}

/** Reports for stations of the district store; progress is told per station. */
export function reportsFromStore(
  store: DistrictStore,
  from: string,
  to: string,
  opts: { station?: string; onStation?: (n: number, total: number, id: string) => void } = {},
): StationReport[] {
  const all = store.stations();
  if (opts.station && !all.some((s) => s.id === opts.station)) {
    throw new LoaxaError('audit.station.unknown', { station: opts.station, known: all.map((s) => s.id).join(', ') || t('audit.none') }, EXIT.INVALID);
  }
  const chosen = opts.station ? all.filter((s) => s.id === opts.station) : all;
  return chosen.map((s, i) => {
    opts.onStation?.(i + 1, chosen.length, s.id);
    const info: StationInfo = {
      id: s.id, name: s.name ?? undefined, district: s.district ?? undefined, province: s.province ?? undefined, timezone: s.timezone ?? undefined,
      fingerprints: store.keys(s.id).map((k) => k.fingerprint),
    };
    const days = store.days(s.id).filter((d) => d.day >= from && d.day <= to);
    const counts = new Map(days.map((d) => [d.day, d.events]));
    const clockChecks = new Map(days.map((d) => [d.day, d.countedClock]));
    // Streamed chunk by chunk: a station-year's rows are never all alive at once.
    const stream = store.reportRowStream(s.id, addDays(from, -1), addDays(to, 2), REPORT_EVENT_TYPES);
    return buildStationReport(info, flatten(stream.chunks()), from, to, counts, { corrections: stream.corrections }, clockChecks);
  });
}

function* flatten<T>(chunks: Iterable<T[]>): Generator<T> {
  for (const c of chunks) yield* c;
}

interface ParallelOptions {
  station?: string;
  onStation?: (n: number, total: number, id: string) => void;
  threads?: number;
}

/**
 * The same reports, built in worker threads (one per core) when there are several stations:
 * reading and parsing a station-year is CPU work, and stations are independent.
 */
export async function reportsFromStoreParallel(storePath: string, from: string, to: string, opts: ParallelOptions = {}): Promise<StationReport[]> {
  const ids = parallelStations(storePath, opts);
  if (!ids) return withStore(storePath, (store) => reportsFromStore(store, from, to, opts));
  return inWorkers<StationReport>(storePath, from, to, ids, false, opts);
}

/**
 * A report from the store rendered in `format`, as UTF-8 pieces to write in order. CSV rows of
 * several stations are rendered and encoded in the worker threads too, station by station.
 */
export async function renderFromStoreParallel(storePath: string, from: string, to: string, format: ReportFormat, opts: ParallelOptions & { nowMs?: number } = {}): Promise<Uint8Array[]> {
  const ids = format === 'csv' ? parallelStations(storePath, opts) : null;
  if (!ids) return [Buffer.from(renderReport(buildReport(await reportsFromStoreParallel(storePath, from, to, opts), from, to, opts.nowMs), format), 'utf8')];
  return csvDocumentPieces(await inWorkers<Uint8Array>(storePath, from, to, ids, true, opts));
}

function withStore<T>(storePath: string, fn: (store: DistrictStore) => T): T {
  const store = openDistrictStore(storePath);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

/** The stations to share among worker threads; null when one thread will do (one station asked for, one core, one station). */
function parallelStations(storePath: string, opts: ParallelOptions): string[] | null {
  return withStore(storePath, (store) => {
    const all = store.stations().map((s) => s.id);
    const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), all.length));
    return opts.station || threads === 1 ? null : all;
  });
}

async function inWorkers<T>(storePath: string, from: string, to: string, ids: string[], csv: boolean, opts: ParallelOptions): Promise<T[]> {
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), ids.length));
  const { Worker } = await import('node:worker_threads');
  const results: T[] = new Array(ids.length);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: threads }, () =>
      new Promise<void>((resolve, reject) => {
        const worker = new Worker(new URL('./report-worker.js', import.meta.url), {
          workerData: { storePath, from, to, lang: getLang() },
          // A station-year's parsed rows live until its report is built: room for them in the young generation.
          resourceLimits: { maxYoungGenerationSizeMb: 192 },
        });
        const feed = () => {
          if (next >= ids.length) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const index = next++;
          worker.postMessage({ index, station: ids[index], csv });
        };
        worker.on('message', (reply: { index: number; report?: StationReport; csv?: Uint8Array; error?: string }) => {
          if (reply.error !== undefined) {
            void worker.terminate();
            reject(new LoaxaError('cli.internal', { detail: reply.error }, EXIT.FAULT));
            return;
          }
          results[reply.index] = (csv ? reply.csv : reply.report) as T;
          opts.onStation?.(++done, ids.length, ids[reply.index]!);
          feed();
        });
        worker.on('error', reject);
        feed();
      }),
    ),
  );
  return results;
}

export interface StationListing {
  id: string;
  name: string | null;
  district: string | null;
  province: string | null;
  fingerprints: Array<{ fingerprint: string; registered: string; how: string }>;
  daysCovered: number;
  firstDay: string | null;
  lastDay: string | null;
  /** Runs of days between the first and last day with no events at all. */
  gaps: Array<{ from: string; to: string; days: number }>;
  lastImport: string;
  events: number;
  head: { seq: number; hash: string };
}

export function listStations(store: DistrictStore): StationListing[] {
  return store.stations().map((s) => {
    const days = store.days(s.id).map((d) => d.day);
    const have = new Set(days);
    const gaps: StationListing['gaps'] = [];
    if (days.length) {
      let run: string | null = null;
      let prev = '';
      for (const d of datesBetween(days[0]!, days[days.length - 1]!)) {
        if (!have.has(d)) {
          run ??= d;
        } else if (run) {
          gaps.push({ from: run, to: prev, days: datesBetween(run, prev).length });
          run = null;
        }
        prev = d;
      }
    }
    return {
      id: s.id, name: s.name, district: s.district, province: s.province,
      fingerprints: store.keys(s.id).map((k) => ({ fingerprint: k.fingerprint, registered: new Date(k.registeredMs).toISOString(), how: k.how })),
      daysCovered: days.length, firstDay: days[0] ?? null, lastDay: days[days.length - 1] ?? null, gaps,
      lastImport: new Date(s.lastImportMs).toISOString(), events: store.count(s.id), head: { seq: s.headSeq, hash: s.headHash },
    };
  });
}

/** Export [from, to] of a journal to a bundle file; returns its header. */
export function exportBundle(dbPath: string, from: string, to: string, out: string, opts: { info?: Partial<StationInfo>; loaxaVersion: string; nowMs?: number }): BundleHeader {
  const { journal, stationId } = openJournalForReading(dbPath);
  try {
    const rows = selectBundleRows(journal, from, to);
    if (!rows.length || !stationId) throw new LoaxaError('audit.bundle.empty', { from, to }, EXIT.INVALID);
    if (opts.info?.id && opts.info.id !== stationId) {
      throw new LoaxaError('audit.station.unknown', { station: opts.info.id, known: stationId }, EXIT.INVALID);
    }
    const station = { ...opts.info, id: stationId };
    const header = makeHeader(station, rows, from, to, opts.loaxaVersion, opts.nowMs);
    writeBundle(out, header, rows);
    return header;
  } finally {
    journal.close();
  }
}

/** The schedule file the journal last loaded (its path as the daemon saw it), and the journal's station: where the station's name may be read. */
export function lastScheduleFile(dbPath: string): { file: string | null; stationId: string | null } {
  const { journal, stationId } = openJournalForReading(dbPath);
  try {
    const loaded = journal.events({ types: ['schedule.loaded'] });
    const file = loaded.length ? (loaded[loaded.length - 1]!.payload as { file?: unknown }).file : null;
    return { file: typeof file === 'string' ? file : null, stationId };
  } finally {
    journal.close();
  }
}

export { todayIn };
