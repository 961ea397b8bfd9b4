import { describe, expect, it } from 'vitest';
import {
  checkReply,
  crc16modbus,
  flipSingleCoil,
  parseReadCoilsReply,
  readCoils,
  writeMultipleCoils,
  writeSingleCoil,
  withCrc,
} from '../../src/relay/drivers/modbus-rtu/frames.js';
import { lcusFrame, parseLcusFrame } from '../../src/relay/drivers/lcus/frames.js';
import { checkNumatoReply, numatoCommand, numatoIndex, parseNumatoIndex, parseReadAll, parseRelayRead } from '../../src/relay/drivers/numato/frames.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const hexOf = (b: Buffer) => b.toString('hex').toUpperCase().replace(/(..)(?=.)/g, '$1 ');

describe('CRC-16/MODBUS', () => {
  it('has the check value 0x4B37 for "123456789"', () => {
    expect(crc16modbus(Buffer.from('123456789', 'ascii'))).toBe(0x4b37);
  });
});

describe('Modbus RTU frames match relay-boards.md byte for byte', () => {
  const vectors: Array<[string, Buffer, string]> = [
    ['FC05 coil 0 ON', writeSingleCoil(1, 0, true), '01 05 00 00 FF 00 8C 3A'],
    ['FC05 coil 0 OFF', writeSingleCoil(1, 0, false), '01 05 00 00 00 00 CD CA'],
    ['FC05 flip coil 0', flipSingleCoil(1, 0), '01 05 00 00 55 00 F2 9A'],
    ['FC05 all ON (coil 0x00FF)', writeSingleCoil(1, 0xff, true), '01 05 00 FF FF 00 BC 0A'],
    ['FC05 all OFF', writeSingleCoil(1, 0xff, false), '01 05 00 FF 00 00 FD FA'],
    ['FC01 read 8 coils', readCoils(1, 0, 8), '01 01 00 00 00 08 3D CC'],
    ['FC0F 8 coils all ON', writeMultipleCoils(1, 0, new Array(8).fill(true)), '01 0F 00 00 00 08 01 FF BE D5'],
    ['FC0F 8 coils all OFF', writeMultipleCoils(1, 0, new Array(8).fill(false)), '01 0F 00 00 00 08 01 00 FE 95'],
    ['address 0xFF coil 0 ON', writeSingleCoil(0xff, 0, true), 'FF 05 00 00 FF 00 99 E4'],
    ['address 0xFF coil 0 OFF', writeSingleCoil(0xff, 0, false), 'FF 05 00 00 00 00 D8 14'],
    ['FC01 reply all off', withCrc([1, 1, 1, 0]), '01 01 01 00 51 88'],
    ['FC01 reply coils 0 and 6 on', withCrc([1, 1, 1, 0x41]), '01 01 01 41 91 B8'],
    ['FC0F reply', withCrc([1, 0x0f, 0, 0, 0, 8]), '01 0F 00 00 00 08 54 0D'],
    ['exception reply FC05 code 02', withCrc([1, 0x85, 2]), '01 85 02 C3 51'],
  ];
  it.each(vectors)('%s', (_name, frame, expected) => {
    expect(hexOf(frame)).toBe(expected);
  });

  it('reads coil bits lowest coil = lowest bit', () => {
    const states = parseReadCoilsReply(bytes('01 01 01 41 91 B8'), 8);
    expect(states).toEqual([true, false, false, false, false, false, true, false]);
  });

  it('packs more than 8 coils over several bytes', () => {
    const frame = writeMultipleCoils(1, 0, [true, ...new Array(8).fill(false), true]);
    expect(frame.subarray(0, 9)).toEqual(bytes('01 0F 00 00 00 0A 02 01 02'));
  });

  it('splits replies by expected length and CRC', () => {
    const req = readCoils(1, 0, 8);
    expect(checkReply(req, bytes('01 01 01'))).toEqual({ kind: 'incomplete' });
    expect(checkReply(req, bytes('01 01 01 41 91 B8'))).toEqual({ kind: 'reply', length: 6 });
    expect(checkReply(req, bytes('01 01 01 41 91 B9'))).toEqual({ kind: 'bad-crc', length: 6 });
    expect(checkReply(req, bytes('02 01 01 41 91 B8'))).toEqual({ kind: 'garbage' });
    const on = writeSingleCoil(1, 0, true);
    expect(checkReply(on, bytes('01 85 02 C3 51'))).toEqual({ kind: 'exception', code: 2, length: 5 });
    expect(checkReply(on, on)).toEqual({ kind: 'reply', length: 8 });
  });
});

describe('LCUS frames', () => {
  it.each([
    [1, true, 'A0 01 01 A2'],
    [1, false, 'A0 01 00 A1'],
    [2, true, 'A0 02 01 A3'],
    [2, false, 'A0 02 00 A2'],
    [4, true, 'A0 04 01 A5'],
  ])('channel %i %s', (ch, on, expected) => {
    expect(hexOf(lcusFrame(ch, on))).toBe(expected);
    expect(parseLcusFrame(bytes(expected))).toEqual({ channel: ch, on });
  });
  it('rejects a bad checksum', () => {
    expect(parseLcusFrame(bytes('A0 01 01 A3'))).toBeNull();
  });
});

describe('Numato commands', () => {
  it('builds the ASCII commands', () => {
    expect(numatoCommand.on(0)).toBe('relay on 0\r');
    expect(numatoCommand.off(0)).toBe('relay off 0\r');
    expect(numatoCommand.read(0)).toBe('relay read 0\r');
    expect(numatoCommand.readAll()).toBe('relay readall\r');
    expect(numatoCommand.writeAll(0xff, 2)).toBe('relay writeall ff\r');
    expect(numatoCommand.version()).toBe('ver\r');
  });
  it('writes relays 10 and up as letters A…V', () => {
    expect(numatoIndex(9)).toBe('9');
    expect(numatoIndex(10)).toBe('A');
    expect(numatoIndex(31)).toBe('V');
    expect(() => numatoIndex(32)).toThrow(RangeError);
    expect(parseNumatoIndex('A')).toBe(10);
    expect(parseNumatoIndex('v')).toBe(31);
    expect(numatoCommand.on(15)).toBe('relay on F\r');
  });
  it('splits echo, reply and prompt', () => {
    const cmd = numatoCommand.read(3);
    expect(checkNumatoReply(cmd, 'relay read 3\n\ro')).toEqual({ kind: 'incomplete' });
    const done = checkNumatoReply(cmd, 'relay read 3\n\ron\n\r>');
    expect(done).toEqual({ kind: 'reply', text: 'on', length: 19 });
    expect(checkNumatoReply(numatoCommand.on(3), 'relay on 3\n\r>')).toMatchObject({ kind: 'reply', text: '' });
    expect(checkNumatoReply(cmd, 'xx#?>')).toEqual({ kind: 'garbage' });
    expect(parseRelayRead('off')).toBe(false);
    expect(parseRelayRead('huh')).toBeNull();
    expect(parseReadAll('0f')).toBe(15);
  });
});
