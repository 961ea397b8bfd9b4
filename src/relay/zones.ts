/**
 * Zones → boards and channels, the amplifier "on last, off first", read-back
 * confirmation, and the events every relay action produces.
 */
import { EXIT, LoaxaError, t } from '../i18n/index.js';
import type { EventPayloads } from '../journal/events.js';
import type { RelayBoard, Schedule } from '../schedule/types.js';
import { findDriverFamily, driverFamilies } from './drivers/registry.js';
import type { BoardDriver, ChannelStates, DriverFamily } from './drivers/types.js';
import { registerExitGuard, type ExitGuard } from './exit.js';
import { localIsoMs as localIso } from '../schedule/index.js';
import { SerialTransport } from './transport.js';

export type Confirmation = 'on' | 'off' | 'unconfirmed' | 'mismatch' | null;

export type RelayEvent =
  | ({ type: 'relay.action' } & EventPayloads['relay.action'])
  | ({ type: 'relay.outage' } & EventPayloads['relay.outage']);

/** Outcome of switching one zone (or the amplifier). */
export interface ZoneReport {
  kind: 'zone' | 'amplifier';
  /** Zone id; `amplifier` for the amplifier relay. */
  zone: string;
  board: string;
  port: string;
  channel: number;
  wanted: 'on' | 'off';
  /** 'on'/'off' confirmed by read-back; 'unconfirmed' where the board cannot report; 'mismatch' or null (fault) otherwise. */
  confirmed: Confirmation;
  fault?: LoaxaError;
}

export interface ZoneStatus {
  kind: 'zone' | 'amplifier';
  zone: string;
  name: string;
  board: string;
  port: string;
  driver: string;
  channel: number;
  state: 'on' | 'off' | 'unknown';
  /** True when `state` was read back from the board just now. */
  confirmed: boolean;
  /** What loaxa last asked for, if anything. */
  wanted?: 'on' | 'off';
  fault?: LoaxaError;
}

export interface OpenZonesOptions {
  /** Every relay action and outage, as it happens. */
  onEvent?: (event: RelayEvent) => void;
  /** Clock for event times (UTC epoch ms). */
  now?: () => number;
  /** Used for the amplifier's warm-up and cool-down waits. */
  sleep?: (ms: number) => Promise<void>;
  /** Per request (default 500 ms) and extra tries (default 2). */
  requestTimeoutMs?: number;
  retries?: number;
  /** Backoff between reconnection attempts after an unplug (default 250 ms doubling to 5 s). */
  reconnect?: { initialMs: number; maxMs: number };
  /** Put every relay off on open — the safe state (default true). When false, read the boards' current state where possible. */
  safeStateOnOpen?: boolean;
  /** Switch everything off on SIGINT/SIGTERM/uncaught error/exit (default true). */
  exitHandlers?: boolean;
  /**
   * A board whose port cannot be opened does not fail the whole open: it starts as an
   * outage, loaxa keeps trying, and switches it to the wanted state when it appears
   * (for the daemon: the other zones still air). Default false.
   */
  allowMissingBoards?: boolean;
}

/**
 * When a switch happens. Without times it happens at once. A scheduled airing gives the
 * wall times (UTC epoch ms) it wants the frames on the wire, and calls a little ahead, so
 * the frames go out on time even if the caller is busy at that moment.
 */
export interface SwitchOnOptions {
  slot?: string;
  /** Close the zones at this time. */
  atMs?: number;
  /** Switch the amplifier on at this time (after the zones), instead of right after them. */
  amplifierAtMs?: number;
  /** Names a timed switch, so `cancel(ticket)` can call it off while it waits for `atMs`. */
  ticket?: string;
}

export interface SwitchOffOptions {
  slot?: string;
  /** Switch the amplifier off (or the zones, when the amplifier stays on) at this time. */
  atMs?: number;
  ticket?: string;
}

export interface ZoneController {
  /** Zones close first, then the amplifier, then its warm-up wait. */
  switchOn(zoneIds: string[], opts?: SwitchOnOptions): Promise<ZoneReport[]>;
  /** The amplifier opens first (when no other zone still needs it), then its cool-down wait, then the zones. */
  switchOff(zoneIds: string[], opts?: SwitchOffOptions): Promise<ZoneReport[]>;
  /** Call off a timed switch still waiting for its time: true if it will not happen. */
  cancel(ticket: string): boolean;
  /** Amplifier off, cool-down, every zone off. */
  allOff(opts?: { slot?: string }): Promise<ZoneReport[]>;
  /** Read back where the board can, else the tracked state marked unconfirmed. */
  status(): Promise<ZoneStatus[]>;
  /** Subscribe to relay events; returns the unsubscribe function. */
  onEvent(listener: (event: RelayEvent) => void): () => void;
  /** Zones currently wanted on. */
  zonesOn(): string[];
  /** Everything off, then close the ports. */
  close(): Promise<void>;
  /** Close the ports and leave the relays as they are (manual `relay on`). */
  release(): Promise<void>;
}

interface Channel {
  kind: 'zone' | 'amplifier';
  id: string;
  name: string;
  channel: number;
}

interface BoardHandle {
  board: RelayBoard;
  family: DriverFamily;
  transport: SerialTransport;
  driver: BoardDriver;
  /** Zones and the amplifier wired to this board. */
  channels: Channel[];
  /** What loaxa wants each channel to be; absent = never set (unknown). */
  wanted: ChannelStates;
  outage?: { startedAtMs: number; reason: string };
}

const AMPLIFIER = 'amplifier';
const DEFAULT_RECONNECT = { initialMs: 250, maxMs: 5000 };

function toLoaxaError(e: unknown, board: RelayBoard): LoaxaError {
  if (e instanceof LoaxaError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new LoaxaError('relay.port.openFailed', { board: board.id, port: board.port, reason }, EXIT.FAULT);
}

const stateWord = (on: boolean): 'on' | 'off' => (on ? 'on' : 'off');

/** Check the schedule's relay wiring before touching any port. */
function validate(schedule: Schedule): void {
  for (const board of Object.values(schedule.relays)) {
    const family = findDriverFamily(board.driver);
    if (!family) {
      throw new LoaxaError('relay.driver.unknown', { board: board.id, driver: board.driver, known: Object.keys(driverFamilies).join(', ') }, EXIT.INVALID);
    }
  }
  const wired: Array<{ id: string; relay: string; channel: number }> = Object.values(schedule.zones).map((z) => ({ id: z.id, relay: z.relay, channel: z.channel }));
  if (schedule.amplifier) wired.push({ id: AMPLIFIER, relay: schedule.amplifier.relay, channel: schedule.amplifier.channel });
  for (const w of wired) {
    const board = schedule.relays[w.relay];
    if (!board) throw new LoaxaError('relay.zone.noBoard', { zone: w.id, board: w.relay }, EXIT.INVALID);
    const family = findDriverFamily(board.driver)!;
    if (!Number.isInteger(w.channel) || w.channel < 1 || w.channel > family.maxChannel) {
      throw new LoaxaError('relay.channel.invalid', { board: board.id, channel: w.channel, driver: board.driver, max: family.maxChannel }, EXIT.INVALID);
    }
  }
}

export async function openZones(schedule: Schedule, opts: OpenZonesOptions = {}): Promise<ZoneController> {
  validate(schedule);
  const controller = new Zones(schedule, opts);
  await controller.open();
  return controller;
}

class Zones implements ZoneController {
  private readonly boards = new Map<string, BoardHandle>();
  private readonly listeners = new Set<(event: RelayEvent) => void>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private lock: Promise<unknown> = Promise.resolve();
  private exitGuard: ExitGuard | null = null;
  private closed = false;
  private closing: Promise<void> | null = null;
  private readonly waitAborts = new Set<() => void>();
  /** Timed switches still waiting for their time, by ticket. */
  private readonly tickets = new Map<string, () => void>();

  constructor(
    private readonly schedule: Schedule,
    private readonly opts: OpenZonesOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    for (const board of Object.values(schedule.relays)) {
      const family = findDriverFamily(board.driver)!;
      const transport = new SerialTransport({
        board: board.id,
        driver: board.driver,
        path: board.port,
        baudRate: board.baud,
        address: board.driver === 'modbus-rtu' ? board.address : undefined,
        requestTimeoutMs: opts.requestTimeoutMs ?? 500,
        retries: opts.retries ?? 2,
        reconnect: opts.reconnect ?? DEFAULT_RECONNECT,
        minGapMs: family.gapMs(board),
      });
      const channels: Channel[] = Object.values(schedule.zones)
        .filter((z) => z.relay === board.id)
        .map((z) => ({ kind: 'zone' as const, id: z.id, name: z.name, channel: z.channel }));
      const amp = schedule.amplifier;
      if (amp && amp.relay === board.id) channels.push({ kind: 'amplifier', id: AMPLIFIER, name: t('relay.amplifier'), channel: amp.channel });
      const handle: BoardHandle = { board, family, transport, driver: family.create(board, transport), channels, wanted: new Map() };
      transport.listen({
        disconnected: (reason) => this.onDisconnected(handle, reason),
        reconnected: () => void this.onReconnected(handle),
      });
      this.boards.set(board.id, handle);
    }
  }

  async open(): Promise<void> {
    try {
      for (const h of this.boards.values()) {
        try {
          await h.transport.open();
        } catch (e) {
          if (!this.opts.allowMissingBoards || !(e instanceof LoaxaError)) throw e;
          h.transport.openLater();
          this.onDisconnected(h, e.key);
        }
      }
      if (this.opts.safeStateOnOpen ?? true) {
        const reports = await this.offEverything({ coolDown: false });
        const fault = reports.find((r) => r.fault && r.fault.key !== 'relay.board.disconnected')?.fault;
        if (fault) throw fault;
      } else {
        for (const h of this.boards.values()) {
          if (!h.driver.canReadBack || h.channels.length === 0 || h.transport.state !== 'open') continue;
          const states = await h.driver.read(h.channels.map((c) => c.channel));
          for (const [ch, on] of states) h.wanted.set(ch, on);
        }
      }
    } catch (e) {
      for (const h of this.boards.values()) await h.transport.close();
      throw e;
    }
    if (this.opts.exitHandlers ?? true) {
      this.exitGuard = registerExitGuard({
        offAsync: () => this.close(),
        offSync: () => this.offSyncAtExit(),
      });
    }
  }

  /**
   * Wait until the wall clock reaches `atMs` (a timed switch, warm-up, cool-down). A shutdown
   * cuts it short, so an interrupt switches off at once: false then.
   */
  private until(atMs: number, ticket?: string): Promise<boolean> {
    if (this.closing) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (reached: boolean) => {
        if (!this.waitAborts.delete(abort)) return;
        if (ticket !== undefined) this.tickets.delete(ticket);
        resolve(reached);
      };
      const abort = () => done(false);
      this.waitAborts.add(abort);
      if (ticket !== undefined) this.tickets.set(ticket, abort);
      void this.sleep(Math.max(0, atMs - this.now())).then(() => done(true));
    });
  }

  cancel(ticket: string): boolean {
    const abort = this.tickets.get(ticket);
    abort?.();
    return abort !== undefined;
  }

  /** Run one operation at a time: the engine may ask concurrently. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  onEvent(listener: (event: RelayEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: RelayEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch {
        // a listener's bug must not stop the relays
      }
    }
  }

  private resolveZones(zoneIds: string[]): Array<{ handle: BoardHandle; channel: Channel }> {
    const zones = this.schedule.zones;
    const ids = zoneIds.length === 1 && zoneIds[0] === 'all' ? Object.keys(zones) : zoneIds;
    return [...new Set(ids)].map((id) => {
      const zone = Object.hasOwn(zones, id) ? zones[id] : undefined;
      if (!zone) throw new LoaxaError('relay.zone.unknown', { zone: id, known: Object.keys(zones).join(', ') }, EXIT.INVALID);
      const handle = this.boards.get(zone.relay)!;
      return { handle, channel: handle.channels.find((c) => c.kind === 'zone' && c.id === id)! };
    });
  }

  private ampHandle(): { handle: BoardHandle; channel: Channel } | null {
    const amp = this.schedule.amplifier;
    if (!amp) return null;
    const handle = this.boards.get(amp.relay)!;
    return { handle, channel: handle.channels.find((c) => c.kind === 'amplifier')! };
  }

  zonesOn(): string[] {
    const on: string[] = [];
    for (const h of this.boards.values()) for (const c of h.channels) if (c.kind === 'zone' && h.wanted.get(c.channel) === true) on.push(c.id);
    return on;
  }

  private ampWanted(): boolean | undefined {
    const amp = this.ampHandle();
    return amp ? amp.handle.wanted.get(amp.channel.channel) : undefined;
  }

  async switchOn(zoneIds: string[], opts: SwitchOnOptions = {}): Promise<ZoneReport[]> {
    const zones = this.resolveZones(zoneIds);
    // A timed switch waits outside the queue, so it never holds back one due now (an emergency).
    if (opts.atMs !== undefined && !(await this.until(opts.atMs, opts.ticket))) return [];
    return this.serial(async () => {
      const reports = await this.switchGroups(zones, true, opts.slot);
      const amp = this.ampHandle();
      if (amp && zones.length > 0 && this.ampWanted() !== true) {
        if (opts.amplifierAtMs !== undefined) await this.until(opts.amplifierAtMs);
        const onAt = this.now();
        reports.push(...(await this.switchChannels(amp.handle, [amp.channel], true, opts.slot)));
        await this.until(onAt + this.schedule.amplifier!.warmupMs);
      }
      return reports;
    });
  }

  async switchOff(zoneIds: string[], opts: SwitchOffOptions = {}): Promise<ZoneReport[]> {
    const zones = this.resolveZones(zoneIds);
    if (opts.atMs !== undefined && !(await this.until(opts.atMs, opts.ticket))) return [];
    return this.serial(async () => {
      const reports: ZoneReport[] = [];
      const leaving = new Set(zones.map((z) => z.channel.id));
      const stillOn = this.zonesOn().filter((id) => !leaving.has(id));
      const amp = this.ampHandle();
      if (amp && stillOn.length === 0 && this.ampWanted() !== false) {
        const wasOn = this.ampWanted() === true;
        const offAt = this.now();
        reports.push(...(await this.switchChannels(amp.handle, [amp.channel], false, opts.slot)));
        // Cool-down counts from the moment the amplifier's frame went out, not from its read-back.
        if (wasOn) await this.until(offAt + this.schedule.amplifier!.cooldownMs);
      }
      reports.push(...(await this.switchGroups(zones, false, opts.slot)));
      return reports;
    });
  }

  allOff(opts: { slot?: string } = {}): Promise<ZoneReport[]> {
    return this.serial(() => this.offEverything({ coolDown: true, slot: opts.slot }));
  }

  private async offEverything(o: { coolDown: boolean; slot?: string }): Promise<ZoneReport[]> {
    const reports: ZoneReport[] = [];
    const amp = this.ampHandle();
    if (amp) {
      const wasOn = this.ampWanted() !== false;
      const offAt = this.now();
      reports.push(...(await this.switchChannels(amp.handle, [amp.channel], false, o.slot)));
      if (o.coolDown && wasOn) await this.until(offAt + this.schedule.amplifier!.cooldownMs);
    }
    const zones = [...this.boards.values()].flatMap((handle) => handle.channels.filter((c) => c.kind === 'zone').map((channel) => ({ handle, channel })));
    reports.push(...(await this.switchGroups(zones, false, o.slot)));
    return reports;
  }

  /** Boards work in parallel (separate ports); zones on one board go in one write. */
  private async switchGroups(zones: Array<{ handle: BoardHandle; channel: Channel }>, on: boolean, slot?: string): Promise<ZoneReport[]> {
    const byBoard = new Map<BoardHandle, Channel[]>();
    for (const z of zones) byBoard.set(z.handle, [...(byBoard.get(z.handle) ?? []), z.channel]);
    const results = await Promise.all([...byBoard].map(([handle, channels]) => this.switchChannels(handle, channels, on, slot)));
    return results.flat();
  }

  /** Write, read back, report, emit one `relay.action`. */
  private async switchChannels(h: BoardHandle, channels: Channel[], on: boolean, slot?: string, reassert = false): Promise<ZoneReport[]> {
    const atMs = this.now();
    for (const c of channels) h.wanted.set(c.channel, on);
    const changes: ChannelStates = new Map(channels.map((c) => [c.channel, on]));
    let fault: LoaxaError | undefined;
    let read: ChannelStates | null = null;
    try {
      await h.driver.write(changes, h.wanted);
      if (h.driver.canReadBack) read = await h.driver.read(channels.map((c) => c.channel));
    } catch (e) {
      fault = toLoaxaError(e, h.board);
    }
    const reports: ZoneReport[] = channels.map((c) => {
      const base = { kind: c.kind, zone: c.id, board: h.board.id, port: h.board.port, channel: c.channel, wanted: stateWord(on) };
      if (fault) return { ...base, confirmed: null, fault };
      if (!read) return { ...base, confirmed: 'unconfirmed' };
      const actual = read.get(c.channel);
      if (actual === on) return { ...base, confirmed: stateWord(on) };
      const mismatch = new LoaxaError(
        'relay.zone.mismatch',
        { zone: c.id, board: h.board.id, port: h.board.port, channel: c.channel, wanted: t(`relay.state.${stateWord(on)}`), actual: t(`relay.state.${actual === undefined ? 'unknown' : stateWord(actual)}`) },
        EXIT.FAULT,
      );
      return { ...base, confirmed: 'mismatch', fault: mismatch };
    });
    this.emitAction(h, reports, on, atMs, slot, reassert);
    return reports;
  }

  private emitAction(h: BoardHandle, reports: ZoneReport[], on: boolean, atMs: number, slot: string | undefined, reassert: boolean): void {
    const confirmations = new Set(reports.map((r) => r.confirmed));
    const confirmed: Confirmation = confirmations.has(null) ? null : confirmations.has('mismatch') ? 'mismatch' : [...confirmations][0] ?? null;
    const fault = reports.find((r) => r.fault)?.fault;
    const isAmp = reports.some((r) => r.kind === 'amplifier');
    const event: RelayEvent = {
      type: 'relay.action',
      board: h.board.id,
      port: h.board.port,
      driver: h.board.driver,
      channels: reports.map((r) => r.channel),
      zones: reports.filter((r) => r.kind === 'zone').map((r) => r.zone),
      wanted: stateWord(on),
      confirmed,
      elapsedMs: this.now() - atMs,
      atMs,
    };
    if (slot) event.slot = slot;
    if (isAmp) event.amplifier = true;
    if (reassert) event.reassert = true;
    if (reports.length > 1) event.results = reports.map((r) => ({ zone: r.zone, channel: r.channel, confirmed: r.confirmed }));
    if (fault) {
      event.fault = fault.render('en');
      event.faultKey = fault.key;
    }
    this.emit(event);
  }

  status(): Promise<ZoneStatus[]> {
    return this.serial(async () => {
      const out: ZoneStatus[] = [];
      for (const h of this.boards.values()) {
        let read: ChannelStates | null = null;
        let fault: LoaxaError | undefined;
        if (h.driver.canReadBack && h.channels.length > 0) {
          try {
            read = await h.driver.read(h.channels.map((c) => c.channel));
          } catch (e) {
            fault = toLoaxaError(e, h.board);
          }
        }
        for (const c of h.channels) {
          const wanted = h.wanted.get(c.channel);
          const actual = read?.get(c.channel);
          const s: ZoneStatus = {
            kind: c.kind,
            zone: c.id,
            name: c.name,
            board: h.board.id,
            port: h.board.port,
            driver: h.board.driver,
            channel: c.channel,
            state: actual !== undefined ? stateWord(actual) : wanted !== undefined ? stateWord(wanted) : 'unknown',
            confirmed: actual !== undefined,
          };
          if (wanted !== undefined) s.wanted = stateWord(wanted);
          if (fault) s.fault = fault;
          out.push(s);
        }
      }
      return out;
    });
  }

  private onDisconnected(h: BoardHandle, reason: string): void {
    const startedAtMs = this.now();
    h.outage = { startedAtMs, reason };
    this.emit({
      type: 'relay.outage',
      board: h.board.id,
      port: h.board.port,
      zones: h.channels.filter((c) => c.kind === 'zone').map((c) => c.id),
      startedAt: localIso(startedAtMs, this.schedule.station.timezone),
      startedAtMs,
      reason: t(reason, { board: h.board.id, port: h.board.port }, 'en'),
      reasonKey: reason,
      reasonParams: { board: h.board.id, port: h.board.port },
    });
  }

  /** The board is back: restore what is wanted, zones before the amplifier. */
  private async onReconnected(h: BoardHandle): Promise<void> {
    const outage = h.outage;
    h.outage = undefined;
    if (outage) {
      const endedAtMs = this.now();
      this.emit({
        type: 'relay.outage',
        board: h.board.id,
        port: h.board.port,
        zones: h.channels.filter((c) => c.kind === 'zone').map((c) => c.id),
        startedAt: localIso(outage.startedAtMs, this.schedule.station.timezone),
        endedAt: localIso(endedAtMs, this.schedule.station.timezone),
        seconds: Math.round((endedAtMs - outage.startedAtMs) / 100) / 10,
        reason: t(outage.reason, { board: h.board.id, port: h.board.port }, 'en'),
        reasonKey: outage.reason,
        reasonParams: { board: h.board.id, port: h.board.port },
        startedAtMs: outage.startedAtMs,
        endedAtMs,
      });
    }
    await this.restore(h, 0);
  }

  /** A board that is back may still be booting: keep trying, with the reconnect backoff. */
  private async restore(h: BoardHandle, attempt: number): Promise<void> {
    const done = await this.serial(() => this.reassert(h)).catch(() => false);
    if (done || this.closed || h.transport.state !== 'open') return;
    const { initialMs, maxMs } = this.opts.reconnect ?? DEFAULT_RECONNECT;
    const timer = setTimeout(() => void this.restore(h, attempt + 1), Math.min(initialMs * 2 ** attempt, maxMs));
    timer.unref?.();
  }

  /** Write the wanted state again, zones before the amplifier; false when the board did not take it. */
  private async reassert(h: BoardHandle): Promise<boolean> {
    if (this.closed || h.transport.state !== 'open') return true;
    const known = h.channels.filter((c) => h.wanted.has(c.channel));
    for (const kind of ['zone', 'amplifier'] as const) {
      for (const on of [false, true]) {
        const group = known.filter((c) => c.kind === kind && h.wanted.get(c.channel) === on);
        if (group.length === 0) continue;
        const reports = await this.switchChannels(h, group, on, undefined, true);
        if (reports.some((r) => r.confirmed === null)) return false;
      }
    }
    return true;
  }

  private offSyncAtExit(): void {
    const amp = this.ampHandle();
    if (amp) amp.handle.transport.writeSyncBestEffort(amp.handle.driver.offFramesForExit([amp.channel.channel]), amp.handle.family.gapMs(amp.handle.board));
    for (const h of this.boards.values()) {
      const zones = h.channels.filter((c) => c.kind === 'zone').map((c) => c.channel);
      h.transport.writeSyncBestEffort(h.driver.offFramesForExit(zones), h.family.gapMs(h.board));
    }
  }

  close(): Promise<void> {
    return this.shutdown(true);
  }

  release(): Promise<void> {
    return this.shutdown(false);
  }

  private shutdown(switchOff: boolean): Promise<void> {
    if (!this.closing) for (const abort of [...this.waitAborts]) abort();
    this.closing ??= this.doShutdown(switchOff);
    return this.closing;
  }

  private async doShutdown(switchOff: boolean): Promise<void> {
    if (switchOff) await this.allOff().catch(() => undefined);
    this.closed = true;
    this.exitGuard?.remove();
    this.exitGuard = null;
    await this.serial(async () => {
      for (const h of this.boards.values()) await h.transport.close();
    });
  }
}
