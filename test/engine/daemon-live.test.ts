import { afterEach, describe, expect, it } from 'vitest';
import { levelDb, toneTimeline } from '../helpers/audio-analysis.js';
import { join } from 'node:path';
import { runLoaxa } from '../helpers/cli.js';
import { TONES, coilAt, liveStation, spawnDaemon, until, type LiveStation } from './live.js';

let station: LiveStation | null = null;
afterEach(async () => {
  await station?.cleanup();
  station = null;
});

describe('loaxa run — a live slot end to end (real feed, pty relay board, ffmpeg, SQLite)', () => {
  it('switches zones then amplifier before the start, airs the feed with the bulletin inserted, amplifier off first at the end, and journals the slot as aired', async () => {
    station = await liveStation(11, [
      { id: 'thoi-su', duration: '10s', source: 'tinh', required: true, inserts: [{ bulletin: 'tin-vi', at: '4s', mode: 'insert' }] },
    ]);
    const s = station;
    const endMs = s.startMs + 10_000;
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((endMs - Date.now()) / 1000) + 5}s`]);
    await daemon.waitFor('control socket');

    // While it waits: `loaxa status` answers through the socket.
    const st = await runLoaxa(['status', s.file]);
    expect(st.code, st.stderr).toBe(0);
    expect(st.stdout).toContain('Next: thoi-su@');

    // On air: status shows it.
    await until(s.startMs + 2000);
    const onAir = await runLoaxa(['status', s.file, '--json']);
    expect(JSON.parse(onAir.stdout).onAir[0]).toMatchObject({ program: 'thoi-su', state: 'on-air' });

    const code = await daemon.exited;
    expect(code, daemon.output()).toBe(0);

    // Relays, from the simulator's own frame log: every frame had a good CRC; zones (coils 0, 1)
    // close before the amplifier (coil 7) powers up ~1 s (warm-up) before the start; the
    // amplifier opens first at the end and the zones after the 1 s cool-down.
    const frames = s.board.frames;
    expect(frames.every((f) => f.valid)).toBe(true);
    const zonesOn = coilAt(s.board, 0, true)!;
    const ampOn = coilAt(s.board, 7, true)!;
    const ampOff = coilAt(s.board, 7, false, ampOn)!;
    const zonesOff = coilAt(s.board, 0, false, ampOn)!;
    expect(zonesOn).toBeLessThanOrEqual(ampOn);
    expect(ampOn).toBeLessThan(s.startMs);
    expect(ampOn).toBeGreaterThan(s.startMs - 2500);
    expect(ampOff).toBeGreaterThanOrEqual(endMs - 100);
    expect(zonesOff).toBeGreaterThan(ampOff + 800);
    expect(coilAt(s.board, 1, true)).not.toBeNull();
    expect(s.board.onChannels()).toEqual([]);

    // The off-air recording: feed tone, then the bulletin with the feed paused, then the feed.
    const [rec] = s.recordings();
    expect(rec).toBeDefined();
    const timeline = await toneTimeline(rec!, TONES, 10, 1);
    expect(await levelDb(rec!, 1, 2, TONES.feed), timeline.join(' ')).toBeGreaterThan(-40);
    expect(await levelDb(rec!, 4.5, 1, TONES.bulletin), timeline.join(' ')).toBeGreaterThan(-40);
    expect(await levelDb(rec!, 4.5, 1, TONES.feed), timeline.join(' ')).toBeLessThan(-50);
    expect(await levelDb(rec!, 7.5, 2, TONES.feed), timeline.join(' ')).toBeGreaterThan(-40);

    // The journal: planned, armed, result aired; the insert and recording recorded.
    const types = s.events().map((e) => e.type);
    for (const t of ['station.start', 'clock.status', 'schedule.loaded', 'day.planned', 'slot.armed', 'relay.action', 'feed.connected', 'insert.played', 'recording.saved', 'slot.result', 'station.stop']) {
      expect(types, t).toContain(t);
    }
    expect(types.indexOf('slot.armed')).toBeLessThan(types.indexOf('slot.result'));
    const result = s.events('slot.result')[0]!.payload;
    expect(result).toMatchObject({ program: 'thoi-su', status: 'aired', secondsRequired: 10, required: true });
    expect(result.secondsAired).toBeGreaterThan(9);
    expect(result.lateMs).toBeLessThan(2000);
  });

  it('emergency: `loaxa play … --priority emergency` goes through the socket and pre-empts the slot on air at once', async () => {
    station = await liveStation(11, [{ id: 'chuong-trinh', duration: '16s', source: 'tinh' }]);
    const s = station;
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 16_000 - Date.now()) / 1000) + 5}s`]);
    await daemon.waitFor('control socket');
    await until(s.startMs + 3000);
    const played = await runLoaxa(['play', s.file, 'tin-vi', '--priority', 'emergency', '--user', 'can-bo-vh']);
    expect(played.code, played.stdout + played.stderr).toBe(0);
    expect(played.stdout).toContain('chuong-trinh@');
    const code = await daemon.exited;
    expect(code, daemon.output()).toBe(0);

    const em = s.events('emergency.broadcast')[0]!;
    expect(em.payload).toMatchObject({ bulletin: 'tin-vi', language: 'vi', zones: ['ap-1', 'ap-2'], user: 'can-bo-vh' });
    expect(em.payload.preempted[0]).toMatch(/^chuong-trinh@/);
    expect(em.atMs - s.startMs).toBeLessThan(6000);
    const result = s.events('slot.result')[0]!.payload;
    expect(['partial', 'preempted']).toContain(result.status);
    expect(result.reasons.join(' ')).toMatch(/pre-empted by emergency bulletin tin-vi/);
    // The emergency bulletin aired (its own insert.played / recording).
    const inserts = s.events('insert.played').map((e) => e.payload.bulletin);
    expect(inserts).toContain('tin-vi');
    // The inspector's report of the day: the emergency with who sent it and what it pre-empted,
    // the operator's command on record, the slot as the daemon closed it.
    const r = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', result.date, '--to', result.date, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const day = JSON.parse(r.stdout).stations[0].days[0];
    expect(day.emergencies).toEqual([expect.objectContaining({ bulletin: 'tin-vi', language: 'vi', user: 'can-bo-vh', preempted: em.payload.preempted })]);
    expect(day.operatorActions.map((a: { user: string }) => a.user)).toContain('can-bo-vh');
    expect(day.slots.find((x: { slot: string }) => x.slot === result.slot).status).toBe(result.status);
    expect(day.languages.vi.plays).toBe(inserts.filter((b) => b === 'tin-vi').length);
    // The daemon's reasons, written in English, read in Vietnamese in a Vietnamese report.
    const csv = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', result.date, '--to', result.date, '--format', 'csv', '--lang', 'vi']);
    expect(csv.code, csv.stderr).toBe(0);
    const row = csv.stdout.split('\r\n').find((l) => l.includes(result.slot))!;
    expect(row).toContain('bị bản tin khẩn cấp tin-vi (can-bo-vh) ngắt lúc');
    expect(row).not.toContain('pre-empted by');
  });
});
