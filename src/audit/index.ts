/**
 * The inspector's audit: bundles (export, read, verify), the district store import,
 * and compliance reports (text, CSV, HTML, JSON, the weekly log book).
 * Other concerns import from here only.
 */
export {
  buildStationReport,
  buildReport,
  logbookWeeks,
  CLOCK_OFFSET_LIMIT_MS,
  clockReadingTextFine,
  type AuditReport,
  type StationReport,
  type StationInfo,
  type DayReport,
  type SlotRow,
  type SlotOutcome,
  type LogbookWeek,
  type Outage,
  type RelayFault,
} from './model.js';
export {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  readBundle,
  verifyBundle,
  verdictLine,
  writeBundle,
  writeAtomically,
  bundleText,
  makeHeader,
  selectBundleRows,
  type Bundle,
  type BundleHeader,
  type BundleEnd,
  type BundleVerdict,
} from './bundle.js';
export { importBundle, importBundleFile, importPrepared, importFiles, outcomeLines, type ImportOutcome, type ImportOptions } from './import.js';
export { prepareBundle, prepareFile, prepareFiles, prepareFilesInOrder, type PreparedBundle } from './prepare.js';
export { exportBundle, reportFromJournal, reportFromJournalParallel, renderFromJournalParallel, reportsFromStore, reportsFromStoreParallel, renderFromStoreParallel, listStations, lastScheduleFile, openJournalForReading, type StationListing } from './sources.js';
export { renderText, table as textTable } from './render-text.js';
export { renderCsv, csvStationRows, csvDocument, csvDocumentPieces, CSV_COLUMNS } from './render-csv.js';
export { renderHtml } from './render-html.js';
export { renderLogbook } from './render-logbook.js';
export { renderReport, REPORT_FORMATS, type ReportFormat } from './render.js';
export { datesBetween, isoWeek, weekStart, todayIn } from './dates.js';
