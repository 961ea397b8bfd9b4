/**
 * The daemon's control socket: a Unix domain socket, JSON lines, one request per line.
 *
 * Access: the socket file is mode 0660, so only its owner and group can connect (Linux
 * checks write permission on the socket file at connect). Node cannot read the peer's
 * uid (no SO_PEERCRED), so the file mode is the whole access control: run the daemon
 * with a dedicated group (e.g. `loaxa`) and add the officers to it.
 */
import { createServer, createConnection, type Server, type Socket } from 'node:net';
import { accessSync, chmodSync, constants, existsSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LoaxaError } from '../i18n/index.js';

export type ControlRequest =
  | { cmd: 'status' }
  | { cmd: 'play'; bulletin: string; priority: 'normal' | 'priority' | 'emergency'; zones?: string[]; user: string }
  | { cmd: 'ping' };

export type ControlReply = { ok: true; result: unknown } | { ok: false; error: { key: string; params: Record<string, unknown>; exitCode: number; message: string } };

export type ControlHandler = (req: ControlRequest) => Promise<unknown>;

/** `/run/loaxa/<station>.sock` when /run/loaxa exists and is writable, else `<dir>/loaxa.sock`. */
export function socketPath(stationDir: string, stationId: string, runDir = '/run/loaxa'): string {
  try {
    if (existsSync(runDir) && statSync(runDir).isDirectory()) {
      accessSync(runDir, constants.W_OK);
      return join(runDir, `${stationId}.sock`);
    }
  } catch {
    // not writable: fall through to the station folder
  }
  return join(stationDir, 'loaxa.sock');
}

/** Where a client looks: the /run one if it exists, else the station folder's. */
export function findSocket(stationDir: string, stationId: string, runDir = '/run/loaxa'): string | null {
  for (const p of [join(runDir, `${stationId}.sock`), join(stationDir, 'loaxa.sock')]) {
    try {
      if (statSync(p).isSocket()) return p;
    } catch {
      // absent
    }
  }
  return null;
}

function probe(path: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    const timer = setTimeout(() => {
      s.destroy();
      resolve(true); // something holds it but does not answer: treat as alive, refuse to steal it
    }, timeoutMs);
    s.once('connect', () => {
      clearTimeout(timer);
      s.end();
      resolve(true);
    });
    s.once('error', () => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

/** Listen on `path`; a stale socket from a crashed daemon is replaced, a live one refused. */
export async function listenControl(path: string, handler: ControlHandler): Promise<ControlServer> {
  if (existsSync(path)) {
    if (await probe(path)) throw new LoaxaError('engine.socket.busy', { path }, EXIT.FAULT);
    unlinkSync(path);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    sock.setEncoding('utf8');
    let buffer = '';
    sock.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > 64 * 1024) {
        sock.destroy();
        return;
      }
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (line) void answer(sock, line);
      }
    });
  });
  const answer = async (sock: Socket, line: string) => {
    let reply: ControlReply;
    try {
      const req = JSON.parse(line) as ControlRequest;
      if (!req || typeof req !== 'object' || typeof (req as { cmd?: unknown }).cmd !== 'string') throw new LoaxaError('engine.socket.badRequest', {}, EXIT.USAGE);
      reply = { ok: true, result: req.cmd === 'ping' ? 'pong' : await handler(req) };
    } catch (e) {
      const le = e instanceof LoaxaError ? e : new LoaxaError('engine.socket.failed', { detail: e instanceof Error ? e.message : String(e) }, EXIT.FAULT);
      reply = { ok: false, error: { key: le.key, params: le.params, exitCode: le.exitCode, message: le.message } };
    }
    if (!sock.destroyed) sock.write(JSON.stringify(reply) + '\n');
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // umask may narrow the mode at bind; chmod right after makes it exactly 0660.
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  chmodSync(path, 0o660);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      }),
  };
}

/** Send one request and wait for its reply. Throws LoaxaError as the daemon raised it. */
export function request<T = unknown>(path: string, req: ControlRequest, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const s = createConnection(path);
    let buffer = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new LoaxaError('engine.socket.timeout', { path }, EXIT.FAULT));
    }, timeoutMs);
    s.setEncoding('utf8');
    s.on('connect', () => s.write(JSON.stringify(req) + '\n'));
    s.on('data', (chunk: string) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      s.end();
      try {
        const reply = JSON.parse(buffer.slice(0, nl)) as ControlReply;
        if (reply.ok) resolve(reply.result as T);
        else reject(new LoaxaError(reply.error.key, reply.error.params as never, reply.error.exitCode as 0 | 1 | 2 | 3));
      } catch (e) {
        reject(e);
      }
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'EACCES') reject(new LoaxaError('engine.socket.denied', { path }, EXIT.FAULT));
      else reject(new LoaxaError('engine.socket.unreachable', { path, detail: e.code ?? e.message }, EXIT.FAULT));
    });
  });
}

/**
 * `loaxa play` while a daemon runs: hand the bulletin to it (it owns the relays and the
 * sound card). Returns false when no daemon is running, so `play` can work alone.
 */
export async function playThroughDaemon(
  schedule: { dir: string; station: { id: string } },
  bulletin: string,
  opts: { priority?: string; zones?: string[]; user: string },
  print: (line: string) => void,
): Promise<boolean> {
  const path = findSocket(schedule.dir, schedule.station.id);
  if (!path) return false;
  const priority = opts.priority ?? 'normal';
  if (priority !== 'normal' && priority !== 'priority' && priority !== 'emergency') {
    throw new LoaxaError('cli.usage.invalidArgument', { name: '--priority' }, EXIT.USAGE);
  }
  const { t } = await import('../i18n/index.js');
  let r: { preempted: string[]; queued: boolean };
  try {
    r = await request<{ preempted: string[]; queued: boolean }>(path, { cmd: 'play', bulletin, priority, zones: opts.zones, user: opts.user });
  } catch (e) {
    // A socket file left by a crashed daemon: nobody listens, so play alone.
    if (e instanceof LoaxaError && e.key === 'engine.socket.unreachable') return false;
    throw e;
  }
  print(t('engine.play.viaDaemon', { bulletin, priority }));
  if (r.preempted.length) print(t('engine.play.preempted', { list: r.preempted.join(', ') }));
  if (r.queued) print(t('engine.play.queuedNote'));
  return true;
}
