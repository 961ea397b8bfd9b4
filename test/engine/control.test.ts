import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { findSocket, listenControl, parseChrony, request, socketPath, systemdUnit } from '../../src/engine/index.js';
import { tempDir } from '../helpers/cli.js';

let tmp: { dir: string; cleanup: () => void };
afterEach(() => tmp?.cleanup());

describe('control socket (real Unix socket)', () => {
  it('answers JSON lines, is mode 0660, refuses a second daemon, and replaces a stale socket', async () => {
    tmp = tempDir();
    const path = socketPath(tmp.dir, 'xa-thu', join(tmp.dir, 'no-run-dir'));
    expect(path).toBe(join(tmp.dir, 'loaxa.sock'));
    const server = await listenControl(path, async (req) => (req.cmd === 'status' ? { station: 'xa-thu', onAir: [] } : null));
    try {
      expect(statSync(path).mode & 0o777).toBe(0o660);
      expect(findSocket(tmp.dir, 'xa-thu', join(tmp.dir, 'no-run-dir'))).toBe(path);
      expect(await request(path, { cmd: 'status' })).toEqual({ station: 'xa-thu', onAir: [] });
      expect(await request(path, { cmd: 'ping' })).toBe('pong');
      await expect(listenControl(path, async () => null)).rejects.toMatchObject({ key: 'engine.socket.busy', exitCode: 3 });
    } finally {
      await server.close();
    }
    // A crashed daemon leaves its socket file behind: the next one takes over.
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(path)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(statSync(path).isSocket()).toBe(true);
    const next = await listenControl(path, async () => 'ok');
    try {
      expect(await request(path, { cmd: 'status' })).toBe('ok');
    } finally {
      await next.close();
    }
  });

  it('carries the daemon’s refusal back as the same catalogue error', async () => {
    tmp = tempDir();
    const path = join(tmp.dir, 'loaxa.sock');
    const { LoaxaError } = await import('../../src/i18n/index.js');
    const server = await listenControl(path, async () => {
      throw new LoaxaError('engine.play.unknownBulletin', { bulletin: 'x' }, 1);
    });
    try {
      await expect(request(path, { cmd: 'play', bulletin: 'x', priority: 'emergency', user: 'u' })).rejects.toMatchObject({ key: 'engine.play.unknownBulletin', exitCode: 1 });
    } finally {
      await server.close();
    }
  });

  it('prefers /run/loaxa/<station>.sock when that folder is writable', () => {
    tmp = tempDir();
    const run = join(tmp.dir, 'run-loaxa');
    mkdirSync(run);
    expect(socketPath(tmp.dir, 'xa-thu', run)).toBe(join(run, 'xa-thu.sock'));
    writeFileSync(join(tmp.dir, 'f'), '');
    chmodSync(run, 0o500);
    // root can write anywhere; only check the fallback when the test user really cannot.
    if (process.getuid?.() !== 0) expect(socketPath(tmp.dir, 'xa-thu', run)).toBe(join(tmp.dir, 'loaxa.sock'));
    chmodSync(run, 0o700);
  });
});

describe('host facts', () => {
  it('reads chrony’s tracking report', () => {
    const text = `Reference ID    : A9FEA97B (169.254.169.123)
Stratum         : 4
System time     : 0.000012345 seconds slow of NTP time
Last offset     : -0.000004 seconds
Leap status     : Normal
`;
    expect(parseChrony(text)).toEqual({ synchronised: true, offsetMs: -0.012, source: 'chronyc' });
    expect(parseChrony('Leap status     : Not synchronised\n')).toMatchObject({ synchronised: false, offsetMs: null });
    expect(parseChrony('506 Cannot talk to daemon')).toBeNull();
  });

  it('quotes paths with spaces in the unit’s ExecStart', () => {
    const unit = systemdUnit({ station: 'xa', stationName: 'Xã', scheduleFile: '/srv/đài xã/lich.yaml', stationDir: '/srv/đài xã', user: 'loaxa', nodePath: '/usr/bin/node', binPath: '/opt/loaxa/bin/loaxa' });
    expect(unit).toContain('ExecStart=/usr/bin/node /opt/loaxa/bin/loaxa run "/srv/đài xã/lich.yaml"');
    expect(unit).toContain('RuntimeDirectory=loaxa');
    // SIGTERM goes to the daemon alone: it switches off through its relay process, then ends it.
    expect(unit).toContain('KillMode=mixed');
    // The relay process may raise its own priority.
    expect(unit).toContain('AmbientCapabilities=CAP_SYS_NICE');
  });
});
