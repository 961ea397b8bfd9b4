/** Worker thread: prepares one bundle file at a time for the main thread (see prepare.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToWire, setLang, type Lang } from '../i18n/index.js';
import { prepareFile, transferables } from './prepare.js';

const { nowMs, lang } = (workerData ?? {}) as { nowMs?: number; lang?: Lang };
if (lang) setLang(lang); // verdicts are read by a person, in the language of the command

parentPort!.on('message', ({ index, file }: { index: number; file: string }) => {
  try {
    const prepared = prepareFile(file, nowMs);
    parentPort!.postMessage({ index, prepared }, transferables(prepared));
  } catch (e) {
    parentPort!.postMessage({ index, error: errorToWire(e) });
  }
});
