/**
 * Named holidays for `exceptions: [{ holiday: … }]`, from the lunar calendar in
 * ./calendar.ts, memoised per name and year because expansion asks for every day.
 */
import { HOLIDAY_NAMES, holidayDates } from './calendar.js';

const cache = new Map<string, ReadonlySet<string>>();

export function holidayNames(): string[] {
  return [...HOLIDAY_NAMES];
}

export function isHolidayName(name: string): boolean {
  return HOLIDAY_NAMES.includes(name);
}

/** Local dates (YYYY-MM-DD) of a named holiday in a year. */
export function holidayDatesIn(name: string, year: number): ReadonlySet<string> {
  const key = `${name}/${year}`;
  let dates = cache.get(key);
  if (!dates) {
    dates = new Set(holidayDates(name, year));
    cache.set(key, dates);
  }
  return dates;
}
