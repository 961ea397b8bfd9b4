/**
 * Generated audio for `loaxa demo` and benchmarks: a live "provincial" MP3 stream on
 * 127.0.0.1 (one ffmpeg encoder fanned out to every listener by a small HTTP server),
 * and tone files standing in for recordings.
 * (Written by the engine engineer for the demo; test/helpers/feed.ts is the test suite's.)
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { EXIT, LoaxaError } from '../i18n/index.js';
import { lastErrorLine, runTool, spawnFfmpeg, type Spawned } from './ffmpeg.js';

export interface DemoFeed {
  url: string;
  close(): Promise<void>;
}

/**
 * A live stream of a programme-like signal: a tone at `frequency` Hz gently pulsing
 * (so it is recognisable in the recording), encoded as 128 kbps MP3 in real time.
 */
export async function startDemoFeed(opts: { frequency?: number; port?: number } = {}): Promise<DemoFeed> {
  const f = opts.frequency ?? 440;
  const source = `aevalsrc=0.25*sin(2*PI*${f}*t)*(0.75+0.25*sin(2*PI*0.5*t)):s=48000:c=stereo`;
  const clients = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const encoder: Spawned = spawnFfmpeg(['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', source, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', 'pipe:1']);
  encoder.child.stdout.on('data', (d: Buffer) => {
    for (const c of clients) c.write(d);
  });
  const server = createServer((req, res) => {
    if (req.url !== '/live.mp3') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-cache' });
    clients.add(res);
    res.on('close', () => clients.delete(res));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/live.mp3`,
    close: async () => {
      encoder.child.kill('SIGKILL');
      for (const c of clients) c.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A tone file (any extension ffmpeg knows) of `seconds` at `frequency` Hz, e.g. a placeholder bulletin. */
export async function makeToneFile(file: string, opts: { frequency: number; seconds: number; pulse?: boolean }): Promise<void> {
  const env = opts.pulse ? `*(0.6+0.4*sin(2*PI*2*t))` : '';
  const src = `aevalsrc=0.3*sin(2*PI*${opts.frequency}*t)${env}:s=48000:c=stereo:d=${opts.seconds}`;
  const r = await runTool('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi', '-i', src, file], 60_000);
  if (r.code !== 0) throw new LoaxaError('audio.render.failed', { file, detail: lastErrorLine(r.stderr) }, EXIT.FAULT);
}
