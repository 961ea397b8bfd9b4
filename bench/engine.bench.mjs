// Slot timing of the broadcast daemon against the same schedule run by cron + an ffmpeg
// script and by Liquidsoap 2.1, on the same machine in the same run; then an idle daemon.
//
// Relay lateness: from the simulated Modbus board's own frame timestamps (far end of a
// socat pty). Audio onset: the wall time the first audio bytes reach the slot's WAV
// recording (polled every ~1 ms; every system writes with packet flushing), minus the
// scheduled second.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const title = 'Engine: slot timing vs cron + ffmpeg and Liquidsoap; idle daemon';

const SLOTS = Number(process.env.LOAXA_BENCH_SLOTS ?? 30);
const SLOT_S = 3;
const SPACING_S = 7;
const WARMUP_MS = 1000;
const COOLDOWN_MS = 1000;
const ZONE_LEAD_MS = 40;
const IDLE_S = Number(process.env.LOAXA_BENCH_IDLE_S ?? 600);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = (ms) => sleep(Math.max(0, ms - Date.now()));
const hms = (ms) => new Date(ms).toISOString().slice(11, 19);
const fmt = (v) => (v === null || v === undefined || Number.isNaN(v) ? '—' : `${Math.round(v)}`);

function quantile(values, q) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return [crc & 0xff, crc >>> 8];
}
const fc05 = (coil, on) => {
  const body = [1, 5, 0, coil, on ? 0xff : 0, 0];
  return Buffer.from([...body, ...crc16(body)]);
};

/** Poll `paths()` until one holds more than a header: the wall time of the first audio bytes. */
async function firstBytes(paths, deadlineMs) {
  for (;;) {
    for (const p of paths()) {
      try {
        if (statSync(p).size > 200) return Date.now();
      } catch {
        // not yet
      }
    }
    if (Date.now() > deadlineMs) return null;
    await new Promise((r) => setTimeout(r, 1));
  }
}

/** Transitions of coils 0 (first zone) and 7 (amplifier) seen by the board, with times. */
function transitions(frames) {
  const state = new Map();
  const out = [];
  for (const f of frames) {
    if (!f.valid) continue;
    for (const c of f.changes) {
      const was = state.get(c.coil) ?? false;
      state.set(c.coil, c.on);
      if (was === c.on) continue;
      if (c.coil === 0) out.push({ kind: c.on ? 'zones-on' : 'zones-off', atMs: f.atMs });
      if (c.coil === 7) out.push({ kind: c.on ? 'amp-on' : 'amp-off', atMs: f.atMs });
    }
  }
  return out;
}

/** For each target, the nearest transition of that kind: { target, atMs }. */
function matched(trans, kind, targets) {
  const times = trans.filter((t) => t.kind === kind).map((t) => t.atMs);
  return targets.map((target) => {
    let best = null;
    for (const t of times) if (best === null || Math.abs(t - target) < Math.abs(best - target)) best = t;
    return best === null || Math.abs(best - target) > 3000 ? null : { target, atMs: best };
  }).filter((v) => v !== null);
}

function lateness(trans, kind, targets) {
  return matched(trans, kind, targets).map((m) => m.atMs - m.target);
}

/**
 * The simulated board in a process of its own, doing nothing else: its frame timestamps are
 * then not delayed by this process's work (the feed server, the pollers, garbage collection).
 * It stands in for hardware, which has no scheduler: where allowed it runs (with its socat) at
 * nice −10, so the measuring chain adds as little scheduling delay of its own as it can.
 */
async function startBoardProcess(root, dir) {
  const script = `
let nice = 0;
try { (await import('node:os')).setPriority(-10); nice = -10; } catch {}
const { startSimulatedBoard } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/relay/index.js')).href)});
const board = await startSimulatedBoard({ dir: ${JSON.stringify(dir)} });
console.log(JSON.stringify({ path: board.path, nice }));
let sent = 0;
const flush = () => { while (sent < board.frames.length) { const f = board.frames[sent++]; console.log(JSON.stringify({ atMs: f.atMs, valid: f.valid, changes: f.changes })); } };
setInterval(flush, 500);
process.stdin.on('end', async () => { flush(); await board.close(); process.exit(0); });
process.stdin.resume();
`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const frames = [];
  let path = null;
  let nice = 0;
  let buf = '';
  const ready = new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`board process exited (${code})`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = JSON.parse(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (line.path) {
          path = line.path;
          nice = line.nice;
          resolve();
        } else frames.push(line);
      }
    });
  });
  await ready;
  const exited = new Promise((r) => child.on('exit', r));
  return { path, frames, nice, close: async () => {
    child.stdin.end();
    await exited;
  } };
}

/**
 * A process that only keeps a 1 ms timer and notes when it fired late: a stall it sees is the
 * machine's (the host, the kernel), not any one program's.
 */
function startStallProbe() {
  const script = `let last = performance.now();
setInterval(() => { const n = performance.now(); if (n - last > 6) console.log(JSON.stringify([Date.now(), Math.round(n - last - 1)])); last = n; }, 1);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const stalls = [];
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const [atMs, gapMs] = JSON.parse(buf.slice(0, i));
      buf = buf.slice(i + 1);
      stalls.push({ fromMs: atMs - gapMs, toMs: atMs, gapMs });
    }
  });
  const exited = new Promise((r) => child.on('exit', r));
  return { stalls, close: async () => {
    child.kill('SIGTERM');
    await exited;
  } };
}

function schedulePlan(firstMs) {
  return Array.from({ length: SLOTS }, (_, i) => {
    const startMs = firstMs + i * SPACING_S * 1000;
    return { id: `s${String(i + 1).padStart(2, '0')}`, startMs, endMs: startMs + SLOT_S * 1000 };
  });
}

function writeSchedule(dir, port, feedUrl, plan) {
  mkdirSync(join(dir, 'media'), { recursive: true });
  const programs = plan
    .map((s) => `  - { id: ${s.id}, title: Slot ${s.id}, source: tinh, at: "${hms(s.startMs)}", duration: ${SLOT_S}s, days: daily, zones: all }`)
    .join('\n');
  const yaml = `station: { id: bench, name: Bench, timezone: UTC }
sources:
  tinh: { url: ${feedUrl} }
relays:
  tu-loa: { driver: modbus-rtu, port: ${port}, baud: 9600, address: 1 }
amplifier: { relay: tu-loa, channel: 8, warmup: ${WARMUP_MS / 1000}s, cooldown: ${COOLDOWN_MS / 1000}s }
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ap 1 }
  ap-2: { relay: tu-loa, channel: 2, name: Ap 2 }
output: { record: recordings/ }
programs:
${programs}
`;
  writeFileSync(join(dir, 'lich.yaml'), yaml);
  return join(dir, 'lich.yaml');
}

async function runLoaxa(root, audio, relay) {
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-engine-'));
  const feed = await audio.startDemoFeed({ frequency: 440 });
  const board = await startBoardProcess(root, dir);
  const probe = startStallProbe();
  const plan = schedulePlan(Math.ceil((Date.now() + 14_000) / 1000) * 1000);
  const file = writeSchedule(dir, board.path, feed.url, plan);
  const last = plan[plan.length - 1];
  const forS = Math.ceil((last.endMs + 4000 - Date.now()) / 1000);
  const child = spawn(process.execPath, [join(root, 'bin/loaxa'), 'run', file, '--for', `${forS}s`], {
    env: { ...process.env, LANG: 'C', NO_COLOR: '1', LOAXA_RECORD_FORMAT: 'wav' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((r) => child.on('exit', r));
  const onsets = [];
  for (const s of plan) {
    const base = join(dir, 'recordings', `bench_${new Date(s.startMs).toISOString().slice(0, 10)}_${hms(s.startMs).slice(0, 2)}${hms(s.startMs).slice(3, 5)}_${s.id}`);
    await until(s.startMs - 1500);
    const t = await firstBytes(() => [`${base}.part0.wav`, `${base}.wav`], s.endMs + 2000);
    if (t !== null) onsets.push(t - s.startMs);
  }
  await exited;
  await board.close();
  await probe.close();
  const trans = transitions(board.frames);
  // Commands more than 10 ms late, and how many of them fell in a stall the probe saw too.
  const allMatched = [
    ...matched(trans, 'zones-on', plan.map((s) => s.startMs - WARMUP_MS - ZONE_LEAD_MS)),
    ...matched(trans, 'amp-on', plan.map((s) => s.startMs - WARMUP_MS)),
    ...matched(trans, 'amp-off', plan.map((s) => s.endMs)),
    ...matched(trans, 'zones-off', plan.map((s) => s.endMs + COOLDOWN_MS)),
  ];
  const lateOnes = allMatched.filter((m) => m.atMs - m.target > 10);
  const stalled = lateOnes.filter((m) => probe.stalls.some((st) => st.toMs >= m.target && st.fromMs <= m.atMs));
  const stalls = { boardNice: board.nice, late: lateOnes.length, duringStall: stalled.length, count: probe.stalls.length, maxMs: probe.stalls.reduce((a, st) => Math.max(a, st.gapMs), 0), over10: probe.stalls.filter((st) => st.gapMs > 10).length };
  const relayLate = {
    'zones on (target: start − warm-up − 40 ms)': lateness(trans, 'zones-on', plan.map((s) => s.startMs - WARMUP_MS - ZONE_LEAD_MS)),
    'amplifier on (target: start − warm-up)': lateness(trans, 'amp-on', plan.map((s) => s.startMs - WARMUP_MS)),
    'amplifier off (target: slot end)': lateness(trans, 'amp-off', plan.map((s) => s.endMs)),
    'zones off (target: end + cool-down)': lateness(trans, 'zones-off', plan.map((s) => s.endMs + COOLDOWN_MS)),
  };
  let journal = [];
  try {
    const out = spawnSync(process.execPath, [join(root, 'bin/loaxa'), 'log', file, '--json'], { encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
    journal = JSON.parse(out.stdout);
  } catch {
    // no journal: results stay n/a
  }
  const results = journal.filter((e) => e.type === 'slot.result').map((e) => e.payload.status);
  // The daemon's own record of when it issued each command (relay.action atMs): splits the
  // lateness into "timer fired late in the daemon" and "bytes took long to reach the board".
  const issued = (wanted, amplifier) => journal.filter((e) => e.type === 'relay.action' && e.payload.wanted === wanted && Boolean(e.payload.amplifier) === amplifier && !e.payload.reassert).map((e) => e.payload.atMs);
  const near = (times, target) => times.reduce((best, t) => (best === null || Math.abs(t - target) < Math.abs(best - target) ? t : best), null);
  const issuedLate = (wanted, amplifier, targets) => targets.map((target) => near(issued(wanted, amplifier), target) - target);
  const issueLate = {
    'zones on': issuedLate('on', false, plan.map((s) => s.startMs - WARMUP_MS - ZONE_LEAD_MS)),
    'amplifier on': issuedLate('on', true, plan.map((s) => s.startMs - WARMUP_MS)),
    'amplifier off': issuedLate('off', true, plan.map((s) => s.endMs)),
    'zones off': issuedLate('off', false, plan.map((s) => s.endMs + COOLDOWN_MS)),
  };
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
  return { onsets, relayLate, issueLate, results, log, stalls };
}

/** cron starts a script at the slot's second (the best cron can do: whole minutes, no pre-roll). */
async function runCron(root, audio) {
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-cron-'));
  const feed = await audio.startDemoFeed({ frequency: 440 });
  const board = await startBoardProcess(root, dir);
  const plan = schedulePlan(Math.ceil((Date.now() + 5000) / 1000) * 1000);
  const on = join(dir, 'on.bin');
  const off = join(dir, 'off.bin');
  writeFileSync(on, Buffer.concat([fc05(0, true), fc05(1, true), fc05(7, true)]));
  writeFileSync(off, Buffer.concat([fc05(7, false), fc05(0, false), fc05(1, false)]));
  const script = join(dir, 'tiep-song.sh');
  // What a technician writes: switch the speakers on, record/play the feed for the slot, switch off.
  writeFileSync(
    script,
    `#!/bin/sh\nstty -F "$PORT" 9600 raw 2>/dev/null\ncat ${on} > "$PORT"\nffmpeg -hide_banner -loglevel error -nostdin -i "$URL" -t ${SLOT_S} -ar 48000 -ac 2 -flush_packets 1 -y "$OUT"\ncat ${off} > "$PORT"\n`,
    { mode: 0o755 },
  );
  const onsets = [];
  const children = [];
  for (const s of plan) {
    await until(s.startMs);
    const out = join(dir, `${s.id}.wav`);
    children.push(new Promise((r) => spawn('sh', [script], { env: { ...process.env, PORT: board.path, URL: feed.url, OUT: out }, stdio: 'ignore' }).on('exit', r)));
    const t = await firstBytes(() => [out], s.startMs + 20_000);
    if (t !== null) onsets.push(t - s.startMs);
  }
  await Promise.all(children);
  await board.close();
  const trans = transitions(board.frames);
  const relayLate = {
    'zones on (target: slot start, cron’s minute)': lateness(trans, 'zones-on', plan.map((s) => s.startMs)),
    'amplifier on (target: slot start)': lateness(trans, 'amp-on', plan.map((s) => s.startMs)),
    'amplifier off (target: slot end)': lateness(trans, 'amp-off', plan.map((s) => s.endMs)),
  };
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
  return { onsets, relayLate };
}

/** Liquidsoap 2.1: input.http kept connected, a time-predicate switch, one WAV file per slot. */
async function runLiquidsoap(audio) {
  if (spawnSync('sh', ['-c', 'command -v liquidsoap']).status !== 0) return null;
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-liq-'));
  const feed = await audio.startDemoFeed({ frequency: 440 });
  const plan = schedulePlan(Math.ceil((Date.now() + 12_000) / 1000) * 1000);
  const pred = (s) => {
    const a = new Date(s.startMs);
    const b = new Date(s.endMs - 1000);
    const p = (d) => `${d.getUTCHours()}h${String(d.getUTCMinutes()).padStart(2, '0')}m${String(d.getUTCSeconds()).padStart(2, '0')}s`;
    return `({ ${p(a)}-${p(b)} }, feed)`;
  };
  const script = `settings.init.allow_root.set(true)
settings.frame.audio.samplerate.set(48000)
settings.log.stdout.set(true)
settings.log.level.set(2)
feed = mksafe(input.http("${feed.url}"))
s = switch(track_sensitive=false, [${plan.map(pred).join(', ')}])
output.file(fallible=true, %wav(stereo=true, samplerate=48000), "${dir}/out-%H%M%S.wav", s)
`;
  writeFileSync(join(dir, 'bench.liq'), script);
  const child = spawn('liquidsoap', [join(dir, 'bench.liq')], { env: { ...process.env, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const onsets = [];
  for (const s of plan) {
    await until(s.startMs - 1500);
    const name = (ms) => join(dir, `out-${hms(ms).replace(/:/g, '')}.wav`);
    const t = await firstBytes(() => [name(s.startMs), name(s.startMs - 1000), name(s.startMs + 1000), name(s.startMs + 2000)], s.endMs + 2000);
    if (t !== null) onsets.push(t - s.startMs);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  await feed.close();
  rmSync(dir, { recursive: true, force: true });
  return { onsets, log };
}

/** RSS and CPU of an idle daemon (no slot in the window). */
async function runIdle(root, relay) {
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-idle-'));
  const board = await relay.startSimulatedBoard({ dir });
  const far = Date.now() + 6 * 3600_000;
  const file = writeSchedule(dir, board.path, 'http://127.0.0.1:9/feed.mp3', [{ id: 'sang', startMs: far, endMs: far + 1800_000 }]);
  const child = spawn(process.execPath, [join(root, 'bin/loaxa'), 'run', file, '--for', `${IDLE_S + 15}s`], { env: { ...process.env, LANG: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => child.on('exit', r));
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  const alive = () => existsSync(`/proc/${child.pid}/stat`) && child.exitCode === null;
  // The daemon and its children (the relay process): what the station pays for loaxa at rest.
  const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const tree = () => [child.pid, ...readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
    try {
      return Number(stat(d)[1]) === child.pid;
    } catch {
      return false;
    }
  }).map(Number)];
  const cpu = () => {
    if (!alive()) throw new Error(`idle daemon exited: ${err.trim()}`);
    return tree().reduce((sum, pid) => {
      try {
        const f = stat(pid);
        return sum + (Number(f[11]) + Number(f[12])) / ticks;
      } catch {
        return sum;
      }
    }, 0);
  };
  const rss = () => tree().reduce((sum, pid) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
    } catch {
      return sum;
    }
  }, 0);
  // PSS shares the pages the processes have in common (node's own code) instead of counting them twice.
  const pss = () => tree().reduce((sum, pid) => {
    try {
      return sum + Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;
    } catch {
      return sum;
    }
  }, 0);
  await sleep(8000);
  const processes = tree().length;
  const cpu0 = cpu();
  const t0 = Date.now();
  let peak = 0;
  const samples = [];
  const pssSamples = [];
  while (Date.now() - t0 < IDLE_S * 1000) {
    const r = rss();
    peak = Math.max(peak, r);
    samples.push(r);
    // smaps_rollup walks every mapping: sample it less often than RSS.
    if (samples.length % 10 === 1) pssSamples.push(pss());
    await sleep(1000);
  }
  const cpuS = cpu() - cpu0;
  const wall = (Date.now() - t0) / 1000;
  child.kill('SIGTERM');
  await exited;
  await board.close();
  rmSync(dir, { recursive: true, force: true });
  return { cpuS, wall, rssMean: samples.reduce((a, b) => a + b, 0) / samples.length, rssPeak: peak, pssMean: pssSamples.reduce((a, b) => a + b, 0) / pssSamples.length, processes };
}

export default async function ({ root }) {
  const audio = await import(`${root}/dist/audio/index.js`);
  const relay = await import(`${root}/dist/relay/index.js`);
  if (!existsSync(join(root, 'dist/engine/index.js'))) throw new Error('run npx tsc -p . first');

  // LOAXA_BENCH_ONLY=loaxa (for instance) runs one part while working on it; the figures
  // committed to BENCHMARKS.md always come from a full run.
  const only = process.env.LOAXA_BENCH_ONLY?.split(',');
  if (only) {
    const out = {};
    if (only.includes('idle')) out.idle = await runIdle(root, relay);
    if (only.includes('loaxa')) {
      const r = await runLoaxa(root, audio, relay);
      out.loaxa = { onsets: r.onsets, relayLate: r.relayLate, issueLate: r.issueLate, results: r.results, stalls: r.stalls };
    }
    if (only.includes('cron')) out.cron = await runCron(root, audio);
    if (only.includes('liquidsoap')) out.liquidsoap = (await runLiquidsoap(audio))?.onsets;
    console.error(JSON.stringify(out));
    return null;
  }
  const idle = await runIdle(root, relay);
  const loadBefore = loadavg()[0];
  const loaxa = await runLoaxa(root, audio, relay);
  const cron = await runCron(root, audio);
  const liq = await runLiquidsoap(audio);
  const loadAfter = loadavg()[0];

  const row = (name, v) => `| ${name} | ${v.length} | ${fmt(quantile(v, 0.5))} | ${fmt(quantile(v, 0.95))} | ${fmt(quantile(v, 0.99))} | ${fmt(v.length ? Math.max(...v) : null)} | ${fmt(v.length ? Math.min(...v) : null)} |`;
  const lines = [];
  lines.push(`${SLOTS} slots of ${SLOT_S} s every ${SPACING_S} s per system, run one system after the other against the same generated 128 kbps MP3 feed on 127.0.0.1; amplifier warm-up ${WARMUP_MS} ms, cool-down ${COOLDOWN_MS} ms; simulated Modbus board on a socat pty, in a process of its own that timestamps each frame (ptys do not pace at 9600 baud). Negative = early. Load average (1 min) before / after the timed runs: ${loadBefore.toFixed(2)} / ${loadAfter.toFixed(2)} (the benchmark's own feed encoder, board and pollers included).`);
  lines.push('');
  lines.push('### Relay commands: lateness against target (ms, from the board’s frame timestamps)');
  lines.push('');
  lines.push('| system / command | n | p50 | p95 | p99 | max | min |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const [k, v] of Object.entries(loaxa.relayLate)) lines.push(row(`loaxa — ${k}`, v));
  for (const [k, v] of Object.entries(cron.relayLate)) lines.push(row(`cron + script — ${k}`, v));
  lines.push('| Liquidsoap | — | no relay control (would need `run_process` hooks) | | | | |');
  lines.push('');
  lines.push('loaxa, split: when its relay process issued each command (its own `relay.action` stamp) against the target, and from that stamp to the frame complete at the board.');
  lines.push('');
  lines.push('| loaxa command | n | issued p50 | issued p99 | issued max | to the board p50 | to the board p99 |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const [k, issued] of Object.entries(loaxa.issueLate)) {
    const atBoard = Object.entries(loaxa.relayLate).find(([name]) => name.startsWith(k))?.[1] ?? [];
    const wire = atBoard.length === issued.length ? atBoard.map((v, i) => v - issued[i]) : [];
    lines.push(`| ${k} | ${issued.length} | ${fmt(quantile(issued, 0.5))} | ${fmt(quantile(issued, 0.99))} | ${fmt(issued.length ? Math.max(...issued) : null)} | ${fmt(quantile(wire, 0.5))} | ${fmt(quantile(wire, 0.99))} |`);
  }
  lines.push('');
  lines.push('### Audio onset: first audio bytes in the slot’s recording minus the scheduled second (ms)');
  lines.push('');
  lines.push('| system | n | p50 | p95 | p99 | max | min |');
  lines.push('|---|---|---|---|---|---|---|');
  lines.push(row('loaxa (feed pre-rolled 8 s ahead, output gated to the second)', loaxa.onsets));
  lines.push(row('cron + ffmpeg script (cold start at the second)', cron.onsets));
  if (liq) lines.push(row('Liquidsoap 2.1.3 (input.http connected, time-predicate switch, output.file)', liq.onsets));
  else lines.push('| Liquidsoap | — | not installed | | | | |');
  lines.push('');
  // Every relay command has its own target time: all four count.
  const timed = Object.values(loaxa.relayLate).flat();
  const p99 = quantile(timed, 0.99);
  const p95 = quantile(loaxa.onsets.map(Math.abs), 0.95);
  lines.push(`Priorities: loaxa's relay process runs at nice −10 when allowed (the systemd unit grants CAP_SYS_NICE; this benchmark runs as ${process.getuid?.() === 0 ? 'root, so it did' : 'a normal user, so it did not'}); the measuring chain (socat + board simulator, standing in for hardware) at nice ${loaxa.stalls.boardNice}; cron's script, Liquidsoap and the stall probe at the normal priority.`);
  lines.push('');
  lines.push(`Machine stalls during loaxa's run, seen by an idle probe process at normal priority (a 1 ms timer that fired late): ${loaxa.stalls.count} over 5 ms, ${loaxa.stalls.over10} over 10 ms, longest ${loaxa.stalls.maxMs} ms. loaxa relay commands more than 10 ms late: ${loaxa.stalls.late}, of which ${loaxa.stalls.duringStall} overlapped such a stall.`);
  lines.push('');
  lines.push(`Targets: p99 relay lateness ≤ 10 ms — loaxa p99 over all ${timed.length} relay commands (zones on, amplifier on, amplifier off, zones off): **${fmt(p99)} ms**; audio onset within ±100 ms at p95 — loaxa |p95|: **${fmt(p95)} ms**.`);
  lines.push(`loaxa slot results: ${loaxa.results.length ? Object.entries(loaxa.results.reduce((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {})).map(([k, v]) => `${v} ${k}`).join(', ') : 'n/a'}.`);
  lines.push('');
  lines.push(`### Idle daemon (${IDLE_S} s, no slot in the window${IDLE_S < 600 ? '; shortened from 10 min' : ''})`);
  lines.push('');
  lines.push(`Summed over the daemon's ${idle.processes} processes (the daemon and its relay process).`);
  lines.push('');
  lines.push('| CPU seconds | CPU % of one core | RSS mean (MiB) | RSS peak (MiB) | PSS mean (MiB) |');
  lines.push('|---|---|---|---|---|');
  lines.push(`| ${idle.cpuS.toFixed(2)} | ${((idle.cpuS / idle.wall) * 100).toFixed(2)} % | ${idle.rssMean.toFixed(1)} | ${idle.rssPeak.toFixed(1)} | ${idle.pssMean.toFixed(1)} |`);
  return lines.join('\n');
}
