// The Vietnamese lunisolar calendar (âm lịch) and the public holidays a commune
// station skips broadcasts on.
//
// The conversion is Hồ Ngọc Đức's astronomical method: new moons and the sun's
// longitude from Jean Meeus' "Astronomical Algorithms" (low-precision series), a
// month starts on the local day of a new moon, month 11 is the month containing the
// winter solstice, and in a 13-month year the leap month is the first one after
// month 11 that contains no major solar term. Days are counted at UTC+7, which is
// why Vietnam's calendar differs from China's (UTC+8) in some years, e.g. Tết 1985
// and 2007. Accurate for roughly 1800–2199, far beyond what a schedule needs.

export interface LunarDate {
  year: number;
  month: number;
  day: number;
  /** True in the repeated (leap, nhuận) month of a 13-month year. */
  leap: boolean;
}

export interface SolarDate {
  year: number;
  month: number;
  day: number;
}

/** Vietnam's legal time zone: the lunar calendar is defined for UTC+7. */
export const VIETNAM_TZ_HOURS = 7;

// Mean synodic month and the epoch of new moon k = 0 (1900-01-01 13:52 UTC), used to
// guess which new moon index is near a given day.
const SYNODIC_MONTH = 29.530588853;
const NEW_MOON_EPOCH_JD = 2415021.076998695;
const DEG = Math.PI / 180;

// ---------------------------------------------------------------------------
// Julian day numbers: all calendar arithmetic runs on integer day counts.

/** Julian day number of a civil date (Gregorian from 1582-10-15, Julian before). */
function julianDay(year: number, month: number, day: number): number {
  const a = Math.floor((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  const jd = day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) - 32045;
  if (jd >= 2299161) return jd;
  return day + Math.floor((153 * m + 2) / 5) + 365 * y + Math.floor(y / 4) - 32083;
}

function civilDate(jd: number): SolarDate {
  let b: number;
  let c: number;
  if (jd > 2299160) {
    const a = jd + 32044;
    b = Math.floor((4 * a + 3) / 146097);
    c = a - Math.floor((146097 * b) / 4);
  } else {
    b = 0;
    c = jd + 32082;
  }
  const d = Math.floor((4 * c + 3) / 1461);
  const e = c - Math.floor((1461 * d) / 4);
  const m = Math.floor((5 * e + 2) / 153);
  return {
    day: e - Math.floor((153 * m + 2) / 5) + 1,
    month: m + 3 - 12 * Math.floor(m / 10),
    year: 100 * b + d - 4800 + Math.floor(m / 10),
  };
}

// ---------------------------------------------------------------------------
// Astronomy (Meeus, ch. 49 and 25, truncated series as in Hồ Ngọc Đức's rules).

/** Julian date (UTC, fractional) of the k-th new moon after 1900-01-01. */
function newMoonJd(k: number): number {
  const t = k / 1236.85; // Julian centuries since 1900-01-00.5
  const t2 = t * t;
  const t3 = t2 * t;
  const meanNewMoon =
    2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3 + 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * DEG);
  const sunAnomaly = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * DEG;
  const moonAnomaly = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * DEG;
  const moonLatitude = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * DEG;
  const correction =
    (0.1734 - 0.000393 * t) * Math.sin(sunAnomaly) +
    0.0021 * Math.sin(2 * sunAnomaly) -
    0.4068 * Math.sin(moonAnomaly) +
    0.0161 * Math.sin(2 * moonAnomaly) -
    0.0004 * Math.sin(3 * moonAnomaly) +
    0.0104 * Math.sin(2 * moonLatitude) -
    0.0051 * Math.sin(sunAnomaly + moonAnomaly) -
    0.0074 * Math.sin(sunAnomaly - moonAnomaly) +
    0.0004 * Math.sin(2 * moonLatitude + sunAnomaly) -
    0.0004 * Math.sin(2 * moonLatitude - sunAnomaly) -
    0.0006 * Math.sin(2 * moonLatitude + moonAnomaly) +
    0.001 * Math.sin(2 * moonLatitude - moonAnomaly) +
    0.0005 * Math.sin(2 * moonAnomaly + sunAnomaly);
  // Terrestrial minus universal time: the series above runs on dynamical time.
  const deltaT =
    t < -11
      ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
      : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return meanNewMoon + correction - deltaT;
}

/** Apparent longitude of the sun in radians, [0, 2π), at Julian date jd (UTC). */
function sunLongitude(jd: number): number {
  const t = (jd - 2451545.0) / 36525; // Julian centuries since J2000.0
  const t2 = t * t;
  const meanAnomaly = (357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2) * DEG;
  const meanLongitude = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  const centre =
    (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(meanAnomaly) +
    (0.019993 - 0.000101 * t) * Math.sin(2 * meanAnomaly) +
    0.00029 * Math.sin(3 * meanAnomaly);
  const longitude = (meanLongitude + centre) * DEG;
  return longitude - 2 * Math.PI * Math.floor(longitude / (2 * Math.PI));
}

/**
 * Which 30° sector the sun is in at local midnight starting day `jd`: 0 after the
 * March equinox … 9 after the December solstice. A month "contains a major term"
 * exactly when this sector changes between its first day and the next month's.
 */
function solarTermSector(jd: number, tzHours: number): number {
  return Math.floor((sunLongitude(jd - 0.5 - tzHours / 24) / Math.PI) * 6);
}

/** Local day (Julian day number) of the k-th new moon. */
function newMoonDay(k: number, tzHours: number): number {
  return Math.floor(newMoonJd(k) + 0.5 + tzHours / 24);
}

function newMoonIndexNear(jd: number): number {
  return Math.floor((jd - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH + 0.5);
}

/** First day of lunar month 11 (the month holding the winter solstice) of solar year `year`. */
function month11Start(year: number, tzHours: number): number {
  const k = Math.floor((julianDay(year, 12, 31) - 2415021) / SYNODIC_MONTH);
  const start = newMoonDay(k, tzHours);
  // A new moon already past the solstice (sector ≥ 9) opens month 12: step back one.
  return solarTermSector(start, tzHours) >= 9 ? newMoonDay(k - 1, tzHours) : start;
}

/**
 * In a 13-month span starting at month 11 (day `a11`), the offset in months of the
 * leap month: the first month whose start and end lie in the same solar-term sector.
 */
function leapMonthOffset(a11: number, tzHours: number): number {
  const k = newMoonIndexNear(a11);
  let offset = 1;
  let sector = solarTermSector(newMoonDay(k + offset, tzHours), tzHours);
  let previous: number;
  do {
    previous = sector;
    offset++;
    sector = solarTermSector(newMoonDay(k + offset, tzHours), tzHours);
  } while (sector !== previous && offset < 14);
  return offset - 1;
}

// ---------------------------------------------------------------------------
// Conversions

function assertSolarDate(year: number, month: number, day: number): void {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day) || month < 1 || month > 12 || day < 1) {
    throw new RangeError(`invalid solar date ${year}-${month}-${day}`);
  }
  const back = civilDate(julianDay(year, month, day));
  if (back.year !== year || back.month !== month || back.day !== day) {
    throw new RangeError(`invalid solar date ${year}-${month}-${day}`);
  }
}

function solarJdToLunar(jd: number, tzHours: number): LunarDate {
  const solarYear = civilDate(jd).year;
  let monthStart = newMoonDay(Math.floor((jd - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH) + 1, tzHours);
  if (monthStart > jd) monthStart = newMoonDay(Math.floor((jd - NEW_MOON_EPOCH_JD) / SYNODIC_MONTH), tzHours);

  // Bracket the day between two consecutive months 11; the lunar year is named by
  // the solar year its month 1 falls in.
  let a11 = month11Start(solarYear, tzHours);
  let b11 = a11;
  let year: number;
  if (a11 >= monthStart) {
    year = solarYear;
    a11 = month11Start(solarYear - 1, tzHours);
  } else {
    year = solarYear + 1;
    b11 = month11Start(solarYear + 1, tzHours);
  }

  const monthsAfter11 = Math.floor((monthStart - a11) / 29);
  let month = monthsAfter11 + 11;
  let leap = false;
  if (b11 - a11 > 365) {
    const leapOffset = leapMonthOffset(a11, tzHours);
    if (monthsAfter11 >= leapOffset) {
      month = monthsAfter11 + 10;
      leap = monthsAfter11 === leapOffset;
    }
  }
  if (month > 12) month -= 12;
  // Months 11 and 12 right after a11 still belong to the previous lunar year.
  if (month >= 11 && monthsAfter11 < 4) year -= 1;
  return { year, month, day: jd - monthStart + 1, leap };
}

/** The Vietnamese lunar date of a solar (Gregorian) date. */
export function solarToLunar(year: number, month: number, day: number, tzHours: number = VIETNAM_TZ_HOURS): LunarDate {
  assertSolarDate(year, month, day);
  return solarJdToLunar(julianDay(year, month, day), tzHours);
}

/** Julian day number of the first day of a lunar month, and its length (29 or 30). */
function lunarMonthSpan(lunarYear: number, lunarMonth: number, leap: boolean, tzHours: number): { start: number; length: number } {
  if (!Number.isInteger(lunarYear) || !Number.isInteger(lunarMonth) || lunarMonth < 1 || lunarMonth > 12) {
    throw new RangeError(`invalid lunar month ${lunarYear}/${lunarMonth}`);
  }
  // Months 11 and 12 of lunar year Y follow month 11 of solar year Y; the others
  // follow month 11 of the year before.
  const a11 = month11Start(lunarMonth < 11 ? lunarYear - 1 : lunarYear, tzHours);
  const b11 = month11Start(lunarMonth < 11 ? lunarYear : lunarYear + 1, tzHours);
  let offset = lunarMonth >= 11 ? lunarMonth - 11 : lunarMonth + 1;
  if (b11 - a11 > 365) {
    const leapOffset = leapMonthOffset(a11, tzHours);
    const leapMonth = ((leapOffset - 2 + 12) % 12) || 12;
    if (leap && lunarMonth !== leapMonth) {
      throw new RangeError(`lunar year ${lunarYear} has no leap month ${lunarMonth}`);
    }
    if (leap || offset >= leapOffset) offset += 1;
  } else if (leap) {
    throw new RangeError(`lunar year ${lunarYear} has no leap month`);
  }
  const k = newMoonIndexNear(a11) + offset;
  const start = newMoonDay(k, tzHours);
  return { start, length: newMoonDay(k + 1, tzHours) - start };
}

/** The solar (Gregorian) date of a Vietnamese lunar date; RangeError if it does not exist. */
export function lunarToSolar(
  lunarYear: number,
  lunarMonth: number,
  lunarDay: number,
  leap = false,
  tzHours: number = VIETNAM_TZ_HOURS,
): SolarDate {
  const span = lunarMonthSpan(lunarYear, lunarMonth, leap, tzHours);
  if (!Number.isInteger(lunarDay) || lunarDay < 1 || lunarDay > span.length) {
    throw new RangeError(`lunar month ${lunarYear}/${lunarMonth}${leap ? ' (leap)' : ''} has no day ${lunarDay}`);
  }
  return civilDate(span.start + lunarDay - 1);
}

/** Days (29 or 30) in a lunar month. */
export function lunarMonthLength(lunarYear: number, lunarMonth: number, leap = false, tzHours: number = VIETNAM_TZ_HOURS): number {
  return lunarMonthSpan(lunarYear, lunarMonth, leap, tzHours).length;
}

/** The leap month (1–12) of a lunar year, or 0 when the year has 12 months. */
export function leapMonthOf(lunarYear: number, tzHours: number = VIETNAM_TZ_HOURS): number {
  // A leap month numbered 11 or 12 sits after month 11 of solar year Y; any other
  // sits between month 11 of Y-1 and month 11 of Y. Check both spans.
  for (const base of [lunarYear - 1, lunarYear]) {
    const a11 = month11Start(base, tzHours);
    if (month11Start(base + 1, tzHours) - a11 <= 365) continue;
    const leapMonth = ((leapMonthOffset(a11, tzHours) - 2 + 12) % 12) || 12;
    if (base === lunarYear - 1 ? leapMonth < 11 : leapMonth >= 11) return leapMonth;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Public holidays (Labour Code 2019, Article 112)

/** Every holiday name a schedule may use, aliases included. */
export const HOLIDAY_NAMES: readonly string[] = Object.freeze([
  'tet-duong-lich',
  'tet',
  'tet-nguyen-dan',
  'gio-to-hung-vuong',
  'giai-phong-mien-nam',
  'quoc-te-lao-dong',
  'quoc-khanh',
]);

/** Names that are just another spelling of a canonical holiday. */
const HOLIDAY_ALIASES: Readonly<Record<string, string>> = { 'tet-nguyen-dan': 'tet' };

/** Canonical names, each holiday once, in calendar order. */
const CANONICAL_HOLIDAYS: readonly string[] = HOLIDAY_NAMES.filter((name) => !(name in HOLIDAY_ALIASES));

const HOLIDAY_LABELS: Readonly<Record<string, { vi: string; en: string }>> = {
  'tet-duong-lich': { vi: 'Tết Dương lịch', en: "New Year's Day" },
  tet: { vi: 'Tết Nguyên Đán', en: 'Lunar New Year (Tết)' },
  'gio-to-hung-vuong': { vi: 'Giỗ Tổ Hùng Vương', en: "Hùng Kings' Commemoration Day" },
  'giai-phong-mien-nam': { vi: 'Ngày Giải phóng miền Nam, thống nhất đất nước', en: 'Reunification Day' },
  'quoc-te-lao-dong': { vi: 'Ngày Quốc tế Lao động', en: 'International Labour Day' },
  'quoc-khanh': { vi: 'Quốc khánh', en: 'National Day' },
};

export function isHolidayName(name: string): boolean {
  return HOLIDAY_NAMES.includes(name);
}

function canonicalHoliday(name: string): string {
  if (!isHolidayName(name)) throw new RangeError(`unknown holiday '${name}' (known: ${HOLIDAY_NAMES.join(', ')})`);
  return HOLIDAY_ALIASES[name] ?? name;
}

function isoDate(date: SolarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

function computeHolidayDates(holiday: string, year: number): string[] {
  const fixed = (month: number, day: number): string => isoDate({ year, month, day });
  switch (holiday) {
    case 'tet-duong-lich':
      return [fixed(1, 1)];
    case 'tet': {
      // Lunar New Year's Eve (the last day of month 12, 29th or 30th) and the first
      // three days of month 1. The Labour Code grants 5 days in all and the Prime
      // Minister places the extra day each year; these four are the fixed core.
      // Tết falls between 21 Jan and 20 Feb, so all four lie in solar `year`.
      const newYear = lunarMonthSpan(year, 1, false, VIETNAM_TZ_HOURS).start;
      return [-1, 0, 1, 2].map((offset) => isoDate(civilDate(newYear + offset)));
    }
    case 'gio-to-hung-vuong':
      // 10th day of the 3rd lunar month (never the leap 3rd month).
      return [isoDate(lunarToSolar(year, 3, 10))];
    case 'giai-phong-mien-nam':
      return [fixed(4, 30)];
    case 'quoc-te-lao-dong':
      return [fixed(5, 1)];
    case 'quoc-khanh':
      // 2 September plus one adjacent day, which the government picks as 1 or 3
      // September each year. We fix it at 1 September; a year that uses 3 September
      // is covered by a plain date exception in the schedule.
      return [fixed(9, 1), fixed(9, 2)];
    default:
      throw new RangeError(`unknown holiday '${holiday}'`);
  }
}

// Schedule expansion asks for the same few (holiday, year) pairs thousands of times.
const holidayCache = new Map<string, readonly string[]>();

/** Local dates 'YYYY-MM-DD' in solar `year` of a named holiday (in date order). */
export function holidayDates(name: string, year: number): string[] {
  if (!Number.isInteger(year)) throw new RangeError(`invalid year ${year}`);
  const holiday = canonicalHoliday(name);
  const key = `${holiday}:${year}`;
  let dates = holidayCache.get(key);
  if (!dates) {
    dates = computeHolidayDates(holiday, year);
    holidayCache.set(key, dates);
  }
  return [...dates];
}

/** The holiday's proper name for display. */
export function holidayLabel(name: string, lang: 'vi' | 'en'): string {
  const labels = HOLIDAY_LABELS[canonicalHoliday(name)];
  if (!labels) throw new RangeError(`unknown holiday '${name}'`);
  return labels[lang];
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseIsoDate(text: string): SolarDate {
  const match = ISO_DATE.exec(text);
  if (!match) throw new RangeError(`invalid date '${text}' (expected YYYY-MM-DD)`);
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  assertSolarDate(date.year, date.month, date.day);
  return date;
}

/** Every public holiday day between two local dates 'YYYY-MM-DD', inclusive, in date order. */
export function holidaysInRange(fromDate: string, toDate: string): Array<{ date: string; name: string }> {
  const from = parseIsoDate(fromDate);
  const to = parseIsoDate(toDate);
  const result: Array<{ date: string; name: string }> = [];
  for (let year = from.year; year <= to.year; year++) {
    for (const name of CANONICAL_HOLIDAYS) {
      for (const date of holidayDates(name, year)) {
        // ISO dates compare correctly as strings.
        if (date >= fromDate && date <= toDate) result.push({ date, name });
      }
    }
  }
  return result.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}
