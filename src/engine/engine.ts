/**
 * The broadcast engine: turns the plan into timed airings.
 *
 * Each slot goes armed → pre-roll (feed connects, zones close, amplifier on `warmup`
 * before the start) → on air (audio on the scheduled second) → post-roll (amplifier off
 * at the end, zones open after `cooldown`) → recorded (`slot.result`). Everything the
 * engine decides is journalled. It knows the world only through the ports in ./ports.ts.
 */
import type { EventPayloads, EventType, SlotStatus } from '../journal/events.js';
import type { PlanSlot, Priority, Program, Schedule } from '../schedule/types.js';
import type { Clock, Timer } from './clock.js';
import type { AudioPort, BroadcastBulletin, BroadcastHandle, BroadcastOutcome, JournalPort, LogSink, Planner, RelayPort } from './ports.js';
import { ZoneBook } from './zones.js';
import { EXIT, LoaxaError, t } from '../i18n/index.js';

export interface EngineOptions {
  clock: Clock;
  journal: JournalPort;
  relays: RelayPort | null;
  audio: AudioPort;
  planner: Planner;
  schedule: Schedule;
  log: LogSink;
  /** How long before the start the feed is connected (audio pre-roll). */
  prerollMs?: number;
  /** How long before amplifier-on the zone relays close. */
  zoneLeadMs?: number;
  /**
   * How far ahead a timed relay switch is handed to the relay side, which waits for the
   * exact time itself: the frames go out on time even if this thread is busy then.
   */
  relayAdvanceMs?: number;
  /** Fade when a slot is cut (pre-emption, shutdown). */
  fadeMs?: number;
  /** A slot with less than this left is not joined late. */
  minJoinMs?: number;
  /** Lead given to the audio when joining late (connect + first sample). */
  joinLeadMs?: number;
  /** Seconds of shortfall tolerated before a slot counts as partial. */
  toleranceSeconds?: number;
}

type RunState = 'armed' | 'pre-roll' | 'on-air' | 'post-roll' | 'recorded';

interface Run {
  key: string;
  slot: PlanSlot;
  kind: 'slot' | 'emergency';
  state: RunState;
  /** Effective window (a queued slot is shifted; an overwritten one cut short). */
  startMs: number;
  endMs: number;
  tRelay: Timer | null;
  tOnAir: Timer | null;
  tEnd: Timer | null;
  tBegin: Timer | null;
  /** Hands the end-of-slot switch-off to the relay side ahead of the end. */
  tRelease: Timer | null;
  /** That switch-off, once handed over. */
  released: Promise<void> | null;
  /** How far a queued slot was pushed back; inserts keep their place in the programme. */
  shiftMs: number;
  handle: BroadcastHandle | null;
  audioStartedAtMs: number | null;
  lateMs: number;
  reasons: string[];
  aired: number;
  fallback: number;
  deadAir: number;
  preempted: boolean;
  resumedAfterPreempt: boolean;
  finishing: Promise<void> | null;
  resumed: boolean;
  extraBulletins: BroadcastBulletin[];
}

export interface QueuedBulletin {
  bulletin: string;
  priority: Priority;
  user: string;
}

export interface EngineStatus {
  station: string;
  nowMs: number;
  now: string;
  onAir: Array<{ slot: string; program: string; title: string; start: string; end: string; state: RunState; kind: string; lateMs: number }>;
  next: { slot: string; program: string; title: string; start: string; end: string; zones: string[] } | null;
  queued: QueuedBulletin[];
  zonesHeld: string[];
  feeds: Record<string, { state: 'connected' | 'lost' | 'fallback' | 'dead-air'; at: string; detail?: string }>;
  faults: Array<{ at: string; type: string; detail: string }>;
  schedule: { file: string; sha256: string };
}

const RANK: Record<Priority, number> = { normal: 0, priority: 1, emergency: 2 };
const FAULT_TYPES = new Set<string>(['feed.lost', 'fallback.started', 'deadair.started', 'audio.restarted', 'relay.outage', 'schedule.rejected']);

export class Engine {
  private schedule: Schedule;
  private readonly clock: Clock;
  private readonly journal: JournalPort;
  private readonly audio: AudioPort;
  private readonly planner: Planner;
  private readonly log: LogSink;
  private readonly zones: ZoneBook;
  private readonly prerollMs: number;
  private readonly zoneLeadMs: number;
  private readonly relayAdvanceMs: number;
  private readonly fadeMs: number;
  private readonly minJoinMs: number;
  private readonly joinLeadMs: number;
  private readonly tolerance: number;

  /** Slots waiting for their pre-roll, by slot id. */
  private waiting = new Map<string, { slot: PlanSlot; timer: Timer }>();
  /** Runs that have begun and not yet been recorded. */
  private active = new Map<string, Run>();
  /** Slot ids already recorded by this process or found done in the journal. */
  private done = new Set<string>();
  private midnightTimer: Timer | null = null;
  private queued: QueuedBulletin[] = [];
  private faults: EngineStatus['faults'] = [];
  private feeds: EngineStatus['feeds'] = {};
  private stopping = false;
  private emergencySeq = 0;

  constructor(private readonly opts: EngineOptions) {
    this.schedule = opts.schedule;
    this.clock = opts.clock;
    this.journal = opts.journal;
    this.audio = opts.audio;
    this.planner = opts.planner;
    this.log = opts.log;
    this.prerollMs = opts.prerollMs ?? 8000;
    this.zoneLeadMs = opts.zoneLeadMs ?? 40;
    this.relayAdvanceMs = opts.relayAdvanceMs ?? 250;
    this.fadeMs = opts.fadeMs ?? 1000;
    this.minJoinMs = opts.minJoinMs ?? 3000;
    this.joinLeadMs = opts.joinLeadMs ?? 2500;
    this.tolerance = opts.toleranceSeconds ?? 2;
    this.zones = new ZoneBook(opts.relays, (holder, e) => {
      const detail = e instanceof Error ? e.message : String(e);
      this.log('error', 'engine.log.relayFault', { slot: holder, detail });
      this.noteFault('relay.fault', `${holder}: ${detail}`);
      const run = this.active.get(holder);
      if (run) run.reasons.push(this.journal.reason('relay-fault', { detail }));
    });
  }

  get timezone(): string {
    return this.schedule.station.timezone;
  }

  private iso(ms: number): string {
    return this.planner.localIso(ms, this.timezone);
  }

  private today(): string {
    return this.planner.localDate(this.clock.now(), this.timezone);
  }

  private append<T extends EventType>(type: T, payload: EventPayloads[T]): void {
    this.journal.append(type, payload, this.clock.now());
  }

  private noteFault(type: string, detail: string): void {
    this.faults.push({ at: this.iso(this.clock.now()), type, detail });
    if (this.faults.length > 20) this.faults.shift();
  }

  // ── start-up ────────────────────────────────────────────────────────────────

  /**
   * Close what a previous process left open (crash, power loss), put the relays in a
   * known state, then plan today and arm every slot still ahead or in its window.
   */
  async start(): Promise<void> {
    await this.recover();
    this.append('schedule.loaded', {
      file: this.schedule.file,
      sha256: this.schedule.sha256,
      programs: this.schedule.programs.length,
      zones: Object.keys(this.schedule.zones).length,
    });
    this.planDay(this.today());
    this.arm();
    this.armMidnight();
  }

  private async recover(): Promise<void> {
    const now = this.clock.now();
    const since = now - 2 * 86_400_000;
    const rows = this.journal.events({ fromMs: since, types: ['slot.armed', 'slot.result'] });
    const lastArmed = new Map<string, { seq: number; payload: EventPayloads['slot.armed'] }>();
    const lastResult = new Map<string, { seq: number; status: SlotStatus }>();
    for (const r of rows) {
      if (r.type === 'slot.armed') {
        const p = r.payload as EventPayloads['slot.armed'];
        lastArmed.set(p.slot, { seq: r.seq, payload: p });
      } else {
        const p = r.payload as EventPayloads['slot.result'];
        lastResult.set(p.slot, { seq: r.seq, status: p.status });
      }
    }
    let closed = 0;
    for (const [slotId, armed] of lastArmed) {
      const result = lastResult.get(slotId);
      if (result && result.seq > armed.seq) continue;
      const p = armed.payload;
      const startMs = Date.parse(p.start);
      const endMs = Date.parse(p.end);
      const armedAt = rows.find((r) => r.seq === armed.seq)?.atMs ?? startMs;
      const lastSeen = this.journal
        .events({ fromMs: armedAt })
        .filter((r) => (r.payload as { slot?: string }).slot === slotId)
        .reduce((m, r) => Math.max(m, r.atMs), armedAt);
      const airedGuess = Math.max(0, Math.min(lastSeen, endMs) - startMs) / 1000;
      this.append('slot.result', {
        slot: slotId,
        program: p.program,
        title: this.programOf(p.program)?.title ?? p.program,
        date: this.planner.localDate(startMs, this.timezone),
        start: p.start,
        end: p.end,
        status: 'interrupted',
        required: p.required,
        priority: p.priority,
        zones: p.zones,
        secondsRequired: Math.round((endMs - startMs) / 1000),
        secondsAired: 0,
        secondsFallback: 0,
        secondsDeadAir: 0,
        lateMs: 0,
        reasons: [this.journal.reason('crashed', { at: this.iso(lastSeen), seconds: Math.round(airedGuess) })],
      });
      this.append('recovery', { slot: slotId, action: 'closed-interrupted', detail: `open since ${p.start}, closed at restart` });
      this.log('warn', 'engine.log.recovered', { slot: slotId });
      lastResult.set(slotId, { seq: Number.MAX_SAFE_INTEGER, status: 'interrupted' });
      closed++;
    }
    for (const [slotId, r] of lastResult) if (r.status !== 'interrupted') this.done.add(slotId);
    if (closed > 0) {
      await this.zones.allOff();
      this.append('recovery', { action: 'relays-reset', detail: 'all relays switched off after an unclean stop' });
    }
    this.recoveredSlots = new Set([...lastArmed.keys()].filter((id) => !this.done.has(id)));
  }

  private recoveredSlots = new Set<string>();

  private programOf(id: string): Program | undefined {
    return this.schedule.programs.find((p) => p.id === id);
  }

  private planDay(date: string): void {
    const slots = this.planner.expand(this.schedule, date, date);
    this.append('day.planned', {
      date,
      slots: slots.map((s) => ({
        slot: s.id,
        program: s.program,
        title: s.title,
        start: s.start,
        end: s.end,
        required: s.required,
        priority: s.priority,
        zones: s.zones,
      })),
    });
    this.log('info', 'engine.log.dayPlanned', { date, count: slots.length });
  }

  /** Arm every slot of today and tomorrow that has not ended and is not already handled. */
  private arm(): void {
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    const now = this.clock.now();
    const today = this.today();
    const tomorrow = this.planner.localDate(now + 86_400_000, this.timezone);
    const plan = this.planner.expand(this.schedule, today, tomorrow);
    for (const slot of plan) {
      if (this.done.has(slot.id) || this.active.has(slot.id)) continue;
      if (slot.endMs - this.minJoinMs <= now) continue;
      const beginAt = slot.startMs - this.leadFor(slot);
      const timer = this.clock.setTimer(beginAt, () => {
        this.waiting.delete(slot.id);
        void this.begin(slot);
      });
      this.waiting.set(slot.id, { slot, timer });
    }
  }

  private leadFor(slot: PlanSlot): number {
    const amp = this.schedule.amplifier;
    const relayLead = slot.zones.length && amp ? amp.warmupMs + this.zoneLeadMs : this.zoneLeadMs;
    return Math.max(this.prerollMs, relayLead);
  }

  private armMidnight(): void {
    this.midnightTimer?.cancel();
    const now = this.clock.now();
    const tomorrow = this.planner.localDate(now + 86_400_000, this.timezone);
    let at = this.planner.zonedTimeToEpoch(tomorrow, 0, this.timezone);
    // 25-hour days at DST changes: make sure the target really is tomorrow's midnight.
    if (at <= now) at = this.planner.zonedTimeToEpoch(this.planner.localDate(now + 2 * 86_400_000, this.timezone), 0, this.timezone);
    this.midnightTimer = this.clock.setTimer(at, () => void this.midnight());
  }

  private async midnight(): Promise<void> {
    const today = this.today();
    const yesterday = this.planner.localDate(this.clock.now() - 12 * 3_600_000, this.timezone);
    this.planDay(today);
    if (this.journal.sealDay && yesterday !== today) {
      try {
        await this.journal.sealDay(yesterday);
        this.log('ok', 'engine.log.sealed', { date: yesterday });
      } catch (e) {
        this.log('error', 'engine.log.sealFailed', { date: yesterday, detail: e instanceof Error ? e.message : String(e) });
      }
    }
    this.arm();
    this.armMidnight();
  }

  // ── hot reload ──────────────────────────────────────────────────────────────

  /** A new valid schedule: re-plan; what is on air finishes as planned. */
  reload(schedule: Schedule): void {
    this.schedule = schedule;
    this.append('schedule.loaded', {
      file: schedule.file,
      sha256: schedule.sha256,
      programs: schedule.programs.length,
      zones: Object.keys(schedule.zones).length,
    });
    this.log('ok', 'engine.log.reloaded', { file: schedule.file, programs: schedule.programs.length });
    this.planDay(this.today());
    this.arm();
  }

  /** An invalid edit: keep the last good schedule, say why. */
  rejected(file: string, sha256: string, errors: string[]): void {
    this.append('schedule.rejected', { file, sha256, errors });
    this.noteFault('schedule.rejected', errors[0] ?? file);
    this.log('error', 'engine.log.rejected', { file, count: errors.length });
  }

  // ── slot life ───────────────────────────────────────────────────────────────

  private newRun(slot: PlanSlot, kind: Run['kind']): Run {
    return {
      key: slot.id,
      slot,
      kind,
      state: 'armed',
      startMs: slot.startMs,
      endMs: slot.endMs,
      tRelay: null,
      tOnAir: null,
      tEnd: null,
      tBegin: null,
      tRelease: null,
      released: null,
      shiftMs: 0,
      handle: null,
      audioStartedAtMs: null,
      lateMs: 0,
      reasons: [],
      aired: 0,
      fallback: 0,
      deadAir: 0,
      preempted: false,
      resumedAfterPreempt: false,
      finishing: null,
      resumed: false,
      extraBulletins: [],
    };
  }

  private cancelTimers(run: Run): void {
    for (const t of [run.tRelay, run.tOnAir, run.tEnd, run.tBegin, run.tRelease]) t?.cancel();
    run.tRelay = run.tOnAir = run.tEnd = run.tBegin = run.tRelease = null;
  }

  /**
   * The end of a programme's window: the amplifier-off is handed to the relay side ahead of
   * time (timed to the end), then the audio side's end-of-slot work runs at the end.
   */
  private armEnd(run: Run): void {
    run.tRelease?.cancel();
    // A programme resumed after an emergency holds its zones anew: an earlier hand-over is spent.
    run.released = null;
    run.tRelease = this.clock.setTimer(run.endMs - this.relayAdvanceMs, () => {
      run.tRelease = null;
      run.released = this.zones.release(run.key, run.slot.id, { atMs: run.endMs });
    });
    run.tEnd = this.clock.setTimer(run.endMs, () => void this.finish(run, null));
  }

  /** The slot's pre-roll time has come (or it is joined late): resolve conflicts, then go. */
  private async begin(slot: PlanSlot): Promise<void> {
    if (this.stopping || this.active.has(slot.id) || this.done.has(slot.id)) return;
    const run = this.newRun(slot, 'slot');
    const program = this.programOf(slot.program);

    // Conflicts: one output and one amplifier, so any airing overlapping in time competes.
    const incumbents = [...this.active.values()].filter((r) => r.state !== 'post-roll' && r.state !== 'recorded' && r.endMs > slot.startMs);
    for (const other of incumbents) {
      const shared = slot.zones.filter((z) => other.slot.zones.includes(z));
      const overwrite =
        RANK[slot.priority] > RANK[other.slot.priority] ||
        (program?.onConflict === 'overwrite' && RANK[slot.priority] >= RANK[other.slot.priority] && other.kind !== 'emergency');
      const rule = overwrite ? 'overwrite' : 'queue';
      this.append('conflict.resolved', { slot: slot.id, other: other.key, zones: shared.length ? shared : slot.zones, rule });
      this.log('warn', 'engine.log.conflict', { slot: slot.id, other: other.key, rule });
      if (overwrite) {
        other.reasons.push(this.journal.reason('overwritten', { slot: slot.id, at: this.iso(slot.startMs) }));
        other.preempted = true;
        this.cutAt(other, Math.max(slot.startMs, this.clock.now()));
      } else {
        const shift = other.endMs - run.startMs;
        if (shift <= 0) continue;
        run.startMs += shift;
        run.endMs = run.startMs + (slot.endMs - slot.startMs);
        run.shiftMs += shift;
        run.lateMs = run.shiftMs;
        run.reasons.push(this.journal.reason('queued', { slot: other.key, seconds: Math.round(shift / 1000) }));
      }
    }
    if (run.startMs !== slot.startMs) {
      // Queued: wait for the new pre-roll time.
      const at = run.startMs - this.leadFor(slot);
      this.active.set(slot.id, run);
      run.tBegin = this.clock.setTimer(at, () => void this.preroll(run));
      return;
    }
    this.active.set(slot.id, run);
    await this.preroll(run);
  }

  /** Cut a run short at `atMs` (pre-emption by overwrite). */
  private cutAt(run: Run, atMs: number): void {
    if (atMs >= run.endMs) return;
    run.endMs = atMs;
    run.tEnd?.cancel();
    run.tRelease?.cancel();
    run.tRelease = null;
    if (atMs <= run.startMs) {
      // It will not reach the air at all.
      for (const t of [run.tRelay, run.tOnAir, run.tBegin]) t?.cancel();
      run.tRelay = run.tOnAir = run.tBegin = null;
    }
    run.tEnd = this.clock.setTimer(atMs, () => void this.finish(run, 'preempted'));
  }

  private async preroll(run: Run): Promise<void> {
    if (this.stopping) return;
    const slot = run.slot;
    const now = this.clock.now();
    if (now >= run.startMs) {
      // Joined late (started mid-slot, after a crash, or a re-plan): go at the wall-clock position.
      const amp = this.schedule.amplifier;
      const relayLead = slot.zones.length && amp ? amp.warmupMs + this.zoneLeadMs : 0;
      run.startMs = Math.max(run.startMs, now + Math.max(this.joinLeadMs, relayLead));
      run.lateMs = run.startMs - slot.startMs;
      run.state = 'pre-roll';
      if (run.startMs >= run.endMs - 1000) {
        run.reasons.push(this.journal.reason('joined-too-late'));
        return this.record(run, 'missed');
      }
      run.reasons.push(this.journal.reason('joined-late', { at: this.iso(run.startMs), seconds: Math.round(run.lateMs / 1000) }));
      if (this.recoveredSlots.has(slot.id)) {
        run.resumed = true;
        this.recoveredSlots.delete(slot.id);
        this.append('recovery', { slot: slot.id, action: 'resumed', detail: `resumed at the wall-clock position, ${Math.round(run.lateMs / 1000)} s after the start` });
      }
      this.log('warn', 'engine.log.joinedLate', { slot: slot.id, seconds: Math.round(run.lateMs / 1000) });
    }
    run.state = 'pre-roll';
    this.append('slot.armed', {
      slot: slot.id,
      program: slot.program,
      start: slot.start,
      end: slot.end,
      required: slot.required,
      priority: slot.priority,
      zones: slot.zones,
    });
    this.log('info', 'engine.log.armed', { slot: slot.id, title: slot.title, start: this.iso(run.startMs) });

    // Bulletins queued by the officer (`play --priority priority|normal`) join this programme.
    this.takeQueued(run);

    const amplifierAtMs = run.startMs - (this.schedule.amplifier && slot.zones.length ? this.schedule.amplifier.warmupMs : 0);
    const relayAt = amplifierAtMs - this.zoneLeadMs;
    if (slot.zones.length) {
      run.tRelay = this.clock.setTimer(relayAt - this.relayAdvanceMs, () => void this.zones.acquire(run.key, slot.zones, slot.id, { atMs: relayAt, amplifierAtMs }));
    }
    run.tOnAir = this.clock.setTimer(run.startMs, () => void this.onAir(run));
    this.armEnd(run);
    await this.openAudio(run, run.startMs, run.endMs);
  }

  private bulletinsFor(run: Run, audioStartMs: number): BroadcastBulletin[] {
    const slot = run.slot;
    // Positive when the audio starts after the programme's origin (joined late, resumed).
    const skew = audioStartMs - (slot.startMs + run.shiftMs);
    const out: BroadcastBulletin[] = [];
    const add = (id: string, mode: BroadcastBulletin['mode'], offsetMs: number) => {
      const b = this.schedule.bulletins[id];
      if (!b) return;
      if (!b.file) {
        run.reasons.push(this.journal.reason('bulletin-no-audio', { bulletin: id }));
        return;
      }
      const shifted = offsetMs - skew;
      if (shifted < 0) {
        run.reasons.push(this.journal.reason('bulletin-skipped', { bulletin: id }));
        return;
      }
      out.push({ id, file: b.file, language: b.language, approvedBy: b.approvedBy, mode, offsetMs: shifted });
    };
    for (const ins of slot.inserts) add(ins.bulletin, ins.mode, ins.offsetMs);
    if (!slot.source && slot.bulletins) {
      // Bulletin-only programme: played in order; the audio module chains them.
      let offset = 0;
      for (const id of slot.bulletins) {
        add(id, 'alone', offset);
        offset += this.schedule.bulletins[id]?.durationMs ?? 0;
      }
    }
    for (const extra of run.extraBulletins) out.push({ ...extra, offsetMs: Math.max(0, extra.offsetMs - Math.max(0, skew)) });
    return out.sort((a, b) => a.offsetMs - b.offsetMs);
  }

  private takeQueued(run: Run): void {
    if (!this.queued.length || run.kind !== 'slot') return;
    const take = this.queued.sort((a, b) => RANK[b.priority] - RANK[a.priority]);
    this.queued = [];
    let first = 0;
    const duration = run.endMs - run.startMs;
    for (const q of take) {
      const b = this.schedule.bulletins[q.bulletin];
      if (!b?.file) continue;
      // Priority items play first inside the programme; normal ones fit at its end.
      const len = b.durationMs ?? 30_000;
      const offsetMs = q.priority === 'priority' ? first : Math.max(first, duration - len - 1000);
      if (q.priority === 'priority') first += len;
      run.extraBulletins.push({ id: b.id, file: b.file, language: b.language, approvedBy: b.approvedBy, mode: run.slot.source ? 'insert' : 'alone', offsetMs });
      run.reasons.push(this.journal.reason('carried-bulletin', { priority: q.priority, bulletin: b.id, user: q.user }));
    }
  }

  private async openAudio(run: Run, startAtMs: number, endMs: number): Promise<void> {
    const slot = run.slot;
    try {
      const handle = this.audio.startBroadcast(
        {
          slotId: slot.id,
          program: slot.program,
          source: slot.source,
          bulletins: this.bulletinsFor(run, startAtMs),
          startAtMs,
          durationMs: endMs - startAtMs,
          plannedStartMs: slot.startMs,
        },
        (type, payload) => this.onAudioEvent(run, type, payload),
      );
      run.handle = handle;
      const thisHandle = handle;
      handle.done.then(
        (o) => this.collect(run, thisHandle, o),
        (e) => this.audioFailed(run, e),
      );
      await handle.preroll();
    } catch (e) {
      this.audioFailed(run, e);
    }
  }

  private collected = new WeakSet<BroadcastHandle>();

  private collect(run: Run, handle: BroadcastHandle, o: BroadcastOutcome): void {
    if (this.collected.has(handle)) return;
    this.collected.add(handle);
    run.aired += o.secondsAired;
    run.fallback += o.secondsFallback;
    run.deadAir += o.secondsDeadAir;
  }

  private audioFailed(run: Run, e: unknown): void {
    const detail = e instanceof Error ? e.message : String(e);
    run.reasons.push(this.journal.reason('audio-failed', { detail }));
    this.noteFault('audio.failed', `${run.key}: ${detail}`);
    this.log('error', 'engine.log.audioFailed', { slot: run.key, detail });
  }

  private onAudioEvent(run: Run, type: EventType, payload: Record<string, unknown>): void {
    const p = { slot: run.slot.id, ...payload } as never;
    this.append(type, p);
    const src = String(payload.source ?? run.slot.source ?? '');
    const at = this.iso(this.clock.now());
    if (type === 'feed.connected') this.feeds[src] = { state: 'connected', at };
    if (type === 'feed.lost') this.feeds[src] = { state: 'lost', at, detail: String(payload.reason ?? '') };
    if (type === 'fallback.started') this.feeds[src] = { state: 'fallback', at, detail: String(payload.reason ?? '') };
    if (type === 'deadair.started') this.feeds[src] = { state: 'dead-air', at };
    if (type === 'fallback.ended' || type === 'deadair.ended') this.feeds[src] = { state: 'connected', at };
    if (FAULT_TYPES.has(type)) {
      this.noteFault(type, `${run.key}: ${String(payload.reason ?? payload.source ?? '')}`);
      // Said as `loaxa log` says it (Vietnamese reasons included), else as journalled.
      const said = this.journal.describe?.(type, p);
      if (said) this.log('warn', 'engine.log.slotEvent', { slot: run.key, text: said });
      else this.log('warn', 'engine.log.audioEvent', { slot: run.key, event: type, detail: String(payload.reason ?? '') });
      if (type === 'audio.restarted') run.reasons.push(this.journal.reason('audio-restarted', { detail: String(payload.reason ?? ''), ms: String(payload.gapMs ?? '?') }));
      if (type === 'feed.lost') run.reasons.push(this.journal.reason('feed-lost-because', { detail: String(payload.reason ?? '') }));
      if (type === 'deadair.started') run.reasons.push(this.journal.reason('dead-air-on-feed'));
    }
  }

  /** Relay events come from the relay module (via the daemon) and are journalled there. */
  noteRelayEvent(type: 'relay.action' | 'relay.outage', payload: Record<string, unknown>): void {
    if (type === 'relay.outage' || payload.fault) {
      this.noteFault(type, `${String(payload.board ?? '')} ${String(payload.reason ?? payload.fault ?? '')}`);
      for (const run of this.active.values()) {
        const zones = (payload.zones as string[] | undefined) ?? [];
        if (type === 'relay.outage' && zones.some((z) => run.slot.zones.includes(z))) {
          run.reasons.push(this.journal.reason('relay-outage', { board: String(payload.board), zones: zones.join(', '), detail: String(payload.reason ?? '') }));
        }
      }
    }
  }

  private async onAir(run: Run): Promise<void> {
    if (run.state === 'recorded' || run.state === 'post-roll' || this.stopping) return;
    run.state = 'on-air';
    run.audioStartedAtMs = this.clock.now();
    this.log('ok', 'engine.log.onAir', { slot: run.key, title: run.slot.title });
    try {
      await run.handle?.start();
    } catch (e) {
      this.audioFailed(run, e);
    }
  }

  /** End of the window (or cut): fade out, amplifier off at once, zones after cool-down. */
  private finish(run: Run, cut: SlotStatus | null): Promise<void> {
    if (run.finishing) return run.finishing;
    run.finishing = (async () => {
      this.cancelTimers(run);
      const wasOnAir = run.state === 'on-air';
      run.state = 'post-roll';
      const handle = run.handle;
      const relays = run.released ?? this.zones.release(run.key, run.slot.id);
      // Let the amplifier-off frame go out before the audio side does its end-of-slot work.
      await new Promise<void>((r) => setImmediate(r));
      if (handle) {
        try {
          await handle.stop({ fadeMs: cut ? this.fadeMs : 0 });
        } catch (e) {
          this.audioFailed(run, e);
        }
        const outcome = await Promise.race([handle.done.catch(() => null), this.clock.sleep(15_000).then(() => null)]);
        if (outcome) this.collect(run, handle, outcome);
      }
      await relays;
      if (!wasOnAir && !handle) run.reasons.push(this.journal.reason('never-on-air'));
      await this.record(run, cut);
    })();
    return run.finishing;
  }

  private async record(run: Run, forced: SlotStatus | null): Promise<void> {
    if (run.state === 'recorded' && this.done.has(run.key)) return;
    run.state = 'recorded';
    this.cancelTimers(run);
    this.active.delete(run.key);
    if (run.kind === 'emergency') return;
    this.done.add(run.key);
    const slot = run.slot;
    const required = Math.round((slot.endMs - slot.startMs) / 1000);
    const programme = run.aired - run.fallback - run.deadAir;
    let status: SlotStatus;
    if (forced === 'interrupted') status = 'interrupted';
    else if (run.aired < 1) status = run.preempted ? 'preempted' : 'missed';
    else if (run.preempted && !run.resumedAfterPreempt) status = 'preempted';
    else if (forced === 'missed') status = 'missed';
    else if (programme >= required - this.tolerance && run.lateMs <= this.tolerance * 1000) status = 'aired';
    else status = 'partial';
    if (status === 'partial' && run.fallback > 0) run.reasons.push(this.journal.reason('fallback-aired', { seconds: Math.round(run.fallback) }));
    if (status === 'partial' && run.deadAir > 0) run.reasons.push(this.journal.reason('dead-air-for', { seconds: Math.round(run.deadAir) }));
    if (status !== 'aired' && run.reasons.length === 0) run.reasons.push(this.journal.reason('aired-of', { aired: Math.round(run.aired), required }));
    const payload: EventPayloads['slot.result'] = {
      slot: slot.id,
      program: slot.program,
      title: slot.title,
      date: slot.date,
      start: slot.start,
      end: slot.end,
      status,
      required: slot.required,
      priority: slot.priority,
      zones: slot.zones,
      secondsRequired: required,
      secondsAired: Math.round(run.aired * 10) / 10,
      secondsFallback: Math.round(run.fallback * 10) / 10,
      secondsDeadAir: Math.round(run.deadAir * 10) / 10,
      lateMs: Math.max(0, Math.round(run.lateMs)),
      reasons: run.reasons,
    };
    if (run.resumed) payload.resumed = true;
    this.append('slot.result', payload);
    const level = status === 'aired' ? 'ok' : 'warn';
    this.log(level, 'engine.log.result', { slot: slot.id, status: t(`engine.status.${status}`), aired: Math.round(run.aired), required });
  }

  // ── the officer's actions ──────────────────────────────────────────────────

  /**
   * `play … --priority emergency`: everything on air stops at once (faded), the bulletin
   * airs on the given zones, then a programme still inside its window resumes.
   * `priority`/`normal` bulletins are queued into the next programme.
   */
  async play(req: { bulletin: string; priority: Priority; zones?: string[]; user: string }): Promise<{ preempted: string[]; queued: boolean; durationMs?: number }> {
    const b = this.schedule.bulletins[req.bulletin];
    if (!b) throw new LoaxaError('engine.play.unknownBulletin', { bulletin: req.bulletin }, EXIT.INVALID);
    if (!b.file) throw new LoaxaError('engine.play.noFile', { bulletin: req.bulletin }, EXIT.INVALID);
    const zones = req.zones?.length ? req.zones : Object.keys(this.schedule.zones);
    const unknown = zones.filter((z) => !this.schedule.zones[z]);
    if (unknown.length) throw new LoaxaError('engine.play.unknownZone', { zones: unknown.join(', ') }, EXIT.INVALID);
    this.append('operator.action', { user: req.user, command: 'play', args: [req.bulletin, '--priority', req.priority, ...(req.zones?.length ? ['--zones', zones.join(',')] : [])] });
    if (req.priority !== 'emergency') {
      this.queued.push({ bulletin: req.bulletin, priority: req.priority, user: req.user });
      this.log('info', 'engine.log.queued', { bulletin: req.bulletin, priority: req.priority });
      return { preempted: [], queued: true };
    }
    const now = this.clock.now();
    const lengthMs = (await this.audio.mediaDurationMs?.(b.file)) ?? b.durationMs ?? 60_000;
    const key = `emergency-${++this.emergencySeq}@${this.iso(now)}`;
    const preempted: string[] = [];
    const paused: Run[] = [];
    for (const run of this.active.values()) {
      if (run.kind === 'emergency') continue;
      preempted.push(run.key);
      run.preempted = true;
      run.reasons.push(this.journal.reason('preempted', { bulletin: b.id, user: req.user, at: this.iso(now) }));
      paused.push(run);
    }
    this.append('emergency.broadcast', { bulletin: b.id, language: b.language, zones, user: req.user, preempted });
    this.log('warn', 'engine.log.emergency', { bulletin: b.id, user: req.user, count: preempted.length });
    // Stop what is on air now; keep its zones held so the amplifier stays on through the handover.
    await Promise.all(paused.map((r) => this.pause(r)));
    const slot: PlanSlot = {
      id: key,
      program: 'emergency',
      title: b.title ?? b.id,
      date: this.today(),
      start: this.iso(now),
      end: this.iso(now + lengthMs + 1000),
      startMs: now,
      endMs: now + lengthMs + 1000,
      zones,
      inserts: [],
      bulletins: [b.id],
      priority: 'emergency',
      required: false,
      repeat: 0,
    };
    const run = this.newRun(slot, 'emergency');
    this.active.set(key, run);
    const amp = this.schedule.amplifier;
    const warm = zones.length && amp && this.zones.held().length === 0 ? amp.warmupMs : 0;
    run.startMs = now + Math.max(warm + this.zoneLeadMs, 300);
    run.endMs = run.startMs + lengthMs + 500;
    run.state = 'pre-roll';
    void this.zones.acquire(key, zones, key);
    run.tOnAir = this.clock.setTimer(run.startMs, () => void this.onAir(run));
    run.tEnd = this.clock.setTimer(run.endMs, () => {
      // Hold the resuming programmes' zones before the emergency lets go, so the
      // amplifier stays on through the handover.
      const now = this.clock.now();
      for (const r of paused) if (this.active.has(r.key) && r.endMs - now >= this.minJoinMs) void this.zones.acquire(r.key, r.slot.zones, r.slot.id);
      void this.finish(run, null).then(() => this.resumeAfter(paused));
    });
    for (const r of paused) if (r.kind === 'slot') this.zones.release(r.key, r.slot.id);
    await this.openAudioAlone(run, b.id);
    return { preempted, queued: false, durationMs: lengthMs };
  }

  private async openAudioAlone(run: Run, bulletinId: string): Promise<void> {
    const b = this.schedule.bulletins[bulletinId]!;
    run.extraBulletins = [{ id: b.id, file: b.file!, language: b.language, approvedBy: b.approvedBy, mode: 'alone', offsetMs: 0 }];
    const slot = { ...run.slot, bulletins: [] as string[] };
    run.slot = slot;
    await this.openAudio(run, run.startMs, run.endMs);
  }

  /** Stop a run's audio now (pre-emption); its timers wait for a possible resume. */
  private async pause(run: Run): Promise<void> {
    this.cancelTimers(run);
    const handle = run.handle;
    run.handle = null;
    run.state = 'armed';
    if (handle) {
      try {
        await handle.stop({ fadeMs: Math.min(this.fadeMs, 500) });
      } catch (e) {
        this.audioFailed(run, e);
      }
      const outcome = await Promise.race([handle.done.catch(() => null), this.clock.sleep(10_000).then(() => null)]);
      if (outcome) this.collect(run, handle, outcome);
    }
  }

  private async resumeAfter(paused: Run[]): Promise<void> {
    for (const run of paused) {
      if (this.stopping || !this.active.has(run.key)) continue;
      const now = this.clock.now();
      if (run.endMs - now < this.minJoinMs) {
        await this.record(run, 'preempted');
        continue;
      }
      run.resumedAfterPreempt = true;
      run.reasons.push(this.journal.reason('resumed-after-emergency', { at: this.iso(now) }));
      // Never before its own start (an emergency during a programme's pre-roll).
      const startAt = Math.max(now + this.joinLeadMs, run.startMs);
      run.startMs = startAt;
      run.state = 'pre-roll';
      void this.zones.acquire(run.key, run.slot.zones, run.slot.id);
      run.tOnAir = this.clock.setTimer(startAt, () => void this.onAir(run));
      this.armEnd(run);
      await this.openAudio(run, startAt, run.endMs);
    }
  }

  // ── status and shutdown ────────────────────────────────────────────────────

  status(): EngineStatus {
    const now = this.clock.now();
    const next = [...this.waiting.values()].map((w) => w.slot).sort((a, b) => a.startMs - b.startMs)[0] ?? null;
    return {
      station: this.schedule.station.id,
      nowMs: now,
      now: this.iso(now),
      onAir: [...this.active.values()].map((r) => ({
        slot: r.key,
        program: r.slot.program,
        title: r.slot.title,
        start: this.iso(r.startMs),
        end: this.iso(r.endMs),
        state: r.state,
        kind: r.kind,
        lateMs: r.lateMs,
      })),
      next: next && { slot: next.id, program: next.program, title: next.title, start: next.start, end: next.end, zones: next.zones },
      queued: [...this.queued],
      zonesHeld: this.zones.held(),
      feeds: { ...this.feeds },
      faults: [...this.faults].reverse(),
      schedule: { file: this.schedule.file, sha256: this.schedule.sha256 },
    };
  }

  /** SIGTERM/SIGINT or `--for` elapsed: fade out, relays off, open slots closed as interrupted. */
  async stop(reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.midnightTimer?.cancel();
    for (const w of this.waiting.values()) w.timer.cancel();
    this.waiting.clear();
    const runs = [...this.active.values()];
    for (const run of runs) {
      if (run.state !== 'recorded') run.reasons.push(this.journal.reason('station-stopped', { detail: reason, at: this.iso(this.clock.now()) }));
    }
    await Promise.all(runs.map((r) => (r.state === 'armed' && !r.handle ? this.record(r, 'interrupted') : this.finish(r, 'interrupted'))));
    await this.zones.allOff();
    this.append('station.stop', { reason });
  }
}

