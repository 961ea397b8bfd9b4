/** The audio commands as a user runs them: real CLI, real feed on 127.0.0.1, real ffmpeg/espeak-ng. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runLoaxa, tempDir } from '../helpers/cli.js';
import { startTestFeed, type TestFeed } from '../helpers/feed.js';
import { durationS, levelDb, lufs } from '../helpers/audio-analysis.js';
import { openJournal } from '../../src/journal/index.js';

describe('audio commands', () => {
  const tmp = tempDir('loaxa-audio-cli-');
  let good: TestFeed;
  let silent: TestFeed;
  let schedule: string;

  beforeAll(async () => {
    good = await startTestFeed({ frequency: 440 });
    silent = await startTestFeed({ frequency: 0 });
    mkdirSync(join(tmp.dir, 'media'));
    copyFileSync(join(ROOT, 'fixtures/audio/bulletin-1320-quiet.mp3'), join(tmp.dir, 'media/5k-vi.mp3'));
    copyFileSync(join(ROOT, 'fixtures/audio/fallback-880.mp3'), join(tmp.dir, 'media/nhac-cho.mp3'));
    schedule = join(tmp.dir, 'xa.yaml');
    writeFileSync(
      schedule,
      [
        'station:',
        '  id: xa-thu',
        '  name: Đài truyền thanh xã Thử',
        'sources:',
        `  tinh: { url: "${good.url}", fallback: media/nhac-cho.mp3 }`,
        `  im-lang: { url: "${silent.url}" }`,
        '  chet: { url: "http://127.0.0.1:9/feed.mp3" }',
        '  hls-chet: { url: "http://127.0.0.1:9/live.m3u8" }',
        'output:',
        '  record: recordings/',
        'bulletins:',
        '  5k-vi: { file: media/5k-vi.mp3, language: vi, approved_by: Phó Chủ tịch UBND xã }',
        'programs: []',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await good.close();
    await silent.close();
    tmp.cleanup();
  });

  it('feed check: a good feed is usable (exit 0) and described', async () => {
    const r = await runLoaxa(['feed', 'check', schedule, 'tinh', '--seconds', '2']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Codec\s+mp3/);
    expect(r.stdout).toMatch(/Sample rate\s+48000 Hz/);
    expect(r.stdout).toMatch(/Channels\s+2/);
    expect(r.stdout).toMatch(/Loudness\s+-\d+\.\d LUFS/);
    expect(r.stdout).toMatch(/Verdict\s+usable/);
  });

  it('feed check: an unreachable feed exits 3 with the reason, in Vietnamese too', async () => {
    const r = await runLoaxa(['feed', 'check', schedule, 'chet', '--seconds', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Reachable\s+no/);
    expect(r.stdout).toMatch(/NOT usable: feed unreachable/);
    const vi = await runLoaxa(['--lang', 'vi', 'feed', 'check', schedule, 'chet', '--seconds', '2']);
    expect(vi.code).toBe(3);
    expect(vi.stdout).toContain('KHÔNG dùng được: không kết nối được nguồn');
    const hls = await runLoaxa(['feed', 'check', schedule, 'hls-chet', '--seconds', '2']);
    expect(hls.code).toBe(3);
    expect(hls.stdout).toMatch(/NOT usable: feed unreachable/);
  });

  it('feed check: a silent feed exits 3', async () => {
    const r = await runLoaxa(['feed', 'check', schedule, 'im-lang', '--seconds', '2']);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/Reachable\s+yes/);
    expect(r.stdout).toMatch(/NOT usable: the feed is silent/);
  });

  it('feed check: refuses a forbidden URL (exit 1) and an unknown source', async () => {
    const r = await runLoaxa(['feed', 'check', schedule, 'file:///etc/passwd']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('protocol "file" is not allowed');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
    const u = await runLoaxa(['feed', 'check', schedule, 'vov9']);
    expect(u.code).toBe(1);
    expect(u.stderr).toContain('source "vov9" is not in the schedule (known: tinh, im-lang, chet, hls-chet)');
  });

  it('play --out renders a bulletin normalised to −16 LUFS, without relays', async () => {
    const out = join(tmp.dir, 'check.wav');
    const r = await runLoaxa(['play', schedule, '5k-vi', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    expect(r.stdout).toContain(sha);
    expect(Math.abs((await lufs(out)) - -16)).toBeLessThanOrEqual(1);
    expect(await levelDb(out, 0.2, 1.5, 1320)).toBeGreaterThan(-30);
  });

  it('play on the station output journals the operator action and the bulletin, with a recording', async () => {
    const r = await runLoaxa(['play', schedule, '5k-vi', '--user', 'can-bo-vh'], { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Played 5k-vi/);
    const rec = /Off-air recording: (.*)/.exec(r.stdout)?.[1];
    expect(rec).toMatch(/xa-thu_\d{4}-\d{2}-\d{2}_\d{4}_play-5k-vi\.wav$/);
    expect(await durationS(rec!)).toBeGreaterThan(1.9);
    expect(await levelDb(rec!, 0.3, 1.2, 1320)).toBeGreaterThan(-30);
    const journal = openJournal(join(tmp.dir, 'journal.db'), { station: 'xa-thu', timezone: 'Asia/Ho_Chi_Minh', readonly: true });
    try {
      const rows = journal.events();
      expect(rows.map((e) => e.type)).toEqual(['operator.action', 'insert.played', 'recording.saved']);
      expect(rows[0]!.payload).toMatchObject({ user: 'can-bo-vh', command: 'play' });
      const sourceSha = createHash('sha256').update(readFileSync(join(tmp.dir, 'media/5k-vi.mp3'))).digest('hex');
      expect(rows[1]!.payload).toMatchObject({ bulletin: '5k-vi', language: 'vi', mode: 'alone', sha256: sourceSha, approvedBy: 'Phó Chủ tịch UBND xã' });
      const recSha = createHash('sha256').update(readFileSync(rec!)).digest('hex');
      expect(rows[2]!.payload).toMatchObject({ file: rec, sha256: recSha });
    } finally {
      journal.close();
    }
  });

  it('bulletin tts speaks Vietnamese, normalised, and refuses Khmer with advice to record', async () => {
    const out = join(tmp.dir, 'tts-vi.wav');
    const r = await runLoaxa(['bulletin', 'tts', schedule, 'Bà con chú ý đeo khẩu trang nơi công cộng', '--lang', 'vi', '-o', out]);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect(await durationS(out)).toBeGreaterThan(1);
    expect(Math.abs((await lufs(out)) - -16)).toBeLessThanOrEqual(1.5);
    const km = await runLoaxa(['bulletin', 'tts', schedule, 'សួស្តី', '--language', 'km', '-o', join(tmp.dir, 'km.wav')]);
    expect(km.code).toBe(1);
    expect(km.stderr).toContain('no text-to-speech voice for language "km": please record the bulletin');
    expect(existsSync(join(tmp.dir, 'km.wav'))).toBe(false);
  });
});
