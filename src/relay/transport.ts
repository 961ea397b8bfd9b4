/**
 * One serial port: one request in flight, a timeout on every request, retries,
 * unplug detection and reconnection with backoff. Knows bytes, not boards: a driver
 * hands it a frame and a function that says when the reply is complete.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { EXIT, LoaxaError } from '../i18n/index.js';

/** Verdict of a driver on the bytes received so far. */
export type ReplyVerdict =
  | { kind: 'incomplete' }
  | { kind: 'complete'; length: number }
  | { kind: 'bad-crc' }
  | { kind: 'garbage' };

export type ReplySplitter = (received: Buffer) => ReplyVerdict;

export interface TransportOptions {
  board: string;
  driver: string;
  path: string;
  baudRate: number;
  /** Shown in "board does not answer" messages. */
  address?: number | string;
  requestTimeoutMs: number;
  /** Extra tries after the first when the board is silent or answers badly. */
  retries: number;
  reconnect: { initialMs: number; maxMs: number };
  /** Silence kept between two writes (LCUS boards lose commands sent closer than ~50 ms). */
  minGapMs: number;
}

export interface TransportListener {
  /** The port vanished (USB unplug, cable): `reason` is a catalogue key. */
  disconnected?(reason: string): void;
  /** The port is open again after an unplug. */
  reconnected?(): void;
}

export type TransportState = 'closed' | 'open' | 'disconnected';

interface Pending {
  splitter: ReplySplitter | null;
  resolve(reply: Buffer | null): void;
  reject(e: unknown): void;
}

/** How often an open port's device node is checked for presence. */
const PRESENCE_CHECK_MS = 250;

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex').replace(/(..)(?=.)/g, '$1 ').toUpperCase();

export class SerialTransport {
  private port: SerialPort | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private received = Buffer.alloc(0);
  private pending: Pending | null = null;
  private lastWriteAt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private presenceTimer: NodeJS.Timeout | null = null;
  private reconnectDelay: number;
  private listeners: TransportListener[] = [];
  state: TransportState = 'closed';

  constructor(readonly options: TransportOptions) {
    this.reconnectDelay = options.reconnect.initialMs;
  }

  get board(): string {
    return this.options.board;
  }

  get path(): string {
    return this.options.path;
  }

  listen(listener: TransportListener): void {
    this.listeners.push(listener);
  }

  /** Open the port; errors become sentences naming the board and the port. */
  async open(): Promise<void> {
    const port = this.port ?? this.createPort();
    await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(this.openError(e)) : resolve())));
    this.port = port;
    this.state = 'open';
    this.watchPresence();
  }

  /** Start as if unplugged: keep trying to open in the background (a board missing at start-up). */
  openLater(): void {
    this.port ??= this.createPort();
    this.state = 'disconnected';
    this.scheduleReconnect();
  }

  private createPort(): SerialPort {
    const port = new SerialPort({ path: this.options.path, baudRate: this.options.baudRate, autoOpen: false });
    // A data listener must stay attached: without it an unplug is never reported as `close`.
    port.on('data', (chunk: Buffer) => this.onData(chunk));
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      if (err?.disconnected) this.onUnplug();
    });
    port.on('error', () => undefined); // errors surface through callbacks and timeouts
    return port;
  }

  private watchPresence(): void {
    if (this.presenceTimer) return;
    // The `close` event does not always come when a device node vanishes while no read
    // is pending: watch the path too (a USB adapter's node disappears on unplug).
    this.presenceTimer = setInterval(() => {
      if (this.state === 'open' && !existsSync(this.options.path)) this.onUnplug();
    }, PRESENCE_CHECK_MS);
    this.presenceTimer.unref?.();
  }

  private openError(e: Error): LoaxaError {
    const params = { board: this.options.board, port: this.options.path };
    const msg = e.message;
    if (/Cannot lock port/i.test(msg)) return new LoaxaError('relay.port.locked', params, EXIT.FAULT);
    if (/ENOENT|No such file/i.test(msg)) return new LoaxaError('relay.port.missing', params, EXIT.FAULT);
    if (/EACCES|Permission denied/i.test(msg)) return new LoaxaError('relay.port.denied', params, EXIT.FAULT);
    return new LoaxaError('relay.port.openFailed', { ...params, reason: msg.replace(/^Error:\s*/, '') }, EXIT.FAULT);
  }

  private onData(chunk: Buffer): void {
    this.received = Buffer.concat([this.received, chunk]);
    const p = this.pending;
    if (!p || !p.splitter) return;
    const verdict = p.splitter(this.received);
    if (verdict.kind === 'complete') {
      const reply = this.received.subarray(0, verdict.length);
      this.received = this.received.subarray(verdict.length);
      p.resolve(Buffer.from(reply));
    } else if (verdict.kind === 'bad-crc' || verdict.kind === 'garbage') {
      p.reject(this.replyError(verdict.kind));
    }
  }

  private replyError(kind: 'bad-crc' | 'garbage'): LoaxaError {
    const o = this.options;
    const bytes = hex(this.received.subarray(0, 32)) || '—';
    return new LoaxaError(kind === 'bad-crc' ? 'relay.board.badCrc' : 'relay.board.garbage', { board: o.board, port: o.path, bytes, baud: o.baudRate, driver: o.driver }, EXIT.FAULT);
  }

  private silentError(): LoaxaError {
    const o = this.options;
    return new LoaxaError('relay.board.silent', { board: o.board, port: o.path, tries: o.retries + 1, timeoutMs: o.requestTimeoutMs, baud: o.baudRate, address: o.address ?? '—' }, EXIT.FAULT);
  }

  private onUnplug(): void {
    if (this.state !== 'open') return;
    this.state = 'disconnected';
    const port = this.port;
    if (port?.isOpen) port.close(() => undefined); // release the descriptor; reopened on reconnect
    this.pending?.reject(new LoaxaError('relay.board.unplugged', { board: this.options.board, port: this.options.path }, EXIT.FAULT));
    for (const l of this.listeners) l.disconnected?.('relay.board.gone');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.state !== 'disconnected' || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      const port = this.port;
      if (!port || this.state !== 'disconnected') return;
      // Re-opening the same object fails with ENOENT while the device is gone.
      port.open((e) => {
        if (this.state !== 'disconnected') {
          if (!e) port.close(() => undefined);
          return;
        }
        if (e) {
          this.reconnectDelay = Math.min(this.reconnectDelay * 2, this.options.reconnect.maxMs);
          this.scheduleReconnect();
          return;
        }
        this.reconnectDelay = this.options.reconnect.initialMs;
        this.received = Buffer.alloc(0);
        this.state = 'open';
        this.watchPresence();
        for (const l of this.listeners) l.reconnected?.();
      });
    }, this.reconnectDelay);
    this.reconnectTimer.unref?.();
  }

  /**
   * Send a frame and, with a splitter, wait for its complete reply. Requests queue up:
   * one in flight. Silence and bad replies are retried; an unplug is not.
   */
  request(frame: Buffer, splitter: ReplySplitter | null): Promise<Buffer | null> {
    const run = () => this.withRetries(frame, splitter);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async withRetries(frame: Buffer, splitter: ReplySplitter | null): Promise<Buffer | null> {
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      try {
        return await this.once(frame, splitter);
      } catch (e) {
        lastError = e;
        if (e instanceof LoaxaError && (e.key === 'relay.board.unplugged' || e.key === 'relay.board.disconnected')) throw e;
        if (this.state !== 'open') throw e;
      }
    }
    throw lastError;
  }

  private async once(frame: Buffer, splitter: ReplySplitter | null): Promise<Buffer | null> {
    const port = this.port;
    if (!port || this.state !== 'open') {
      throw new LoaxaError('relay.board.disconnected', { board: this.options.board, port: this.options.path }, EXIT.FAULT);
    }
    const wait = this.lastWriteAt + this.options.minGapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    this.received = Buffer.alloc(0); // stale bytes belong to no one
    return new Promise<Buffer | null>((resolve, reject) => {
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (this.pending === mine) this.pending = null;
        this.lastWriteAt = Date.now();
        fn();
      };
      // Writes after an unplug never call back: the timer is the only sure end.
      const timer = setTimeout(() => {
        finish(() => {
          if (this.state === 'open' && !existsSync(this.options.path)) this.onUnplug();
          if (this.state !== 'open') reject(new LoaxaError('relay.board.unplugged', { board: this.options.board, port: this.options.path }, EXIT.FAULT));
          else if (splitter && this.received.length > 0) reject(this.replyError('garbage'));
          else reject(this.silentError());
        });
      }, this.options.requestTimeoutMs);
      // Callbacks of a write lost in an unplug may fire much later: they settle only their own request.
      const mine: Pending = {
        splitter,
        resolve: (reply) => finish(() => resolve(reply)),
        reject: (e) => finish(() => reject(e)),
      };
      this.pending = mine;
      const unplugged = () => new LoaxaError('relay.board.unplugged', { board: this.options.board, port: this.options.path }, EXIT.FAULT);
      port.write(frame, (e) => {
        if (e) return mine.reject(unplugged());
        port.drain((de) => {
          if (de) return mine.reject(unplugged());
          if (!splitter) mine.resolve(null);
        });
      });
    });
  }

  /**
   * Last resort at process exit: write frames synchronously, without waiting for any
   * reply, on a fresh descriptor (the event loop will not run again).
   */
  writeSyncBestEffort(frames: Buffer[], gapMs: number): void {
    if (this.state !== 'open') return;
    let fd: number | null = null;
    try {
      const existing = (this.port as unknown as { port?: { fd?: number | null } })?.port?.fd;
      fd = typeof existing === 'number' ? existing : openSync(this.options.path, 'w');
      for (const [i, frame] of frames.entries()) {
        if (i > 0 && gapMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, gapMs);
        writeSync(fd, frame);
      }
    } catch {
      // best effort: the process is going away
    } finally {
      const existing = (this.port as unknown as { port?: { fd?: number | null } })?.port?.fd;
      if (fd !== null && fd !== existing) closeSync(fd);
    }
  }

  /** Close the port and stop reconnecting. Waits for queued requests to settle first. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.presenceTimer) clearInterval(this.presenceTimer);
    this.reconnectTimer = null;
    this.presenceTimer = null;
    const port = this.port;
    const wasOpen = this.state === 'open';
    this.state = 'closed';
    this.port = null;
    if (port && wasOpen && port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
