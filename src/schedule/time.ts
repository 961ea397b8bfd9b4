/**
 * Durations, times of day and station-local dates. Time zones come from Intl (no tz
 * database of our own); offsets are cached per zone and quarter hour so expanding a
 * year for hundreds of stations stays cheap.
 */

const DAY_MS = 86_400_000;
const QUARTER_MS = 900_000;

/** `45s`, `30m`, `1h30m`, `2h`, `1h5m30s` → milliseconds; null when malformed. Zero is returned as 0 (callers reject it). */
export function parseDurationOrNull(text: string): number | null {
  const m = /^\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$/.exec(text);
  if (!m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) return null;
  const [h, min, s] = [m[1], m[2], m[3]].map((x) => (x === undefined ? 0 : Number(x))) as [number, number, number];
  return ((h * 60 + min) * 60 + s) * 1000;
}

/** Like parseDurationOrNull, but throws a plain Error on malformed input (callers with positions use the OrNull form). */
export function parseDuration(text: string): number {
  const ms = parseDurationOrNull(text);
  if (ms === null) throw new Error(`invalid duration "${text}"`);
  return ms;
}

/** Milliseconds → the shortest `1h30m`/`45s` spelling. */
export function formatDuration(ms: number): string {
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const out = `${h ? h + 'h' : ''}${m ? m + 'm' : ''}${s ? s + 's' : ''}`;
  return out || '0s';
}

/** `HH:MM` or `HH:MM:SS` (00:00–23:59:59) → seconds since local midnight; null when invalid (e.g. 25:30). */
export function parseTimeOfDay(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59 || s > 59) return null;
  return h * 3600 + min * 60 + s;
}

/** Seconds since midnight → `HH:MM:SS`. */
export function formatTimeOfDay(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${pad2(h)}:${pad2(m)}:${pad2(s)}`;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isValidDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(text + 'T00:00:00Z');
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** YYYY-MM-DD → day number (days since 1970-01-01), treating the date as a plain calendar date. */
export function dayNumber(date: string): number {
  return Math.floor(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS);
}

const dateStrings = new Map<number, string>();

/** Day number → YYYY-MM-DD (civil-from-days arithmetic, memoised: expansion asks for every day). */
export function dateOfDayNumber(day: number): string {
  let s = dateStrings.get(day);
  if (s === undefined) {
    // Howard Hinnant's civil_from_days
    const z = day + 719468;
    const era = Math.floor(z / 146097);
    const doe = z - era * 146097;
    const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
    const mp = Math.floor((5 * doy + 2) / 153);
    const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    s = `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
    if (dateStrings.size > 200_000) dateStrings.clear();
    dateStrings.set(day, s);
  }
  return s;
}

/** Add days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** 0 = Sunday … 6 = Saturday, for a day number. */
export function weekdayOfDayNumber(day: number): number {
  return (((day + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

function pad2(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone name. */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatterFor(timezone);
    return true;
  } catch {
    return false;
  }
}

function computeOffsetMs(epochMs: number, timezone: string): number {
  const parts = formatterFor(timezone).formatToParts(new Date(epochMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

const WINDOW_MS = 8 * DAY_MS;
const windowCache = new Map<string, Map<number, number>>();

function windowEdgeOffset(timezone: string, edge: number): number {
  let zoneCache = windowCache.get(timezone);
  if (!zoneCache) windowCache.set(timezone, (zoneCache = new Map()));
  let off = zoneCache.get(edge);
  if (off === undefined) {
    off = computeOffsetMs(edge * WINDOW_MS, timezone);
    zoneCache.set(edge, off);
  }
  return off;
}

/**
 * Offset of local time from UTC at an instant, in ms (+07:00 → 25 200 000).
 * Zones change offset at most twice a year, months apart: when both edges of an 8-day
 * window agree, the whole window has that offset (one Intl call per window). Windows with
 * a change are resolved per quarter hour (changes fall on quarter-hour boundaries).
 */
export function offsetMs(epochMs: number, timezone: string): number {
  const w = Math.floor(epochMs / WINDOW_MS);
  const a = windowEdgeOffset(timezone, w);
  if (a === windowEdgeOffset(timezone, w + 1)) return a;
  let zoneCache = offsetCache.get(timezone);
  if (!zoneCache) offsetCache.set(timezone, (zoneCache = new Map()));
  const quarter = Math.floor(epochMs / QUARTER_MS);
  let off = zoneCache.get(quarter);
  if (off === undefined) {
    off = computeOffsetMs(quarter * QUARTER_MS, timezone);
    zoneCache.set(quarter, off);
  }
  return off;
}

function formatOffset(off: number): string {
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** Station-local ISO 8601 with offset, e.g. 2026-12-01T05:30:00+07:00 (whole seconds). */
export function localIso(epochMs: number, timezone: string): string {
  const off = offsetMs(epochMs, timezone);
  return new Date(epochMs + off).toISOString().slice(0, 19) + formatOffset(off);
}

/** Station-local ISO 8601 with milliseconds, e.g. 2026-12-01T05:30:00.250+07:00 (journal rows, relay timings). */
export function localIsoMs(epochMs: number, timezone: string): string {
  const off = offsetMs(epochMs, timezone);
  return new Date(epochMs + off).toISOString().slice(0, 23) + formatOffset(off);
}

/** Station-local date YYYY-MM-DD of an instant. */
export function localDate(epochMs: number, timezone: string): string {
  return new Date(epochMs + offsetMs(epochMs, timezone)).toISOString().slice(0, 10);
}

/** Station-local seconds since midnight of an instant. */
export function localSecondsOfDay(epochMs: number, timezone: string): number {
  const local = epochMs + offsetMs(epochMs, timezone);
  return Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
}

/**
 * The instant of a local wall-clock time. In a DST gap the time is read with the offset
 * before the gap (so 02:30 on a spring-forward night becomes 03:30); in a repeated hour
 * the earlier instant wins.
 */
export function zonedTimeToEpoch(date: string, secondsOfDay: number, timezone: string): number {
  const wall = dayNumber(date) * DAY_MS + secondsOfDay * 1000;
  const before = offsetMs(wall - DAY_MS / 2, timezone);
  const after = offsetMs(wall + DAY_MS / 2, timezone);
  if (before === after) return wall - before; // no transition near this day: the common case
  const candidates = [wall - before, wall - after].filter((e) => e + offsetMs(e, timezone) === wall);
  if (candidates.length) return Math.min(...candidates);
  return wall - before; // in the gap
}

/** Today's local date at the station. */
export function todayAt(timezone: string, now: number = Date.now()): string {
  return localDate(now, timezone);
}

/**
 * Today's date on this machine's clock and zone. Whole-year checks (validate, conflicts)
 * start here rather than at the station's own date: near midnight they may start a day
 * apart, which changes nothing they report, and it spares validate loading ICU's
 * time zones (a third of its start-up).
 */
export function machineToday(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = now.getMonth() + 1;
  const d = now.getDate();
  return `${String(y).padStart(4, '0')}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}
