/** The report as CSV: one row per slot, UTF-8 with a BOM so Excel shows Vietnamese. */
import { hasMessage, t } from '../i18n/index.js';
import type { AuditReport, StationReport } from './model.js';
import { clockOf } from './dates.js';
import { reasonText } from './render-text.js';

export const CSV_COLUMNS = [
  'station', 'date', 'slot', 'program', 'title', 'start', 'end', 'required', 'priority', 'zones', 'status',
  'secondsRequired', 'secondsAired', 'secondsFallback', 'secondsDeadAir', 'late', 'reasons', 'bulletins', 'languages', 'approvedBy', 'corrected',
] as const;

const NEEDS_QUOTES = /[",\r\n;]/;

function field(v: string | number): string {
  // A whole number never needs quoting (a leading minus is a number, not a formula).
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  const s = String(v);
  // Most fields (ids, times, titles) need nothing: one test for them (a district-year has ~5 million).
  const c = s.charCodeAt(0);
  if (c !== 0x3d && c !== 0x2b && c !== 0x2d && c !== 0x40 && !NEEDS_QUOTES.test(s)) return s;
  // Quote when needed; a leading = + - @ is neutralised so Excel does not run it as a formula.
  const safe = /^[=+\-@]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s) ? `'${s}` : s;
  return NEEDS_QUOTES.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv(report: AuditReport): string {
  return csvDocument(report.stations.map(csvStationRows));
}

/** The CSV rows of one station (no header), CRLF between them: a worker can render them on its own. */
export function csvStationRows(s: StationReport): string {
  const rows: string[] = [];
  // The few translated words, looked up once per value rather than per row; a value the
  // catalogue does not know (a newer daemon's priority, say) is shown as the log has it.
  const words = (prefix: string) => {
    const known = new Map<string, string>();
    return (v: string) => {
      let w = known.get(v);
      if (w === undefined) known.set(v, (w = hasMessage(prefix + v) ? t(prefix + v) : v));
      return w;
    };
  };
  const status = words('audit.status.');
  const priority = words('schedule.priority.');
  const yes = t('audit.yes');
  const no = t('audit.no');
  for (const d of s.days) {
    for (const x of d.slots) {
      rows.push([
        s.station.id, x.date, x.slot, x.program, x.title, clockOf(x.start), clockOf(x.end),
        x.required ? yes : no, priority(x.priority), x.zones.join(' '), status(x.status),
        x.secondsRequired, x.secondsAired, x.secondsFallback, x.secondsDeadAir, Math.round(x.lateMs / 1000),
        x.reasons.length === 0 ? '' : x.reasons.map(reasonText).join('; '),
        // Most slots play no bulletin: no arrays or sets made for them.
        x.bulletins.length === 0 ? '' : x.bulletins.map((b) => b.bulletin).join(' '),
        x.bulletins.length === 0 ? '' : [...new Set(x.bulletins.map((b) => b.language))].join(' '),
        x.bulletins.length === 0 ? '' : [...new Set(x.bulletins.map((b) => b.approvedBy))].join('; '),
        x.correctedBy ? `#${x.correctedBy.seq} ${x.correctedBy.user}: ${x.correctedBy.reason}` : '',
      ].map(field).join(','));
    }
  }
  return rows.join('\r\n');
}

function csvHeader(): string {
  return CSV_COLUMNS.map((c) => field(t(`audit.col.${c}`))).join(',');
}

/** The whole CSV file from each station's rows (as csvStationRows gives them): BOM, header, CRLF line ends. */
export function csvDocument(stationRows: string[]): string {
  return '\uFEFF' + [csvHeader(), ...stationRows.filter((r) => r !== '')].join('\r\n') + '\r\n';
}

const CRLF = Uint8Array.of(0x0d, 0x0a);

/**
 * The same file as csvDocument, as UTF-8 pieces to write one after another, from each
 * station's rows already encoded (worker threads encode their own: the main thread then
 * neither joins a district's ~40 MB of text nor encodes it).
 */
export function csvDocumentPieces(stationRows: Uint8Array[]): Uint8Array[] {
  const pieces: Uint8Array[] = [Buffer.from('\uFEFF' + csvHeader() + '\r\n', 'utf8')];
  for (const rows of stationRows) if (rows.length > 0) pieces.push(rows, CRLF);
  return pieces;
}

/** A text as UTF-8 in a buffer of its own (not Node's shared pool), so it can be handed to another thread. */
export function ownUtf8(text: string): Uint8Array {
  const bytes = Buffer.from(new ArrayBuffer(Buffer.byteLength(text, 'utf8')));
  bytes.write(text, 0, 'utf8');
  return new Uint8Array(bytes.buffer, 0, bytes.length);
}
