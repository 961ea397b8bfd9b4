import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Errors come back as the compiled module's LoaxaError.
import { LoaxaError } from '../../dist/i18n/index.js';
import type { RelayEvent } from '../../src/relay/index.js';
// The relay process runs compiled JavaScript: it is tested from dist/ (the suite's global
// setup compiles it), exactly as `loaxa run` starts it.
import { openRelayProcess, type RelayControl } from '../../dist/engine/relay-process.js';
import { startModbusBoard, waitFor, type ModbusBoardSimulator, type PtyPair } from '../helpers/boards/index.js';
import { board, schedule, zonesOn } from '../relay/fixtures.js';

let rig: Awaited<ReturnType<typeof startModbusBoard>>;
let pair: PtyPair;
let sim: ModbusBoardSimulator;
let relays: RelayControl | null = null;
const events: RelayEvent[] = [];

beforeEach(async () => {
  rig = await startModbusBoard();
  ({ pair, sim } = rig);
  events.length = 0;
});

afterEach(async () => {
  await relays?.close();
  relays = null;
  await rig.close();
});

const station = () =>
  schedule({
    relays: [board('tu-loa', 'modbus-rtu', pair.path)],
    zones: zonesOn('tu-loa', [1, 2]),
    amplifier: { relay: 'tu-loa', channel: 8, warmupMs: 200, cooldownMs: 200 },
  });

/** Keep the daemon's thread busy, as a pre-roll starting ffmpeg or a journal fsync would. */
function busyUntil(ms: number): void {
  while (Date.now() < ms);
}

describe('the daemon’s relay process', () => {
  it('switches on time while the daemon’s thread is busy', async () => {
    relays = await openRelayProcess(station(), (e) => events.push(e));
    events.length = 0;
    const atMs = Date.now() + 300;
    const done = relays.switchOn(['z1', 'z2'], { atMs, amplifierAtMs: atMs + 100, slot: 'thoi-su' });
    const blockedUntil = atMs + 700;
    busyUntil(blockedUntil);
    const reports = await done;
    expect(reports.map((r) => [r.zone, r.confirmed])).toEqual([
      ['z1', 'on'],
      ['z2', 'on'],
      ['amplifier', 'on'],
    ]);
    expect(sim.onChannels()).toEqual([1, 2, 8]);
    // The relay process stamps each command when it issues it: the zones went out on their time,
    // long before this thread was free. (The amplifier follows the zones' read-back, which the
    // simulator — busy in this thread too — could only answer afterwards: never early is all
    // this test can say of it.)
    const [zonesAction, ampAction] = events.filter((e) => e.type === 'relay.action');
    expect(zonesAction!.atMs).toBeGreaterThanOrEqual(atMs);
    expect(zonesAction!.atMs).toBeLessThan(blockedUntil - 300);
    expect(ampAction!.atMs).toBeGreaterThanOrEqual(atMs + 100);
  });

  it('runs at a raised priority when allowed (root or CAP_SYS_NICE), else at the normal one', async () => {
    relays = await openRelayProcess(station(), () => undefined);
    const stat = readFileSync(`/proc/${relays.pid}/stat`, 'utf8');
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    if (process.getuid?.() === 0) {
      expect(relays.nice).toBe(-10);
      expect(nice).toBe(-10);
    } else {
      expect(relays.nice).toBeNull();
      expect(nice).toBe(getPriority());
    }
  });

  it('calls off a timed switch that is still waiting, and brings faults back as catalogue errors', async () => {
    relays = await openRelayProcess(station(), (e) => events.push(e));
    const before = sim.frames.length;
    const waiting = relays.switchOn(['z1'], { atMs: Date.now() + 400, ticket: 't1' });
    expect(await relays.cancel('t1')).toBe(true);
    expect(await waiting).toEqual([]);
    await new Promise((r) => setTimeout(r, 600));
    expect(sim.frames.length).toBe(before);

    sim.stuck.add(2);
    const reports = await relays.switchOn(['z2']);
    const bad = reports.find((r) => r.zone === 'z2')!;
    expect(bad.fault).toBeInstanceOf(LoaxaError);
    expect(bad.fault!.key).toBe('relay.zone.mismatch');
  });

  it('a board that cannot be opened is refused with the relay module’s error', async () => {
    const s = station();
    s.relays['tu-loa']!.port = `${pair.path}-khong-co`;
    const e = await openRelayProcess(s, () => undefined).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(LoaxaError);
    expect((e as LoaxaError).exitCode).toBe(3);
    expect((e as LoaxaError).message).toContain('tu-loa');
  });
});

describe('when the daemon dies', () => {
  it('the relay process switches everything off', async () => {
    // A stand-in daemon: opens the relay process, switches two zones on, then is SIGKILLed.
    const dir = mkdtempSync(join(tmpdir(), 'loaxa-relay-proc-'));
    const script = join(dir, 'daemon.mjs');
    writeFileSync(
      script,
      `const { openRelayProcess } = await import(${JSON.stringify(new URL('../../dist/engine/relay-process.js', import.meta.url).href)});
const relays = await openRelayProcess(JSON.parse(process.argv[2]), () => undefined);
await relays.switchOn(['z1', 'z2']);
console.log('on');
setInterval(() => undefined, 1000);
`,
    );
    const daemon = spawn(process.execPath, [script, JSON.stringify(station())], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        daemon.stdout.on('data', (d: Buffer) => d.toString().includes('on') && resolve());
        daemon.on('exit', (code) => reject(new Error(`stand-in daemon exited ${code}`)));
      });
      expect(sim.onChannels()).toEqual([1, 2, 8]);
      daemon.kill('SIGKILL');
      await waitFor(() => sim.onChannels().length === 0, 10_000);
      expect(sim.onChannels()).toEqual([]);
    } finally {
      daemon.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
