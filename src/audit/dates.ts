/** Calendar helpers on plain local dates (YYYY-MM-DD): the audit reasons in station days. */
import { addDays, isValidTimezone, localDate } from '../schedule/index.js';

export { addDays };

const DAY_MS = 86_400_000;

function toUtc(date: string): number {
  return Date.parse(date + 'T00:00:00Z');
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let ms = toUtc(from), end = toUtc(to); ms <= end; ms += DAY_MS) out.push(fromUtc(ms));
  return out;
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekday(date: string): number {
  const d = new Date(toUtc(date)).getUTCDay();
  return d === 0 ? 7 : d;
}

/** The Monday of the ISO week holding `date`. */
export function weekStart(date: string): string {
  return addDays(date, 1 - isoWeekday(date));
}

/** ISO week label, e.g. 2026-W48. */
export function isoWeek(date: string): string {
  const thursday = addDays(date, 4 - isoWeekday(date));
  const year = thursday.slice(0, 4);
  const firstThursday = addDays(`${year}-01-04`, 4 - isoWeekday(`${year}-01-04`));
  const week = 1 + Math.round((toUtc(thursday) - toUtc(firstThursday)) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Today's date in an IANA zone. */
export function todayIn(timezone: string, nowMs = Date.now()): string {
  return isValidTimezone(timezone) ? localDate(nowMs, timezone) : fromUtc(nowMs);
}

/** Seconds since local midnight of a station-local ISO time (`2026-12-01T05:30:00+07:00`). */
export function secondsOfDay(localIso: string): number {
  const m = /T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?/.exec(localIso);
  if (!m) return 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? 0);
}

/** HH:MM of a station-local ISO time. */
export function clockOf(localIso: string): string {
  const m = /T(\d{2}:\d{2})/.exec(localIso);
  return m ? m[1]! : localIso;
}

/** 3725 → "1:02:05", 95 → "1:35". */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.round(total));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? h + ':' : ''}${mm}:${String(sec).padStart(2, '0')}`;
}

/**
 * An instant as a person reads it on this computer's clock, with its UTC offset
 * (`2026-12-07 18:59 (UTC+07:00)`): a printed report says when it was made without a
 * reader having to convert from UTC. JSON keeps the ISO instant.
 */
export function localStamp(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())} (UTC${sign}${p(Math.floor(abs / 60))}:${p(abs % 60)})`;
}
