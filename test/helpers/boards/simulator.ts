/**
 * What every board simulator shares: the far end of a pty opened with `serialport`,
 * relay state, a log of every frame received (with its time), and the faults a test
 * can ask for.
 */
import { SerialPort } from 'serialport';

export interface ReceivedFrame {
  /** Date.now() and performance.now() when the frame was complete. */
  atMs: number;
  perfMs: number;
  bytes: Buffer;
  /** Checksum (or syntax) valid. */
  valid: boolean;
  /** Decoded meaning, for assertions: e.g. `FC05 coil 0 on`, `relay on 3`. */
  summary: string;
}

/** How the board behaves: answer normally, stay silent, send garbage, answer with a bad checksum, or a Modbus exception. */
export type SimulatorMode = { kind: 'normal' } | { kind: 'silent' } | { kind: 'garbage' } | { kind: 'bad-crc' } | { kind: 'exception'; code: number };

export abstract class BoardSimulator {
  protected port: SerialPort | null = null;
  protected buffer = Buffer.alloc(0);
  readonly frames: ReceivedFrame[] = [];
  /** Relay states by channel as printed on the board (index 0 unused). */
  relays: boolean[];
  mode: SimulatorMode = { kind: 'normal' };
  /** Channels whose relay is welded/stuck: commands do not change them (read-back mismatch). */
  readonly stuck = new Set<number>();
  private frameWaiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    readonly path: string,
    readonly channelCount: number,
  ) {
    this.relays = new Array<boolean>(channelCount + 1).fill(false);
  }

  async open(): Promise<this> {
    const port = new SerialPort({ path: this.path, baudRate: 9600, autoOpen: false, lock: false });
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
    port.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.consume();
    });
    port.on('error', () => undefined);
    port.on('close', () => undefined);
    this.port = port;
    this.buffer = Buffer.alloc(0);
    return this;
  }

  /** The board disappears (its end closes); relays keep their state unless powered off. */
  async vanish(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((r) => port.close(() => r()));
  }

  /** After socat was started again at the same path. */
  async reattach(): Promise<void> {
    await this.vanish();
    await this.open();
  }

  /** Relays drop out, as after a power cut. */
  powerCycle(): void {
    this.relays.fill(false);
  }

  async close(): Promise<void> {
    await this.vanish();
  }

  /** Channels currently on. */
  onChannels(): number[] {
    return this.relays.flatMap((on, ch) => (on && ch > 0 ? [ch] : []));
  }

  protected setRelay(channel: number, on: boolean): void {
    if (channel < 1 || channel > this.channelCount) return;
    if (!this.stuck.has(channel)) this.relays[channel] = on;
  }

  protected record(bytes: Buffer, valid: boolean, summary: string): void {
    this.frames.push({ atMs: Date.now(), perfMs: performance.now(), bytes: Buffer.from(bytes), valid, summary });
    this.frameWaiters = this.frameWaiters.filter((w) => {
      if (this.frames.length < w.count) return true;
      w.resolve();
      return false;
    });
  }

  protected send(bytes: Buffer | string): void {
    this.port?.write(bytes);
  }

  /** Resolve once `count` frames in total have been received. */
  waitForFrames(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.frames.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${this.frames.length} of ${count} frames arrived`)), timeoutMs);
      this.frameWaiters.push({ count, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Parse as many whole frames from `buffer` as possible. */
  protected abstract consume(): void;
}

export function waitFor(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
