import { afterEach, describe, expect, it } from 'vitest';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { levelDb } from '../helpers/audio-analysis.js';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { TONES, coilAt, liveStation, spawnDaemon, until, type LiveStation } from './live.js';
import { writeStation } from './station.js';

let station: LiveStation | null = null;
afterEach(async () => {
  await station?.cleanup();
  station = null;
});

describe('loaxa run — lifecycle', () => {
  it('SIGKILL mid-slot, then a restart: the open slot is closed as interrupted, relays reset, and it resumes at the wall-clock position', async () => {
    station = await liveStation(11, [{ id: 'thoi-su', duration: '20s', source: 'tinh', required: true }]);
    const s = station;
    const first = spawnDaemon(s.file);
    await first.waitFor('control socket');
    await until(s.startMs + 3000);
    first.child.kill('SIGKILL');
    await first.exited;
    // The amplifier and zones were on; the relay process saw the daemon go and leaves the
    // speakers in the safe state (how soon depends on the machine's load: waited for, not raced).
    expect(coilAt(s.board, 7, true)).not.toBeNull();
    const killedAt = Date.now();
    while (s.board.onChannels().length > 0 && Date.now() - killedAt < 5000) await new Promise((r) => setTimeout(r, 50));
    expect(s.board.onChannels()).toEqual([]);
    const framesBefore = s.board.frames.length;

    const second = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 20_000 - Date.now()) / 1000) + 5}s`]);
    expect(await second.exited, second.output()).toBe(0);

    const recovery = s.events('recovery').map((e) => e.payload);
    expect(recovery.map((r) => r.action)).toEqual(['closed-interrupted', 'relays-reset', 'resumed']);
    const results = s.events('slot.result').map((e) => e.payload);
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({ program: 'thoi-su', status: 'interrupted' });
    expect(results[1]).toMatchObject({ program: 'thoi-su', status: 'partial', resumed: true });
    expect(results[1]!.lateMs).toBeGreaterThan(3000);
    expect(results[1]!.secondsAired).toBeGreaterThan(5);
    // The inspector's report: one slot, the two parts counted together (the seconds before the
    // crash are not known for sure: not counted), the crash among its reasons.
    const r = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', results[0]!.date, '--to', results[0]!.date, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const slots = JSON.parse(r.stdout).stations[0].days[0].slots as Array<{ status: string; secondsAired: number; reasons: string[] }>;
    expect(slots).toHaveLength(1);
    expect(slots[0]).toMatchObject({ status: 'partial', secondsAired: results[1]!.secondsAired });
    expect(slots[0]!.reasons.join(' ')).toMatch(/daemon stopped without closing the slot/);
    const vi = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', results[0]!.date, '--to', results[0]!.date, '--format', 'csv', '--lang', 'vi']);
    expect(vi.stdout).toContain('phần mềm dừng khi chưa đóng khung giờ (treo máy hoặc mất điện)');
    // And the officer's own day view.
    const log = await runLoaxa(['log', s.file, '--date', results[0]!.date, '--lang', 'vi']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stdout).toContain('phần mềm dừng khi chưa đóng khung giờ');
    // Relays: the restart switched everything off (known state), then on again for the resumed slot.
    const restartFrames = s.board.frames.slice(framesBefore);
    expect(restartFrames.length).toBeGreaterThan(0);
    const t0 = restartFrames[0]!.atMs;
    expect(coilAt(s.board, 7, false, t0)).not.toBeNull();
    expect(coilAt(s.board, 7, true, coilAt(s.board, 7, false, t0)!)).not.toBeNull();
    expect(s.board.onChannels()).toEqual([]);
  });

  it('a broken edit while running is rejected, a valid one re-plans; SIGTERM mid-slot closes the slot as interrupted, relays off, exit 0', async () => {
    station = await liveStation(18, [{ id: 'thoi-su', duration: '20s', source: 'tinh', required: true }]);
    const s = station;
    const daemon = spawnDaemon(s.file);
    await daemon.waitFor('control socket');
    writeFileSync(s.file, 'station:\n  id: xa-thu\n  timezone: Mars/Olympus\nprograms: [\n');
    await daemon.waitFor('keeping the last good schedule');
    expect(daemon.output()).toMatch(/lich\.yaml:\d+:\d+/);
    // A valid edit before the pre-roll: the slot is re-planned with its new length.
    s.rewrite([{ id: 'thoi-su', duration: '18s', source: 'tinh', required: true }]);
    await daemon.waitFor('schedule reloaded');
    expect(Date.now()).toBeLessThan(s.startMs - 8000);
    await until(s.startMs + 4000);
    daemon.child.kill('SIGTERM');
    expect(await daemon.exited, daemon.output()).toBe(0);

    const rejected = s.events('schedule.rejected')[0]!.payload;
    expect(rejected.errors.length).toBeGreaterThan(0);
    expect(s.events('schedule.loaded')).toHaveLength(2);
    const result = s.events('slot.result')[0]!.payload;
    expect(result.status).toBe('interrupted');
    expect(result.secondsRequired).toBe(18);
    expect(result.secondsAired).toBeGreaterThan(2);
    expect(result.reasons.join(' ')).toMatch(/SIGTERM/);
    expect(s.events('station.stop')[0]!.payload.reason).toBe('SIGTERM');
    expect(s.board.onChannels()).toEqual([]);
    const [rec] = s.recordings();
    expect(await levelDb(rec!, 1, 2, TONES.feed)).toBeGreaterThan(-40);
  });
});

describe('loaxa service install / status without a daemon', () => {
  it('writes a systemd unit with absolute paths, Restart=always and the dialout/audio groups, and says how to enable it', async () => {
    const tmp = tempDir();
    try {
      const file = writeStation(tmp.dir, [{ id: 'a', at: '05:30', duration: '10m', source: 'tinh' }]);
      const unit = join(tmp.dir, 'loaxa-xa-thu.service');
      const r = await runLoaxa(['service', 'install', file, '--user', 'loaxa', '--output', unit]);
      expect(r.code, r.stderr).toBe(0);
      const text = (await import('node:fs')).readFileSync(unit, 'utf8');
      expect(text).toContain('Restart=always');
      expect(text).toContain('SupplementaryGroups=dialout audio');
      expect(text).toContain(`WorkingDirectory=${tmp.dir}`);
      expect(text).toMatch(new RegExp(`^ExecStart=/\\S+node \\S+/bin/loaxa run ${file.replace(/[.]/g, '\\.')}$`, 'm'));
      expect(text).toContain('User=loaxa');
      expect(r.stdout).toContain('systemctl daemon-reload && sudo systemctl enable --now loaxa-xa-thu.service');
      const vi = await runLoaxa(['--lang', 'vi', 'service', 'install', file, '--output', unit]);
      expect(vi.code, vi.stderr).toBe(0);
      expect(vi.stdout).toContain('Để chạy ngay');
      expect(statSync(unit).mode & 0o777).toBe(0o644);
      // status with no daemon: says so (exit 3) and shows the next planned slot.
      const st = await runLoaxa(['status', file]);
      expect(st.code).toBe(3);
      expect(st.stderr).toContain('no loaxa daemon is running');
      expect(st.stdout).toContain('Next in the plan: a@');
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses a bad --for with a usage error and no stack trace', async () => {
    const tmp = tempDir();
    try {
      const file = writeStation(tmp.dir, [{ id: 'a', at: '05:30', duration: '10m', source: 'tinh' }]);
      const r = await runLoaxa(['run', file, '--for', 'soon']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('invalid --for "soon"');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    } finally {
      tmp.cleanup();
    }
  });
});

