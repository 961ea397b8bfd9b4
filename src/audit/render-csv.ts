/** The report as CSV: one row per slot, UTF-8 with a BOM so Excel shows Vietnamese. */
import { t } from '../i18n/index.js';
import type { AuditReport } from './model.js';
import { clockOf } from './dates.js';
import { reasonText } from './render-text.js';

export const CSV_COLUMNS = [
  'station', 'date', 'slot', 'program', 'title', 'start', 'end', 'required', 'priority', 'zones', 'status',
  'secondsRequired', 'secondsAired', 'secondsFallback', 'secondsDeadAir', 'late', 'reasons', 'bulletins', 'languages', 'approvedBy', 'corrected',
] as const;

function field(v: string | number): string {
  const s = String(v);
  // Quote when needed; a leading = + - @ is neutralised so Excel does not run it as a formula.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return /[",\r\n;]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(report: AuditReport): string {
  const rows: string[] = [CSV_COLUMNS.map((c) => field(t(`audit.col.${c}`))).join(',')];
  for (const s of report.stations) {
    for (const d of s.days) {
      for (const x of d.slots) {
        rows.push([
          s.station.id, x.date, x.slot, x.program, x.title, clockOf(x.start), clockOf(x.end),
          t(x.required ? 'audit.yes' : 'audit.no'), x.priority, x.zones.join(' '), t(`audit.status.${x.status}`),
          x.secondsRequired, x.secondsAired, x.secondsFallback, x.secondsDeadAir, Math.round(x.lateMs / 1000),
          x.reasons.map(reasonText).join('; '),
          x.bulletins.map((b) => b.bulletin).join(' '),
          [...new Set(x.bulletins.map((b) => b.language))].join(' '),
          [...new Set(x.bulletins.map((b) => b.approvedBy))].join('; '),
          x.correctedBy ? `#${x.correctedBy.seq} ${x.correctedBy.user}: ${x.correctedBy.reason}` : '',
        ].map(field).join(','));
      }
    }
  }
  return '\uFEFF' + rows.join('\r\n') + '\r\n';
}
