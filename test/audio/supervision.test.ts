/**
 * Supervision with real parts — feed loss, dead air, a killed ffmpeg, failing and several
 * sinks, an early stop: a live MP3 feed over HTTP on 127.0.0.1, the system ffmpeg,
 * recordings on disk. Tones tell the sources apart: feed 440 Hz, fallback 880 Hz.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { air, until } from '../helpers/air.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { startIcecastReceiver, startTestFeed } from '../helpers/feed.js';
import { durationS, levelDb } from '../helpers/audio-analysis.js';

const fixture = (f: string) => join(ROOT, 'fixtures', 'audio', f);
const FALLBACK = fixture('fallback-880.mp3');

describe('broadcast supervision (real feed, real ffmpeg)', () => {
  const tmp = tempDir('loaxa-audio-sup-');
  afterAll(() => tmp.cleanup());

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


  it('feeds several sinks at once, and a missing sound card does not cost the recording', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    const icecast = await startIcecastReceiver();
    const run = await air({
      file: join(tmp.dir, 'sinks.wav'),
      source: { id: 'tinh', url: feed.url, fallback: FALLBACK },
      bulletins: [],
      durationMs: 4000,
      sinks: { device: 'alsa:hw:9,0', icecast: icecast.url },
    });
    await feed.close();
    await icecast.close();
    expect(run.result.restarts).toBe(0);
    expect(await durationS(run.file)).toBeCloseTo(4, 0);
    expect(await levelDb(run.file, 1, 2, 440)).toBeGreaterThan(-30);
    expect(icecast.head()).toMatch(/^PUT \/xa\.mp3 HTTP\/1\.1/);
    expect(icecast.head()).toMatch(/content-type: audio\/mpeg/i);
    const mp3 = join(tmp.dir, 'icecast.mp3');
    writeFileSync(mp3, icecast.body());
    expect(await durationS(mp3)).toBeGreaterThan(3);
    expect(await levelDb(mp3, 1, 2, 440)).toBeGreaterThan(-30);
  });

  it('stops early with a fade-out and reports it', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    let stoppedAt = 0;
    const run = await air(
      { file: join(tmp.dir, 'stop.wav'), source: { id: 'tinh', url: feed.url }, bulletins: [], durationMs: 20_000 },
      async (h) => {
        stoppedAt = await until(h, 2000);
        await h.stop({ fadeMs: 1000 });
      },
    );
    await feed.close();
    expect(run.result.stoppedEarly).toBe(true);
    const seconds = await durationS(run.file);
    expect(seconds).toBeGreaterThan(stoppedAt / 1000 + 0.9);
    expect(seconds).toBeLessThan(stoppedAt / 1000 + 1.5);
    const full = await levelDb(run.file, 0.5, 1, 440);
    const fading = await levelDb(run.file, seconds - 0.3, 0.25, 440);
    expect(full - fading).toBeGreaterThan(6);
    expect(existsSync(run.file)).toBe(true);
  });
});
