/** Station-local ISO 8601 with offset (e.g. 2026-12-01T05:55:00+07:00) for journal payloads. */
export function localIso(ms: number, timeZone = 'Asia/Ho_Chi_Minh'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  ) as Record<string, string>;
  const wall = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMin = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const off = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${off}`;
}

/** `<station>_<YYYY-MM-DD>_<HHMM>_<program>.<ext>` in the station's timezone. */
export function recordingFileName(o: { station: string; program: string; startMs: number; timezone?: string; ext?: string }): string {
  const iso = localIso(o.startMs, o.timezone);
  const safe = (s: string) => s.replace(/[^\p{L}\p{N}._-]+/gu, '-');
  return `${safe(o.station)}_${iso.slice(0, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}_${safe(o.program)}.${(o.ext ?? 'wav').replace(/^\./, '')}`;
}
