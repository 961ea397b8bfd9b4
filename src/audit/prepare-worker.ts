/** Worker thread: prepares one bundle file at a time for the main thread (see prepare.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToWire, setLang, type Lang } from '../i18n/index.js';
import { ArenaPool, prepareFileInto, transferables } from './prepare.js';

const { nowMs, lang } = (workerData ?? {}) as { nowMs?: number; lang?: Lang };
if (lang) setLang(lang); // verdicts are read by a person, in the language of the command
const pool = new ArenaPool();

parentPort!.on('message', (m: { index: number; file: string } | { recycle: ArrayBuffer }) => {
  if ('recycle' in m) {
    pool.give(m.recycle);
    return;
  }
  const { index, file } = m;
  prepareFileInto(file, pool, nowMs).then(
    (prepared) => parentPort!.postMessage({ index, prepared }, transferables(prepared)),
    (e: unknown) => parentPort!.postMessage({ index, error: errorToWire(e) }),
  );
});
