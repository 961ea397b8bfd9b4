import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openZones, type RelayEvent, type ZoneController } from '../../src/relay/index.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { LcusBoardSimulator, NumatoBoardSimulator, PtyPair, waitFor } from '../helpers/boards/index.js';
import { FAST, board, schedule, zonesOn } from './fixtures.js';

let pair: PtyPair;
let zones: ZoneController | null = null;
const events: RelayEvent[] = [];

beforeEach(async () => {
  pair = new PtyPair('usb');
  await pair.start();
  events.length = 0;
});

afterEach(async () => {
  await zones?.close();
  zones = null;
  await pair.dispose();
});

describe('LCUS USB relay over a socat pty', () => {
  let sim: LcusBoardSimulator;
  beforeEach(async () => {
    sim = await new LcusBoardSimulator(pair.boardPath, 4).open();
  });
  afterEach(async () => {
    await zones?.close();
    zones = null;
    await sim.close();
  });

  const sched = () =>
    schedule({
      relays: [board('lcus', 'lcus', pair.path)],
      zones: zonesOn('lcus', [1, 2, 3]),
      amplifier: { relay: 'lcus', channel: 4, warmupMs: 10, cooldownMs: 10 },
    });

  it('switches relays with valid frames spaced apart, and says "unconfirmed", never "on"', async () => {
    sim.relays.fill(true);
    zones = await openZones(sched(), { ...FAST, onEvent: (e) => events.push(e) });
    await waitFor(() => sim.frames.length >= 4, 5000, 'safe-state frames');
    expect(sim.onChannels()).toEqual([]);
    // amplifier off first, then the zones
    expect(sim.frames.slice(0, 4).map((f) => f.summary)).toEqual(['ch4 off', 'ch1 off', 'ch2 off', 'ch3 off']);

    const before = sim.frames.length;
    const reports = await zones.switchOn(['z1', 'z3']);
    await waitFor(() => sim.frames.length >= before + 3, 5000, 'switch frames');
    const frames = sim.frames.slice(before);
    expect(frames.map((f) => f.bytes.toString('hex'))).toEqual(['a00101a2', 'a00301a4', 'a00401a5']);
    expect(frames.every((f) => f.valid)).toBe(true);
    // LCUS boards drop commands closer than ~50 ms (lower bound only: a loaded machine is slower, never faster)
    for (let i = 1; i < frames.length; i++) expect(frames[i]!.perfMs - frames[i - 1]!.perfMs).toBeGreaterThanOrEqual(45);
    expect(sim.onChannels()).toEqual([1, 3, 4]);
    expect(reports.map((r) => r.confirmed)).toEqual(['unconfirmed', 'unconfirmed', 'unconfirmed']);
    expect(events.filter((e) => e.type === 'relay.action').every((e) => e.type === 'relay.action' && e.confirmed === 'unconfirmed')).toBe(true);

    const status = await zones.status();
    expect(status.find((s) => s.zone === 'z1')).toMatchObject({ state: 'on', confirmed: false });
    expect(status.find((s) => s.zone === 'z2')).toMatchObject({ state: 'off', confirmed: false });
  });

  it('notices an unplug without any reply to watch, and restores the relays on replug', async () => {
    zones = await openZones(sched(), { ...FAST, onEvent: (e) => events.push(e) });
    await zones.switchOn(['z2']);
    await waitFor(() => sim.onChannels().join() === '2,4', 5000, 'z2 and amplifier on');
    await pair.stop();
    await waitFor(() => events.some((e) => e.type === 'relay.outage'), 10_000, 'outage');
    sim.powerCycle(); // a USB relay loses power with its plug
    await pair.start();
    await sim.reattach();
    await waitFor(() => sim.onChannels().join() === '2,4', 20_000, 'relays restored');
    const restore = sim.frames.filter((f) => f.summary.endsWith(' on')).slice(-2).map((f) => f.summary);
    expect(restore).toEqual(['ch2 on', 'ch4 on']); // zone before amplifier
  });
});

describe('Numato USB relay over a socat pty', () => {
  let sim: NumatoBoardSimulator;
  beforeEach(async () => {
    sim = await new NumatoBoardSimulator(pair.boardPath, 16).open();
  });
  afterEach(async () => {
    await zones?.close();
    zones = null;
    await sim.close();
  });

  const sched = () => schedule({ relays: [board('numato', 'numato', pair.path)], zones: zonesOn('numato', [1, 2, 11, 16]) });

  it('switches with ASCII commands (letters from relay 10) and confirms with relay read', async () => {
    zones = await openZones(sched(), { ...FAST, onEvent: (e) => events.push(e) });
    const before = sim.frames.length;
    const reports = await zones.switchOn(['z1', 'z11', 'z16']);
    expect(sim.frames.slice(before).map((f) => f.summary)).toEqual([
      'relay on 0',
      'relay on A',
      'relay on F',
      'relay read 0',
      'relay read A',
      'relay read F',
    ]);
    expect(sim.onChannels()).toEqual([1, 11, 16]);
    expect(reports.map((r) => r.confirmed)).toEqual(['on', 'on', 'on']);
    const status = await zones.status();
    expect(status.map((s) => `${s.zone}:${s.state}:${s.confirmed}`)).toEqual(['z1:on:true', 'z2:off:true', 'z11:on:true', 'z16:on:true']);
  });

  it('reports a stuck relay as a mismatch', async () => {
    zones = await openZones(sched(), FAST);
    sim.stuck.add(2);
    const [report] = await zones.switchOn(['z2']);
    expect(report).toMatchObject({ confirmed: 'mismatch' });
    expect(report!.fault?.key).toBe('relay.zone.mismatch');
  });

  it('names board and port when the board is silent or talks garbage', async () => {
    sim.mode = { kind: 'silent' };
    const silent = await openZones(sched(), FAST).catch((e: LoaxaError) => e);
    expect(silent).toBeInstanceOf(LoaxaError);
    expect((silent as LoaxaError).key).toBe('relay.board.silent');
    expect((silent as LoaxaError).message).toContain(pair.path);
    sim.mode = { kind: 'garbage' };
    const garbage = await openZones(sched(), FAST).catch((e: LoaxaError) => e);
    expect((garbage as LoaxaError).key).toBe('relay.board.garbage');
    expect((garbage as LoaxaError).exitCode).toBe(3);
  });
});

describe('zones on several boards', () => {
  it('switches each board, with the amplifier on its own board last', async () => {
    const pair2 = new PtyPair('amp');
    await pair2.start();
    const numato = await new NumatoBoardSimulator(pair.boardPath, 8).open();
    const lcus = await new LcusBoardSimulator(pair2.boardPath, 1).open();
    try {
      const sched = schedule({
        relays: [board('numato', 'numato', pair.path), board('amp', 'lcus', pair2.path)],
        zones: zonesOn('numato', [1, 2]),
        amplifier: { relay: 'amp', channel: 1, warmupMs: 0, cooldownMs: 0 },
      });
      zones = await openZones(sched, { ...FAST, onEvent: (e) => events.push(e) });
      events.length = 0;
      await zones.switchOn(['all']);
      expect(events.map((e) => (e.type === 'relay.action' ? `${e.board}:${e.wanted}` : e.type))).toEqual(['numato:on', 'amp:on']);
      expect(numato.onChannels()).toEqual([1, 2]);
      await waitFor(() => lcus.relays[1] === true, 5000, 'amplifier on');
      const ampOnAt = lcus.frames.at(-1)!.atMs;
      const zonesOnAt = numato.frames.filter((f) => f.summary.startsWith('relay on')).at(-1)!.atMs;
      expect(ampOnAt).toBeGreaterThanOrEqual(zonesOnAt);
      events.length = 0;
      await zones.allOff();
      expect(events.map((e) => (e.type === 'relay.action' ? `${e.board}:${e.wanted}` : e.type))).toEqual(['amp:off', 'numato:off']);
      expect(zones.zonesOn()).toEqual([]);
    } finally {
      await zones?.close();
      zones = null;
      await numato.close();
      await lcus.close();
      await pair2.dispose();
    }
  });

  it('rejects unknown zones and bad wiring as invalid input', async () => {
    const sched = schedule({ relays: [board('b', 'numato', pair.path)], zones: zonesOn('nope', [1]) });
    const e = await openZones(sched, FAST).catch((x: LoaxaError) => x);
    expect(e).toMatchObject({ key: 'relay.zone.noBoard', exitCode: 1 });
    const bad = schedule({ relays: [board('b', 'lcus', pair.path)], zones: zonesOn('b', [9]) });
    expect(await openZones(bad, FAST).catch((x: LoaxaError) => x)).toMatchObject({ key: 'relay.channel.invalid', exitCode: 1 });
    const sim = await new NumatoBoardSimulator(pair.boardPath, 8).open();
    try {
      zones = await openZones(schedule({ relays: [board('b', 'numato', pair.path)], zones: zonesOn('b', [1]) }), FAST);
      await expect(zones.switchOn(['z9'])).rejects.toThrow(/unknown zone "z9"/);
    } finally {
      await zones?.close();
      zones = null;
      await sim.close();
    }
  });
});
