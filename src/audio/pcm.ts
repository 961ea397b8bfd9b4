/**
 * One decoder ffmpeg (source → PCM on stdout) with its buffer, kept alive by the supervisor.
 * Live inputs (streams, line-in) drop their oldest audio beyond `maxBufferMs` so the air
 * stays close to real time; file inputs are paced by back-pressure instead.
 */
import { EventEmitter } from 'node:events';
import { BYTES_PER_FRAME, BYTES_PER_MS, spawnFfmpeg, lastErrorLine, type Spawned } from './ffmpeg.js';
import { decoderArgs, type SourceSpec } from './sources.js';

export interface DecoderOptions {
  spec: SourceSpec;
  live: boolean;
  /** Buffer kept for jitter (live) / read-ahead (file). */
  targetBufferMs?: number;
  maxBufferMs?: number;
  /** Restart delay after an exit grows 250 ms → 2 s. */
  maxBackoffMs?: number;
  now: () => number;
}

export class Decoder extends EventEmitter {
  private chunks: Buffer[] = [];
  private bytes = 0;
  private proc: Spawned | null = null;
  private stopped = false;
  private backoffMs = 250;
  private restartTimer: NodeJS.Timeout | null = null;
  /** Wall time (ms) of the last data, of the last exit, and whether data came since (re)start. */
  lastDataAt = 0;
  exitedAt: number | null = null;
  gotData = false;
  starts = 0;
  lastError = '';
  private kickReason: string | null = null;
  readonly targetBytes: number;
  readonly maxBytes: number;

  constructor(readonly opts: DecoderOptions) {
    super();
    this.targetBytes = Math.round((opts.targetBufferMs ?? (opts.live ? 400 : 3000)) * BYTES_PER_MS / BYTES_PER_FRAME) * BYTES_PER_FRAME;
    this.maxBytes = Math.round((opts.maxBufferMs ?? (opts.live ? 2000 : 6000)) * BYTES_PER_MS / BYTES_PER_FRAME) * BYTES_PER_FRAME;
  }

  get pid(): number | undefined {
    return this.proc?.child.pid;
  }

  get bufferedMs(): number {
    return this.bytes / BYTES_PER_MS;
  }

  get running(): boolean {
    return this.proc !== null;
  }

  start(): void {
    if (this.stopped || this.proc) return;
    this.starts++;
    this.gotData = false;
    const proc = spawnFfmpeg(decoderArgs(this.opts.spec));
    this.proc = proc;
    proc.child.stdout.on('data', (d: Buffer) => this.onData(d));
    void proc.exited.then((r) => {
      if (this.proc !== proc) return;
      this.proc = null;
      this.exitedAt = this.opts.now();
      this.lastError = this.kickReason ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.code}: ${lastErrorLine(r.stderr)}`);
      this.kickReason = null;
      this.emit('exit', { code: r.code, signal: r.signal, reason: this.lastError, hadData: this.gotData });
      if (this.stopped) return;
      // A file that simply ended is not restarted (fallbacks loop by themselves).
      if (!this.opts.live && r.code === 0) return;
      const delay = this.gotData ? 250 : this.backoffMs;
      this.backoffMs = this.gotData ? 250 : Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 2000);
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.start();
      }, delay);
    });
  }

  private onData(d: Buffer): void {
    if (this.stopped) return;
    const now = this.opts.now();
    if (!this.gotData) {
      this.gotData = true;
      this.emit('data-started', { at: now, restartedAfterExitAt: this.exitedAt });
    }
    this.lastDataAt = now;
    this.chunks.push(d);
    this.bytes += d.length;
    if (this.opts.live) {
      // Trim in steps of a quarter of the buffer so a pre-roll always holds more than the
      // jitter reserve plus the leveller's look-ahead.
      if (this.bytes > this.maxBytes) this.drop(this.bytes - Math.round((this.maxBytes * 3) / 4));
    } else if (this.bytes > this.maxBytes) {
      this.proc?.child.stdout.pause();
    }
  }

  /** Drop the oldest bytes (whole frames) so live audio stays near real time. */
  drop(n: number): void {
    n -= n % BYTES_PER_FRAME;
    this.take(n);
  }

  /** Trim to the jitter target, e.g. right before going on air after a pre-roll. */
  trimToTarget(extraMs = 0): void {
    const keep = this.targetBytes + Math.round((extraMs * BYTES_PER_MS) / BYTES_PER_FRAME) * BYTES_PER_FRAME;
    if (this.opts.live && this.bytes > keep) this.drop(this.bytes - keep);
  }

  /** Up to n bytes (whole frames) from the buffer; may return fewer. */
  take(n: number): Buffer {
    n = Math.min(n - (n % BYTES_PER_FRAME), this.bytes - (this.bytes % BYTES_PER_FRAME));
    if (n <= 0) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    let need = n;
    while (need > 0) {
      const c = this.chunks[0]!;
      if (c.length <= need) {
        parts.push(c);
        this.chunks.shift();
        need -= c.length;
      } else {
        parts.push(c.subarray(0, need));
        this.chunks[0] = c.subarray(need);
        need = 0;
      }
    }
    this.bytes -= n;
    if (!this.opts.live && this.bytes < this.targetBytes) this.proc?.child.stdout.resume();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  /** Kill and let the restart logic bring it back (used when a connection stalls). */
  kick(reason: string): void {
    this.kickReason = reason;
    this.proc?.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const p = this.proc;
    if (!p) return;
    // Drain whatever is pending, or a paused pipe keeps 'close' from ever firing.
    p.child.stdout.removeAllListeners('data');
    p.child.stdout.resume();
    p.child.kill('SIGTERM');
    const t = setTimeout(() => p.child.kill('SIGKILL'), 1500);
    await p.exited;
    clearTimeout(t);
  }
}

/** RMS level of s16le PCM in dBFS (−Infinity for digital silence). */
export function rmsDb(pcm: Buffer): number {
  const n = Math.floor(pcm.length / 2);
  if (n === 0) return -Infinity;
  // Int16Array needs 2-byte alignment; pipe chunks usually have it, copy when not.
  const src = pcm.byteOffset % 2 === 0 ? pcm : Buffer.from(pcm);
  const samples = new Int16Array(src.buffer, src.byteOffset, n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += samples[i]! * samples[i]!;
  const rms = Math.sqrt(sum / n) / 32768;
  return rms > 0 ? 20 * Math.log10(rms) : -Infinity;
}

/** Linear fade applied to PCM in place: gain from g0 to g1 across the buffer (stop fades). */
export function fadePcm(pcm: Buffer, g0: number, g1: number): void {
  const frames = Math.floor(pcm.length / BYTES_PER_FRAME);
  for (let f = 0; f < frames; f++) {
    const g = g0 + ((g1 - g0) * f) / Math.max(1, frames);
    for (let c = 0; c < 2; c++) {
      const o = f * 4 + c * 2;
      pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(pcm.readInt16LE(o) * g))), o);
    }
  }
}
