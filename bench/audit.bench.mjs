// A district's year: 30 commune stations × 365 days, written through the real journal API
// (one SQLite file and one Ed25519 key per station, every day sealed), exported to bundles,
// then imported into one district store and reported — timed in-process and through the CLI.
import { mkdtempSync, rmSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export const title = 'Audit: import and report a district (30 stations × one year)';

const STATIONS = 30;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const TZ = 'Asia/Ho_Chi_Minh';

function dates(from, to) {
  const out = [];
  for (let ms = Date.parse(from + 'T00:00:00Z'); ms <= Date.parse(to + 'T00:00:00Z'); ms += 86_400_000) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
}

// Small seeded generator: the same district every run.
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

const at = (date, time) => Date.parse(`${date}T${time}+07:00`);
const iso = (date, time) => `${date}T${time}+07:00`;
const plus = (time, seconds) => {
  const [h, m, s] = time.split(':').map(Number);
  const t = h * 3600 + m * 60 + s + seconds;
  return `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};

/** One station-day as the daemon writes it: the plan, clock check, four slots with relays, feed, inserts, results, recordings. */
function day(date, random) {
  const slots = [
    { program: 'thoi-su-tinh-sang', title: 'Tiếp sóng thời sự Đài tỉnh', time: '05:30:00', seconds: 1800, required: true },
    { program: 'ban-tin-xa-sang', title: 'Bản tin xã buổi sáng', time: '06:00:00', seconds: 600, required: false, bulletins: ['5k-vi', '5k-km'] },
    { program: 'ban-tin-xa-chieu', title: 'Bản tin xã buổi chiều', time: '17:15:00', seconds: 600, required: false, bulletins: ['5k-vi', '5k-km'] },
    { program: 'thoi-su-tinh-chieu', title: 'Thời sự chiều Đài tỉnh', time: '17:30:00', seconds: 1800, required: true },
  ].map((s) => ({ ...s, slot: `${s.program}@${date}T${s.time}`, start: iso(date, s.time), end: iso(date, plus(s.time, s.seconds)) }));
  const zones = ['ap-1', 'ap-2', 'cho'];
  const ev = [];
  const put = (type, payload, atMs) => ev.push({ type, payload, atMs });
  put('day.planned', { date, slots: slots.map((s) => ({ slot: s.slot, program: s.program, title: s.title, start: s.start, end: s.end, required: s.required, priority: 'normal', zones })) }, at(date, '00:00:05'));
  put('clock.status', { synchronised: random() > 0.01, offsetMs: Math.round(random() * 40), source: 'timedatectl' }, at(date, '00:00:10'));
  for (const s of slots) {
    const t0 = at(date, s.time);
    put('slot.armed', { slot: s.slot, program: s.program, start: s.start, end: s.end, required: s.required, priority: 'normal', zones }, t0 - 30_000);
    const fault = random() < 0.01;
    put('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1, 2, 3], zones, wanted: 'on', confirmed: fault ? null : 'on', ...(fault ? { fault: 'timeout' } : {}), elapsedMs: 40, slot: s.slot }, t0 - 5000);
    let status = 'aired', aired = s.seconds, fallback = 0;
    const reasons = [];
    if (s.bulletins) {
      let offset = 0;
      for (const b of s.bulletins) {
        put('insert.played', { slot: s.slot, bulletin: b, language: b.slice(-2), mode: 'alone', sha256: 'ab'.repeat(32), approvedBy: 'Phó Chủ tịch UBND xã', at: iso(date, plus(s.time, offset)), seconds: 240 }, t0 + (offset + 240) * 1000);
        offset += 240;
      }
    } else {
      put('feed.connected', { source: 'tinh', url: 'http://radio.example.vn/live.mp3', slot: s.slot }, t0 - 10_000);
      const r = random();
      if (r < 0.02) {
        put('feed.lost', { source: 'tinh', reason: 'read timeout', slot: s.slot }, t0 + 600_000);
        put('fallback.started', { source: 'tinh', file: '/srv/loaxa/media/nhac-cho.mp3', reason: 'feed-lost', slot: s.slot }, t0 + 602_000);
        put('fallback.ended', { source: 'tinh', seconds: 240, slot: s.slot }, t0 + 842_000);
        status = 'partial'; aired = s.seconds - 240; fallback = 240; reasons.push('feed-lost');
      } else if (r < 0.025) {
        status = 'missed'; aired = 0; reasons.push('feed-unreachable');
      }
    }
    put('slot.result', { slot: s.slot, program: s.program, title: s.title, date, start: s.start, end: s.end, status, required: s.required, priority: 'normal', zones, secondsRequired: s.seconds, secondsAired: aired, secondsFallback: fallback, secondsDeadAir: 0, lateMs: Math.round(random() * 300), reasons }, t0 + s.seconds * 1000 + 500);
    put('recording.saved', { slot: s.slot, file: `/srv/loaxa/recordings/${s.slot}.ogg`, sha256: 'cd'.repeat(32), seconds: aired }, t0 + s.seconds * 1000 + 900);
    put('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1, 2, 3], zones, wanted: 'off', confirmed: 'off', elapsedMs: 41, slot: s.slot }, t0 + s.seconds * 1000 + 3000);
  }
  return ev;
}

// Wall time and CPU time (this process and its worker threads) of one step.
const time = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000, value };
};
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const both = (r) => `${s(r.ms)} (CPU ${s(r.cpuMs)})`;

export default async function ({ root }) {
  const journal = await import(pathToFileURL(join(root, 'dist/journal/index.js')).href);
  const audit = await import(pathToFileURL(join(root, 'dist/audit/index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-audit-'));
  try {
    // 1. Generate (not timed against the target): one journal per station, a transaction per day, each day sealed after midnight.
    const days = dates(FROM, TO);
    const gen = await time(() => {
      for (let n = 1; n <= STATIONS; n++) {
        const id = `xa-${String(n).padStart(2, '0')}`;
        const sdir = join(dir, id);
        const keys = journal.initStationKeys(join(sdir, 'keys'));
        let clock = at(FROM, '00:00:00');
        const j = journal.openJournal(join(sdir, 'journal.db'), { station: id, timezone: TZ, now: () => clock });
        const random = rng(n);
        days.forEach((date, i) => {
          j.appendMany(day(date, random));
          clock = at(days[i + 1] ?? '2026-01-01', '00:00:01');
          journal.sealDay(j, keys, date);
        });
        j.close();
      }
    });
    const eventsPerStation = (() => {
      const j = journal.openJournal(join(dir, 'xa-01', 'journal.db'), { station: 'xa-01', timezone: TZ, readonly: true });
      const c = j.count();
      j.close();
      return c;
    })();

    // 2. Export: each station-year to a gzipped bundle.
    const bundles = [];
    const exp = await time(() => {
      for (let n = 1; n <= STATIONS; n++) {
        const id = `xa-${String(n).padStart(2, '0')}`;
        const file = join(dir, `${id}-2025.jsonl.gz`);
        audit.exportBundle(join(dir, id, 'journal.db'), FROM, TO, file, { info: { id, name: `Đài truyền thanh xã ${n}`, district: 'Cù Lao Dung', province: 'Sóc Trăng', timezone: TZ }, loaxaVersion: 'bench' });
        bundles.push(file);
      }
    });
    const bundleBytes = statSync(bundles[0]).size;

    // 3. In-process: import the district (read + verify + check against the store + insert), then report it.
    const storePath = join(dir, 'huyen.db');
    const load0 = os.loadavg()[0];
    const imp = await time(async () => {
      // As the CLI does it: read and verify in worker threads (one per core) while this thread writes.
      const store = journal.openDistrictStore(storePath, { create: true });
      try {
        const outcomes = await audit.importFiles(store, bundles, { trustNewKey: true });
        const bad = outcomes.find((o) => o.status !== 'imported');
        if (bad) throw new Error(`bench import refused: ${bad.status}`);
      } finally {
        store.close();
      }
    });
    const reportAll = await time(async () => {
      // As the CLI does it: station-years read and modelled in worker threads, rendered here.
      const r = audit.buildReport(await audit.reportsFromStoreParallel(storePath, FROM, TO), FROM, TO);
      return { json: audit.renderReport(r, 'json').length, text: audit.renderReport(r, 'text').length, csv: audit.renderReport(r, 'csv').length };
    });
    const oneStore = await time(() => {
      const store = journal.openDistrictStore(storePath);
      try {
        const r = audit.buildReport(audit.reportsFromStore(store, FROM, TO, { station: 'xa-07' }), FROM, TO);
        return audit.renderReport(r, 'html').length;
      } finally {
        store.close();
      }
    });
    const oneDb = await time(() => {
      const r = audit.buildReport([audit.reportFromJournal(join(dir, 'xa-07', 'journal.db'), FROM, TO)], FROM, TO);
      return audit.renderReport(r, 'html').length;
    });
    const oneVerify = await time(() => audit.verifyBundle(audit.readBundle(bundles[6])).ok);

    // 4. The same through the CLI, as an inspector runs it (process start-up included).
    const cliStore = join(dir, 'huyen-cli.db');
    const bin = join(root, 'bin', 'loaxa');
    const run = (args) => {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' }, maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`loaxa ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return r;
    };
    const cliImport = await time(() => run(['audit', 'import', ...bundles, '--store', cliStore, '--trust-new-key']));
    const cliReport = await time(() => run(['audit', 'report', '--store', cliStore, '--from', FROM, '--to', TO, '--format', 'csv', '-o', join(dir, 'huyen.csv')]));
    const cliOne = await time(() => run(['audit', 'report', '--store', cliStore, '--station', 'xa-07', '--from', FROM, '--to', TO, '--format', 'html', '-o', join(dir, 'xa-07.html')]));
    const totalEvents = eventsPerStation * STATIONS;
    const load1 = os.loadavg()[0];

    return [
      `District: ${STATIONS} stations × ${days.length} days, ${eventsPerStation.toLocaleString('en')} events per station-year ` +
        `(${Math.round(eventsPerStation / days.length)} a day: plan, clock check, 4 slots with relays, feed, inserts, results, recordings, seal), ` +
        `${totalEvents.toLocaleString('en')} events in all. Bundle of one station-year: ${(bundleBytes / 1024).toFixed(0)} KiB gzipped.`,
      '',
      '| step | wall time (CPU time) | target |',
      '|---|---:|---:|',
      `| generate the 30 journals through the journal API (untimed setup) | ${s(gen.ms)} | — |`,
      `| export 30 station-year bundles (.jsonl.gz) | ${both(exp)} | — |`,
      `| **import the district** (read, verify chain + seals in ${os.availableParallelism()} worker threads, check against the store, insert) | **${both(imp)}** | — |`,
      `| **report the district** (model + JSON + text + CSV for 30 station-years) | **${both(reportAll)}** | — |`,
      `| **import + report the district**, in-process | **${both({ ms: imp.ms + reportAll.ms, cpuMs: imp.cpuMs + reportAll.cpuMs })}** | < 10 s |`,
      `| \`loaxa audit import\` 30 bundles (CLI, fresh store) | ${s(cliImport.ms)} | — |`,
      `| \`loaxa audit report --store … --format csv\` 30 stations (CLI) | ${s(cliReport.ms)} | — |`,
      `| **import + report through the CLI** | **${s(cliImport.ms + cliReport.ms)}** | < 10 s |`,
      `| one station-year report from the store, HTML | ${both(oneStore)} | < 1 s |`,
      `| one station-year report from its journal (chain verified first), HTML | ${both(oneDb)} | < 1 s |`,
      `| **one station-year report, CLI** (\`--station xa-07 --format html\`) | **${s(cliOne.ms)}** | < 1 s |`,
      `| verify one station-year bundle (read + chain + seals, one thread) | ${both(oneVerify)} | — |`,
      '',
      `Import rate: ${Math.round(totalEvents / (imp.ms / 1000)).toLocaleString('en')} events/s. ` +
        `Store size: ${(statSync(storePath).size / 2 ** 20).toFixed(0)} MiB. ` +
        `Load average (1 min) when the timed steps started / ended: ${load0.toFixed(1)} / ${load1.toFixed(1)} on ${os.availableParallelism()} cores — ` +
        'the machine is shared with other test runs, so wall times above CPU/cores mean waiting for a core.',
    ].join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
