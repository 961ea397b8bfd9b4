import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJournal } from '../../src/journal/index.js';
import { BIN, runLoaxa, tempDir } from '../helpers/cli.js';
import { ModbusBoardSimulator, NumatoBoardSimulator, PtyPair, waitFor } from '../helpers/boards/index.js';

let pair: PtyPair;
let station: { dir: string; cleanup: () => void };

beforeEach(async () => {
  pair = new PtyPair('cli');
  await pair.start();
  station = tempDir('loaxa-relay-cli-');
});

afterEach(async () => {
  await pair.dispose();
  station.cleanup();
});

function writeSchedule(driver: string, port: string, extra = ''): string {
  const file = join(station.dir, 'schedule.yaml');
  writeFileSync(
    file,
    `station:
  id: an-thanh-ba
  name: Đài truyền thanh xã An Thạnh Ba
relays:
  tu-loa: { driver: ${driver}, port: ${port}, baud: 9600, address: 1 }
amplifier: { relay: tu-loa, channel: 8, warmup: 0s, cooldown: 0s }
zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp An Thường }
  ap-2: { relay: tu-loa, channel: 2, name: Ấp An Hòa }
  cho:  { relay: tu-loa, channel: 3, name: Chợ xã }
programs: []
${extra}`,
  );
  return file;
}

function journalEvents(types: string[]) {
  const journal = openJournal(join(station.dir, 'journal.db'), { station: 'an-thanh-ba', timezone: 'Asia/Ho_Chi_Minh', readonly: true });
  try {
    return journal.events({ types: types as never });
  } finally {
    journal.close();
  }
}

describe('loaxa relay (CLI) against a simulated Modbus board', () => {
  let sim: ModbusBoardSimulator;
  beforeEach(async () => {
    sim = await new ModbusBoardSimulator(pair.boardPath, 8).open();
  });
  afterEach(() => sim.close());

  it('lists boards, zones and channels without udev', async () => {
    const file = writeSchedule('modbus-rtu', pair.path);
    const r = await runLoaxa(['relay', 'list', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('tu-loa');
    expect(r.stdout).toContain(pair.path);
    expect(r.stdout).toMatch(/ap-2\s+Ấp An Hòa\s+tu-loa\s+2/);
    expect(r.stdout).toMatch(/\(amplifier\)\s+tu-loa\s+8/);
    const vi = await runLoaxa(['relay', 'list', file, '--lang', 'vi']);
    expect(vi.stdout).toContain('Vùng loa');
    expect(vi.stdout).toContain('âm ly');
  });

  it('switches zones on and off, keeps the others, and journals every action with the operator', async () => {
    const file = writeSchedule('modbus-rtu', pair.path);
    const on = await runLoaxa(['relay', 'on', file, 'ap-1', 'cho']);
    expect(on.stderr).toBe('');
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('ap-1 (Ấp An Thường) — board tu-loa channel 1: on (confirmed by read-back)');
    expect(on.stdout).toContain('amplifier — board tu-loa channel 8: on (confirmed by read-back)');
    expect(sim.onChannels()).toEqual([1, 3, 8]);

    // Another zone joins later: the amplifier is already on and stays on.
    const more = await runLoaxa(['relay', 'on', file, 'ap-2']);
    expect(more.code).toBe(0);
    expect(sim.onChannels()).toEqual([1, 2, 3, 8]);

    const status = await runLoaxa(['relay', 'status', file]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/cho\s+Chợ xã\s+tu-loa\s+3\s+on\s+read back/);

    const off = await runLoaxa(['relay', 'off', file, 'all']);
    expect(off.code).toBe(0);
    expect(sim.onChannels()).toEqual([]);
    const offLines = off.stdout.trim().split('\n');
    expect(offLines[0]).toMatch(/^amplifier/); // amplifier off first

    const ops = journalEvents(['operator.action']);
    expect(ops.map((e) => (e.payload as { command: string }).command)).toEqual(['relay on', 'relay on', 'relay off']);
    expect(ops[0]!.payload).toMatchObject({ args: ['ap-1', 'cho'] });
    expect((ops[0]!.payload as { user: string }).user).not.toBe('');
    const actions = journalEvents(['relay.action']);
    expect(actions.map((e) => `${(e.payload as { wanted: string }).wanted}:${(e.payload as { channels: number[] }).channels.join(',')}`)).toEqual(['on:1,3', 'on:8', 'on:2', 'off:8', 'off:1,2,3']);
    expect(actions[0]!.payload).toMatchObject({ board: 'tu-loa', port: pair.path, confirmed: 'on', zones: ['ap-1', 'cho'] });
  });

  it('exits 3 naming board and port when the board never answers', async () => {
    sim.mode = { kind: 'silent' };
    const r = await runLoaxa(['relay', 'on', writeSchedule('modbus-rtu', pair.path), 'ap-1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('relay board "tu-loa" on ' + pair.path + ' does not answer');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 3 on a Modbus exception, with its meaning, in Vietnamese too', async () => {
    sim.mode = { kind: 'exception', code: 2 };
    const r = await runLoaxa(['relay', 'status', writeSchedule('modbus-rtu', pair.path), '--lang', 'vi']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('ngoại lệ Modbus 02');
    expect(r.stderr).toContain(pair.path);
  });

  it('reports a unknown zone as invalid input (exit 1)', async () => {
    const r = await runLoaxa(['relay', 'on', writeSchedule('modbus-rtu', pair.path), 'nha-van-hoa']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown zone "nha-van-hoa"');
  });

  it('puts every relay off when SIGTERM interrupts a test walk', async () => {
    const file = writeSchedule('modbus-rtu', pair.path);
    const child = spawn(process.execPath, [BIN, 'relay', 'test', file, '--zone', 'cho', '--pause', '60s'], {
      env: { ...process.env, LANG: 'en_US.UTF-8', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    try {
      await waitFor(() => sim.onChannels().join() === '3,8' || child.exitCode !== null, 20_000, 'zone cho and amplifier on');
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    expect(stderr).toBe('');
    child.kill('SIGTERM');
    const end = await exited;
    expect(end.signal).toBe('SIGTERM'); // exits as it would have, after the relays are off
    expect(sim.onChannels()).toEqual([]);
    expect(stdout).toContain('Testing 1 zone(s)');
    const last = sim.frames.slice(-4).map((f) => f.summary);
    expect(last.indexOf('FC05 coil 7 off')).toBeLessThan(last.findIndex((s) => s.startsWith('FC0F coils 0+3')));
  });
});

describe('loaxa relay (CLI), other cases', () => {
  it('walks each zone of a Numato board: on, confirm, pause, off', async () => {
    const sim = await new NumatoBoardSimulator(pair.boardPath, 8).open();
    try {
      const r = await runLoaxa(['relay', 'test', writeSchedule('numato', pair.path), '--pause', '100ms']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('zone ap-1 (Ấp An Thường): on → on (confirmed by read-back); off → off (confirmed by read-back)');
      expect(r.stdout).toContain('Test finished: 3 zone(s) fine, 0 with faults.');
      const ons = sim.frames.filter((f) => /^relay (on|off) /.test(f.summary) && f.summary.startsWith('relay on')).map((f) => f.summary);
      expect(ons).toEqual(['relay on 0', 'relay on 7', 'relay on 1', 'relay on 7', 'relay on 2', 'relay on 7']);
      expect(sim.onChannels()).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('exits 3 naming board and port when the port does not exist', async () => {
    const missing = join(station.dir, 'ttyUSB7');
    const r = await runLoaxa(['relay', 'on', writeSchedule('modbus-rtu', missing), 'ap-1']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`relay board "tu-loa": serial port ${missing} does not exist`);
  });

  // Needs a second user: as root, run the CLI as `nobody` against a port only root may open.
  const canDropPrivileges = process.getuid?.() === 0 && existsSync('/usr/sbin/runuser');
  it.skipIf(!canDropPrivileges)('explains permission denied with the dialout hint', async () => {
    chmodSync(station.dir, 0o777);
    chmodSync(pair.path, 0o600);
    const file = writeSchedule('lcus', pair.path);
    chmodSync(file, 0o644);
    const asNobody = ['runuser', '-u', 'nobody', '--'];
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const args = [...asNobody, process.execPath, BIN, 'relay', 'on', file, 'ap-1'];
      const child = spawn(args[0]!, args.slice(1), { env: { ...process.env, LANG: 'en_US.UTF-8', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(r.stderr).toContain(`permission denied on serial port ${pair.path}`);
    expect(r.stderr).toContain('sudo usermod -aG dialout $USER');
    expect(r.code).toBe(3);
  });
});
