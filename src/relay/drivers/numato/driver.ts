/** Numato USB relay boards: ASCII commands, echo and `>` prompt, `relay read` to read back. */
import { EXIT, LoaxaError } from '../../../i18n/index.js';
import type { RelayBoard } from '../../../schedule/types.js';
import type { ReplySplitter, SerialTransport } from '../../transport.js';
import type { BoardDriver, ChannelStates, DriverFamily } from '../types.js';
import { checkNumatoReply, numatoCommand, parseRelayRead } from './frames.js';

class NumatoDriver implements BoardDriver {
  readonly canReadBack = true;

  constructor(
    private readonly board: RelayBoard,
    private readonly transport: SerialTransport,
  ) {}

  private async command(command: string): Promise<string> {
    const splitter: ReplySplitter = (received) => {
      const verdict = checkNumatoReply(command, received.toString('latin1'));
      return verdict.kind === 'reply' ? { kind: 'complete', length: verdict.length } : verdict;
    };
    const reply = await this.transport.request(Buffer.from(command, 'ascii'), splitter);
    const verdict = checkNumatoReply(command, reply!.toString('latin1'));
    return verdict.kind === 'reply' ? verdict.text : '';
  }

  async write(changes: ChannelStates): Promise<void> {
    for (const [channel, on] of changes) {
      await this.command(on ? numatoCommand.on(channel - 1) : numatoCommand.off(channel - 1));
    }
  }

  async read(channels: number[]): Promise<ChannelStates> {
    const states: ChannelStates = new Map();
    for (const channel of channels) {
      const text = await this.command(numatoCommand.read(channel - 1));
      const on = parseRelayRead(text);
      if (on === null) throw new LoaxaError('relay.board.badReply', { board: this.board.id, port: this.board.port, reply: text }, EXIT.FAULT);
      states.set(channel, on);
    }
    return states;
  }

  offFramesForExit(channels: number[]): Buffer[] {
    return channels.map((ch) => Buffer.from(numatoCommand.off(ch - 1), 'ascii'));
  }
}

export const numato: DriverFamily = {
  name: 'numato',
  maxChannel: 32,
  gapMs: () => 0,
  create: (board, transport) => new NumatoDriver(board, transport),
};
