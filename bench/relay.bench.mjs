// 8-zone switch on a Modbus RTU board at 9600 baud, over a real socat pty with a board
// simulator on the far end (in this process, so both ends share one clock).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const title = 'Relay: 8-zone switch, Modbus RTU at 9600 baud';

const RUNS = 300;
const WARMUP = 20;
const BAUD = 9600;

function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}
const seal = (body) => {
  const c = crc16(body);
  return Buffer.from([...body, c & 0xff, c >>> 8]);
};

/** Minimal Modbus board: FC05/FC0F echo, FC01 read; notes when each request's last byte arrives. */
async function startBoard(SerialPort, path) {
  const coils = new Array(8).fill(false);
  const port = new SerialPort({ path, baudRate: BAUD, autoOpen: false, lock: false });
  await new Promise((res, rej) => port.open((e) => (e ? rej(e) : res())));
  const board = { arrivals: [], requests: 0, port };
  let buf = Buffer.alloc(0);
  port.on('data', (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      if (buf.length < 7) return;
      const len = buf[1] === 0x0f ? 9 + buf[6] : 8;
      if (buf.length < len) return;
      const f = buf.subarray(0, len);
      buf = buf.subarray(len);
      board.arrivals.push(performance.now());
      board.requests++;
      if (crc16(f.subarray(0, len - 2)) !== (f[len - 2] | (f[len - 1] << 8))) continue;
      const start = (f[2] << 8) | f[3];
      const count = (f[4] << 8) | f[5];
      if (f[1] === 0x05) coils[start] = f[4] === 0xff;
      if (f[1] === 0x0f) for (let i = 0; i < count; i++) coils[start + i] = ((f[7 + (i >> 3)] >> (i & 7)) & 1) === 1;
      if (f[1] === 0x01) {
        let bits = 0;
        for (let i = 0; i < count; i++) if (coils[start + i]) bits |= 1 << i;
        port.write(seal([f[0], 0x01, 1, bits]));
      } else port.write(seal([...f.subarray(0, 6)]));
    }
  });
  return board;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const ms = (x) => x.toFixed(2);

export default async function ({ root }) {
  const { SerialPort } = await import(pathToFileURL(join(root, 'node_modules/serialport/dist/index.js')).href);
  const { openZones } = await import(pathToFileURL(join(root, 'dist/relay/index.js')).href);
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-bench-relay-'));
  const a = join(dir, 'tty-loaxa');
  const b = join(dir, 'tty-board');
  const socat = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  try {
    while (!existsSync(a) || !existsSync(b)) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100));
    const board = await startBoard(SerialPort, b);
    const zones = Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8].map((ch) => [`z${ch}`, { id: `z${ch}`, relay: 'tu-loa', channel: ch, name: `Ấp ${ch}` }]));
    const schedule = {
      station: { id: 'bench', name: 'bench', timezone: 'Asia/Ho_Chi_Minh' },
      relays: { 'tu-loa': { id: 'tu-loa', driver: 'modbus-rtu', port: a, baud: BAUD, address: 1 } },
      zones,
    };
    const ctl = await openZones(schedule, { exitHandlers: false });
    const written = [];
    const roundTrip = [];
    const ids = Object.keys(zones);
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const on = i % 2 === 0;
      // Switches are not back to back in real use: let the inter-frame silence pass first.
      await new Promise((r) => setTimeout(r, 10));
      const before = board.requests;
      const t0 = performance.now();
      const reports = await (on ? ctl.switchOn(ids) : ctl.switchOff(ids));
      const t1 = performance.now();
      if (reports.some((r) => r.fault || r.confirmed !== (on ? 'on' : 'off'))) throw new Error('switch not confirmed');
      if (board.requests - before !== 2) throw new Error(`expected 2 frames (FC0F + FC01), got ${board.requests - before}`);
      if (i < WARMUP) continue;
      // The first of the two frames is the FC0F write: when its last byte reached the board.
      written.push(board.arrivals[before] - t0);
      roundTrip.push(t1 - t0);
    }
    await ctl.close();
    board.port.close();
    written.sort((x, y) => x - y);
    roundTrip.sort((x, y) => x - y);
    const fc0f = 10;
    const fc0fReply = 8;
    const fc01 = 8;
    const fc01Reply = 6;
    const bitTime = 10 / BAUD; // 8N1: 10 bits a byte
    const wireWrite = fc0f * bitTime * 1000;
    const wireRound = (fc0f + fc0fReply + fc01 + fc01Reply) * bitTime * 1000;
    const silence = 3.5 * 11 * (1000 / BAUD); // 3.5 character times between frames (spec counts 11 bits)
    return [
      `${RUNS} runs each after ${WARMUP} warm-up runs, alternating all-on / all-off of 8 zones on one board (one FC0F frame, then one FC01 read-back).`,
      '',
      '| measure | p50 | p99 | wire-time limit at 9600 baud |',
      '|---|---|---|---|',
      `| switch call → last byte of the FC0F frame at the board | ${ms(pct(written, 50))} ms | ${ms(pct(written, 99))} ms | ${ms(wireWrite)} ms (10 bytes) |`,
      `| switch-and-confirm round trip (FC0F + reply + FC01 + reply) | ${ms(pct(roundTrip, 50))} ms | ${ms(pct(roundTrip, 99))} ms | ${ms(wireRound)} ms (32 bytes), ${ms(wireRound + 3 * silence)} ms with the 3 inter-frame silences |`,
      '',
      'A socat pty does not pace bytes at the baud rate: the measured times are software',
      "overhead (loaxa's queue, the serialport binding, the pty) and run *under* the wire time.",
      'On a real RS-485 adapter the wire-time column is the physical floor; expect the',
      'measured overhead on top of it. loaxa keeps 4.1 ms of silence before each frame at 9600 baud',
      '(3.5 character times), which the pty figures include.',
    ].join('\n');
  } finally {
    socat.kill('SIGTERM');
    await new Promise((r) => socat.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}
