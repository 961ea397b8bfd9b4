/**
 * LCUS (CH340) USB relay frames: `A0 ch op sum`, sum = (0xA0 + ch + op) & 0xFF,
 * channels from 1. The board never replies to these.
 */

export const LCUS_HEAD = 0xa0;

export function lcusFrame(channel: number, on: boolean): Buffer {
  const op = on ? 0x01 : 0x00;
  return Buffer.from([LCUS_HEAD, channel, op, (LCUS_HEAD + channel + op) & 0xff]);
}

/** Parse one 4-byte frame; null when the head or checksum is wrong. */
export function parseLcusFrame(frame: Uint8Array): { channel: number; on: boolean } | null {
  if (frame.length !== 4 || frame[0] !== LCUS_HEAD) return null;
  const [, channel, op, sum] = frame as unknown as [number, number, number, number];
  if (((LCUS_HEAD + channel + op) & 0xff) !== sum || (op !== 0 && op !== 1)) return null;
  return { channel, on: op === 1 };
}
