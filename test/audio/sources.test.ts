import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSourceUrl, checkSourceUrlSyntax, playlistReferences } from '../../src/audio/index.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { startTestFeed, type TestFeed } from '../helpers/feed.js';

async function rejection(p: Promise<unknown>): Promise<LoaxaError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LoaxaError);
    return e as LoaxaError;
  }
  throw new Error('expected a rejection');
}

describe('feed URL whitelist', () => {
  let feed: TestFeed;
  beforeAll(async () => {
    feed = await startTestFeed();
    const base = `http://127.0.0.1:${feed.port}`;
    feed.serve('/good.m3u8', `#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg0.ts\n#EXTINF:2,\n${base}/seg1.ts\n`, 'application/vnd.apple.mpegurl');
    feed.serve('/local.m3u8', '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nfile:///etc/passwd\n', 'application/vnd.apple.mpegurl');
    feed.serve('/absolute-path.m3u8', '#EXTM3U\n#EXTINF:2,\nconcat:/etc/passwd|/etc/shadow\n', 'application/vnd.apple.mpegurl');
    feed.serve('/key.m3u8', '#EXTM3U\n#EXT-X-KEY:METHOD=AES-128,URI="file:///root/key"\n#EXTINF:2,\nseg0.ts\n', 'application/vnd.apple.mpegurl');
    feed.serve('/master.m3u8', '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000\nlocal.m3u8\n', 'application/vnd.apple.mpegurl');
    feed.serve('/sneaky', '#EXTM3U\n#EXTINF:2,\nsubfile,,start,0,end,0,,:/etc/passwd\n', 'audio/x-mpegurl');
  });
  afterAll(() => feed.close());

  it('accepts http and https stream URLs', async () => {
    expect(checkSourceUrlSyntax('https://radio.example.vn/live.mp3').protocol).toBe('https:');
    await checkSourceUrl(feed.url);
  });

  it.each([
    ['file:///etc/passwd', 'audio.url.protocol'],
    ['concat:http://a/x.mp3|file:///etc/passwd', 'audio.url.protocol'],
    ['subfile,,start,0,end,0,,:/etc/passwd', 'audio.url.invalid'],
    ['data:audio/mp3;base64,AAAA', 'audio.url.protocol'],
    ['rtmp://example.vn/live', 'audio.url.protocol'],
    ['ftp://example.vn/a.mp3', 'audio.url.protocol'],
    ['not a url', 'audio.url.invalid'],
    ['http://example.vn/x|file:/etc/passwd', 'audio.url.nested'],
  ])('rejects %s', async (url, key) => {
    const e = await rejection(checkSourceUrl(url));
    expect(e.key).toBe(key);
    expect(e.exitCode).toBe(1);
    expect(e.render('en')).toContain(url);
    expect(e.render('vi')).not.toBe(e.render('en'));
  });

  it('accepts an HLS playlist whose segments are http', async () => {
    await checkSourceUrl(`http://127.0.0.1:${feed.port}/good.m3u8`);
  });

  it.each(['/local.m3u8', '/absolute-path.m3u8', '/key.m3u8', '/master.m3u8', '/sneaky'])('rejects the HLS playlist %s pointing at local files', async (path) => {
    const e = await rejection(checkSourceUrl(`http://127.0.0.1:${feed.port}${path}`));
    expect(e.key).toBe('audio.url.playlistEntry');
    expect(e.exitCode).toBe(1);
  });

  it('lists every URI a playlist opens, tags included', () => {
    expect(playlistReferences('#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2,\na.ts\n\n#EXT-X-ENDLIST\n')).toEqual(['init.mp4', 'a.ts']);
    expect(playlistReferences('[playlist]\nNumberOfEntries=1\nFile1=http://x/y.mp3\nTitle1=Y\n')).toEqual(['http://x/y.mp3']);
  });
});
