/** Worker thread: builds station reports from the district store for the main thread (see sources.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { setLang, type Lang } from '../i18n/index.js';
import { openDistrictStore } from '../journal/index.js';
import { reportsFromStore } from './sources.js';

const { storePath, from, to, lang } = workerData as { storePath: string; from: string; to: string; lang: Lang };
setLang(lang);
const store = openDistrictStore(storePath);

parentPort!.on('message', ({ index, station }: { index: number; station: string }) => {
  try {
    parentPort!.postMessage({ index, report: reportsFromStore(store, from, to, { station })[0] });
  } catch (e) {
    parentPort!.postMessage({ index, error: e instanceof Error ? e.message : String(e) });
  }
});
