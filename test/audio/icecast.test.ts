/**
 * The Icecast sink against a real Icecast server (Debian's icecast2) on 127.0.0.1: a live
 * 440 Hz feed is aired to the mount and to a recording at once, and a listener — what an IP
 * loudspeaker cluster does — reads the mount back over HTTP and hears the tone.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { air, until } from '../helpers/air.js';
import { tempDir } from '../helpers/cli.js';
import { startTestFeed } from '../helpers/feed.js';
import { icecastInstalled, startIcecast } from '../helpers/icecast.js';
import { durationS, levelDb } from '../helpers/audio-analysis.js';

/** Listen to an HTTP stream for `ms` (or until it ends); the status and the bytes heard. */
function listen(url: string, ms: number): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get(url, (res) => {
      const chunks: Buffer[] = [];
      const finish = () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) });
      };
      const timer = setTimeout(finish, ms);
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', finish);
      res.on('error', finish);
    });
    req.on('error', reject);
  });
}

describe.skipIf(!icecastInstalled())('Icecast sink (real icecast2 server, real ffmpeg)', () => {
  const tmp = tempDir('loaxa-audio-icecast-');
  afterAll(() => tmp.cleanup());

  it('airs the feed to an Icecast mount a listener can hear, and still records', async () => {
    const server = await startIcecast({ mount: '/xa.mp3' });
    const feed = await startTestFeed({ frequency: 440 });
    try {
      // No source yet: the mount does not exist, so whatever is heard later came from loaxa.
      expect((await listen(server.listenUrl, 1000)).status).toBe(404);

      let heard: Awaited<ReturnType<typeof listen>> | undefined;
      const run = await air(
        {
          file: join(tmp.dir, 'slot.wav'),
          source: { id: 'tinh', url: feed.url },
          bulletins: [],
          durationMs: 6000,
          sinks: { icecast: server.sourceUrl },
        },
        async (h) => {
          await until(h, 1500);
          heard = await listen(server.listenUrl, 3000);
        },
      );

      const log = server.errorLog();
      expect(run.result.restarts, log).toBe(0);
      expect(heard?.status, log).toBe(200);
      expect(heard?.type).toMatch(/audio\/mpeg/);
      const mp3 = join(tmp.dir, 'mount.mp3');
      writeFileSync(mp3, heard!.body);
      // Burst-on-connect plus live audio: a few seconds of MP3 at 128 kb/s.
      expect(await durationS(mp3), log).toBeGreaterThan(1.5);
      const tone = await levelDb(mp3, 0.3, 1, 440);
      expect(tone).toBeGreaterThan(-30);
      expect(tone - (await levelDb(mp3, 0.3, 1, 880))).toBeGreaterThan(15);

      // The recording is not affected by the extra sink.
      expect(await durationS(run.file)).toBeCloseTo(6, 0);
      expect(await levelDb(run.file, 1, 3, 440)).toBeGreaterThan(-30);
    } finally {
      await feed.close();
      await server.close();
    }
  });
});
