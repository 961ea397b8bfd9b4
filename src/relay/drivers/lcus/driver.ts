/** LCUS (CH340) USB relays: 4-byte frames, no replies, so every state is "unconfirmed". */
import type { RelayBoard } from '../../../schedule/types.js';
import type { SerialTransport } from '../../transport.js';
import type { BoardDriver, ChannelStates, DriverFamily } from '../types.js';
import { lcusFrame } from './frames.js';

/** The boards drop commands sent closer together than about 50 ms. */
const GAP_MS = 60;

class LcusDriver implements BoardDriver {
  readonly canReadBack = false;

  constructor(
    private readonly board: RelayBoard,
    private readonly transport: SerialTransport,
  ) {}

  async write(changes: ChannelStates): Promise<void> {
    for (const [channel, on] of changes) await this.transport.request(lcusFrame(channel, on), null);
  }

  async read(): Promise<ChannelStates> {
    throw new Error(`${this.board.id}: LCUS boards cannot read back`);
  }

  offFramesForExit(channels: number[]): Buffer[] {
    return channels.map((ch) => lcusFrame(ch, false));
  }
}

export const lcus: DriverFamily = {
  name: 'lcus',
  maxChannel: 8,
  gapMs: () => GAP_MS,
  create: (board, transport) => new LcusDriver(board, transport),
};
