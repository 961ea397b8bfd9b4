// Journal speed: durable appends (synchronous=FULL, one transaction each, as the daemon
// writes) against batched appends, and verification of one commune-year.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const title = 'Journal: durable appends and verification of a commune-year';

const STATION = 'an-thanh-ba';
const TZ = 'Asia/Ho_Chi_Minh';
const DAY = 86_400_000;
const YEAR_START = Date.UTC(2025, 11, 31, 17, 0, 0); // 2026-01-01 00:00 local

/** A typical day's mix of events (≈164 a day → ≈60,000 a year). */
function dayEvents(date, dayStart) {
  const events = [];
  const zones = ['ap-an-thuong', 'ap-an-hoa', 'ap-an-phu', 'cho-xa'];
  const slots = [];
  for (let s = 0; s < 10; s++) {
    const startMs = dayStart + (5 * 3600 + s * 1800) * 1000 + (s >= 5 ? 12 * 3600_000 : 0);
    slots.push({ slot: `p${s}@${date}T${String(new Date(startMs + 7 * 3600_000).getUTCHours()).padStart(2, '0')}:00:00`, program: `p${s}`, title: `Chương trình ${s}`, start: `${date}T05:00:00+07:00`, end: `${date}T05:30:00+07:00`, required: s % 2 === 0, priority: 'normal', zones, startMs });
  }
  events.push({ type: 'day.planned', atMs: dayStart + 1000, payload: { date, slots: slots.map(({ startMs, ...s }) => s) } });
  events.push({ type: 'clock.status', atMs: dayStart + 2000, payload: { synchronised: true, offsetMs: 3, source: 'timedatectl' } });
  for (const s of slots) {
    let t = s.startMs - 30_000;
    events.push({ type: 'slot.armed', atMs: t, payload: { slot: s.slot, program: s.program, start: s.start, end: s.end, required: s.required, priority: 'normal', zones } });
    for (const z of zones) events.push({ type: 'relay.action', atMs: (t += 200), payload: { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [zones.indexOf(z) + 1], zones: [z], wanted: 'on', confirmed: 'on', elapsedMs: 18, slot: s.slot } });
    events.push({ type: 'relay.action', atMs: (t += 5000), payload: { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [8], zones: [], wanted: 'on', confirmed: 'on', elapsedMs: 17, slot: s.slot } });
    events.push({ type: 'feed.connected', atMs: (t += 1000), payload: { source: 'tinh', url: 'https://radio.example.vn/soctrang/live.m3u8', slot: s.slot, codec: 'mp3', sampleRate: 44100 } });
    for (const b of ['5k-vi', '5k-km']) events.push({ type: 'insert.played', atMs: (t += 600_000), payload: { slot: s.slot, bulletin: b, language: b.slice(3), mode: 'duck', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', approvedBy: 'Phó Chủ tịch UBND xã Trần Văn Hùng', at: s.start, seconds: 120 } });
    events.push({ type: 'relay.action', atMs: (t += 600_000), payload: { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [8], zones: [], wanted: 'off', confirmed: 'off', elapsedMs: 16, slot: s.slot } });
    for (const z of zones) events.push({ type: 'relay.action', atMs: (t += 200), payload: { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [zones.indexOf(z) + 1], zones: [z], wanted: 'off', confirmed: 'off', elapsedMs: 18, slot: s.slot } });
    events.push({ type: 'recording.saved', atMs: (t += 1000), payload: { slot: s.slot, file: `/srv/loaxa/recordings/${s.slot}.mp3`, sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', seconds: 1800 } });
    events.push({ type: 'slot.result', atMs: (t += 100), payload: { slot: s.slot, program: s.program, title: s.title, date, start: s.start, end: s.end, status: 'aired', required: s.required, priority: 'normal', zones, secondsRequired: 1800, secondsAired: 1800, secondsFallback: 0, secondsDeadAir: 0, lateMs: 120, reasons: [] } });
  }
  return events;
}

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export default async function ({ root }) {
  const jm = await import(pathToFileURL(join(root, 'dist', 'journal', 'index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-journal-'));
  const rows = [];
  try {
    // 1. durable single appends, as the daemon writes
    {
      const j = jm.openJournal(join(dir, 'single.db'), { station: STATION, timezone: TZ });
      const n = 2000;
      const payload = { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1], zones: ['ap-an-thuong'], wanted: 'on', confirmed: 'on', elapsedMs: 18 };
      const t0 = performance.now();
      for (let i = 0; i < n; i++) j.append('relay.action', payload);
      const ms = performance.now() - t0;
      j.close();
      rows.push(['append, one transaction each (synchronous=FULL, WAL)', fmt(n), fmt(ms), fmt((n / ms) * 1000), fmt((ms / n) * 1000, 0) + ' µs']);
    }
    // 2. batched appends for comparison
    {
      const j = jm.openJournal(join(dir, 'batch.db'), { station: STATION, timezone: TZ });
      const n = 20_000;
      const batch = 500;
      const payload = { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1], zones: ['ap-an-thuong'], wanted: 'on', confirmed: 'on', elapsedMs: 18 };
      const t0 = performance.now();
      for (let i = 0; i < n; i += batch) j.appendMany(Array.from({ length: batch }, () => ({ type: 'relay.action', payload })));
      const ms = performance.now() - t0;
      j.close();
      rows.push([`appendMany, ${batch} per transaction`, fmt(n), fmt(ms), fmt((n / ms) * 1000), fmt((ms / n) * 1000, 0) + ' µs']);
    }
    // 3. one commune-year, sealed each midnight, then verified
    const yearDb = join(dir, 'year.db');
    const keys = jm.initStationKeys(join(dir, 'keys'));
    let written = 0;
    const t0 = performance.now();
    {
      const j = jm.openJournal(yearDb, { station: STATION, timezone: TZ });
      for (let d = 0; d < 365; d++) {
        const dayStart = YEAR_START + d * DAY;
        const date = jm.localDate(dayStart, TZ);
        const events = dayEvents(date, dayStart);
        j.appendMany(events);
        written += events.length;
        const head = j.head();
        j.append('seal', jm.makeSealPayload(keys, { station: STATION, date, lastSeq: head.seq, headHash: head.hash }), dayStart + DAY);
        written++;
      }
      j.close();
    }
    const buildMs = performance.now() - t0;
    const runs = [];
    const cpu = [];
    let result;
    for (let i = 0; i < 5; i++) {
      const c = process.cpuUsage();
      const t = performance.now();
      result = jm.verifyJournal(yearDb);
      runs.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    cpu.sort((a, b) => a - b);
    if (!result.ok) throw new Error('year journal did not verify: ' + JSON.stringify(result.firstBad));
    runs.sort((a, b) => a - b);
    const size = statSync(yearDb).size;

    return [
      '| operation | events | total ms | events/s | per event |',
      '|---|---:|---:|---:|---:|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
      '',
      `One commune-year: ${fmt(written)} events over ${result.days} days with ${result.seals} seals ` +
        `(file ${fmt(size / 2 ** 20, 1)} MiB, written in ${fmt(buildMs)} ms with a transaction per day).`,
      '',
      '| `verifyJournal` of one commune-year (chain + every seal) | wall ms | CPU ms |',
      '|---|---:|---:|',
      `| fastest of 5 | ${fmt(runs[0])} | ${fmt(cpu[0])} |`,
      `| median of 5 | ${fmt(runs[2])} | ${fmt(cpu[2])} |`,
      `| slowest of 5 | ${fmt(runs[4])} | ${fmt(cpu[4])} |`,
      '',
      `Target: under 1 s — ${runs[2] < 1000 ? 'met' : 'NOT met'} (median ${fmt(runs[2])} ms wall, ${fmt(cpu[2])} ms CPU; ` +
        `${fmt((written / runs[2]) * 1000)} events/s). Load average during the run: ${loadavg().map((l) => l.toFixed(1)).join(' / ')} ` +
        '(the machine is shared; CPU ms is the work itself).',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
