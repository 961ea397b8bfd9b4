import { DEFAULT_TIMEZONE, localIso as stationLocalIso } from '../schedule/index.js';

/** Station-local ISO 8601 with offset for audio events (the schedule's implementation). */
export const localIso = (ms: number, timeZone: string = DEFAULT_TIMEZONE): string => stationLocalIso(ms, timeZone);

/** `<station>_<YYYY-MM-DD>_<HHMM>_<program>.<ext>` in the station's timezone. */
export function recordingFileName(o: { station: string; program: string; startMs: number; timezone?: string; ext?: string }): string {
  const iso = localIso(o.startMs, o.timezone);
  const safe = (s: string) => s.replace(/[^\p{L}\p{N}._-]+/gu, '-');
  return `${safe(o.station)}_${iso.slice(0, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}_${safe(o.program)}.${(o.ext ?? 'wav').replace(/^\./, '')}`;
}
