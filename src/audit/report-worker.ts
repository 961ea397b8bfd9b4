/** Worker thread: builds station reports from the district store for the main thread (see sources.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { setLang, type Lang } from '../i18n/index.js';
import { openDistrictStore } from '../journal/index.js';
import { reportsFromStore } from './sources.js';
import { csvStationRows, ownUtf8 } from './render-csv.js';

const { storePath, from, to, lang } = workerData as { storePath: string; from: string; to: string; lang: Lang };
setLang(lang);
const store = openDistrictStore(storePath);

parentPort!.on('message', ({ index, station, csv }: { index: number; station: string; csv?: boolean }) => {
  try {
    const report = reportsFromStore(store, from, to, { station })[0]!;
    // CSV rows are rendered and encoded here: their bytes are handed over (moved, not copied),
    // far cheaper than the report's objects or a string.
    if (csv) {
      const bytes = ownUtf8(csvStationRows(report));
      parentPort!.postMessage({ index, csv: bytes }, [bytes.buffer as ArrayBuffer]);
    } else parentPort!.postMessage({ index, report });
  } catch (e) {
    parentPort!.postMessage({ index, error: e instanceof Error ? e.message : String(e) });
  }
});
