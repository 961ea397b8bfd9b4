/**
 * The engine's clock: wall time, timers armed to an absolute epoch millisecond, and sleeps.
 * The system clock is the only one used in production; tests replace it with FakeClock.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Wall time, UTC epoch ms. */
  now(): number;
  /** Run `fn` once when the wall clock reaches `atMs` (at once if it already has). */
  setTimer(atMs: number, fn: () => void): Timer;
  sleep(ms: number): Promise<void>;
  sleepUntil(atMs: number): Promise<void>;
}

interface Entry {
  atMs: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Insert keeping the queue sorted by time, then by arming order (stable for equal times). */
function insertSorted(queue: Entry[], e: Entry): void {
  let lo = 0;
  let hi = queue.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const m = queue[mid]!;
    if (m.atMs < e.atMs || (m.atMs === e.atMs && m.seq < e.seq)) lo = mid + 1;
    else hi = mid;
  }
  queue.splice(lo, 0, e);
}

/**
 * Timers against the wall clock with one OS timeout for the whole queue.
 * Why chunks: setTimeout runs on the monotonic clock, which stops during suspend and ignores
 * NTP steps; re-checking Date.now() at least every `maxChunkMs` bounds the error after a
 * suspend or clock step to one chunk. The last couple of milliseconds are finished with
 * setImmediate so a timer fires within ~1 ms of its target instead of setTimeout's 1–2 ms late.
 */
export class SystemClock implements Clock {
  private queue: Entry[] = [];
  private seq = 0;
  private handle: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private handleIsImmediate = false;

  constructor(private readonly maxChunkMs = 1000) {}

  now(): number {
    return Date.now();
  }

  setTimer(atMs: number, fn: () => void): Timer {
    const e: Entry = { atMs, seq: this.seq++, fn, cancelled: false };
    insertSorted(this.queue, e);
    this.reschedule();
    return {
      cancel: () => {
        if (e.cancelled) return;
        e.cancelled = true;
        const i = this.queue.indexOf(e);
        if (i >= 0) this.queue.splice(i, 1);
        this.reschedule();
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(this.now() + ms);
  }

  sleepUntil(atMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(atMs, resolve));
  }

  /** Timers pending (for status and tests). */
  get pending(): number {
    return this.queue.length;
  }

  private clearHandle(): void {
    if (!this.handle) return;
    if (this.handleIsImmediate) clearImmediate(this.handle as NodeJS.Immediate);
    else clearTimeout(this.handle as NodeJS.Timeout);
    this.handle = null;
  }

  private reschedule(): void {
    this.clearHandle();
    const next = this.queue[0];
    if (!next) return;
    const wait = next.atMs - Date.now();
    if (wait <= 2) {
      this.handleIsImmediate = true;
      this.handle = setImmediate(() => this.tick());
    } else {
      this.handleIsImmediate = false;
      this.handle = setTimeout(() => this.tick(), Math.min(wait - 2, this.maxChunkMs));
    }
  }

  private tick(): void {
    this.handle = null;
    const now = Date.now();
    while (this.queue.length && this.queue[0]!.atMs <= now) {
      const e = this.queue.shift()!;
      if (e.cancelled) continue;
      try {
        e.fn();
      } catch (err) {
        // A throwing timer must not stop the others; surface it like an uncaught error would.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    this.reschedule();
  }

  /** Stop all timers (shutdown). */
  dispose(): void {
    this.clearHandle();
    for (const e of this.queue) e.cancelled = true;
    this.queue = [];
  }
}

/** Let pending promise chains and I/O callbacks run (used by FakeClock between timers). */
export function flushAsync(rounds = 5): Promise<void> {
  return (async () => {
    for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
  })();
}

/**
 * A clock that moves only when told. `advance()` fires due timers in time order, letting
 * the async work each one starts settle before the next, so state machines can be
 * stepped deterministically.
 */
export class FakeClock implements Clock {
  private queue: Entry[] = [];
  private seq = 0;

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(atMs: number, fn: () => void): Timer {
    const e: Entry = { atMs, seq: this.seq++, fn, cancelled: false };
    insertSorted(this.queue, e);
    return {
      cancel: () => {
        e.cancelled = true;
        const i = this.queue.indexOf(e);
        if (i >= 0) this.queue.splice(i, 1);
      },
    };
  }

  sleep(ms: number): Promise<void> {
    return this.sleepUntil(this.current + ms);
  }

  sleepUntil(atMs: number): Promise<void> {
    return new Promise((resolve) => this.setTimer(atMs, resolve));
  }

  get pending(): number {
    return this.queue.length;
  }

  /** Next timer time, or null. */
  nextAt(): number | null {
    return this.queue[0]?.atMs ?? null;
  }

  async advanceTo(targetMs: number): Promise<void> {
    await flushAsync();
    for (;;) {
      const next = this.queue[0];
      if (!next || next.atMs > targetMs) break;
      this.queue.shift();
      if (next.cancelled) continue;
      if (next.atMs > this.current) this.current = next.atMs;
      next.fn();
      await flushAsync();
    }
    if (targetMs > this.current) this.current = targetMs;
    await flushAsync();
  }

  advance(ms: number): Promise<void> {
    return this.advanceTo(this.current + ms);
  }
}
