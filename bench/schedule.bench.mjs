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

function wall(cmd, args, cwd, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, stdio: 'ignore', env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' } });
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  }
  return median(times);
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

  const RUNS = 11;
  const nodeMs = wall(process.execPath, ['-e', '0'], root, RUNS);
  const rows = EXAMPLES.map((name) => {
    const ms = wall(process.execPath, ['bin/loaxa', 'validate', `schedules/${name}.yaml`], root, RUNS);
    return { name, ms, ratio: ms / nodeMs };
  });

  const ok = (cond) => (cond ? 'yes' : '**no**');
  return [
    '| measure | figure | target | met |',
    '|---|---|---|---|',
    `| expand 600 schedules × 365 days (2027), median of 5 | ${expandMs.toFixed(0)} ms (${slots.toLocaleString('en')} slots, ${Math.round(slots / (expandMs / 1000)).toLocaleString('en')} slots/s) | < 1000 ms | ${ok(expandMs < 1000)} |`,
    `| \`node -e 0\`, median of ${RUNS} | ${nodeMs.toFixed(0)} ms | baseline | |`,
    ...rows.map((r) => `| \`loaxa validate schedules/${r.name}.yaml\`, median of ${RUNS} | ${r.ms.toFixed(0)} ms = ${r.ratio.toFixed(2)} × node | < 3 × | ${ok(r.ratio < 3)} |`),
    '',
    'Validate includes the zone-conflict check over the coming year and the policy check over the coming year.',
  ].join('\n');
}
