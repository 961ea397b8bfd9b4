// Audio: CPU and memory of a minute of relay + duck + record (loaxa's ffmpeg graph beside
// Liquidsoap running the same graph, same machine, same run), and the time from "start" to
// the first audio written with a pre-rolled and with a cold feed.
import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync, rmSync, openSync, readSync, closeSync, fstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const title = 'Audio: relay + duck + record, and time to first audio';

const SECONDS = Number(process.env.LOAXA_BENCH_SECONDS ?? 60);
const RUNS = Number(process.env.LOAXA_BENCH_RUNS ?? 3);
const TICK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A live 128 kbps MP3 tone on 127.0.0.1, fanned out to every listener (not measured). */
async function startFeed() {
  const clients = new Set();
  const enc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i',
    'sine=frequency=440:sample_rate=48000,aformat=channel_layouts=stereo', '-c:a', 'libmp3lame', '-b:a', '128k',
    '-id3v2_version', '0', '-write_xing', '0', '-f', 'mp3', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  enc.stdout.on('data', (d) => { for (const c of clients) c.write(d); });
  const srv = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'audio/mpeg' });
    clients.add(res);
    res.on('close', () => clients.delete(res));
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  await sleep(300);
  return {
    url: `http://127.0.0.1:${srv.address().port}/feed.mp3`,
    close: () => { enc.kill('SIGKILL'); for (const c of clients) c.destroy(); srv.close(); },
  };
}

/** CPU ticks and RSS of a process tree, from /proc; exited members keep their last figures. */
function treeSampler(rootPid) {
  const seen = new Map(); // pid -> cpu ticks
  let peakRss = 0;
  let peakPss = 0;
  const pssOf = (pid) => {
    try {
      const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      return m ? Number(m[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  };
  const sample = () => {
    const kids = new Map();
    const stats = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const s = readFileSync(`/proc/${d}/stat`, 'utf8');
        const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
        const ppid = Number(f[1]);
        stats.set(Number(d), { cpu: Number(f[11]) + Number(f[12]), rss: Number(f[21]) * 4096 });
        if (!kids.has(ppid)) kids.set(ppid, []);
        kids.get(ppid).push(Number(d));
      } catch { /* gone */ }
    }
    let rss = 0;
    let pss = 0;
    const stack = [rootPid];
    while (stack.length) {
      const p = stack.pop();
      const st = stats.get(p);
      if (st) {
        seen.set(p, Math.max(seen.get(p) ?? 0, st.cpu));
        rss += st.rss;
        pss += pssOf(p);
      }
      stack.push(...(kids.get(p) ?? []));
    }
    peakRss = Math.max(peakRss, rss);
    peakPss = Math.max(peakPss, pss);
  };
  return {
    sample,
    cpuSeconds: () => [...seen.values()].reduce((a, b) => a + b, 0) / TICK,
    peakRssMb: () => peakRss / 2 ** 20,
    peakPssMb: () => peakPss / 2 ** 20,
    resetPeak: () => { peakRss = 0; peakPss = 0; },
  };
}

/** Byte offset of the samples in a WAV being written (after the 'data' chunk header). */
function dataOffset(buf) {
  const i = buf.indexOf('data', 12, 'latin1');
  return i < 0 ? -1 : i + 8;
}

/** Wait until `file` holds a sample above −40 dBFS; resolves with Date.now() at that moment. */
async function firstAudio(file, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  let scanned = -1;
  while (Date.now() < until) {
    if (existsSync(file)) {
      const fd = openSync(file, 'r');
      try {
        const size = fstatSync(fd).size;
        const buf = Buffer.alloc(size);
        readSync(fd, buf, 0, size, 0);
        const off = dataOffset(buf);
        if (off > 0) {
          for (let i = Math.max(off, scanned); i + 1 < size; i += 2) {
            if (Math.abs(buf.readInt16LE(i)) > 330) return Date.now();
          }
          scanned = size - (size % 2);
        }
      } finally {
        closeSync(fd);
      }
    }
    await sleep(2);
  }
  return NaN;
}

function makeVoice(dir) {
  const voice = join(dir, 'voice-20s.wav');
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
    'sine=frequency=1320:sample_rate=48000:duration=20,aformat=channel_layouts=stereo', '-c:a', 'pcm_s16le', voice]);
  return voice;
}

async function runLoaxa(root, dir, feedUrl, voice, fallback) {
  const out = join(dir, 'loaxa.wav');
  const script = `
    const a = await import(${JSON.stringify(`${root}/dist/audio/index.js`)});
    await a.normaliseBulletin(${JSON.stringify(voice)});
    const h = a.startBroadcast({
      source: { id: 'tinh', url: ${JSON.stringify(feedUrl)}, fallback: ${JSON.stringify(fallback)} },
      bulletins: [{ id: 'voice', file: ${JSON.stringify(voice)}, language: 'vi', approvedBy: 'bench', mode: 'duck', offsetMs: 5000 }],
      durationMs: ${SECONDS * 1000}, sinks: { recordFile: ${JSON.stringify(out)} },
    });
    await h.preroll();
    await h.start();
    process.stdout.write('ON-AIR\\n');
    const r = await h.done;
    process.stdout.write('DONE ' + JSON.stringify(r) + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const s = treeSampler(child.pid);
  let onAirCpu = null;
  let endCpu = null;
  let rss = 0;
  let pss = 0;
  let text = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    text += d;
    if (onAirCpu === null && text.includes('ON-AIR')) {
      s.sample();
      onAirCpu = s.cpuSeconds();
      s.resetPeak();
    }
  });
  const timer = setInterval(() => {
    s.sample();
    if (onAirCpu !== null) {
      rss = s.peakRssMb();
      pss = s.peakPssMb();
    }
  }, 100);
  const started = Date.now();
  await new Promise((r) => child.on('close', r));
  clearInterval(timer);
  endCpu = s.cpuSeconds();
  return { total: endCpu, steady: endCpu - (onAirCpu ?? 0), rss, pss, wall: (Date.now() - started) / 1000, ok: text.includes('DONE') };
}

async function runLiquidsoap(dir, feedUrl, voice, fallback) {
  const out = join(dir, 'liquidsoap.wav');
  const liq = join(dir, 'graph.liq');
  writeFileSync(liq, [
    'settings.init.allow_root.set(true)',
    'settings.log.stdout.set(false)',
    'settings.log.file.set(false)',
    'settings.frame.audio.samplerate.set(48000)',
    `feed = input.http(${JSON.stringify(feedUrl)})`,
    `radio = fallback(track_sensitive=false, [feed, single(${JSON.stringify(fallback)})])`,
    'q = request.queue()',
    `thread.run(delay=5., fun () -> ignore(q.push(request.create(${JSON.stringify(voice)}))))`,
    // smooth_add: the feed at 18 % (−15 dB) under the voice, like loaxa's duck.
    'mixed = smooth_add(duration=0.3, p=0.18, normal=radio, special=q)',
    `output.file(%wav(stereo=true), ${JSON.stringify(out)}, fallible=true, mixed)`,
    '',
  ].join('\n'));
  const started = Date.now();
  const child = spawn('liquidsoap', [liq], { stdio: ['ignore', 'ignore', 'ignore'] });
  const s = treeSampler(child.pid);
  const timer = setInterval(() => s.sample(), 100);
  const first = await firstAudio(out, 30_000);
  s.sample();
  const onAirCpu = s.cpuSeconds();
  s.resetPeak();
  await sleep(SECONDS * 1000);
  s.sample();
  const endCpu = s.cpuSeconds();
  const rss = s.peakRssMb();
  const pss = s.peakPssMb();
  child.kill('SIGINT');
  await new Promise((r) => child.on('close', r));
  clearInterval(timer);
  return { total: endCpu, steady: endCpu - onAirCpu, rss, pss, startup: (first - started) / 1000 };
}

async function latencyLoaxa(root, dir, feedUrl, mode) {
  const a = await import(`${root}/dist/audio/index.js`);
  const rec = join(dir, `lat-${mode}-${Date.now()}.wav`);
  const part = rec.replace(/\.wav$/, '.part0.wav');
  if (mode === 'preroll') {
    const startAtMs = Date.now() + 3000;
    const h = a.startBroadcast({ source: { id: 'f', url: feedUrl }, bulletins: [], durationMs: 2000, startAtMs, sinks: { recordFile: rec } });
    await h.preroll();
    const seen = firstAudio(part);
    await h.start();
    const t = await seen;
    await h.done;
    return t - startAtMs;
  }
  const t0 = Date.now();
  const h = a.startBroadcast({ source: { id: 'f', url: feedUrl }, bulletins: [], durationMs: 3000, sinks: { recordFile: rec } });
  const seen = firstAudio(part);
  await h.start();
  const t = await seen;
  await h.done;
  return t - t0;
}

async function latencyPlainFfmpeg(dir, feedUrl) {
  const out = join(dir, `plain-${Date.now()}.wav`);
  const t0 = Date.now();
  const p = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-i', feedUrl, '-t', '1', '-flush_packets', '1', '-f', 'wav', out], { stdio: 'ignore' });
  const t = await firstAudio(out);
  p.kill('SIGKILL');
  return t - t0;
}

export default async function ({ root }) {
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-audio-'));
  const feed = await startFeed();
  try {
    const voice = makeVoice(dir);
    const fallback = join(root, 'fixtures', 'audio', 'fallback-880.mp3');
    const hasLiq = (() => { try { execFileSync('liquidsoap', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; } })();
    const liqVersion = hasLiq ? execFileSync('liquidsoap', ['--version'], { encoding: 'utf8' }).split('\n')[0] : 'not installed';
    const ffVersion = execFileSync('ffmpeg', ['-version'], { encoding: 'utf8' }).split('\n')[0].split(' ').slice(0, 3).join(' ');

    const loaxa = await runLoaxa(root, dir, feed.url, voice, fallback);
    if (!loaxa.ok) throw new Error('loaxa run failed');
    const liq = hasLiq ? await runLiquidsoap(dir, feed.url, voice, fallback) : null;
    const perMin = (x) => (x * 60 / SECONDS).toFixed(2);

    const pre = [];
    const cold = [];
    const plain = [];
    for (let i = 0; i < RUNS; i++) {
      pre.push(await latencyLoaxa(root, dir, feed.url, 'preroll'));
      cold.push(await latencyLoaxa(root, dir, feed.url, 'cold'));
      plain.push(await latencyPlainFfmpeg(dir, feed.url));
    }
    const fmt = (xs) => `${Math.round(median(xs))} ms (runs: ${xs.map((x) => Math.round(x)).join(', ')})`;

    const lines = [
      `${SECONDS} s of 48 kHz stereo: a live 128 kbps MP3 feed on 127.0.0.1 (fallback armed), a 20 s voice ducked in at 5 s, recorded to WAV. ` +
        `CPU and RSS are summed over the whole process tree from /proc (loaxa: Node supervisor + decoder ffmpegs + mixer ffmpeg), sampled every 100 ms; ` +
        `"steady" counts from the first audio on air to the end, "total" includes start-up (for loaxa: bulletin normalisation, pre-roll). ${ffVersion}; ${liqVersion}.`,
      '',
      '| graph | CPU s per minute (steady) | CPU s total | peak RSS, summed (MB) | peak PSS, summed (MB) | start-up to first audio |',
      '|---|---:|---:|---:|---:|---:|',
      `| loaxa (Node + 3 ffmpeg) | ${perMin(loaxa.steady)} | ${loaxa.total.toFixed(2)} | ${loaxa.rss.toFixed(0)} | ${loaxa.pss.toFixed(0)} | see below |`,
      liq
        ? `| Liquidsoap (input.http, fallback, smooth_add, output.file) | ${perMin(liq.steady)} | ${liq.total.toFixed(2)} | ${liq.rss.toFixed(0)} | ${liq.pss.toFixed(0)} | ${liq.startup.toFixed(1)} s (any audio, fallback first) |`
        : '| Liquidsoap | not installed | | | | |',
      '',
      'RSS counts the shared ffmpeg libraries once per process; PSS shares them out, so it is the fairer memory figure for several ffmpeg processes.',
      '',
      `Time from "start" to the first feed audio written in the recording (median of ${RUNS}):`,
      '',
      '| case | time |',
      '|---|---:|',
      `| loaxa, feed pre-rolled (start at the planned second) | ${fmt(pre)} |`,
      `| loaxa, cold (start() connects the feed — probesize 4 KB, analyzeduration 0 — and fills 1 s of buffer) | ${fmt(cold)} |`,
      `| plain \`ffmpeg -i URL out.wav\` with default probing, for comparison | ${fmt(plain)} |`,
    ];
    return lines.join('\n');
  } finally {
    feed.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
