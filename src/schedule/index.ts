/**
 * The schedule concern's public entry: load and validate a station's YAML schedule,
 * expand it into a plan, check policies, and the time helpers other concerns share.
 */
export type * from './types.js';
export type { Diagnostic, Severity } from './diagnostics.js';
export { renderDiagnostic } from './diagnostics.js';
export {
  loadSchedule,
  checkScheduleFile,
  checkScheduleText,
  checkPeriod,
  invalidScheduleError,
  MAX_FILE_BYTES,
  MAX_ALIAS_COUNT,
  type LoadOptions,
  type CheckResult,
} from './load.js';
export { expand, expandDetailed, expandLocal, exceptionCovers, type ExpandResult, type LocalAiring } from './expand.js';
export { checkPolicies, sessionsOf, SESSION_GAP_MS, type Session } from './policy.js';
export { globMatch, DEFAULT_TIMEZONE } from './model.js';
export {
  parseDuration,
  parseDurationOrNull,
  formatDuration,
  parseTimeOfDay,
  formatTimeOfDay,
  localIso,
  localIsoMs,
  localDate,
  localSecondsOfDay,
  zonedTimeToEpoch,
  offsetMs,
  isValidDate,
  isValidTimezone,
  addDays,
  dayNumber,
  todayAt,
  machineToday,
} from './time.js';
export { initStation, exampleSchedule } from './init.js';
