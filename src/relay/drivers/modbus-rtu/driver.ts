/** Modbus RTU relay boards (RS-485): FC05 for one relay, FC0F for several, FC01 to read back. */
import { EXIT, LoaxaError, hasMessage, t } from '../../../i18n/index.js';
import type { RelayBoard } from '../../../schedule/types.js';
import type { ReplySplitter, SerialTransport } from '../../transport.js';
import type { BoardDriver, ChannelStates, DriverFamily } from '../types.js';
import { checkReply, isMatchingWriteReply, parseReadCoilsReply, readCoils, writeMultipleCoils, writeSingleCoil } from './frames.js';

/** Address 0 is broadcast: by the standard, nobody answers. */
const BROADCAST = 0;

class ModbusRtuDriver implements BoardDriver {
  readonly canReadBack: boolean;

  constructor(
    private readonly board: RelayBoard,
    private readonly transport: SerialTransport,
  ) {
    this.canReadBack = board.address !== BROADCAST;
  }

  private splitterFor(request: Buffer): ReplySplitter | null {
    if (this.board.address === BROADCAST) return null;
    return (received) => {
      const verdict = checkReply(request, received);
      switch (verdict.kind) {
        case 'incomplete':
          return { kind: 'incomplete' };
        case 'reply':
        case 'exception':
          return { kind: 'complete', length: verdict.length };
        case 'bad-crc':
          return { kind: 'bad-crc' };
        case 'garbage':
          return { kind: 'garbage' };
      }
    };
  }

  /** Send and check: exceptions become sentences, a wrong echo is a bad reply. */
  private async exchange(request: Buffer): Promise<Buffer | null> {
    const reply = await this.transport.request(request, this.splitterFor(request));
    if (!reply) return null;
    const params = { board: this.board.id, port: this.board.port };
    if (reply[1] === (request[1]! | 0x80)) {
      const code = reply[2]!;
      const key = `relay.modbus.exception.${code}`;
      throw new LoaxaError('relay.modbus.exception', { ...params, code: `0${code.toString(16)}`.slice(-2), meaning: t(hasMessage(key) ? key : 'relay.modbus.exception.unknown') }, EXIT.FAULT);
    }
    return reply;
  }

  async write(changes: ChannelStates, wanted: ChannelStates): Promise<void> {
    if (changes.size === 0) return;
    let request: Buffer;
    if (changes.size === 1) {
      const [channel, on] = [...changes][0]!;
      request = writeSingleCoil(this.board.address, channel - 1, on);
    } else {
      // One FC0F frame from the lowest to the highest changed coil, keeping the others as wanted.
      const channels = [...changes.keys()];
      const first = Math.min(...channels);
      const last = Math.max(...channels);
      const states: boolean[] = [];
      for (let ch = first; ch <= last; ch++) states.push(changes.get(ch) ?? wanted.get(ch) ?? false);
      request = writeMultipleCoils(this.board.address, first - 1, states);
    }
    const reply = await this.exchange(request);
    if (reply && !isMatchingWriteReply(request, reply)) {
      throw new LoaxaError('relay.board.badReply', { board: this.board.id, port: this.board.port, reply: reply.toString('hex') }, EXIT.FAULT);
    }
  }

  async read(channels: number[]): Promise<ChannelStates> {
    const first = Math.min(...channels);
    const count = Math.max(...channels) - first + 1;
    const reply = await this.exchange(readCoils(this.board.address, first - 1, count));
    const states = parseReadCoilsReply(reply!, count);
    return new Map(channels.map((ch) => [ch, states[ch - first]!]));
  }

  offFramesForExit(channels: number[]): Buffer[] {
    if (channels.length === 0) return [];
    const first = Math.min(...channels);
    const last = Math.max(...channels);
    return [writeMultipleCoils(this.board.address, first - 1, new Array<boolean>(last - first + 1).fill(false))];
  }
}

export const modbusRtu: DriverFamily = {
  name: 'modbus-rtu',
  maxChannel: 2000,
  // A frame ends after 3.5 character times of silence (11 bits a character); the spec
  // fixes 1.75 ms above 19200 baud.
  gapMs: (board) => (board.baud > 19200 ? 1.75 : Math.ceil(((3.5 * 11) / board.baud) * 1000 * 10) / 10),
  create: (board, transport) => new ModbusRtuDriver(board, transport),
};
