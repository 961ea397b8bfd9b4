/**
 * Who holds which loudspeaker zones. Several airings can overlap for a moment (a
 * back-to-back handover, an emergency over a programme); the relays are switched only
 * when the set of held zones really changes, so the amplifier is not cycled between two
 * programmes that follow each other.
 *
 * A scheduled switch is handed to the relay side ahead of its time (timed); until that time
 * comes it can still be called off, and the book does so when the holders change under it:
 * a programme cut before its relays switched on, or zones taken again before they opened.
 */
import type { RelayPort } from './ports.js';

interface PendingSwitch {
  ticket: string;
  holder: string;
  on: boolean;
  zones: string[];
  atMs: number;
  slot?: string;
}

export class ZoneBook {
  private holders = new Map<string, Set<string>>();
  private pending = new Map<string, PendingSwitch>();
  private tickets = 0;

  constructor(
    private readonly relays: RelayPort | null,
    private readonly onFault: (holder: string, error: unknown) => void,
  ) {}

  held(): string[] {
    const all = new Set<string>();
    for (const zones of this.holders.values()) for (const z of zones) all.add(z);
    return [...all].sort();
  }

  isHolding(holder: string): boolean {
    return this.holders.has(holder);
  }

  /**
   * Close the holder's zones (and power the amplifier if it was off) — at once, or at
   * `timing.atMs` with the amplifier at `timing.amplifierAtMs`.
   */
  acquire(holder: string, zones: string[], slot?: string, timing?: { atMs: number; amplifierAtMs?: number }): Promise<void> {
    const before = new Set(this.held());
    this.holders.set(holder, new Set([...(this.holders.get(holder) ?? []), ...zones]));
    let fresh = zones.filter((z) => !before.has(z));
    const relays = this.relays;
    if (!relays || fresh.length === 0) return Promise.resolve();
    // Zones a timed switch-off is about to open: if it can still be called off they simply stay on.
    const reopening = [...this.pending.values()].filter((p) => !p.on && p.zones.some((z) => zones.includes(z)));
    return (async () => {
      for (const p of reopening) {
        this.pending.delete(p.ticket);
        if (!(await relays.cancel(p.ticket))) continue;
        fresh = fresh.filter((z) => !p.zones.includes(z));
        const held = new Set(this.held());
        const rest = p.zones.filter((z) => !held.has(z));
        if (rest.length) void this.switchOff(p.holder, rest, p.slot, p.atMs);
      }
      if (fresh.length === 0) return;
      if (!timing) return this.settle(holder, relays.switchOn(fresh, { slot }));
      const ticket = this.track({ holder, on: true, zones: fresh, atMs: timing.atMs, slot });
      return this.settle(holder, relays.switchOn(fresh, { slot, ...timing, ticket }), ticket);
    })();
  }

  /**
   * Let go of the holder's zones: those nobody else holds open — at once, or at `timing.atMs`.
   * The amplifier goes off first (then cool-down) only when no zone is held any more; the
   * relay module keeps it on while other zones still need it.
   */
  release(holder: string, slot?: string, timing?: { atMs: number }): Promise<void> {
    const mine = this.holders.get(holder);
    if (!mine) return Promise.resolve();
    this.holders.delete(holder);
    const stillHeld = new Set(this.held());
    const toOpen = [...mine].filter((z) => !stillHeld.has(z)).sort();
    const relays = this.relays;
    if (!relays) return Promise.resolve();
    // Its own switch-on may still be waiting for its time (a programme cut before it began).
    const waitingOn = [...this.pending.values()].filter((p) => p.on && p.holder === holder);
    return (async () => {
      for (const p of waitingOn) {
        this.pending.delete(p.ticket);
        await relays.cancel(p.ticket);
      }
      // Zones whose switch-on was called off are open already; switching them off again is harmless.
      if (toOpen.length) await this.switchOff(holder, toOpen, slot, timing?.atMs);
    })();
  }

  private switchOff(holder: string, zones: string[], slot: string | undefined, atMs: number | undefined): Promise<void> {
    const relays = this.relays!;
    if (atMs === undefined) return this.settle(holder, relays.switchOff(zones, { slot }));
    const ticket = this.track({ holder, on: false, zones, atMs, slot });
    return this.settle(holder, relays.switchOff(zones, { slot, atMs, ticket }), ticket);
  }

  private track(p: Omit<PendingSwitch, 'ticket'>): string {
    const ticket = `t${++this.tickets}`;
    this.pending.set(ticket, { ticket, ...p });
    return ticket;
  }

  /**
   * Not chained here: the relay module serialises frames on each bus itself, and a
   * switch-on's warm-up wait must not hold back another airing's switch-off.
   */
  private settle(holder: string, switched: Promise<unknown>, ticket?: string): Promise<void> {
    return switched.then(
      (reports) => {
        if (ticket) this.pending.delete(ticket);
        // The relay module reports per-channel faults in its result rather than throwing.
        if (Array.isArray(reports)) for (const r of reports as Array<{ fault?: unknown }>) if (r?.fault) this.onFault(holder, r.fault);
      },
      (e) => {
        if (ticket) this.pending.delete(ticket);
        this.onFault(holder, e);
      },
    );
  }

  /** Everything off now (shutdown, recovery); timed switches still waiting are called off. */
  async allOff(): Promise<void> {
    this.holders.clear();
    if (!this.relays) return;
    const relays = this.relays;
    const waiting = [...this.pending.keys()];
    this.pending.clear();
    for (const ticket of waiting) await relays.cancel(ticket);
    await this.settle('all', relays.allOff());
  }
}
