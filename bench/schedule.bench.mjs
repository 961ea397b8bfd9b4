// Schedule benchmarks: (1) expanding one year for a 600-commune province, (2) the wall
// time of `loaxa validate` against a bare `node -e 0` on the same machine.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const title = 'Schedule: expanding a province, validating a file';

const EXAMPLES = ['soc-trang-an-thanh-ba', 'vinh-phuc-tam-hong', 'ha-noi-phuong-hang-trong'];

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** 600 communes: the three examples, each copy with its own id and programs moved by a few minutes. */
function province(bases) {
  const out = [];
  for (let i = 0; i < 600; i++) {
    const base = bases[i % bases.length];
    const shift = (i % 7) * 60; // 0–6 minutes later
    out.push({
      ...base,
      station: { ...base.station, id: `${base.station.id}-${i}` },
      programs: base.programs.map((p) => ({ ...p, at: p.at + shift })),
    });
  }
  return out;
}

function once(args, cwd) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return ms;
}

/** Runs the commands in turn, round after round, so a change in machine load hits them all alike. */
function interleaved(commands, cwd, rounds) {
  const times = commands.map(() => []);
  for (let r = 0; r < rounds; r++) commands.forEach((args, i) => times[i].push(once(args, cwd)));
  return times.map(median);
}

export default async function ({ root }) {
  const s = await import(pathToFileURL(join(root, 'dist', 'schedule', 'index.js')).href);
  const bases = [];
  for (const name of EXAMPLES) bases.push(await s.loadSchedule(join(root, 'schedules', `${name}.yaml`)));
  const schedules = province(bases);

  // warm-up once (JIT, offset caches), then the median of 5 full runs
  let slots = 0;
  for (const sch of schedules) slots += s.expand(sch, '2027-01-01', '2027-12-31').length;
  const runs = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    let n = 0;
    for (const sch of schedules) n += s.expand(sch, '2027-01-01', '2027-12-31').length;
    runs.push(performance.now() - t0);
    if (n !== slots) throw new Error('expansion is not deterministic');
  }
  const expandMs = median(runs);

  const RUNS = 15;
  const [nodeMs, ...validateMs] = interleaved(
    [['-e', '0'], ...EXAMPLES.map((name) => ['bin/loaxa', 'validate', `schedules/${name}.yaml`])],
    root,
    RUNS,
  );
  const rows = EXAMPLES.map((name, i) => ({ name, ms: validateMs[i], ratio: validateMs[i] / nodeMs }));

  const ok = (cond) => (cond ? 'yes' : '**no**');
  return [
    '| measure | figure | target | met |',
    '|---|---|---|---|',
    `| expand 600 schedules × 365 days (2027), median of 5 | ${expandMs.toFixed(0)} ms (${slots.toLocaleString('en')} slots, ${Math.round(slots / (expandMs / 1000)).toLocaleString('en')} slots/s) | < 1000 ms | ${ok(expandMs < 1000)} |`,
    `| \`node -e 0\`, median of ${RUNS} | ${nodeMs.toFixed(0)} ms | baseline | |`,
    ...rows.map((r) => `| \`loaxa validate schedules/${r.name}.yaml\`, median of ${RUNS} | ${r.ms.toFixed(0)} ms = ${r.ratio.toFixed(2)} × node | < 3 × | ${ok(r.ratio < 3)} |`),
    '',
    'Validate includes the zone-conflict and policy checks over the coming year. The four commands run in turn, round after round (interleaved), so changes in machine load hit them alike. The Sóc Trăng file uses `cron:` days, so it also loads node-cron to validate the expression.',
  ].join('\n');
}
