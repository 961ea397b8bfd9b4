/**
 * A real Icecast server (Debian's icecast2) on 127.0.0.1 for tests: its own config, logs and
 * web roots in a temp dir, a free port, one source mount. Started as root, icecast2 refuses to
 * keep root and drops to nobody through <changeowner>, so its dirs are made writable for that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ICECAST_BIN = '/usr/bin/icecast2';

export function icecastInstalled(): boolean {
  return existsSync(ICECAST_BIN);
}

export interface IcecastServer {
  port: number;
  mount: string;
  /** icecast://source:PASSWORD@127.0.0.1:PORT/MOUNT — what a loaxa schedule's output.icecast holds. */
  sourceUrl: string;
  /** http://127.0.0.1:PORT/MOUNT — what a loudspeaker cluster listens to. */
  listenUrl: string;
  /** Icecast's own error log (for failure messages). */
  errorLog(): string;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

export async function startIcecast(opts: { mount?: string; password?: string } = {}): Promise<IcecastServer> {
  const mount = opts.mount ?? '/xa.mp3';
  const password = opts.password ?? 'loaxa-source';
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-icecast-'));
  const asRoot = process.getuid?.() === 0;
  for (const sub of ['log', 'web', 'admin']) mkdirSync(join(dir, sub));
  if (asRoot) for (const d of [dir, join(dir, 'log'), join(dir, 'web'), join(dir, 'admin')]) chmodSync(d, 0o777);
  const port = await freePort();
  const config = `<icecast>
  <location>loaxa test</location>
  <admin>test@localhost</admin>
  <limits>
    <clients>10</clients>
    <sources>1</sources>
    <queue-size>524288</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>1</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>${password}</source-password>
    <relay-password>${password}-relay</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>${password}-admin</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>${port}</port>
    <bind-address>127.0.0.1</bind-address>
  </listen-socket>
  <mount type="normal">
    <mount-name>${mount}</mount-name>
    <max-listeners>5</max-listeners>
  </mount>
  <fileserve>1</fileserve>
  <paths>
    <basedir>${dir}</basedir>
    <logdir>${join(dir, 'log')}</logdir>
    <webroot>${join(dir, 'web')}</webroot>
    <adminroot>${join(dir, 'admin')}</adminroot>
    <alias source="/" destination="/status.xsl"/>
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>3</loglevel>
    <logsize>10000</logsize>
  </logging>
  <security>
    <chroot>0</chroot>
    ${asRoot ? '<changeowner><user>nobody</user><group>nogroup</group></changeowner>' : ''}
  </security>
</icecast>
`;
  const configFile = join(dir, 'icecast.xml');
  writeFileSync(configFile, config);
  if (asRoot) chmodSync(configFile, 0o644);

  let stderr = '';
  let exited: number | null = null;
  const child: ChildProcess = spawn(ICECAST_BIN, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.on('exit', (code) => (exited = code ?? -1));
  const errorLog = () => {
    const f = join(dir, 'log', 'error.log');
    return (existsSync(f) ? readFileSync(f, 'utf8') : '') + stderr;
  };

  const close = async () => {
    if (exited === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 15_000;
  while (!(await accepts(port))) {
    if (exited !== null || Date.now() > deadline) {
      const log = errorLog();
      await close();
      throw new Error(`icecast2 did not start on 127.0.0.1:${port} (exit ${exited}):\n${log}`);
    }
    await sleep(100);
  }

  return {
    port,
    mount,
    sourceUrl: `icecast://source:${password}@127.0.0.1:${port}${mount}`,
    listenUrl: `http://127.0.0.1:${port}${mount}`,
    errorLog,
    close,
  };
}
