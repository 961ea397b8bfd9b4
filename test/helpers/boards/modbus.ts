/** A Modbus RTU relay board on the far end of a pty: FC01, FC05 (incl. vendor values), FC0F. */
import { BoardSimulator } from './simulator.js';

/** CRC-16/MODBUS, written here again so the simulator checks loaxa rather than trusting it. */
export function crc16(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function seal(body: number[]): Buffer {
  const crc = crc16(Uint8Array.from(body));
  return Buffer.from([...body, crc & 0xff, crc >>> 8]);
}

export class ModbusBoardSimulator extends BoardSimulator {
  constructor(
    path: string,
    channelCount = 8,
    readonly address = 1,
  ) {
    super(path, channelCount);
  }

  /** Bytes a request of this function needs in total, once enough header is in. */
  private frameLength(buf: Buffer): number | null {
    if (buf.length < 2) return null;
    const fc = buf[1]!;
    if (fc === 0x01 || fc === 0x05) return 8;
    if (fc === 0x0f) return buf.length >= 7 ? 9 + buf[6]! : null;
    return 8; // unknown function: assume the common 8-byte shape, then answer "illegal function"
  }

  protected consume(): void {
    for (;;) {
      const length = this.frameLength(this.buffer);
      if (length === null || this.buffer.length < length) return;
      const frame = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      this.handle(Buffer.from(frame));
    }
  }

  private handle(frame: Buffer): void {
    const crc = crc16(frame.subarray(0, frame.length - 2));
    const valid = frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
    const [addr, fc] = [frame[0]!, frame[1]!];
    const start = (frame[2]! << 8) | frame[3]!;
    const value = (frame[4]! << 8) | frame[5]!;
    const summary = fc === 0x05 ? `FC05 coil ${start} ${value === 0xff00 ? 'on' : value === 0 ? 'off' : `0x${value.toString(16)}`}` : fc === 0x0f ? `FC0F coils ${start}+${value}` : fc === 0x01 ? `FC01 coils ${start}+${value}` : `FC${fc}`;
    this.record(frame, valid, summary);
    // A real board ignores frames with a bad CRC and frames for other addresses.
    if (!valid || (addr !== this.address && addr !== 0)) return;
    const reply = addr !== 0;
    const mode = this.mode;
    if (mode.kind === 'silent') return;
    if (mode.kind === 'garbage') return this.send(Buffer.from([0x13, 0x37, 0x00, 0xaa, 0x55, 0xfe, 0x01]));
    if (mode.kind === 'exception') return this.send(seal([this.address, fc | 0x80, mode.code]));
    const answer = (body: number[]) => {
      if (!reply) return;
      const out = seal(body);
      if (mode.kind === 'bad-crc') out[out.length - 1]! ^= 0xff;
      this.send(out);
    };
    const coilCount = this.channelCount;
    if (fc === 0x05) {
      if (start === 0x00ff && (value === 0xff00 || value === 0)) {
        for (let ch = 1; ch <= coilCount; ch++) this.setRelay(ch, value === 0xff00);
      } else if (start >= coilCount) {
        return reply ? this.send(seal([this.address, 0x85, 0x02])) : undefined;
      } else if (value === 0xff00 || value === 0) this.setRelay(start + 1, value === 0xff00);
      else if (value === 0x5500) this.setRelay(start + 1, !this.relays[start + 1]);
      else return reply ? this.send(seal([this.address, 0x85, 0x03])) : undefined;
      return answer([...frame.subarray(0, 6)]);
    }
    if (fc === 0x0f) {
      if (start + value > coilCount || frame[6] !== Math.ceil(value / 8)) return reply ? this.send(seal([this.address, 0x8f, 0x02])) : undefined;
      for (let i = 0; i < value; i++) this.setRelay(start + i + 1, ((frame[7 + (i >> 3)]! >> (i & 7)) & 1) === 1);
      return answer([...frame.subarray(0, 6)]);
    }
    if (fc === 0x01) {
      if (start + value > coilCount || value === 0) return reply ? this.send(seal([this.address, 0x81, 0x02])) : undefined;
      const bytes = new Array<number>(Math.ceil(value / 8)).fill(0);
      for (let i = 0; i < value; i++) if (this.relays[start + i + 1]) bytes[i >> 3]! |= 1 << (i & 7);
      return answer([this.address, 0x01, bytes.length, ...bytes]);
    }
    if (reply) this.send(seal([this.address, fc | 0x80, 0x01]));
  }
}
