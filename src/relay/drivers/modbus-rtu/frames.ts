/**
 * Modbus RTU frames for relay boards: pure building and parsing, no I/O.
 * Frame = address | function | data | CRC-lo CRC-hi. Coil address = channel − 1.
 */

export const FC_READ_COILS = 0x01;
export const FC_WRITE_SINGLE_COIL = 0x05;
export const FC_WRITE_MULTIPLE_COILS = 0x0f;
export const EXCEPTION_FLAG = 0x80;

/** CRC-16/MODBUS: init 0xFFFF, reflected polynomial 0xA001, no final XOR. */
export function crc16modbus(bytes: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Append the CRC, low byte first. */
export function withCrc(body: number[]): Buffer {
  const crc = crc16modbus(Uint8Array.from(body));
  return Buffer.from([...body, crc & 0xff, crc >>> 8]);
}

export function hasValidCrc(frame: Uint8Array): boolean {
  if (frame.length < 4) return false;
  const crc = crc16modbus(frame.subarray(0, frame.length - 2));
  return frame[frame.length - 2] === (crc & 0xff) && frame[frame.length - 1] === crc >>> 8;
}

/** FC05: one coil on/off. Value 0xFF00 = on, 0x0000 = off (0x5500 flips on some boards). */
export function writeSingleCoil(address: number, coil: number, on: boolean): Buffer {
  return withCrc([address, FC_WRITE_SINGLE_COIL, coil >> 8, coil & 0xff, on ? 0xff : 0x00, 0x00]);
}

/** FC05 with the vendor value 0x5500: toggle one coil. */
export function flipSingleCoil(address: number, coil: number): Buffer {
  return withCrc([address, FC_WRITE_SINGLE_COIL, coil >> 8, coil & 0xff, 0x55, 0x00]);
}

/** FC0F: `states[i]` is coil `first + i`; lowest coil = lowest bit of the first data byte. */
export function writeMultipleCoils(address: number, first: number, states: boolean[]): Buffer {
  const byteCount = Math.ceil(states.length / 8);
  const data = new Array<number>(byteCount).fill(0);
  states.forEach((on, i) => {
    if (on) data[i >> 3]! |= 1 << (i & 7);
  });
  return withCrc([
    address,
    FC_WRITE_MULTIPLE_COILS,
    first >> 8,
    first & 0xff,
    states.length >> 8,
    states.length & 0xff,
    byteCount,
    ...data,
  ]);
}

/** FC01: read `count` coils from `first`. */
export function readCoils(address: number, first: number, count: number): Buffer {
  return withCrc([address, FC_READ_COILS, first >> 8, first & 0xff, count >> 8, count & 0xff]);
}

/** Reply length the board sends for a request, when it answers normally. */
export function expectedReplyLength(request: Uint8Array): number {
  const fc = request[1];
  if (fc === FC_WRITE_SINGLE_COIL) return 8; // echo
  if (fc === FC_WRITE_MULTIPLE_COILS) return 8; // addr fc first(2) count(2) crc(2)
  if (fc === FC_READ_COILS) {
    const count = (request[4]! << 8) | request[5]!;
    return 5 + Math.ceil(count / 8);
  }
  throw new Error(`unsupported function 0x${(fc ?? 0).toString(16)}`);
}

export type ReplyCheck =
  | { kind: 'incomplete' }
  | { kind: 'reply'; length: number }
  | { kind: 'exception'; code: number; length: number }
  | { kind: 'bad-crc'; length: number }
  | { kind: 'garbage' };

/**
 * Split a reply out of the bytes received so far: by the length expected for `request`,
 * or the 5-byte exception shape (fc + 0x80), then the CRC.
 */
export function checkReply(request: Uint8Array, received: Uint8Array): ReplyCheck {
  if (received.length === 0) return { kind: 'incomplete' };
  if (received[0] !== request[0]) return { kind: 'garbage' };
  if (received.length < 2) return { kind: 'incomplete' };
  const fc = received[1]!;
  if (fc === (request[1]! | EXCEPTION_FLAG)) {
    if (received.length < 5) return { kind: 'incomplete' };
    const frame = received.subarray(0, 5);
    return hasValidCrc(frame) ? { kind: 'exception', code: frame[2]!, length: 5 } : { kind: 'bad-crc', length: 5 };
  }
  if (fc !== request[1]) return { kind: 'garbage' };
  const length = expectedReplyLength(request);
  if (received.length < length) return { kind: 'incomplete' };
  return hasValidCrc(received.subarray(0, length)) ? { kind: 'reply', length } : { kind: 'bad-crc', length };
}

/** Coil states from an FC01 reply (`addr 01 byteCount bits… crc`). */
export function parseReadCoilsReply(reply: Uint8Array, count: number): boolean[] {
  const states: boolean[] = [];
  for (let i = 0; i < count; i++) states.push(((reply[3 + (i >> 3)]! >> (i & 7)) & 1) === 1);
  return states;
}

/** Whether a normal write reply matches the request (FC05 echo; FC0F first + count). */
export function isMatchingWriteReply(request: Uint8Array, reply: Uint8Array): boolean {
  if (request[1] === FC_WRITE_SINGLE_COIL) return Buffer.compare(Buffer.from(request), Buffer.from(reply.subarray(0, 8))) === 0;
  for (let i = 0; i < 6; i++) if (request[i] !== reply[i]) return false;
  return true;
}

/** Exception codes that have their own sentence in the catalogue (`relay.modbus.exception.<code>`). */
export const KNOWN_EXCEPTION_CODES = [1, 2, 3, 4, 5, 6, 8, 10, 11];
