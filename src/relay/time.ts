/** Station-local ISO 8601 with offset, e.g. 2026-12-01T05:55:00.250+07:00, for outage events. */
export function localIso(ms: number, timeZone: string): string {
  const parts: Record<string, string> = {};
  const fmt = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  for (const p of fmt.formatToParts(new Date(ms))) parts[p.type] = p.value;
  const wholeSeconds = Math.floor(ms / 1000) * 1000;
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMin = Math.round((asUtc - wholeSeconds) / 60000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const millis = pad(ms - wholeSeconds, 3);
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}.${millis}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
