/**
 * The supervisor with real parts: a live MP3 feed over HTTP on 127.0.0.1, the system
 * ffmpeg, recordings on disk. Tones tell the sources apart in the recording: feed 440 Hz,
 * fallback 880 Hz, bulletins 1320 Hz.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { probeFeed, recordingFileName, startBroadcast } from '../../src/audio/index.js';
import { air, type Run } from '../helpers/air.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { startTestFeed, type TestFeed } from '../helpers/feed.js';
import { durationS, levelDb } from '../helpers/audio-analysis.js';

const fixture = (f: string) => join(ROOT, 'fixtures', 'audio', f);
const FALLBACK = fixture('fallback-880.mp3');
const BULLETIN = fixture('bulletin-1320-loud.wav');

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

  it('names recordings <station>_<date>_<HHMM>_<program> in the station timezone', () => {
    const startMs = Date.UTC(2026, 11, 1, 22, 30); // 05:30 on 2 Dec in Hồ Chí Minh City
    const name = recordingFileName({ station: 'an-thanh-ba', program: 'thoi-su-tinh-sang', startMs, timezone: 'Asia/Ho_Chi_Minh', ext: 'mp3' });
    expect(name).toBe('an-thanh-ba_2026-12-02_0530_thoi-su-tinh-sang.mp3');
    expect(basename(name)).toBe(name);
  });

  it('relays an HLS feed (playlist and segments over http)', async () => {
    const hlsDir = join(tmp.dir, 'hls');
    mkdirSync(hlsDir);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=6',
      '-c:a', 'aac', '-b:a', '96k', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '0', '-hls_playlist_type', 'vod', join(hlsDir, 'live.m3u8')]);
    const server = await startTestFeed();
    for (const f of readdirSync(hlsDir)) {
      server.serve(`/hls/${f}`, readFileSync(join(hlsDir, f)), f.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : 'video/mp2t');
    }
    const url = `http://127.0.0.1:${server.port}/hls/live.m3u8`;
    const probe = await probeFeed(url, { sampleSeconds: 2 });
    expect(probe).toMatchObject({ reachable: true, codec: 'aac', verdict: 'usable' });
    const run = await air({ file: join(tmp.dir, 'hls.wav'), source: { id: 'hls', url }, bulletins: [], durationMs: 4000 });
    await server.close();
    expect(run.result.secondsFeed).toBeGreaterThan(3);
    expect(await levelDb(run.file, 1, 2.5, 440)).toBeGreaterThan(-30);
  });

  it('starts on the planned second after a pre-roll, never before', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    const file = join(tmp.dir, 'on-time.wav');
    const h = startBroadcast({ source: { id: 'tinh', url: feed.url }, bulletins: [], durationMs: 1500, startAtMs: Date.now() + 60_000, sinks: { recordFile: join(tmp.dir, 'later.wav') } });
    await h.preroll();
    expect(h.state().phase).toBe('preroll');
    const startAtMs = Date.now() + 1000;
    const h2 = startBroadcast({ source: { id: 'tinh', url: feed.url }, bulletins: [], durationMs: 1500, startAtMs, sinks: { recordFile: file } });
    await h2.preroll();
    await h2.start();
    const r = await h2.done;
    expect(r.startedAtMs).toBeGreaterThanOrEqual(startAtMs);
    expect(await levelDb(file, 0, 1, 440)).toBeGreaterThan(-35); // the pre-rolled feed from the first second
    const stopped = await h.stop();
    expect(stopped.secondsAired).toBe(0); // stopped during its pre-roll: nothing aired, nothing recorded
    expect(stopped.recording).toBeUndefined();
    await feed.close();
  });

  it('settles done with the error when the pre-roll fails', async () => {
    const h = startBroadcast({
      bulletins: [{ id: 'mat', file: join(tmp.dir, 'missing.mp3'), language: 'vi', approvedBy: 'x', mode: 'alone', offsetMs: 0 }],
      durationMs: 1000,
      startAtMs: Date.now(),
      sinks: { recordFile: join(tmp.dir, 'never.wav') },
    });
    await expect(h.preroll()).rejects.toMatchObject({ key: 'audio.media.missing', exitCode: 1 });
    await expect(h.done).rejects.toMatchObject({ key: 'audio.media.missing' });
    expect(h.state().phase).toBe('ended');
  });

  it('joins a slot started late at its wall-clock position: missed bulletins are not claimed, later ones air on time', async () => {
    const feed = await startTestFeed({ frequency: 440 });
    const file = join(tmp.dir, 'late.wav');
    const startAtMs = Date.now() - 2500; // e.g. the daemon came back mid-slot
    const h = startBroadcast({
      source: { id: 'tinh', url: feed.url },
      bulletins: [
        { id: 'missed', file: BULLETIN, language: 'vi', approvedBy: 'x', mode: 'insert', offsetMs: 0 },
        { id: 'on-time', file: BULLETIN, language: 'vi', approvedBy: 'x', mode: 'insert', offsetMs: 5000 },
      ],
      durationMs: 8000,
      startAtMs,
      sinks: { recordFile: file },
      cacheDir: tmp.dir,
    });
    const played: string[] = [];
    h.onEvent((e) => {
      if (e.type === 'insert.played') played.push(e.payload.bulletin);
    });
    await h.start();
    const r = await h.done;
    await feed.close();
    const late = r.lateMs / 1000;
    expect(late).toBeGreaterThan(2.4);
    expect(late).toBeLessThan(4.5); // the bulletin at 5 s is still ahead
    expect(played).toEqual(['on-time']);
    expect(r.bulletinsPlayed).toEqual(['on-time']);
    expect(r.secondsAired).toBeCloseTo(8 - late, 0);
    expect(await durationS(file)).toBeCloseTo(8 - late, 0);
    // In the file, the bulletin sits where the slot put it: 5 s after the planned start.
    const at = 5 - late;
    expect(await levelDb(file, at + 0.3, 1.2, 1320)).toBeGreaterThan(-30);
    expect(await levelDb(file, at + 0.3, 1.2, 440)).toBeLessThan(-50);
    expect(await levelDb(file, 0, Math.max(0.3, at - 0.4), 440)).toBeGreaterThan(-35); // the feed, without a gap, before it
  });
});
