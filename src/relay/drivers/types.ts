/** The interface every board family implements, and what a family registers. */
import type { RelayBoard } from '../../schedule/types.js';
import type { SerialTransport } from '../transport.js';

/** Channel (as printed on the board, from 1) → on. */
export type ChannelStates = Map<number, boolean>;

export interface BoardDriver {
  /** Whether the board can report its relay states (else loaxa says "unconfirmed"). */
  readonly canReadBack: boolean;
  /**
   * Bring `changes` to their states. `wanted` is the complete wanted state of every
   * channel loaxa drives on this board, for families that write many relays in one frame.
   */
  write(changes: ChannelStates, wanted: ChannelStates): Promise<void>;
  /** Read the channels back (only called when canReadBack). */
  read(channels: number[]): Promise<ChannelStates>;
  /** Frames that switch the channels off with no reply awaited: the last resort at exit. */
  offFramesForExit(channels: number[]): Buffer[];
}

export interface DriverFamily {
  readonly name: string;
  /** Highest channel number the family can address. */
  readonly maxChannel: number;
  /** Silence the transport keeps between two writes, for this board's baud rate. */
  gapMs(board: RelayBoard): number;
  create(board: RelayBoard, transport: SerialTransport): BoardDriver;
}
