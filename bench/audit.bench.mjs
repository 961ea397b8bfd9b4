// A district's year: 30 commune stations × 365 days, written through the real journal API
// (one SQLite file and one Ed25519 key per station, every day sealed), exported to bundles,
// then imported into one district store and reported — timed in-process and through the CLI,
// at two densities: the realistic day of today's daemon (~52 events) and the ~170 events a
// day the journal issue sizes a commune-year at (~60,000 events).
// The journals and bundles are generated once (in worker threads) and cached under
// bench/out/ (git-ignored); delete that folder to regenerate them.
import { mkdtempSync, rmSync, statSync, existsSync, readFileSync, writeFileSync, mkdirSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash, hash } from 'node:crypto';
import { gzipSync, gunzipSync } from 'node:zlib';
import os from 'node:os';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { Worker, isMainThread, workerData, parentPort } from 'node:worker_threads';

export const title = 'Audit: import and report a district (30 stations × one year)';

const STATIONS = 30;
const FROM = '2025-01-01';
const TO = '2025-12-31';
const TZ = 'Asia/Ho_Chi_Minh';

const DENSITIES = [
  // Today's daemon: 4 programmes and the clock read hourly (since 2026-12-07; before, at start only).
  { name: 'realistic', label: 'realistic day (4 slots, hourly clock checks)', slots: 4, clockChecks: 24 },
  { name: 'dense', label: 'dense day (22 slots, hourly clock checks — the journal issue\'s ~60,000 events a year)', slots: 22, clockChecks: 24 },
];

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
const hms = (t) => `${String(Math.floor(t / 3600)).padStart(2, '0')}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
const plus = (time, seconds) => {
  const [h, m, s] = time.split(':').map(Number);
  return hms(h * 3600 + m * 60 + s + seconds);
};

const REALISTIC_SLOTS = [
  { program: 'thoi-su-tinh-sang', title: 'Tiếp sóng thời sự Đài tỉnh', time: '05:30:00', seconds: 1800, required: true },
  { program: 'ban-tin-xa-sang', title: 'Bản tin xã buổi sáng', time: '06:00:00', seconds: 600, required: false, bulletins: ['5k-vi', '5k-km'] },
  { program: 'ban-tin-xa-chieu', title: 'Bản tin xã buổi chiều', time: '17:15:00', seconds: 600, required: false, bulletins: ['5k-vi', '5k-km'] },
  { program: 'thoi-su-tinh-chieu', title: 'Thời sự chiều Đài tỉnh', time: '17:30:00', seconds: 1800, required: true },
];

/** The dense day: slots every 40 minutes from 05:00, relays alternating with bulletins. */
function denseSlots(n) {
  return Array.from({ length: n }, (_, i) => {
    const time = hms(5 * 3600 + i * 40 * 60);
    return i % 2 === 0
      ? { program: `tiep-song-${i}`, title: `Tiếp sóng Đài tỉnh ${i}`, time, seconds: 1800, required: true }
      : { program: `ban-tin-xa-${i}`, title: `Bản tin xã ${i}`, time, seconds: 600, required: false, bulletins: ['5k-vi', '5k-km'] };
  });
}

/** One station-day as the daemon writes it: the plan, clock checks, slots with relays, feed, inserts, results, recordings. */
function day(date, random, density) {
  const slots = (density.slots === 4 ? REALISTIC_SLOTS : denseSlots(density.slots))
    .map((s) => ({ ...s, slot: `${s.program}@${date}T${s.time}`, start: iso(date, s.time), end: iso(date, plus(s.time, s.seconds)) }));
  const zones = ['ap-1', 'ap-2', 'cho'];
  const ev = [];
  const put = (type, payload, atMs) => ev.push({ type, payload, atMs });
  put('day.planned', { date, slots: slots.map((s) => ({ slot: s.slot, program: s.program, title: s.title, start: s.start, end: s.end, required: s.required, priority: 'normal', zones })) }, at(date, '00:00:05'));
  const clockAt = (k) => at(date, hms(k * 3600 + 10));
  let nextClock = 0;
  const clocksUpTo = (ms) => {
    while (nextClock < density.clockChecks && clockAt(nextClock) <= ms) {
      put('clock.status', { synchronised: random() > 0.01, offsetMs: Math.round(random() * 40), source: 'timedatectl' }, clockAt(nextClock));
      nextClock++;
    }
  };
  for (const s of slots) {
    const t0 = at(date, s.time);
    clocksUpTo(t0 - 60_000);
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
  clocksUpTo(Infinity);
  ev.sort((a, b) => a.atMs - b.atMs);
  return ev;
}

const stationId = (n) => `xa-${String(n).padStart(2, '0')}`;

/** Write one station's journal (a transaction per day, each day sealed after midnight) and export its year. */
async function makeStation(root, dir, density, n) {
  const journal = await import(pathToFileURL(join(root, 'dist/journal/index.js')).href);
  const audit = await import(pathToFileURL(join(root, 'dist/audit/index.js')).href);
  const id = stationId(n);
  const sdir = join(dir, id);
  rmSync(sdir, { recursive: true, force: true });
  const keys = journal.initStationKeys(join(sdir, 'keys'));
  let clock = at(FROM, '00:00:00');
  const j = journal.openJournal(join(sdir, 'journal.db'), { station: id, timezone: TZ, now: () => clock });
  const random = rng(n);
  const days = dates(FROM, TO);
  days.forEach((date, i) => {
    j.appendMany(day(date, random, density));
    clock = at(days[i + 1] ?? '2026-01-01', '00:00:01');
    journal.sealDay(j, keys, date);
  });
  j.close();
  audit.exportBundle(join(sdir, 'journal.db'), FROM, TO, join(dir, `${id}-2025.jsonl.gz`), {
    info: { id, name: `Đài truyền thanh xã ${n}`, district: 'Cù Lao Dung', province: 'Sóc Trăng', timezone: TZ }, loaxaVersion: 'bench',
  });
}

// Fixture generation in a worker thread: this same file, started with workerData.
if (!isMainThread && workerData?.auditFixture) {
  const { root, dir, density } = workerData.auditFixture;
  parentPort.on('message', async (n) => {
    if (n === null) return process.exit(0);
    await makeStation(root, dir, density, n);
    parentPort.postMessage(n);
  });
}

/**
 * The district's journals and bundles for one density, generated once and kept under
 * bench/out/ keyed by the generator and the journal's chain code (a change to either regenerates).
 */
async function fixtures(root, density) {
  const here = fileURLToPath(import.meta.url);
  const journal = await import(pathToFileURL(join(root, 'dist/journal/index.js')).href);
  // The chain's definition (canonical JSON, the canonical row, the row hash), not the whole
  // file: faster readers of the same chain added to it keep the cached fixtures.
  const canonicalSource = readFileSync(join(root, 'dist/journal/canonical.js'), 'utf8');
  const key = createHash('sha256')
    .update(readFileSync(here, 'utf8').split('// Fixture generation')[0])
    .update(canonicalSource.slice(0, canonicalSource.indexOf('function canonicalRow(')))
    .update([journal.canonicalRow, journal.rowHash, journal.GENESIS_HASH].map(String).join('\n'))
    .update(String((await import(pathToFileURL(join(root, 'dist/audit/index.js')).href)).BUNDLE_VERSION))
    .update(JSON.stringify(density))
    .digest('hex').slice(0, 12);
  const dir = join(root, 'bench', 'out', `audit-${density.name}-${key}`);
  const bundles = Array.from({ length: STATIONS }, (_, i) => join(dir, `${stationId(i + 1)}-2025.jsonl.gz`));
  const done = join(dir, 'done.json');
  if (existsSync(done)) return { dir, bundles, generated: null, ...JSON.parse(readFileSync(done, 'utf8')) };
  // Fixtures of an older generator or chain code are of no further use (a dense set is ~1 GB).
  const out = dirname(dir);
  if (existsSync(out)) for (const old of readdirSync(out)) if (old.startsWith(`audit-${density.name}-`)) rmSync(join(out, old), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  let next = 1;
  await Promise.all(Array.from({ length: Math.min(os.availableParallelism(), STATIONS) }, () => new Promise((resolve, reject) => {
    const w = new Worker(new URL(import.meta.url), { workerData: { auditFixture: { root, dir, density } } });
    const feed = () => w.postMessage(next <= STATIONS ? next++ : null);
    w.on('message', feed);
    w.on('error', reject);
    w.on('exit', resolve);
    feed();
  })));
  const j = journal.openJournal(join(dir, 'xa-01', 'journal.db'), { station: 'xa-01', timezone: TZ, readonly: true });
  const eventsPerStation = j.count();
  j.close();
  const meta = { eventsPerStation, bundleBytes: statSync(bundles[0]).size };
  writeFileSync(done, JSON.stringify(meta));
  return { dir, bundles, generated: Date.now() - t0, ...meta };
}

/** Rounds of each CLI step (the median is reported). */
const CLI_ROUNDS = 3;

// Wall time and CPU time (this process and its worker threads) of one step.
const time = async (fn) => {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (c.user + c.system) / 1000, value };
};
function readChildCpu() {
  // Children's CPU (cutime + cstime) of this process, from /proc, in ms: the difference across a run is that child's CPU.
  if (os.platform() !== 'linux') return null;
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return ((Number(f[13]) + Number(f[14])) * 1000) / 100;
}
const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const both = (r) => (r.cpuMs === null || r.cpuMs === undefined ? s(r.ms) : `${s(r.ms)} (CPU ${s(r.cpuMs)})`);
const range = (all) => all.map((ms) => (ms / 1000).toFixed(2)).join(' · ') + ' s';
const met = (ms, target) => (ms < target ? 'met' : '**missed**');

// A fixed piece of work, the same every run and none of it loaxa's (gunzip, JSON, SHA-256 over
// ~2.4 MB of slot-like text, 5 times, one thread; the best of 3): its time says how fast the
// machine was while the steps ran. Here it drifts ±10–20 % within an hour, and so do the steps.
const referenceText = Buffer.from(JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({
  seq: i, title: `Bản tin xã ${i}`, at: `2025-01-01T05:${String(i % 60).padStart(2, '0')}:00+07:00`, zones: ['ap-1', 'ap-2', 'cho'], seconds: 600 + (i % 7),
}))));
const referenceGz = gzipSync(referenceText);
function referenceMs() {
  const once = () => {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 5; k++) {
      gunzipSync(referenceGz);
      JSON.parse(referenceText.toString('utf8'));
      for (let i = 0; i + 512 <= referenceText.length; i += 512) hash('sha256', referenceText.subarray(i, i + 512), 'hex');
    }
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  once(); // compiled and warm before it counts
  return Math.min(once(), once(), once());
}

async function measure(root, density) {
  const journal = await import(pathToFileURL(join(root, 'dist/journal/index.js')).href);
  const audit = await import(pathToFileURL(join(root, 'dist/audit/index.js')).href);
  const fx = await fixtures(root, density);
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-audit-'));
  try {
    const load0 = os.loadavg()[0];
    const reference0 = referenceMs();
    // In-process: import the district (read + verify + check against the store + insert), then report it.
    const storePath = join(dir, 'huyen.db');
    const imp = await time(async () => {
      const store = journal.openDistrictStore(storePath, { create: true });
      try {
        const outcomes = await audit.importFiles(store, fx.bundles, { trustNewKey: true });
        const bad = outcomes.find((o) => o.status !== 'imported');
        if (bad) throw new Error(`bench import refused: ${bad.status}`);
      } finally {
        store.close();
      }
    });
    const reportAll = await time(async () => {
      const r = audit.buildReport(await audit.reportsFromStoreParallel(storePath, FROM, TO), FROM, TO);
      return { json: audit.renderReport(r, 'json').length, text: audit.renderReport(r, 'text').length, csv: audit.renderReport(r, 'csv').length };
    });
    const oneStore = await time(() => {
      const store = journal.openDistrictStore(storePath);
      try {
        return audit.renderReport(audit.buildReport(audit.reportsFromStore(store, FROM, TO, { station: 'xa-07' }), FROM, TO), 'html').length;
      } finally {
        store.close();
      }
    });
    const oneDb = await time(async () => audit.renderReport(audit.buildReport([await audit.reportFromJournalParallel(join(fx.dir, 'xa-07', 'journal.db'), FROM, TO)], FROM, TO), 'html').length);
    const oneVerify = await time(() => audit.verifyBundle(audit.readBundle(fx.bundles[6])).ok);
    const storeBytes = statSync(storePath).size;
    rmSync(storePath, { force: true });

    // The same through the CLI, as an inspector runs it (process start-up included).
    const cliStore = join(dir, 'huyen-cli.db');
    const bin = join(root, 'bin', 'loaxa');
    const run = (args) => () => {
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' }, maxBuffer: 1 << 30 });
      if (r.status !== 0) throw new Error(`loaxa ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    };
    // A child's wall time, and its CPU time (all its threads) where /proc tells it.
    const child = (args) => {
      const c0 = readChildCpu();
      const t0 = process.hrtime.bigint();
      run(args)();
      return { ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: c0 === null ? null : readChildCpu() - c0 };
    };
    // The machine is shared and its speed drifts between runs (±10–20 %): each CLI step is run
    // CLI_ROUNDS times and the median round is reported, with the range of the rounds beside it.
    const median = (rounds, key) => [...rounds].sort((a, b) => key(a) - key(b))[Math.floor(rounds.length / 2)];
    const districtRounds = [];
    for (let k = 0; k < CLI_ROUNDS; k++) {
      for (const f of ['', '-wal', '-shm', '-journal']) rmSync(cliStore + f, { force: true });
      const importRound = child(['audit', 'import', ...fx.bundles, '--store', cliStore, '--trust-new-key']);
      const reportRound = child(['audit', 'report', '--store', cliStore, '--from', FROM, '--to', TO, '--format', 'csv', '-o', join(dir, 'huyen.csv')]);
      districtRounds.push({ importRound, reportRound, ms: importRound.ms + reportRound.ms });
    }
    const { importRound: cliImport, reportRound: cliReport } = median(districtRounds, (r) => r.ms);
    const cliDistrictRange = districtRounds.map((r) => r.ms);
    const rounds = (args) => Array.from({ length: CLI_ROUNDS }, () => child(args));
    const cliOneRounds = rounds(['audit', 'report', '--store', cliStore, '--station', 'xa-07', '--from', FROM, '--to', TO, '--format', 'html', '-o', join(dir, 'xa-07.html')]);
    const cliOneDbRounds = rounds(['audit', 'report', '--db', join(fx.dir, 'xa-07', 'journal.db'), '--from', FROM, '--to', TO, '--format', 'html', '-o', join(dir, 'xa-07-db.html')]);
    const cliOne = median(cliOneRounds, (r) => r.ms);
    const cliOneDb = median(cliOneDbRounds, (r) => r.ms);
    const load1 = os.loadavg()[0];
    const reference1 = referenceMs();
    return {
      density, fx, imp, reportAll, oneStore, oneDb, oneVerify, cliImport, cliReport, cliOne, cliOneDb, storeBytes, load0, load1, reference0, reference1,
      cliDistrictRange, cliOneRange: cliOneRounds.map((r) => r.ms), cliOneDbRange: cliOneDbRounds.map((r) => r.ms),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function ({ root }) {
  const results = [];
  for (const density of DENSITIES) results.push(await measure(root, density));
  const days = dates(FROM, TO).length;
  const col = (f) => results.map(f).join(' | ');
  const lines = [
    `District: ${STATIONS} stations × ${days} days; every day sealed; each station's year one gzipped bundle.`,
    '',
    '| density | events per station-year (a day) | events in all | bundle of one station-year |',
    '|---|---:|---:|---:|',
    ...results.map((r) =>
      `| ${r.density.label} | ${r.fx.eventsPerStation.toLocaleString('en')} (${Math.round(r.fx.eventsPerStation / days)}) | ${(r.fx.eventsPerStation * STATIONS).toLocaleString('en')} | ${(r.fx.bundleBytes / 1024).toFixed(0)} KiB |`),
    '',
    `| step — wall time (CPU time, threads included) | ${col((r) => r.density.name)} | target |`,
    `|---|${results.map(() => '---:|').join('')}---:|`,
    `| **import the district** in-process (read, verify chain + seals in ${os.availableParallelism()} worker threads, check against the store, insert) | ${col((r) => both(r.imp))} | — |`,
    `| **report the district** in-process (model + JSON + text + CSV for 30 station-years) | ${col((r) => both(r.reportAll))} | — |`,
    `| **import + report, in-process** | ${col((r) => `**${s(r.imp.ms + r.reportAll.ms)}** ${met(r.imp.ms + r.reportAll.ms, 10_000)}`)} | < 10 s |`,
    `| \`loaxa audit import\` 30 bundles (CLI, fresh store; the median round of ${CLI_ROUNDS}) | ${col((r) => both(r.cliImport))} | — |`,
    `| \`loaxa audit report --store … --format csv\` 30 stations (CLI; the same round) | ${col((r) => both(r.cliReport))} | — |`,
    `| **import + report through the CLI** (median of ${CLI_ROUNDS} rounds; all rounds) | ${col((r) => `**${s(r.cliImport.ms + r.cliReport.ms)}** ${met(r.cliImport.ms + r.cliReport.ms, 10_000)} (${range(r.cliDistrictRange)})`)} | < 10 s |`,
    `| one station-year report from the store, HTML, in-process | ${col((r) => both(r.oneStore))} | < 1 s |`,
    `| one station-year report from its journal (chain verified in a worker thread while the report is built), HTML, in-process | ${col((r) => both(r.oneDb))} | < 1 s |`,
    `| **one station-year report from the store, CLI** (\`--store … --station xa-07 --format html\`; median of ${CLI_ROUNDS}, all rounds) | ${col((r) => `**${s(r.cliOne.ms)}** ${met(r.cliOne.ms, 1000)} (${range(r.cliOneRange)})`)} | < 1 s |`,
    `| **one station-year report from its journal, CLI** (\`--db …/xa-07/journal.db --format html\`, chain and seals verified; median of ${CLI_ROUNDS}, all rounds) | ${col((r) => `**${s(r.cliOneDb.ms)}** ${met(r.cliOneDb.ms, 1000)} (${range(r.cliOneDbRange)})`)} | < 1 s |`,
    `| verify one station-year bundle (read + chain + seals, one thread) | ${col((r) => both(r.oneVerify))} | — |`,
    `| import rate in-process | ${col((r) => `${Math.round((r.fx.eventsPerStation * STATIONS) / (r.imp.ms / 1000)).toLocaleString('en')} events/s`)} | — |`,
    `| district store size | ${col((r) => `${(r.storeBytes / 2 ** 20).toFixed(0)} MiB`)} | — |`,
    `| load average (1 min) at start / end of the timed steps (this benchmark's own threads count: up to 3) | ${col((r) => `${r.load0.toFixed(1)} / ${r.load1.toFixed(1)}`)} | — |`,
    `| machine speed: a fixed reference work (gunzip, JSON, SHA-256 of ~2.4 MB, 5 times, best of 3; none of it loaxa's) at start / end of the timed steps — higher is a slower machine at the time | ${col((r) => `${r.reference0.toFixed(0)} ms / ${r.reference1.toFixed(0)} ms`)} | — |`,
    '',
    `Fixtures (journals through the journal API, then \`exportBundle\`) are generated once and cached under bench/out/: ` +
      results.map((r) => `${r.density.name} ${r.fx.generated === null ? 'from the cache' : `generated in ${s(r.fx.generated)}`}`).join(', ') + '. ' +
      `The machine (${os.availableParallelism()} cores) is shared with other engineers' test runs: wall times above CPU/cores mean waiting for a core.`,
  ];
  return lines.join('\n');
}

// `node bench/audit.bench.mjs fixtures`: only generate (or find) the cached fixtures, e.g. for profiling.
if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'fixtures') {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  for (const d of DENSITIES) console.log((await fixtures(root, d)).dir);
}
