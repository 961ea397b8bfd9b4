/**
 * The supervisor with real parts: a live MP3 feed over HTTP on 127.0.0.1, the system
 * ffmpeg, recordings on disk. Tones tell the sources apart in the recording: feed 440 Hz,
 * fallback 880 Hz, bulletins 1320 Hz.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { recordingFileName, startBroadcast, type AudioEvent, type BroadcastPlan, type BroadcastResult } from '../../src/audio/index.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { startTestFeed, type TestFeed } from '../helpers/feed.js';
import { durationS, levelDb } from '../helpers/audio-analysis.js';

const fixture = (f: string) => join(ROOT, 'fixtures', 'audio', f);
const FALLBACK = fixture('fallback-880.mp3');
const BULLETIN = fixture('bulletin-1320-loud.wav');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  result: BroadcastResult;
  events: Array<AudioEvent & { positionMs: number }>;
  file: string;
}

/** Run one broadcast; `during(handle, positionMs)` lets the test act while it airs. */
async function air(
  plan: Omit<BroadcastPlan, 'startAtMs' | 'sinks'> & { file: string },
  during?: (h: ReturnType<typeof startBroadcast>) => Promise<void>,
): Promise<Run> {
  const h = startBroadcast({ ...plan, startAtMs: Date.now(), sinks: { recordFile: plan.file } });
  const events: Run['events'] = [];
  h.onEvent((e) => events.push({ ...e, positionMs: h.state().positionMs }));
  await h.preroll();
  await h.start();
  if (during) await during(h);
  const result = await h.done;
  return { result, events, file: plan.file };
}

/** Wait until the broadcast has aired `ms` of audio. */
async function until(h: ReturnType<typeof startBroadcast>, ms: number): Promise<number> {
  while (h.state().positionMs < ms) await sleep(20);
  return h.state().positionMs;
}

describe('broadcast supervisor (real feed, real ffmpeg)', () => {
  const tmp = tempDir('loaxa-audio-bc-');
  afterAll(() => tmp.cleanup());

  describe('relay with a ducked and an inserted bulletin', () => {
    let feed: TestFeed;
    let run: Run;
    beforeAll(async () => {
      feed = await startTestFeed({ frequency: 440 });
      run = await air({
        slotId: 'thoi-su@2026-12-01T05:30:00',
        file: join(tmp.dir, 'duck-insert.wav'),
        source: { id: 'tinh', url: feed.url, fallback: FALLBACK },
        bulletins: [
          { id: '5k-vi', file: BULLETIN, language: 'vi', approvedBy: 'PCT UBND xã', mode: 'duck', offsetMs: 2000 },
          { id: '5k-km', file: BULLETIN, language: 'km', approvedBy: 'PCT UBND xã', mode: 'insert', offsetMs: 6000 },
        ],
        durationMs: 10_000,
        cacheDir: tmp.dir,
      });
    });
    afterAll(() => feed.close());

    it('relays the feed for the whole slot into the recording', async () => {
      expect(run.result.secondsAired).toBeCloseTo(10, 0);
      expect(run.result.secondsFallback).toBe(0);
      expect(await durationS(run.file)).toBeCloseTo(10, 0);
      const feedLevel = await levelDb(run.file, 0.5, 1, 440);
      expect(feedLevel).toBeGreaterThan(-30);
      expect(await levelDb(run.file, 0.5, 1, 880)).toBeLessThan(feedLevel - 30);
      expect(run.events.filter((e) => e.type === 'feed.connected')).toHaveLength(1);
    });

    it('ducks the feed about 15 dB under the voice and recovers after', async () => {
      const before = await levelDb(run.file, 0.5, 1, 440);
      const under = await levelDb(run.file, 2.6, 1, 440);
      const after = await levelDb(run.file, 4.6, 1, 440);
      expect(before - under).toBeGreaterThan(12);
      expect(before - under).toBeLessThan(18);
      expect(Math.abs(after - before)).toBeLessThan(2);
      expect(await levelDb(run.file, 2.6, 1, 1320)).toBeGreaterThan(-30);
    });

    it('mutes the feed while an inserted bulletin plays, with the feed back after', async () => {
      const before = await levelDb(run.file, 0.5, 1, 440);
      expect(await levelDb(run.file, 6.5, 1, 440)).toBeLessThan(before - 40);
      expect(await levelDb(run.file, 6.5, 1, 1320)).toBeGreaterThan(-30);
      expect(Math.abs((await levelDb(run.file, 8.7, 1, 440)) - before)).toBeLessThan(2);
    });

    it('journals each bulletin and the recording with its SHA-256', () => {
      const played = run.events.filter((e) => e.type === 'insert.played');
      expect(played.map((e) => [e.payload.bulletin, e.payload.mode, e.payload.language])).toEqual([
        ['5k-vi', 'duck', 'vi'],
        ['5k-km', 'insert', 'km'],
      ]);
      const sourceHash = createHash('sha256').update(readFileSync(BULLETIN)).digest('hex');
      for (const e of played) if (e.type === 'insert.played') expect(e.payload.sha256).toBe(sourceHash);
      const saved = run.events.find((e) => e.type === 'recording.saved');
      const fileHash = createHash('sha256').update(readFileSync(run.file)).digest('hex');
      expect(saved?.type === 'recording.saved' && saved.payload).toMatchObject({ file: run.file, sha256: fileHash, slot: 'thoi-su@2026-12-01T05:30:00' });
      expect(run.result.recording?.sha256).toBe(fileHash);
      // No part files left behind.
      expect(readdirSync(tmp.dir).filter((f) => f.includes('.part'))).toEqual([]);
    });
  });

  it('airs the fallback when the feed dies, and the feed again when it returns', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    let killedAt = 0;
    let backAt = 0;
    const run = await air(
      {
        file: join(tmp.dir, 'feed-lost.wav'),
        source: { id: 'tinh', url: feed.url, fallback: FALLBACK },
        bulletins: [],
        durationMs: 13_000,
        feedLostMs: 1000,
      },
      async (h) => {
        killedAt = await until(h, 2000);
        await feed.stop();
        backAt = await until(h, 5500);
        await feed.restart();
      },
    );
    await feed.close();
    if (process.env.LOAXA_TEST_VERBOSE) console.log(killedAt, backAt, JSON.stringify(run.events.map((e) => [e.type, e.positionMs, e.payload])), JSON.stringify(run.result));
    const f = run.file;
    const s = (ms: number) => ms / 1000;
    // Fallback audible within the lost timeout (1 s) plus slack, while the feed is down.
    expect(await levelDb(f, s(killedAt) + 2, s(backAt) - s(killedAt) - 2, 880)).toBeGreaterThan(-30);
    expect(await levelDb(f, s(killedAt) + 2, s(backAt) - s(killedAt) - 2, 440)).toBeLessThan(-50);
    // The feed is back well before the end (reconnect backoff ≤ 2 s).
    expect(await levelDb(f, 11, 1.5, 440)).toBeGreaterThan(-30);
    expect(await levelDb(f, 11, 1.5, 880)).toBeLessThan(-50);
    const types = run.events.map((e) => e.type);
    expect(types).toContain('feed.lost');
    const started = run.events.find((e) => e.type === 'fallback.started');
    expect(started?.type === 'fallback.started' && started.payload.reason).toBe('feed-lost');
    const ended = run.events.find((e) => e.type === 'fallback.ended');
    expect(ended?.type === 'fallback.ended' && ended.payload.seconds).toBeGreaterThan(2);
    expect(types.filter((t) => t === 'feed.connected').length).toBe(2);
    expect(run.result.secondsFallback).toBeGreaterThan(2);
    expect(run.result.secondsFeed).toBeGreaterThan(5);
  });

  it('switches to the fallback on dead air and back when sound returns', async () => {
    const feed = await startTestFeed({ frequency: 0 });
    let soundAt = 0;
    const run = await air(
      {
        file: join(tmp.dir, 'dead-air.wav'),
        source: { id: 'tinh', url: feed.url, fallback: FALLBACK },
        bulletins: [],
        durationMs: 10_000,
        deadAir: { thresholdDb: -40, afterMs: 1500 },
      },
      async (h) => {
        soundAt = await until(h, 5000);
        feed.setTone(440);
      },
    );
    await feed.close();
    const f = run.file;
    expect(await levelDb(f, 2.5, 2, 880)).toBeGreaterThan(-30); // fallback, not silence
    expect(await levelDb(f, 8.5, 1.2, 440)).toBeGreaterThan(-30); // feed back
    expect(await levelDb(f, 8.5, 1.2, 880)).toBeLessThan(-50);
    const types = run.events.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['deadair.started', 'fallback.started', 'deadair.ended', 'fallback.ended']));
    const started = run.events.find((e) => e.type === 'fallback.started');
    expect(started?.type === 'fallback.started' && started.payload.reason).toBe('dead-air');
    const ended = run.events.find((e) => e.type === 'deadair.ended');
    expect(ended?.type === 'deadair.ended' && ended.payload.seconds).toBeGreaterThan(3);
    expect(run.result.secondsDeadAir).toBeGreaterThan(3);
    expect(soundAt).toBeGreaterThan(0);
  });

  it('restarts a killed mixer ffmpeg, records the gap, and keeps one recording', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    let killedPid: number | undefined;
    const run = await air(
      {
        file: join(tmp.dir, 'restart.wav'),
        source: { id: 'tinh', url: feed.url, fallback: FALLBACK },
        bulletins: [],
        durationMs: 7000,
      },
      async (h) => {
        await until(h, 2500);
        killedPid = h.pids().mixer;
        process.kill(killedPid!, 'SIGKILL');
        await until(h, 4000);
        expect(h.pids().mixer).toBeDefined();
        expect(h.pids().mixer).not.toBe(killedPid);
      },
    );
    await feed.close();
    const restarted = run.events.find((e) => e.type === 'audio.restarted');
    expect(restarted?.type === 'audio.restarted' && restarted.payload.reason).toMatch(/mixer/);
    expect(restarted?.type === 'audio.restarted' && restarted.payload.gapMs).toBeGreaterThanOrEqual(0);
    expect(run.result.restarts).toBe(1);
    // One file covering the slot: the gap is kept as silence so times still line up.
    expect(await durationS(run.file)).toBeCloseTo(7, 0);
    expect(await levelDb(run.file, 5, 1.5, 440)).toBeGreaterThan(-30);
    expect(existsSync(run.file)).toBe(true);
  });

  it('names recordings <station>_<date>_<HHMM>_<program> in the station timezone', () => {
    const startMs = Date.UTC(2026, 11, 1, 22, 30); // 05:30 on 2 Dec in Hồ Chí Minh City
    const name = recordingFileName({ station: 'an-thanh-ba', program: 'thoi-su-tinh-sang', startMs, timezone: 'Asia/Ho_Chi_Minh', ext: 'mp3' });
    expect(name).toBe('an-thanh-ba_2026-12-02_0530_thoi-su-tinh-sang.mp3');
    expect(basename(name)).toBe(name);
  });
});
