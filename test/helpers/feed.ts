/**
 * A real HTTP audio feed on 127.0.0.1 for tests: a tiny Node server fanning out one live
 * ffmpeg MP3 encoder (a generated tone, or silence) to every listener. It can be stopped
 * (connections dropped, port refused), restarted on the same port, switched to silence,
 * or asked to serve an HLS playlist.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FeedOptions {
  /** Tone frequency in Hz (default 440); 0 = digital silence. */
  frequency?: number;
  /** Gain on ffmpeg's sine (−18 dBFS peak) in dB (default 0). */
  levelDb?: number;
  port?: number;
  bitrate?: string;
}

export interface TestFeed {
  url: string;
  port: number;
  /** Extra documents served at a path (e.g. an HLS playlist). */
  serve(path: string, body: string | Buffer, contentType: string): void;
  /** Switch the audio (the encoder is restarted; listeners keep their connection). */
  setTone(frequency: number, levelDb?: number): void;
  /** Drop all listeners and refuse new connections. */
  stop(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  close(): Promise<void>;
  listeners(): number;
}

export async function startTestFeed(opts: FeedOptions = {}): Promise<TestFeed> {
  let frequency = opts.frequency ?? 440;
  let levelDb = opts.levelDb ?? 0;
  const clients = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const docs = new Map<string, { body: string | Buffer; type: string }>();
  let encoder: ChildProcess | null = null;
  let server: Server | null = null;
  let port = opts.port ?? 0;

  const startEncoder = () => {
    const src = frequency > 0
      ? `sine=frequency=${frequency}:sample_rate=48000,volume=${levelDb}dB,aformat=channel_layouts=stereo`
      : 'anullsrc=r=48000:cl=stereo';
    const enc = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-f', 'lavfi', '-i', src,
      '-c:a', 'libmp3lame', '-b:a', opts.bitrate ?? '128k', '-id3v2_version', '0', '-write_xing', '0', '-f', 'mp3', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
    enc.stdout!.on('data', (d: Buffer) => {
      for (const c of clients) c.write(d);
    });
    encoder = enc;
  };
  const stopEncoder = () => {
    encoder?.kill('SIGKILL');
    encoder = null;
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => {
        const doc = docs.get(req.url ?? '');
        if (doc) {
          res.writeHead(200, { 'content-type': doc.type });
          res.end(doc.body);
          return;
        }
        if (req.url !== '/feed.mp3') {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'cache-control': 'no-cache' });
        clients.add(res);
        res.on('close', () => clients.delete(res));
      });
      s.on('connection', (sock) => {
        sockets.add(sock);
        sock.on('close', () => sockets.delete(sock));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  startEncoder();
  await listen();

  const stop = async () => {
    stopEncoder();
    for (const c of clients) c.destroy();
    clients.clear();
    for (const s of sockets) s.destroy();
    const s = server;
    server = null;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };

  return {
    get url() {
      return `http://127.0.0.1:${port}/feed.mp3`;
    },
    get port() {
      return port;
    },
    serve(path, body, type) {
      docs.set(path, { body, type });
    },
    setTone(f, l) {
      frequency = f;
      if (l !== undefined) levelDb = l;
      stopEncoder();
      startEncoder();
    },
    stop,
    async restart() {
      startEncoder();
      await listen();
    },
    close: stop,
    listeners: () => clients.size,
  };
}

export interface IcecastReceiver {
  /** icecast://source:hackme@127.0.0.1:PORT/xa.mp3 */
  url: string;
  /** Request head (method, path, headers) of the last source connection. */
  head(): string;
  /** Audio bytes received after the head. */
  body(): Buffer;
  close(): Promise<void>;
}

/**
 * A stand-in for an Icecast server on 127.0.0.1: accepts a source connection (PUT with no
 * length, as ffmpeg's icecast protocol sends it), answers 200 and keeps the audio.
 */
export async function startIcecastReceiver(): Promise<IcecastReceiver> {
  const { createServer: createTcpServer } = await import('node:net');
  let data = Buffer.alloc(0);
  const socks = new Set<Socket>();
  const srv = createTcpServer((sock) => {
    socks.add(sock);
    data = Buffer.alloc(0);
    let replied = false;
    sock.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (!replied && data.includes('\r\n\r\n')) {
        replied = true;
        sock.write('HTTP/1.1 200 OK\r\n\r\n');
      }
    });
    sock.on('close', () => socks.delete(sock));
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  const split = () => {
    const i = data.indexOf('\r\n\r\n');
    return i < 0 ? { head: data.toString(), body: Buffer.alloc(0) } : { head: data.subarray(0, i).toString(), body: data.subarray(i + 4) };
  };
  return {
    url: `icecast://source:hackme@127.0.0.1:${port}/xa.mp3`,
    head: () => split().head,
    body: () => split().body,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => srv.close(() => r()));
    },
  };
}
