import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { ModbusBoardSimulator, LcusBoardSimulator, PtyPair, waitFor } from '../helpers/boards/index.js';
import { board, schedule, zonesOn } from './fixtures.js';

let pair: PtyPair;

beforeEach(async () => {
  pair = new PtyPair('exit');
  await pair.start();
});

afterEach(() => pair.dispose());

/** A process that uses the compiled relay module the way the engine does, then ends in `ending`. */
function runScript(driver: 'modbus-rtu' | 'lcus', ending: string): { done: Promise<{ code: number | null; signal: string | null; stderr: string }>; pid: number } {
  const sched = schedule({ relays: [board('tu-loa', driver, pair.path)], zones: zonesOn('tu-loa', [1, 2]), amplifier: { relay: 'tu-loa', channel: 4, warmupMs: 0, cooldownMs: 0 } });
  const file = join(pair.dir, 'script.mjs');
  writeFileSync(
    file,
    `import { openZones } from ${JSON.stringify(join(ROOT, 'dist/relay/index.js'))};
const zones = await openZones(${JSON.stringify(sched)}, { requestTimeoutMs: 1000 });
await zones.switchOn(['z1', 'z2']);
process.stdout.write('on\\n');
${ending}
`,
  );
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((r) => child.on('exit', (code, signal) => r({ code, signal, stderr })));
  return { done, pid: child.pid! };
}

describe('safe state when the process ends', () => {
  it('switches everything off on an uncaught error (Modbus)', async () => {
    const sim = await new ModbusBoardSimulator(pair.boardPath, 4).open();
    try {
      const { done } = runScript('modbus-rtu', `setTimeout(() => { throw new Error('boom in the engine'); }, 50);`);
      const end = await done;
      expect(end.code).toBe(1); // the crash is still a crash
      expect(end.stderr).toContain('boom in the engine');
      await waitFor(() => sim.onChannels().length === 0, 5000, 'relays off');
      const tail = sim.frames.slice(-2).map((f) => f.summary);
      expect(tail).toEqual(['FC0F coils 3+1', 'FC0F coils 0+2']); // amplifier first, then zones
    } finally {
      await sim.close();
    }
  });

  it('switches everything off on process.exit() (LCUS), amplifier first', async () => {
    const sim = await new LcusBoardSimulator(pair.boardPath, 4).open();
    try {
      const { done } = runScript('lcus', `await new Promise((r) => setTimeout(r, 100)); process.exit(0);`);
      await waitFor(() => sim.onChannels().join() === '1,2,4', 10_000, 'relays on');
      const end = await done;
      expect(end.code).toBe(0);
      await waitFor(() => sim.onChannels().length === 0, 5000, 'relays off');
      expect(sim.frames.slice(-3).map((f) => f.summary)).toEqual(['ch4 off', 'ch1 off', 'ch2 off']);
      expect(sim.frames.every((f) => f.valid)).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('leaves exiting to the program when it handles SIGTERM itself', async () => {
    const sim = await new ModbusBoardSimulator(pair.boardPath, 4).open();
    try {
      const { done, pid } = runScript(
        'modbus-rtu',
        `process.on('SIGTERM', () => setTimeout(() => { process.stdout.write('own handler\\n'); process.exit(7); }, 300));
setInterval(() => {}, 1000);`,
      );
      await waitFor(() => sim.onChannels().join() === '1,2,4', 10_000, 'relays on');
      process.kill(pid, 'SIGTERM');
      const end = await done;
      expect(end.code).toBe(7);
      expect(sim.onChannels()).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
