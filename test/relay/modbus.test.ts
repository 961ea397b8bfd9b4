import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SerialPort } from 'serialport';
import { openZones, type RelayEvent, type ZoneController } from '../../src/relay/index.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { ModbusBoardSimulator, PtyPair, waitFor } from '../helpers/boards/index.js';
import { FAST, board, schedule, zonesOn } from './fixtures.js';

let pair: PtyPair;
let sim: ModbusBoardSimulator;
let zones: ZoneController | null = null;
const events: RelayEvent[] = [];

beforeEach(async () => {
  pair = new PtyPair('modbus');
  await pair.start();
  sim = await new ModbusBoardSimulator(pair.boardPath, 8, 1).open();
  events.length = 0;
});

afterEach(async () => {
  await zones?.close();
  zones = null;
  await sim.close();
  await pair.dispose();
});

const eightZones = () => schedule({ relays: [board('tu-loa', 'modbus-rtu', pair.path)], zones: zonesOn('tu-loa', [1, 2, 3, 4, 5, 6, 7, 8]) });

async function expectFault(promise: Promise<unknown>, key: string): Promise<LoaxaError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(LoaxaError);
  const le = e as LoaxaError;
  expect(le.key).toBe(key);
  expect(le.exitCode).toBe(3);
  expect(le.message).toContain('tu-loa');
  expect(le.message).toContain(pair.path);
  return le;
}

describe('Modbus RTU board over a socat pty', () => {
  it('puts every relay off when it opens', async () => {
    sim.relays.fill(true);
    zones = await openZones(eightZones(), { ...FAST, onEvent: (e) => events.push(e) });
    expect(sim.onChannels()).toEqual([]);
    expect(sim.frames.every((f) => f.valid)).toBe(true);
    expect(events[0]).toMatchObject({ type: 'relay.action', wanted: 'off', confirmed: 'off', zones: ['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7', 'z8'] });
  });

  it('switches 8 zones in one FC0F frame and confirms them by read-back', async () => {
    zones = await openZones(eightZones(), { ...FAST, onEvent: (e) => events.push(e) });
    const before = sim.frames.length;
    events.length = 0;
    const reports = await zones.switchOn(['all'], { slot: 'thoi-su@2026-12-01T05:30:00' });
    const frames = sim.frames.slice(before);
    expect(frames.map((f) => f.summary)).toEqual(['FC0F coils 0+8', 'FC01 coils 0+8']);
    expect(frames[0]!.bytes.toString('hex')).toBe('010f0000000801ffbed5');
    expect(sim.onChannels()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(reports.map((r) => r.confirmed)).toEqual(new Array(8).fill('on'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'relay.action', board: 'tu-loa', port: pair.path, driver: 'modbus-rtu', channels: [1, 2, 3, 4, 5, 6, 7, 8], wanted: 'on', confirmed: 'on', slot: 'thoi-su@2026-12-01T05:30:00' });
    expect(typeof (events[0] as { atMs: number }).atMs).toBe('number');

    await zones.switchOff(['z3']);
    expect(sim.frames.at(-2)!.bytes.toString('hex')).toBe('010500020000' + sim.frames.at(-2)!.bytes.subarray(6).toString('hex'));
    expect(sim.onChannels()).toEqual([1, 2, 4, 5, 6, 7, 8]);
    const status = await zones.status();
    expect(status.find((s) => s.zone === 'z3')).toMatchObject({ state: 'off', confirmed: true });
    expect(status.find((s) => s.zone === 'z4')).toMatchObject({ state: 'on', confirmed: true });
  });

  it('talks to address 0xFF boards', async () => {
    await sim.close();
    sim = await new ModbusBoardSimulator(pair.boardPath, 4, 0xff).open();
    zones = await openZones(schedule({ relays: [board('tu-loa', 'modbus-rtu', pair.path, { address: 0xff })], zones: zonesOn('tu-loa', [1]) }), FAST);
    const [report] = await zones.switchOn(['z1']);
    expect(report).toMatchObject({ confirmed: 'on' });
    expect(sim.frames.at(-2)!.bytes.toString('hex')).toBe('ff050000ff0099e4');
  });

  it('closes zones first, then the amplifier, then waits its warm-up; off in the reverse order', async () => {
    const sleeps: Array<{ ms: number; frames: number }> = [];
    const sched = schedule({
      relays: [board('tu-loa', 'modbus-rtu', pair.path)],
      zones: zonesOn('tu-loa', [1, 2, 3]),
      amplifier: { relay: 'tu-loa', channel: 8, warmupMs: 5000, cooldownMs: 3000 },
    });
    // A still clock: warm-up and cool-down are counted from the amplifier's frame, so the waits are exact.
    zones = await openZones(sched, { ...FAST, onEvent: (e) => events.push(e), now: () => 1_800_000_000_000, sleep: async (ms) => void sleeps.push({ ms, frames: sim.frames.length }) });
    const start = sim.frames.length;
    events.length = 0;
    const reports = await zones.switchOn(['z1', 'z2', 'z3']);
    const on = sim.frames.slice(start).map((f) => f.summary);
    expect(on).toEqual(['FC0F coils 0+3', 'FC01 coils 0+3', 'FC05 coil 7 on', 'FC01 coils 7+1']);
    const frames = sim.frames.slice(start);
    expect(frames[2]!.atMs).toBeGreaterThanOrEqual(frames[0]!.atMs);
    expect(sleeps).toEqual([{ ms: 5000, frames: sim.frames.length }]);
    expect(reports.at(-1)).toMatchObject({ kind: 'amplifier', confirmed: 'on', channel: 8 });
    expect(events.map((e) => (e.type === 'relay.action' ? (e.amplifier ? 'amp' : 'zones') : e.type))).toEqual(['zones', 'amp']);

    // One zone leaves while others stay: the amplifier stays on.
    const mid = sim.frames.length;
    await zones.switchOff(['z1']);
    expect(sim.frames.slice(mid).map((f) => f.summary)).toEqual(['FC05 coil 0 off', 'FC01 coils 0+1']);
    expect(sim.relays[8]).toBe(true);

    const offStart = sim.frames.length;
    await zones.switchOff(['z2', 'z3']);
    const off = sim.frames.slice(offStart);
    expect(off.map((f) => f.summary)).toEqual(['FC05 coil 7 off', 'FC01 coils 7+1', 'FC0F coils 1+2', 'FC01 coils 1+2']);
    expect(sleeps[1]).toEqual({ ms: 3000, frames: offStart + 2 });
    expect(off[2]!.atMs).toBeGreaterThanOrEqual(off[0]!.atMs);
    expect(sim.onChannels()).toEqual([]);
  });

  it('a timed switch goes out at its time — zones at atMs, the amplifier at amplifierAtMs — and a cancelled one never does', async () => {
    const sched = schedule({
      relays: [board('tu-loa', 'modbus-rtu', pair.path)],
      zones: zonesOn('tu-loa', [1, 2]),
      amplifier: { relay: 'tu-loa', channel: 8, warmupMs: 100, cooldownMs: 100 },
    });
    zones = await openZones(sched, { ...FAST, onEvent: (e) => events.push(e) });
    const start = sim.frames.length;
    const atMs = Date.now() + 300;
    const amplifierAtMs = atMs + 200;
    await zones.switchOn(['z1', 'z2'], { atMs, amplifierAtMs });
    const on = sim.frames.slice(start);
    expect(on.map((f) => f.summary)).toEqual(['FC0F coils 0+2', 'FC01 coils 0+2', 'FC05 coil 7 on', 'FC01 coils 7+1']);
    // Never early (how late is for the benchmark to measure).
    expect(on[0]!.atMs).toBeGreaterThanOrEqual(atMs);
    expect(on[2]!.atMs).toBeGreaterThanOrEqual(amplifierAtMs);

    const before = sim.frames.length;
    const waiting = zones.switchOff(['z1', 'z2'], { atMs: Date.now() + 400, ticket: 'het-gio' });
    expect(zones.cancel('het-gio')).toBe(true);
    expect(await waiting).toEqual([]);
    expect(zones.cancel('het-gio')).toBe(false);
    await new Promise((r) => setTimeout(r, 600));
    expect(sim.frames.length).toBe(before);
    expect(sim.onChannels()).toEqual([1, 2, 8]);
  });

  it('reports a read-back mismatch as a fault for that zone only', async () => {
    zones = await openZones(eightZones(), { ...FAST, onEvent: (e) => events.push(e) });
    sim.stuck.add(2);
    const reports = await zones.switchOn(['z1', 'z2']);
    expect(reports.find((r) => r.zone === 'z1')).toMatchObject({ confirmed: 'on' });
    const bad = reports.find((r) => r.zone === 'z2')!;
    expect(bad.confirmed).toBe('mismatch');
    expect(bad.fault?.key).toBe('relay.zone.mismatch');
    expect(bad.fault?.message).toContain('z2');
    expect(events.at(-1)).toMatchObject({ confirmed: 'mismatch', faultKey: 'relay.zone.mismatch', results: [{ zone: 'z1', confirmed: 'on' }, { zone: 'z2', confirmed: 'mismatch' }] });
  });

  it('names board and port when the board never answers', async () => {
    sim.mode = { kind: 'silent' };
    await expectFault(openZones(eightZones(), FAST), 'relay.board.silent');
    expect(sim.frames.length).toBe(2); // first try + one retry
  });

  it('names board and port on garbage replies', async () => {
    sim.mode = { kind: 'garbage' };
    const e = await expectFault(openZones(eightZones(), FAST), 'relay.board.garbage');
    expect(e.message).toContain('13 37');
  });

  it('names board and port on replies with a bad CRC', async () => {
    sim.mode = { kind: 'bad-crc' };
    await expectFault(openZones(eightZones(), FAST), 'relay.board.badCrc');
  });

  it('decodes Modbus exceptions', async () => {
    zones = await openZones(eightZones(), FAST);
    for (const [code, meaning] of [[1, 'illegal function'], [2, 'illegal data address'], [3, 'illegal data value'], [4, 'slave device failure']] as const) {
      sim.mode = { kind: 'exception', code };
      const [report] = await zones.switchOn(['z1']);
      expect(report!.fault?.key).toBe('relay.modbus.exception');
      expect(report!.fault?.message).toContain(meaning);
      expect(report!.fault?.message).toContain(`0${code}`);
    }
  });

  it('gets exception 02 from a board with fewer channels than the schedule says', async () => {
    await sim.close();
    sim = await new ModbusBoardSimulator(pair.boardPath, 4, 1).open();
    const e = await expectFault(openZones(schedule({ relays: [board('tu-loa', 'modbus-rtu', pair.path)], zones: zonesOn('tu-loa', [1, 6]) }), FAST), 'relay.modbus.exception');
    expect(e.message).toContain('illegal data address');
  });

  it('explains a missing port', async () => {
    const sched = schedule({ relays: [board('tu-loa', 'modbus-rtu', `${pair.dir}/ttyUSB9`)], zones: zonesOn('tu-loa', [1]) });
    const e = await openZones(sched, FAST).catch((x: LoaxaError) => x);
    expect(e).toBeInstanceOf(LoaxaError);
    expect((e as LoaxaError).key).toBe('relay.port.missing');
    expect((e as LoaxaError).message).toContain('ttyUSB9');
  });

  it('explains "Cannot lock port" as another program holding the port', async () => {
    const holder = new SerialPort({ path: pair.path, baudRate: 9600, autoOpen: false });
    await new Promise<void>((r, j) => holder.open((e) => (e ? j(e) : r())));
    try {
      const e = await expectFault(openZones(eightZones(), FAST), 'relay.port.locked');
      expect(e.message).toMatch(/another loaxa/);
    } finally {
      await new Promise<void>((r) => holder.close(() => r()));
    }
  });

  it('fails a command cleanly when the port is unplugged in the middle of it', async () => {
    zones = await openZones(eightZones(), { ...FAST, requestTimeoutMs: 3000, onEvent: (e) => events.push(e) });
    sim.mode = { kind: 'silent' };
    const pending = zones.switchOn(['z1']);
    await sim.waitForFrames(sim.frames.length + 1);
    await pair.stop();
    const [report] = await pending;
    expect(report!.confirmed).toBeNull();
    expect(report!.fault?.key).toBe('relay.board.unplugged');
    expect(report!.fault?.message).toContain(pair.path);
    expect(events.some((e) => e.type === 'relay.outage' && !e.endedAt)).toBe(true);
  });

  it('reconnects after an unplug and restores the wanted state', async () => {
    zones = await openZones(eightZones(), { ...FAST, onEvent: (e) => events.push(e) });
    await zones.switchOn(['z1', 'z2', 'z5']);
    await pair.stop();
    await waitFor(() => events.some((e) => e.type === 'relay.outage'), 10_000, 'outage event');
    // While it is gone the engine switches z2 off: that wish must survive the outage too.
    const [offReport] = await zones.switchOff(['z2']);
    expect(offReport!.fault?.key).toBe('relay.board.disconnected');
    sim.powerCycle(); // the board lost power with the cable
    await pair.start();
    await sim.reattach();
    await waitFor(() => sim.onChannels().join() === '1,5', 20_000, 'relays 1 and 5 on again');
    await waitFor(() => events.some((e) => e.type === 'relay.outage' && e.endedAt !== undefined), 10_000, 'outage end');
    const end = events.find((e) => e.type === 'relay.outage' && e.endedAt !== undefined)!;
    expect(end).toMatchObject({ board: 'tu-loa', port: pair.path, zones: ['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7', 'z8'] });
    await waitFor(() => events.some((e) => e.type === 'relay.action' && e.reassert && e.wanted === 'on' && e.confirmed === 'on'), 10_000, 'reassert confirmed');
    const status = await zones.status();
    expect(status.filter((s) => s.state === 'on').map((s) => s.zone)).toEqual(['z1', 'z5']);
  });
});

describe('a board missing when loaxa starts', () => {
  it('fails the open by default, or starts as an outage and catches up when allowed', async () => {
    const late = new PtyPair('late');
    const present = new PtyPair('present');
    await present.start();
    const presentSim = await new ModbusBoardSimulator(present.boardPath, 4).open();
    const events: RelayEvent[] = [];
    const sched = schedule({
      relays: [board('tu-loa', 'modbus-rtu', present.path), board('cho', 'modbus-rtu', late.path)],
      zones: { ...zonesOn('tu-loa', [1], 'ap'), ...zonesOn('cho', [1, 2], 'cho') },
    });
    let ctl: ZoneController | null = null;
    try {
      const refused = await openZones(sched, FAST).catch((e: LoaxaError) => e);
      expect(refused).toMatchObject({ key: 'relay.port.missing', exitCode: 3 });

      ctl = await openZones(sched, { ...FAST, allowMissingBoards: true, onEvent: (e) => events.push(e) });
      expect(events[0]).toMatchObject({ type: 'relay.outage', board: 'cho', port: late.path, zones: ['cho1', 'cho2'] });
      const reports = await ctl.switchOn(['ap1', 'cho2']);
      expect(reports.find((r) => r.zone === 'ap1')).toMatchObject({ confirmed: 'on' });
      expect(reports.find((r) => r.zone === 'cho2')!.fault?.key).toBe('relay.board.disconnected');
      expect(presentSim.onChannels()).toEqual([1]);

      await late.start();
      const lateSim = new ModbusBoardSimulator(late.boardPath, 4);
      lateSim.relays.fill(true); // whatever it was left in, loaxa sets what it wants
      await lateSim.open();
      try {
        await waitFor(() => lateSim.relays[1] === false && lateSim.relays[2] === true, 20_000, 'late board at the wanted state');
        await waitFor(() => events.some((e) => e.type === 'relay.outage' && e.board === 'cho' && e.endedAt !== undefined), 10_000, 'outage end');
      } finally {
        await ctl.close();
        ctl = null;
        await lateSim.close();
      }
    } finally {
      await ctl?.close();
      await presentSim.close();
      await present.dispose();
      await late.dispose();
    }
  });
});
