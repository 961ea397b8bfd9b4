/**
 * A simulated Modbus RTU relay board on a socat pty, for `loaxa demo` and benchmarks:
 * socat makes the pair, the board answers on the far end like a Waveshare-style board
 * (FC01 read coils, FC05 single coil incl. the all-coils vendor value, FC0F several
 * coils), checks every CRC, and logs each frame with its arrival time.
 * (Written by the engine engineer for the demo; the test-suite simulators live in
 * test/helpers/boards/.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FC_READ_COILS, FC_WRITE_MULTIPLE_COILS, FC_WRITE_SINGLE_COIL, hasValidCrc, withCrc } from './drivers/modbus-rtu/frames.js';

export interface SimulatedFrame {
  atMs: number;
  bytes: Buffer;
  valid: boolean;
  /** Coil changes the frame asked for (coil numbers from 0). */
  changes: Array<{ coil: number; on: boolean }>;
}

export interface SimulatedBoard {
  /** The end loaxa opens (a schedule's relay `port`). */
  path: string;
  frames: SimulatedFrame[];
  /** Coils on now (from 0). */
  coilsOn(): number[];
  close(): Promise<void>;
}

/** Start socat and a board with `coils` relays at Modbus `address`. Throws if socat is missing. */
export async function startSimulatedBoard(opts: { coils?: number; address?: number; dir?: string } = {}): Promise<SimulatedBoard> {
  const coilCount = opts.coils ?? 8;
  const address = opts.address ?? 1;
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'loaxa-board-'));
  const ownDir = !opts.dir;
  const path = join(dir, 'ttyLOAXA0');
  const boardPath = join(dir, 'ttyBOARD0');
  const socat: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${path}`, `pty,raw,echo=0,link=${boardPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  socat.stderr!.setEncoding('utf8').on('data', (d: string) => (log += d));
  const spawnError = new Promise<Error>((resolve) => socat.once('error', resolve));
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (existsSync(path) && existsSync(boardPath) && log.includes('starting data transfer loop')) break;
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 20))]);
    if (failed) throw failed;
    if (socat.exitCode !== null || Date.now() > deadline) throw new Error(`socat did not start: ${log.trim()}`);
  }
  const { SerialPort } = await import('serialport');
  const port = new SerialPort({ path: boardPath, baudRate: 9600, autoOpen: false, lock: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('error', () => undefined);

  const coils = new Array<boolean>(coilCount).fill(false);
  const frames: SimulatedFrame[] = [];
  let buffer = Buffer.alloc(0);
  const lengthOf = (b: Buffer): number | null => {
    if (b.length < 2) return null;
    if (b[1] === FC_WRITE_MULTIPLE_COILS) return b.length >= 7 ? 9 + b[6]! : null;
    return 8;
  };
  port.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const n = lengthOf(buffer);
      if (n === null || buffer.length < n) return;
      const frame = Buffer.from(buffer.subarray(0, n));
      buffer = buffer.subarray(n);
      const valid = hasValidCrc(frame);
      const fc = frame[1]!;
      const first = (frame[2]! << 8) | frame[3]!;
      const value = (frame[4]! << 8) | frame[5]!;
      const changes: SimulatedFrame['changes'] = [];
      if (valid && frame[0] === address) {
        if (fc === FC_WRITE_SINGLE_COIL) {
          const on = value === 0xff00;
          const targets = first === 0x00ff ? coils.map((_, i) => i) : [first];
          for (const c of targets) if (c < coilCount) changes.push({ coil: c, on: value === 0x5500 ? !coils[c] : on });
          port.write(frame);
        } else if (fc === FC_WRITE_MULTIPLE_COILS) {
          for (let i = 0; i < value; i++) if (first + i < coilCount) changes.push({ coil: first + i, on: Boolean((frame[7 + (i >> 3)]! >> (i & 7)) & 1) });
          port.write(withCrc([...frame.subarray(0, 6)]));
        } else if (fc === FC_READ_COILS) {
          const bytes: number[] = [];
          for (let i = 0; i < value; i += 8) {
            let byte = 0;
            for (let j = 0; j < 8 && i + j < value; j++) if (coils[first + i + j]) byte |= 1 << j;
            bytes.push(byte);
          }
          port.write(withCrc([address, FC_READ_COILS, bytes.length, ...bytes]));
        } else {
          port.write(withCrc([address, fc | 0x80, 0x01]));
        }
        for (const c of changes) coils[c.coil] = c.on;
      }
      frames.push({ atMs: Date.now(), bytes: frame, valid, changes });
    }
  });

  return {
    path,
    frames,
    coilsOn: () => coils.flatMap((on, i) => (on ? [i] : [])),
    close: async () => {
      if (port.isOpen) await new Promise<void>((r) => port.close(() => r()));
      if (socat.exitCode === null) {
        const exited = new Promise((r) => socat.once('exit', r));
        socat.kill('SIGTERM');
        await exited;
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
