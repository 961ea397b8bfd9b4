/**
 * Preparing bundles for import: read, verify, and lay the rows out column by column. The
 * work is CPU-bound (gunzip, JSON, SHA-256, Ed25519), so several bundles are prepared at
 * once in worker threads — one per core — while the store is written by the main thread only.
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { EXIT, LoaxaError, getLang, type Params, type ExitCode } from '../i18n/index.js';
import { canonicalJson, type RowChunks } from '../journal/index.js';
import { BundleRow, readBundle, rowIsJson, verifyBundle, type Bundle, type BundleEnd, type BundleHeader, type BundleVerdict } from './bundle.js';

export interface PreparedBundle {
  file: string;
  sha256: string;
  header: BundleHeader;
  end: BundleEnd;
  verdict: BundleVerdict;
  /** The verified rows laid out for the store (null when the bundle does not verify). */
  rows: RowChunks | null;
}

const COMMA = 0x2c;

/** Copy src[from, to) to out at `at`; returns the new end (a loop for short runs: cheaper than a native call). */
function put(out: Buffer, at: number, src: Buffer, from: number, to: number): number {
  if (to - from > 48) {
    out.set(src.subarray(from, to), at);
    return at + to - from;
  }
  for (let i = from; i < to; i++) out[at++] = src[i]!;
  return at;
}

/** Rows laid out for the store: texts copied from the bundle's bytes where they stand, hashes as binaries. */
function layOut(b: Bundle): RowChunks {
  const events = b.events;
  const n = events.length;
  const hashes = new Uint8Array(n * 32);
  const hashView = Buffer.from(hashes.buffer, hashes.byteOffset, hashes.byteLength);
  const offsets = new Uint32Array(n + 1);
  const seals = new Uint8Array(n);
  const runStarts: number[] = [];
  const runDays: string[] = [];
  // Room for every row's text: its line is longer than the text kept (no hashes, no key names),
  // so the bundle's size is enough. Its own ArrayBuffer: handed to the main thread, not copied.
  const lines = events.length && events[0] instanceof BundleRow ? events[0].src.length : 0;
  let items = Buffer.from(new ArrayBuffer(Math.max(1 << 16, lines)));
  let o = 0;
  const room = (k: number) => {
    if (o + k <= items.length) return;
    const bigger = Buffer.from(new ArrayBuffer(Math.max(items.length * 2, o + k)));
    items.copy(bigger, 0, 0, o);
    items = bigger;
  };
  let day = '';
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    hashView.write(e.hash, i * 32, 32, 'hex');
    if (e.type === 'seal') seals[i] = 1;
    const d = e.local.slice(0, 10);
    if (i === 0 || d !== day) {
      day = d;
      runStarts.push(i);
      runDays.push(d);
    }
    offsets[i] = o;
    if (e instanceof BundleRow) {
      // [seq,atMs,"local","type",payload] from the texts in the line, as they stand.
      const src = e.src;
      room(8 + (e.seqEnd - e.seqStart) + (e.atMsEnd - e.atMsStart) + (e.localEnd - e.localStart) + (e.typeEnd - e.typeStart) + (e.payloadEnd - e.payloadStart));
      items[o++] = 0x5b;
      o = put(items, o, src, e.seqStart, e.seqEnd);
      items[o++] = COMMA;
      o = put(items, o, src, e.atMsStart, e.atMsEnd);
      items[o++] = COMMA;
      o = put(items, o, src, e.localStart, e.localEnd);
      items[o++] = COMMA;
      o = put(items, o, src, e.typeStart, e.typeEnd);
      items[o++] = COMMA;
      o = put(items, o, src, e.payloadStart, e.payloadEnd);
      items[o++] = 0x5d;
      items[o++] = COMMA;
    } else {
      const text = `[${JSON.stringify(e.seq)},${JSON.stringify(e.atMs)},${JSON.stringify(e.local)},${JSON.stringify(e.type)},${canonicalJson(e.payload)}],`;
      const k = Buffer.byteLength(text, 'utf8');
      room(k);
      o += items.write(text, o, k, 'utf8');
    }
  }
  offsets[n] = o;
  return { count: n, firstSeq: events[0]!.seq, firstPrevHash: events[0]!.prevHash, hashes, items: items.subarray(0, o), offsets, seals, runStarts, runDays };
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

/** Read (payloads left as bytes until needed), verify and lay out one bundle file. */
export function prepareFile(file: string, nowMs?: number): PreparedBundle {
  return prepareBundle(readBundle(file, nowMs, { checkPayloads: false }));
}

/** The buffers of a prepared bundle, handed over to another thread rather than copied. */
export function transferables(p: PreparedBundle): ArrayBuffer[] {
  if (!p.rows) return [];
  return [p.rows.hashes.buffer, p.rows.items.buffer, p.rows.offsets.buffer, p.rows.seals.buffer] as ArrayBuffer[];
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
        const worker = new Worker(new URL('./prepare-worker.js', import.meta.url), {
          workerData: { nowMs: opts.nowMs, lang: getLang() },
          // A bundle's rows live until it is laid out: a larger young generation keeps them from being copied over and over.
          resourceLimits: { maxYoungGenerationSizeMb: 96 },
        });
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
