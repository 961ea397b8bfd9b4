/**
 * Preparing bundles for import: read, verify, and lay the rows out column by column. The
 * work is CPU-bound (gunzip, JSON, SHA-256, Ed25519), so several bundles are prepared at
 * once in worker threads — one per core — while the store is written by the main thread only.
 */
import { availableParallelism } from 'node:os';
import { EXIT, LoaxaError, getLang, type Params, type ExitCode } from '../i18n/index.js';
import type { RowColumns } from '../journal/index.js';
import { readBundle, verifyBundle, type Bundle, type BundleEnd, type BundleHeader, type BundleVerdict } from './bundle.js';

export interface PreparedBundle {
  file: string;
  sha256: string;
  header: BundleHeader;
  end: BundleEnd;
  verdict: BundleVerdict;
  rows: RowColumns;
}

export function prepareBundle(b: Bundle, opts: { publicKeys?: string[] } = {}): PreparedBundle {
  const verdict = verifyBundle(b, opts);
  const n = b.events.length;
  const rows: RowColumns = { seq: new Array(n), atMs: new Array(n), local: new Array(n), type: new Array(n), payload: new Array(n), prevHash: new Array(n), hash: new Array(n) };
  b.events.forEach((e, i) => {
    rows.seq[i] = e.seq;
    rows.atMs[i] = e.atMs;
    rows.local[i] = e.local;
    rows.type[i] = e.type;
    // The text the hash was checked over when the bundle has it; else the parsed data re-serialised.
    rows.payload[i] = e.payloadJson ?? JSON.stringify(e.payload);
    rows.prevHash[i] = e.prevHash;
    rows.hash[i] = e.hash;
  });
  // The verdict's full verify result is not needed past this point; keep what a person reads.
  return { file: b.file, sha256: b.sha256, header: b.header, end: b.end, verdict: { ...verdict, result: null }, rows };
}

export function prepareFile(file: string, nowMs?: number): PreparedBundle {
  return prepareBundle(readBundle(file, nowMs));
}

interface WorkerReply {
  index: number;
  prepared?: PreparedBundle;
  error?: { key: string; params: Params; exitCode: ExitCode; details: string[] } | { message: string };
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
  opts: { nowMs?: number; onPrepared?: (done: number, total: number, file: string) => void; threads?: number } = {},
): Promise<void> {
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), files.length));
  const results: Array<WorkerReply | undefined> = new Array(files.length);
  let done = 0;
  let delivered = 0;
  let failure: unknown = null;
  const deliver = () => {
    while (failure === null && delivered < files.length && results[delivered]) {
      const r = results[delivered]!;
      results[delivered] = undefined; // let it be collected once written
      if (r.error) {
        failure = 'key' in r.error ? new LoaxaError(r.error.key, r.error.params, r.error.exitCode, r.error.details) : new LoaxaError('cli.internal', { detail: r.error.message }, EXIT.FAULT);
        return;
      }
      try {
        onEach(r.prepared!, delivered);
      } catch (e) {
        failure = e;
        return;
      }
      delivered++;
    }
  };
  if (threads === 1) {
    for (const [index, file] of files.entries()) {
      try {
        results[index] = { index, prepared: prepareFile(file, opts.nowMs) };
      } catch (e) {
        if (!(e instanceof LoaxaError)) throw e;
        results[index] = { index, error: { key: e.key, params: e.params, exitCode: e.exitCode, details: e.details } };
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
        const worker = new Worker(new URL('./prepare-worker.js', import.meta.url), { workerData: { nowMs: opts.nowMs, lang: getLang() } });
        const feed = () => {
          if (next >= files.length || failure !== null) {
            void worker.terminate().then(() => resolve());
            return;
          }
          const index = next++;
          worker.postMessage({ index, file: files[index] });
        };
        worker.on('message', (reply: WorkerReply) => {
          results[reply.index] = reply;
          opts.onPrepared?.(++done, files.length, files[reply.index]!);
          feed(); // give the worker its next file before writing this one here
          deliver();
        });
        worker.on('error', reject);
        feed();
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
