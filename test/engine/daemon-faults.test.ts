import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runLoaxa } from '../helpers/cli.js';
import { t } from '../../src/i18n/index.js';
import { describeEvent, parseReasonDetail, reasonDetailText } from '../../src/journal/index.js';
import { levelDb, toneTimeline } from '../helpers/audio-analysis.js';
import { TONES, coilAt, liveStation, spawnDaemon, until, type LiveStation } from './live.js';

let station: LiveStation | null = null;
afterEach(async () => {
  await station?.cleanup();
  station = null;
});

describe('loaxa run — faults on a live slot', () => {
  it('the feed dies mid-slot: the fallback airs, the slot is partial with its fallback seconds', async () => {
    station = await liveStation(11, [{ id: 'tiep-song', duration: '14s', source: 'tinh', required: true }]);
    const s = station;
    // In Vietnamese: the officer watching the station reads the loss in their language.
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 14_000 - Date.now()) / 1000) + 5}s`], { LANG: 'vi_VN.UTF-8' });
    await daemon.waitFor('ổ điều khiển');
    await until(s.startMs + 3000);
    await s.feed.stop();
    expect(await daemon.exited, daemon.output()).toBe(0);
    const lostLine = describeEvent(s.events('feed.lost')[0]!, 'vi')!;
    expect(lostLine).toMatch(/^Mất nguồn tiếp sóng tinh: /);
    expect(daemon.output()).toContain(lostLine);
    expect(daemon.output()).not.toMatch(/feed\.lost|fallback\.started/);

    expect(s.events('feed.lost').length).toBeGreaterThan(0);
    // The loss's reason as the audio side wrote it is a form reports read back and translate.
    for (const e of s.events('feed.lost')) expect(parseReasonDetail(String(e.payload.reason)), String(e.payload.reason)).not.toBeNull();
    const fb = s.events('fallback.started')[0]!;
    expect(fb.payload.slot).toMatch(/^tiep-song@/);
    const result = s.events('slot.result')[0]!.payload;
    expect(result.status).toBe('partial');
    expect(result.secondsFallback).toBeGreaterThan(3);
    expect(result.reasons.join(' ')).toMatch(/feed lost|fallback/);
    // The inspector's report of the day: the fallback once, with its length and reason, the
    // feed loss closed by the slot's end, the slot partial.
    const day = await dayReport(s);
    const fallbacks = day.outages.filter((o) => o.kind === 'fallback');
    expect(fallbacks, JSON.stringify(day.outages)).toHaveLength(1);
    expect(fallbacks[0]!.seconds).toBe(s.events('fallback.ended')[0]!.payload.seconds);
    expect(day.secondsFallback).toBe(fallbacks[0]!.seconds);
    expect(Object.keys(day.fallbackReasons)).toEqual([fb.payload.reason]);
    const lost = day.outages.filter((o) => o.kind === 'feed-lost');
    expect(lost.length).toBeGreaterThan(0);
    for (const o of lost) expect(o.seconds).not.toBeNull();
    // The Vietnamese report gives the loss's reason in Vietnamese, not as the daemon wrote it.
    const vi = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', s.events('slot.result')[0]!.payload.date, '--to', s.events('slot.result')[0]!.payload.date, '--lang', 'vi']);
    const written = String(s.events('feed.lost')[0]!.payload.reason);
    expect(vi.stdout).toContain(reasonDetailText(written, 'vi'));
    expect(reasonDetailText(written, 'vi')).not.toBe(written);
    expect(day.slots[0]!.status).toBe('partial');
    // The recording: feed tone before the loss, the fallback tone near the end.
    const [rec] = s.recordings();
    const timeline = await toneTimeline(rec!, TONES, 14, 1);
    expect(await levelDb(rec!, 0.5, 2, TONES.feed), timeline.join(' ')).toBeGreaterThan(-40);
    expect(await levelDb(rec!, 10, 3, TONES.fallback), timeline.join(' ')).toBeGreaterThan(-40);
  });

  it('the serial adapter is unplugged mid-slot (socat killed): audio goes on, the outage is journalled per zone', async () => {
    station = await liveStation(11, [{ id: 'tiep-song', duration: '12s', source: 'tinh' }]);
    const s = station;
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 12_000 - Date.now()) / 1000) + 5}s`]);
    await daemon.waitFor('control socket');
    await until(s.startMs + 2000);
    expect(coilAt(s.board, 7, true)).not.toBeNull();
    await s.board.vanish();
    await s.pty.stop();
    expect(await daemon.exited, daemon.output()).toBe(0);

    const outages = s.events('relay.outage').map((e) => e.payload);
    expect(outages.length, daemon.output()).toBeGreaterThan(0);
    expect(outages[0]).toMatchObject({ board: 'tu-loa' });
    expect(outages[0]!.zones).toEqual(expect.arrayContaining(['ap-1', 'ap-2']));
    // In the report: the outage once (the board never came back: no length); per zone, one
    // fault for the outage and one for each switch that then failed.
    const day = await dayReport(s);
    const relayOutages = day.outages.filter((o) => o.kind === 'relay-outage');
    expect(relayOutages, JSON.stringify(day.outages)).toHaveLength(1);
    expect(relayOutages[0]!.seconds).toBeNull();
    expect(relayOutages[0]!.at).toMatch(/\+07:00$/);
    expect(relayOutages[0]!.reasonKey).toMatch(/^relay\./);
    expect(await textReport(s, 'vi')).toContain(t(relayOutages[0]!.reasonKey!, relayOutages[0]!.reasonParams!, 'vi'));
    const failedSwitches = s.events('relay.action').map((e) => e.payload).filter((a) => a.fault !== undefined || a.confirmed === null || a.confirmed === 'mismatch');
    for (const z of outages[0]!.zones) expect(day.relayFaultsByZone[z]).toBe(1 + failedSwitches.filter((a) => a.zones.includes(z)).length);
    // The officer watching the station read each failed switch as `loaxa log` tells it (no bare "null").
    const failedRows = s.events('relay.action').filter((e) => e.payload.fault !== undefined || e.payload.confirmed === null || e.payload.confirmed === 'mismatch');
    expect(failedRows.length).toBeGreaterThan(0);
    for (const e of failedRows) expect(daemon.output()).toContain(describeEvent(e, 'en')!);
    expect(daemon.output()).not.toMatch(/: null\b/);
    // Audio carried on to the end of the slot.
    const result = s.events('slot.result')[0]!.payload;
    expect(result.secondsAired).toBeGreaterThan(10);
    const [rec] = s.recordings();
    expect(await levelDb(rec!, 9, 2, TONES.feed)).toBeGreaterThan(-40);
  });

  it('ffmpeg dies mid-slot: it is restarted, the gap is journalled with the slot', async () => {
    station = await liveStation(11, [{ id: 'tiep-song', duration: '12s', source: 'tinh' }]);
    const s = station;
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 12_000 - Date.now()) / 1000) + 5}s`]);
    await daemon.waitFor('control socket');
    await until(s.startMs + 3000);
    // The daemon's mixer: the ffmpeg child reading PCM on stdin and writing the recording.
    const mixer = childrenOf(daemon.child.pid!).find((pid) => cmdline(pid).includes('pipe:0') && cmdline(pid).includes('recordings'));
    expect(mixer, childrenOf(daemon.child.pid!).map(cmdline).join('\n')).toBeDefined();
    process.kill(mixer!, 'SIGKILL');
    expect(await daemon.exited, daemon.output()).toBe(0);
    const restarted = s.events('audio.restarted').map((e) => e.payload);
    expect(restarted.length).toBeGreaterThan(0);
    expect(restarted[0]!.slot).toMatch(/^tiep-song@/);
    expect(restarted[0]!.gapMs).toBeLessThan(2000);
    const result = s.events('slot.result')[0]!.payload;
    expect(result.reasons.join(' ')).toMatch(/audio restarted/);
    // In the report: the restart as an outage of its gap's length.
    const day = await dayReport(s);
    const restarts = day.outages.filter((o) => o.kind === 'audio-restart');
    expect(restarts.map((o) => o.seconds)).toEqual(restarted.map((x) => x.gapMs / 1000));
  });

  it('the relay process dies mid-slot: the outage is journalled, it is started again and the zones come back on', async () => {
    station = await liveStation(11, [{ id: 'tiep-song', duration: '14s', source: 'tinh' }]);
    const s = station;
    const daemon = spawnDaemon(s.file, ['--for', `${Math.ceil((s.startMs + 14_000 - Date.now()) / 1000) + 5}s`]);
    await daemon.waitFor('control socket');
    await until(s.startMs + 1000);
    const relayProcess = childrenOf(daemon.child.pid!).find((pid) => cmdline(pid).includes('relay-child'));
    expect(relayProcess, childrenOf(daemon.child.pid!).map(cmdline).join('\n')).toBeDefined();
    const killedAt = Date.now();
    process.kill(relayProcess!, 'SIGKILL');
    expect(await daemon.exited, daemon.output()).toBe(0);

    const outages = s.events('relay.outage').map((e) => e.payload);
    expect(outages[0], daemon.output()).toMatchObject({ board: 'tu-loa' });
    expect(String(outages[0]!.reason)).toMatch(/relay process ended/);
    expect(outages.some((o) => o.endedAt), daemon.output()).toBe(true);
    // Opened again (everything off first, the safe state), then the slot's zones and amplifier back on.
    expect(coilAt(s.board, 0, true, killedAt)).not.toBeNull();
    expect(coilAt(s.board, 7, true, killedAt)).not.toBeNull();
    // Audio never depended on it.
    expect(s.events('slot.result')[0]!.payload.secondsAired).toBeGreaterThan(12);
    // The inspector's report: one outage of the board (logged at its start and its end), its
    // length, at the station's local time; one fault for each zone it serves.
    const day = await dayReport(s);
    const relayOutages = day.outages.filter((o) => o.kind === 'relay-outage');
    expect(relayOutages, JSON.stringify(day.outages)).toHaveLength(1);
    expect(relayOutages[0]!.source).toBe('tu-loa');
    expect(relayOutages[0]!.seconds).toBeGreaterThan(0);
    expect(relayOutages[0]!.at).toBe(outages[0]!.startedAt);
    expect(relayOutages[0]!.at).toMatch(/\+07:00$/);
    for (const z of outages[0]!.zones) expect(day.relayFaultsByZone[z]).toBe(1);
    // Its reason in the reader's language (the log keeps the English text and the sentence's key).
    expect(relayOutages[0]!.reasonKey).toBe('engine.relay.processEnded');
    expect(await textReport(s, 'vi')).toContain(t('engine.relay.processEnded', relayOutages[0]!.reasonParams!, 'vi'));
  });
});

/** The day's report as text in `lang`. */
async function textReport(s: LiveStation, lang: 'vi' | 'en'): Promise<string> {
  const date = s.events('slot.result')[0]!.payload.date;
  const r = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', date, '--to', date, '--lang', lang]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

/** The slot's day as `loaxa audit report --db` gives it (JSON). */
async function dayReport(s: LiveStation): Promise<{
  outages: Array<{ kind: string; at: string; seconds: number | null; source?: string; reasonKey?: string; reasonParams?: Record<string, string | number> }>;
  relayFaultsByZone: Record<string, number>;
  secondsFallback: number;
  fallbackReasons: Record<string, number>;
  slots: Array<{ status: string }>;
}> {
  const date = s.events('slot.result')[0]!.payload.date;
  const r = await runLoaxa(['audit', 'report', '--db', join(s.dir, 'journal.db'), '--from', date, '--to', date, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).stations[0].days[0];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(name));
    } catch {
      // gone
    }
  }
  return out;
}
