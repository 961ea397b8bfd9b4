import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Engine, FakeClock } from '../../src/engine/index.js';
import { openJournal, slotReason, type Journal } from '../../src/journal/index.js';
import { expand, loadSchedule, localDate, localIso, zonedTimeToEpoch } from '../../src/schedule/index.js';
import type { Schedule } from '../../src/schedule/types.js';
import type { EventPayloads, JournalEvent } from '../../src/journal/events.js';
import { tempDir } from '../helpers/cli.js';
import { LoggingAudio, LoggingRelays, writeStation, type ProgramSpec } from './station.js';

const TZ = 'Asia/Ho_Chi_Minh';
const at = (hhmmss: string) => Date.parse(`2026-12-01T${hhmmss}+07:00`);

interface Rig {
  clock: FakeClock;
  schedule: Schedule;
  journal: Journal;
  relays: LoggingRelays;
  audio: LoggingAudio;
  engine: Engine;
  logs: string[];
  sealed: string[];
  events: <T extends keyof EventPayloads>(type: T) => Array<JournalEvent<T>>;
}

let tmp: { dir: string; cleanup: () => void };
const rigs: Rig[] = [];
beforeEach(() => {
  tmp = tempDir('loaxa-engine-');
});
afterEach(() => {
  for (const r of rigs.splice(0)) {
    try {
      r.journal.close();
    } catch {
      // already closed
    }
  }
  tmp.cleanup();
});

async function rig(programs: ProgramSpec[], startAt: number, opts: { journal?: Journal; warmup?: string; cooldown?: string } = {}): Promise<Rig> {
  const file = writeStation(tmp.dir, programs, { warmup: opts.warmup, cooldown: opts.cooldown });
  const schedule = await loadSchedule(file);
  const clock = new FakeClock(startAt);
  const journal = opts.journal ?? openJournal(schedule.journalPath, { station: schedule.station.id, timezone: TZ, now: () => clock.now() });
  const relays = new LoggingRelays(clock, () => schedule);
  const audio = new LoggingAudio(clock);
  const logs: string[] = [];
  const sealed: string[] = [];
  const engine = new Engine({
    clock,
    journal: {
      append: (type, payload, atMs) => journal.append(type, payload, atMs),
      events: (q) => journal.events(q),
      sealDay: (date) => void sealed.push(date),
      close: () => journal.close(),
      reason: slotReason,
    },
    relays,
    audio,
    planner: { expand, localIso, localDate, zonedTimeToEpoch },
    schedule,
    log: (level, key, params) => logs.push(`${level} ${key} ${JSON.stringify(params ?? {})}`),
    prerollMs: 8000,
    zoneLeadMs: 200,
  });
  const r: Rig = {
    clock,
    schedule,
    journal,
    relays,
    audio,
    engine,
    logs,
    sealed,
    events: (type) => journal.events({ types: [type] }) as never,
  };
  rigs.push(r);
  return r;
}

describe('slot state machine (fake clock)', () => {
  it('runs a slot: pre-roll, zones then amplifier before the start, audio on the second, amplifier off at the end, zones after cool-down', async () => {
    const r = await rig([{ id: 'tin-sang', at: '05:30', duration: '2m', source: 'tinh', required: true }], at('05:29:00'));
    await r.engine.start();
    expect(r.events('day.planned')[0]!.payload.slots.map((s) => s.slot)).toEqual(['tin-sang@2026-12-01T05:30:00']);
    await r.clock.advanceTo(at('05:33:00'));

    const start = at('05:30:00');
    const end = at('05:32:00');
    // Pre-roll: armed and the feed connected 8 s ahead.
    const armed = r.events('slot.armed');
    expect(armed).toHaveLength(1);
    expect(armed[0]!.atMs).toBe(start - 8000);
    expect(r.audio.airings[0]!.prerolledAt).toBe(start - 8000);
    // Relays: zones 200 ms before the amplifier, the amplifier `warmup` (2 s) before the start.
    expect(r.relays.calls.map((c) => [c.op, c.at - start])).toEqual([
      ['zones-on', -2200],
      ['amp-on', -2000],
      ['amp-off', 0 + 120_000],
      ['zones-off', 1000 + 120_000],
    ]);
    // Audio on the scheduled second, for the whole window.
    expect(r.audio.airings[0]!.startedAt).toBe(start);
    expect(r.audio.airings[0]!.req.startAtMs).toBe(start);
    expect(r.audio.airings[0]!.req.durationMs).toBe(end - start);
    const result = r.events('slot.result');
    expect(result).toHaveLength(1);
    expect(result[0]!.payload).toMatchObject({ slot: 'tin-sang@2026-12-01T05:30:00', status: 'aired', secondsRequired: 120, secondsAired: 120, lateMs: 0, required: true });
    // The feed event from the audio side is journalled with the slot.
    expect(r.events('feed.connected')[0]!.payload).toMatchObject({ slot: 'tin-sang@2026-12-01T05:30:00', source: 'tinh' });
  });

  it('joins a slot late at the wall-clock position and records how late; passed inserts are skipped with a reason', async () => {
    const r = await rig(
      [{ id: 'tin', at: '05:30', duration: '5m', source: 'tinh', required: true, inserts: [{ bulletin: 'tin-vi', at: '10s', mode: 'duck' }, { bulletin: 'tin-km', at: '3m', mode: 'insert' }] }],
      at('05:31:00'),
    );
    await r.engine.start();
    await r.clock.advanceTo(at('05:36:00'));
    const air = r.audio.airings[0]!;
    // Joining needs the amplifier's warm-up (2 s) plus the zone lead: audio 2.5 s after "now" (join lead).
    expect(air.req.startAtMs).toBe(at('05:31:00') + 2500);
    // The 3-minute insert is still ahead: its offset is counted from the late start.
    expect(air.req.bulletins).toEqual([expect.objectContaining({ id: 'tin-km', mode: 'insert', offsetMs: 180_000 - 62_500 })]);
    const res = r.events('slot.result')[0]!.payload;
    expect(res.status).toBe('partial');
    expect(res.lateMs).toBe(62_500);
    expect(res.secondsAired).toBeCloseTo(237.5, 1);
    expect(res.reasons.join(' ')).toMatch(/joined late/);
    expect(res.reasons.join(' ')).toMatch(/tin-vi skipped/);
  });

  it('queues a programme behind one on air (on_conflict: queue) and journals the choice', async () => {
    const r = await rig(
      [
        { id: 'a', at: '05:30', duration: '2m', source: 'tinh' },
        { id: 'b', at: '05:31', duration: '1m', source: 'tinh', onConflict: 'queue' },
      ],
      at('05:29:00'),
    );
    await r.engine.start();
    await r.clock.advanceTo(at('05:36:00'));
    const conflict = r.events('conflict.resolved');
    expect(conflict.map((c) => c.payload)).toEqual([{ slot: 'b@2026-12-01T05:31:00', other: 'a@2026-12-01T05:30:00', zones: ['ap-1', 'ap-2'], rule: 'queue' }]);
    const [a, b] = r.audio.airings;
    expect(a!.startedAt).toBe(at('05:30:00'));
    expect(b!.startedAt).toBe(at('05:32:00'));
    const results = Object.fromEntries(r.events('slot.result').map((e) => [e.payload.program, e.payload]));
    expect(results.a!.status).toBe('aired');
    expect(results.b!.lateMs).toBe(60_000);
    expect(results.b!.reasons.join(' ')).toMatch(/queued after a@/);
    // The amplifier stays on through the handover: one on, one off.
    expect(r.relays.calls.filter((c) => c.op === 'amp-on')).toHaveLength(1);
    expect(r.relays.calls.filter((c) => c.op === 'amp-off').map((c) => c.at)).toEqual([at('05:33:00')]);
  });

  it('overwrites a programme on air (on_conflict: overwrite): the first is cut and recorded as pre-empted with its reason', async () => {
    const r = await rig(
      [
        { id: 'a', at: '05:30', duration: '3m', source: 'tinh' },
        { id: 'b', at: '05:31', duration: '1m', source: 'tinh', onConflict: 'overwrite' },
      ],
      at('05:29:00'),
    );
    await r.engine.start();
    await r.clock.advanceTo(at('05:36:00'));
    expect(r.events('conflict.resolved')[0]!.payload.rule).toBe('overwrite');
    const [a, b] = r.audio.airings;
    expect(a!.stoppedAt).toBe(at('05:31:00'));
    expect(a!.fadeMs).toBeGreaterThan(0);
    expect(b!.startedAt).toBe(at('05:31:00'));
    const results = Object.fromEntries(r.events('slot.result').map((e) => [e.payload.program, e.payload]));
    expect(results.a).toMatchObject({ status: 'preempted', secondsAired: 60 });
    expect(results.a!.reasons.join(' ')).toMatch(/overwritten by b@/);
    expect(results.b).toMatchObject({ status: 'aired', secondsAired: 60 });
  });

  it('emergency pre-empts at once, then the programme resumes and is recorded as partial with the reason', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh', required: true }], at('05:29:00'));
    await r.engine.start();
    await r.clock.advanceTo(at('05:30:30'));
    const reply = await r.engine.play({ bulletin: 'tin-vi', priority: 'emergency', user: 'can-bo' });
    expect(reply.preempted).toEqual(['a@2026-12-01T05:30:00']);
    await r.clock.advanceTo(at('05:35:00'));
    const em = r.events('emergency.broadcast');
    expect(em[0]!.payload).toMatchObject({ bulletin: 'tin-vi', user: 'can-bo', preempted: ['a@2026-12-01T05:30:00'], zones: ['ap-1', 'ap-2'] });
    expect(r.events('operator.action')[0]!.payload).toMatchObject({ user: 'can-bo', command: 'play' });
    const [first, emergency, resumed] = r.audio.airings;
    expect(first!.stoppedAt).toBe(at('05:30:30'));
    expect(emergency!.req.bulletins).toEqual([expect.objectContaining({ id: 'tin-vi', mode: 'alone', offsetMs: 0 })]);
    expect(emergency!.startedAt! - at('05:30:30')).toBeLessThan(1000);
    expect(resumed!.startedAt).toBeGreaterThan(emergency!.stoppedAt!);
    expect(resumed!.req.startAtMs + resumed!.req.durationMs).toBe(at('05:32:00'));
    const res = r.events('slot.result')[0]!.payload;
    expect(res.status).toBe('partial');
    expect(res.reasons.join(' ')).toMatch(/pre-empted by emergency bulletin tin-vi \(can-bo\)/);
    // The amplifier was not cycled during the emergency handover.
    expect(r.relays.calls.filter((c) => c.op === 'amp-off').map((c) => c.at)).toEqual([at('05:32:00')]);
  });

  it('an emergency in the last moment of a programme, after its switch-off was handed to the relays, keeps the speakers on until it ends', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh', required: true }], at('05:29:00'));
    await r.engine.start();
    // The amplifier-off for 05:32:00 goes to the relay side 250 ms ahead; the emergency comes after that.
    await r.clock.advanceTo(at('05:31:59.900'));
    await r.engine.play({ bulletin: 'tin-vi', priority: 'emergency', user: 'can-bo' });
    await r.clock.advanceTo(at('05:40:00'));
    const emergency = r.audio.airings.find((a) => a.req.bulletins.some((b) => b.mode === 'alone'))!;
    expect(emergency.startedAt).toBeGreaterThan(at('05:32:00'));
    const offs = r.relays.calls.filter((c) => c.op === 'amp-off' || c.op === 'zones-off');
    expect(offs.length).toBeGreaterThan(0);
    for (const c of offs) expect(c.at).toBeGreaterThanOrEqual(emergency.stoppedAt!);
    expect(r.relays.on.size).toBe(0);
  });

  it('a programme stopped while its timed switch-on waits never switches the relays on', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh' }], at('05:29:00'));
    await r.engine.start();
    // Zones are due at 05:29:57.800 (2 s warm-up + 200 ms lead), handed over 250 ms before.
    await r.clock.advanceTo(at('05:29:57.700'));
    const stopped = r.engine.stop('SIGTERM');
    await r.clock.advance(10_000);
    await stopped;
    expect(r.relays.calls.map((c) => c.op)).not.toContain('zones-on');
    expect(r.relays.calls.map((c) => c.op)).not.toContain('amp-on');
    expect(r.relays.on.size).toBe(0);
  });

  it('a short emergency during a programme’s pre-roll does not make it start early or late: it starts on its second', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '1m', source: 'tinh' }], at('05:29:00'));
    r.audio.mediaMs = 2000;
    await r.engine.start();
    await r.clock.advanceTo(at('05:29:52.500'));
    const reply = await r.engine.play({ bulletin: 'tin-vi', priority: 'emergency', user: 'can-bo' });
    expect(reply.preempted).toEqual(['a@2026-12-01T05:30:00']);
    await r.clock.advanceTo(at('05:32:00'));
    const programme = r.audio.airings.filter((a) => a.req.program === 'a');
    expect(programme.at(-1)!.startedAt).toBe(at('05:30:00'));
    expect(r.events('slot.result')[0]!.payload.secondsAired).toBe(60);
  });

  it('queues a priority bulletin into the next programme, first', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh' }], at('05:20:00'));
    await r.engine.start();
    const reply = await r.engine.play({ bulletin: 'tin-km', priority: 'priority', user: 'can-bo' });
    expect(reply.queued).toBe(true);
    expect(r.engine.status().queued).toEqual([{ bulletin: 'tin-km', priority: 'priority', user: 'can-bo' }]);
    await r.clock.advanceTo(at('05:33:00'));
    expect(r.audio.airings[0]!.req.bulletins[0]).toMatchObject({ id: 'tin-km', mode: 'insert', offsetMs: 0 });
  });

  it('refuses to play an unknown bulletin with a catalogue error', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh' }], at('05:20:00'));
    await r.engine.start();
    await expect(r.engine.play({ bulletin: 'khong-co', priority: 'emergency', user: 'x' })).rejects.toMatchObject({ key: 'engine.play.unknownBulletin', exitCode: 1 });
  });

  it('on stop (SIGTERM) closes the slot on air as interrupted, switches everything off and journals station.stop', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh', required: true }], at('05:29:00'));
    await r.engine.start();
    await r.clock.advanceTo(at('05:31:00'));
    const stopped = r.engine.stop('SIGTERM');
    await r.clock.advance(10_000); // cool-down runs on the clock
    await stopped;
    const res = r.events('slot.result')[0]!.payload;
    expect(res).toMatchObject({ status: 'interrupted', secondsAired: 60 });
    expect(res.reasons.join(' ')).toMatch(/station stopped \(SIGTERM\)/);
    expect(r.audio.airings[0]!.fadeMs).toBeGreaterThan(0);
    expect(r.relays.calls.map((c) => c.op)).toEqual(['zones-on', 'amp-on', 'amp-off', 'zones-off', 'all-off']);
    expect(r.events('station.stop')[0]!.payload.reason).toBe('SIGTERM');
  });

  it('after a crash: the open slot is closed as interrupted, relays reset, and the slot resumes inside its window', async () => {
    const r1 = await rig([{ id: 'a', at: '05:30', duration: '5m', source: 'tinh', required: true }], at('05:29:00'));
    await r1.engine.start();
    await r1.clock.advanceTo(at('05:31:00'));
    // The process dies here (no stop). A new one starts 20 s later on the same journal.
    const r2 = await rig([{ id: 'a', at: '05:30', duration: '5m', source: 'tinh', required: true }], at('05:31:20'), { journal: r1.journal });
    await r2.engine.start();
    await r2.clock.advanceTo(at('05:40:00'));
    const recovery = r2.events('recovery').map((e) => e.payload);
    expect(recovery.map((p) => p.action)).toEqual(['closed-interrupted', 'relays-reset', 'resumed']);
    expect(r2.relays.calls[0]!.op).toBe('all-off');
    const results = r2.events('slot.result').map((e) => e.payload);
    expect(results[0]).toMatchObject({ slot: 'a@2026-12-01T05:30:00', status: 'interrupted' });
    expect(results[0]!.reasons[0]).toMatch(/crash or power loss/);
    expect(results[1]).toMatchObject({ slot: 'a@2026-12-01T05:30:00', status: 'partial', resumed: true });
    expect(results[1]!.lateMs).toBe(at('05:31:20') + 2500 - at('05:30:00'));
    expect(r2.audio.airings[0]!.req.startAtMs + r2.audio.airings[0]!.req.durationMs).toBe(at('05:35:00'));
  });

  it('does not air again a slot that already has its result (restart after a clean stop)', async () => {
    const r1 = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh' }], at('05:29:00'));
    await r1.engine.start();
    await r1.clock.advanceTo(at('05:32:30'));
    // A clean stop after the slot ended: its result stands, a restart must not air it again.
    const stopped = r1.engine.stop('SIGTERM');
    await r1.clock.advance(10_000);
    await stopped;
    const r2 = await rig([{ id: 'a', at: '05:30', duration: '2m', source: 'tinh' }], at('05:33:00'), { journal: r1.journal });
    await r2.engine.start();
    await r2.clock.advanceTo(at('05:40:00'));
    expect(r1.events('slot.result').map((e) => e.payload.status)).toEqual(['aired']);
    expect(r2.audio.airings).toHaveLength(0);
  });

  it('at local midnight plans the new day and seals the previous one', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '1m', source: 'tinh' }], at('23:59:00'));
    await r.engine.start();
    await r.clock.advanceTo(Date.parse('2026-12-02T00:00:05+07:00'));
    expect(r.events('day.planned').map((e) => e.payload.date)).toEqual(['2026-12-01', '2026-12-02']);
    expect(r.sealed).toEqual(['2026-12-01']);
  });

  it('hot reload: a valid edit re-plans (new slot armed), a rejected one is journalled and the old plan keeps running', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '1m', source: 'tinh' }], at('05:00:00'));
    await r.engine.start();
    const file = writeStation(tmp.dir, [
      { id: 'a', at: '05:30', duration: '1m', source: 'tinh' },
      { id: 'b', at: '05:40', duration: '1m', source: 'tinh' },
    ]);
    r.engine.reload(await loadSchedule(file));
    expect(r.engine.status().next!.slot).toBe('a@2026-12-01T05:30:00');
    r.engine.rejected(file, 'abc', ['lich.yaml:3:5: bad']);
    await r.clock.advanceTo(at('05:45:00'));
    expect(r.audio.airings.map((a) => a.req.slotId)).toEqual(['a@2026-12-01T05:30:00', 'b@2026-12-01T05:40:00']);
    expect(r.events('schedule.loaded')).toHaveLength(2);
    expect(r.events('schedule.rejected')[0]!.payload.errors).toEqual(['lich.yaml:3:5: bad']);
    expect(r.engine.status().faults[0]!.type).toBe('schedule.rejected');
  });

  it('a feed that dies mid-slot leaves the slot partial with the fallback seconds and the reason', async () => {
    const r = await rig([{ id: 'a', at: '05:30', duration: '1m', source: 'tinh', required: true }], at('05:29:00'));
    r.audio.fallbackSeconds.set('a@2026-12-01T05:30:00', 20);
    await r.engine.start();
    await r.clock.advanceTo(at('05:32:00'));
    const res = r.events('slot.result')[0]!.payload;
    expect(res).toMatchObject({ status: 'partial', secondsFallback: 20 });
    expect(res.reasons.join(' ')).toMatch(/feed lost/);
    expect(r.events('fallback.started')[0]!.payload).toMatchObject({ slot: 'a@2026-12-01T05:30:00', reason: 'feed-lost' });
  });
});

describe('system clock', () => {
  it('fires timers in time order, including ones far apart and ones already due', async () => {
    const { SystemClock } = await import('../../src/engine/index.js');
    const clock = new SystemClock(50);
    const fired: string[] = [];
    const now = clock.now();
    await new Promise<void>((resolve) => {
      clock.setTimer(now + 120, () => fired.push('c'));
      clock.setTimer(now + 30, () => fired.push('b'));
      clock.setTimer(now - 5, () => fired.push('a'));
      const cancelled = clock.setTimer(now + 60, () => fired.push('x'));
      cancelled.cancel();
      clock.setTimer(now + 150, () => resolve());
    });
    expect(fired).toEqual(['a', 'b', 'c']);
    expect(clock.now()).toBeGreaterThanOrEqual(now + 150);
    clock.dispose();
  });
});

