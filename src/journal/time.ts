/** Station-local time for journal rows: the schedule's time helpers, one implementation for all. */
import { addDays, isValidTimezone, localDate, localIsoMs } from '../schedule/index.js';

export { localDate, localIsoMs as localIso };

/** Throws RangeError for an unknown IANA zone. */
export function checkTimeZone(timeZone: string): void {
  if (!isValidTimezone(timeZone)) throw new RangeError(`Invalid time zone specified: ${timeZone}`);
}

/** The calendar date after `date` (YYYY-MM-DD). */
export const nextDate = (date: string): string => addDays(date, 1);
export const previousDate = (date: string): string => addDays(date, -1);
