/** Worker thread: verifies a journal file's chain and seals while the main thread builds its report (see sources.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { errorToWire, setLang, type Lang } from '../i18n/index.js';
import { verifyJournal } from '../journal/index.js';

const { dbPath, lang } = workerData as { dbPath: string; lang: Lang };
setLang(lang);
try {
  parentPort!.postMessage({ result: verifyJournal(dbPath, { requireSeals: false, noStationKeys: false }) });
} catch (e) {
  parentPort!.postMessage({ error: errorToWire(e) });
}
