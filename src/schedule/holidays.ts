/**
 * Named holidays for `exceptions: [{ holiday: … }]`, from the lunar calendar in
 * ./calendar.ts. The calendar is loaded on demand (only schedules that name a holiday
 * pay for it) and its answers are memoised per name and year because expansion asks
 * for every day.
 */

interface CalendarModule {
  holidayDates(name: string, year: number): string[];
  HOLIDAY_NAMES: string[];
}

let calendar: CalendarModule | null = null;
const cache = new Map<string, ReadonlySet<string>>();

/** Load the calendar; false when it is not available. Called by the loader before expansion. */
export async function loadCalendar(): Promise<boolean> {
  if (calendar) return true;
  try {
    const specifier = './calendar.js'; // a variable keeps the import lazy and out of start-up
    calendar = (await import(specifier)) as CalendarModule;
    return true;
  } catch {
    return false;
  }
}

export function holidayNames(): string[] {
  return calendar ? [...calendar.HOLIDAY_NAMES] : [];
}

export function isHolidayName(name: string): boolean {
  return calendar !== null && calendar.HOLIDAY_NAMES.includes(name);
}

/** Local dates (YYYY-MM-DD) of a named holiday in a year; empty when the calendar is not loaded. */
export function holidayDatesIn(name: string, year: number): ReadonlySet<string> {
  const key = `${name}/${year}`;
  let dates = cache.get(key);
  if (!dates) {
    dates = new Set(calendar ? calendar.holidayDates(name, year) : []);
    if (calendar) cache.set(key, dates);
  }
  return dates;
}
