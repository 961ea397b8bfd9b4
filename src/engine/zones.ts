/**
 * Who holds which loudspeaker zones. Several airings can overlap for a moment (a
 * back-to-back handover, an emergency over a programme); the relays are switched only
 * when the set of held zones really changes, so the amplifier is not cycled between two
 * programmes that follow each other.
 */
import type { RelayPort } from './ports.js';

export class ZoneBook {
  private holders = new Map<string, Set<string>>();

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

  /** Close the holder's zones (and power the amplifier if it was off). */
  acquire(holder: string, zones: string[], slot?: string): Promise<void> {
    const before = new Set(this.held());
    this.holders.set(holder, new Set([...(this.holders.get(holder) ?? []), ...zones]));
    const fresh = zones.filter((z) => !before.has(z));
    if (!this.relays || fresh.length === 0) return Promise.resolve();
    const relays = this.relays;
    return this.enqueue(holder, () => relays.switchOn(fresh, { slot }));
  }

  /**
   * Let go of the holder's zones: those nobody else holds open; the amplifier goes off
   * first (then cool-down) only when no zone is held any more — the relay module keeps it
   * on while other zones still need it.
   */
  release(holder: string, slot?: string): Promise<void> {
    const mine = this.holders.get(holder);
    if (!mine) return Promise.resolve();
    this.holders.delete(holder);
    const stillHeld = new Set(this.held());
    const toOpen = [...mine].filter((z) => !stillHeld.has(z)).sort();
    if (!this.relays || toOpen.length === 0) return Promise.resolve();
    const relays = this.relays;
    return this.enqueue(holder, () => relays.switchOff(toOpen, { slot }));
  }

  /**
   * Not chained here: the relay module serialises frames on each bus itself, and a
   * switch-on's warm-up wait must not hold back another airing's switch-off.
   */
  private enqueue(holder: string, fn: () => Promise<unknown>): Promise<void> {
    return fn().then(
      (reports) => {
        // The relay module reports per-channel faults in its result rather than throwing.
        if (Array.isArray(reports)) for (const r of reports as Array<{ fault?: unknown }>) if (r?.fault) this.onFault(holder, r.fault);
      },
      (e) => this.onFault(holder, e),
    );
  }

  /** Everything off now (shutdown, recovery). */
  async allOff(): Promise<void> {
    this.holders.clear();
    if (!this.relays) return;
    const relays = this.relays;
    await this.enqueue('all', () => relays.allOff());
  }
}
