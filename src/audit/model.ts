/**
 * The report model: a station's journal events → per day and per slot figures an inspector
 * reads. Pure: no I/O, no language; the renderers turn it into text, CSV, HTML or JSON.
 */
import type { EventPayloads, JournalEvent, SlotStatus, ReportRow } from '../journal/index.js';
import { datesBetween, secondsOfDay, isoWeek, weekStart, addDays } from './dates.js';

export interface StationInfo {
  id: string;
  name?: string;
  district?: string;
  province?: string;
  timezone?: string;
  /** Key fingerprints seen on the seals (or registered in the district store). */
  fingerprints?: string[];
}

/** `unrecorded`: the slot was planned but the log holds no result for it. */
export type SlotOutcome = SlotStatus | 'unrecorded';

/** A slot as reported: the `slot.result` figures (or the planned slot with none), plus what played in it. */
export interface SlotRow extends Omit<EventPayloads['slot.result'], 'status' | 'resumed'> {
  status: SlotOutcome;
  /** Bulletins played inside this slot. */
  bulletins: BulletinPlay[];
  /** Set when a `correction` event amended this result. */
  correctedBy?: { seq: number; user: string; reason: string };
}

export interface BulletinPlay {
  at: string;
  slot?: string;
  bulletin: string;
  language: string;
  approvedBy: string;
  mode: string;
  seconds: number;
}

export type OutageKind = 'feed-lost' | 'fallback' | 'dead-air' | 'relay-outage' | 'audio-restart';

export interface Outage {
  kind: OutageKind;
  at: string;
  /** Seconds it lasted (null when the log never saw it end). */
  seconds: number | null;
  reason: string;
  /** The catalogue sentence `reason` was rendered from (relay outages since 2026-11-23), to show in the reader's language. */
  reasonKey?: string;
  reasonParams?: Record<string, string | number>;
  source?: string;
  zones?: string[];
  slot?: string;
}

export interface RelayFault {
  at: string;
  board: string;
  channels: number[];
  zones: string[];
  wanted: 'on' | 'off';
  confirmed: string | null;
  fault: string;
  slot?: string;
}

export interface Emergency {
  at: string;
  bulletin: string;
  language: string;
  zones: string[];
  user: string;
  preempted: string[];
}

export interface OperatorAction {
  at: string;
  user: string;
  command: string;
  args: string[];
  reason?: string;
}

export interface ClockProblem {
  at: string;
  synchronised: boolean | 'unknown';
  offsetMs: number | null;
  source: string;
}

export type LogGap = 'no-events' | 'no-plan' | 'no-seal';

export interface RequiredCounts {
  total: number;
  aired: number;
  partial: number;
  missed: number;
  preempted: number;
  interrupted: number;
  unrecorded: number;
}

export interface DayReport {
  date: string;
  events: number;
  sealed: boolean;
  slots: SlotRow[];
  required: RequiredCounts;
  /** Required slots only: what the schedule demanded and what went out. */
  secondsRequired: number;
  secondsAired: number;
  secondsFallback: number;
  secondsDeadAir: number;
  /** Fallback seconds by reason (feed-lost, dead-air, ffmpeg-died). */
  fallbackReasons: Record<string, number>;
  outages: Outage[];
  relayFaults: RelayFault[];
  /** Faults counted per zone (a board fault with no zone counts under `board:channel`). */
  relayFaultsByZone: Record<string, number>;
  bulletins: BulletinPlay[];
  /** Per language: plays, seconds, approvers. */
  languages: Record<string, { plays: number; seconds: number; approvers: string[] }>;
  emergencies: Emergency[];
  operatorActions: OperatorAction[];
  clockProblems: ClockProblem[];
  clockChecks: number;
  gaps: LogGap[];
}

export interface StationReport {
  station: StationInfo;
  from: string;
  to: string;
  days: DayReport[];
  totals: Omit<DayReport, 'date' | 'slots' | 'outages' | 'relayFaults' | 'bulletins' | 'emergencies' | 'operatorActions' | 'clockProblems' | 'sealed' | 'gaps'> & {
    days: number;
    daysWithoutEvents: number;
    daysWithoutSeal: number;
    relayFaults: number;
    emergencies: number;
    operatorActions: number;
    clockProblems: number;
    bulletins: number;
  };
}

export interface AuditReport {
  format: 'loaxa-report';
  version: 1;
  generatedAt: string;
  from: string;
  to: string;
  stations: StationReport[];
}

const emptyCounts = (): RequiredCounts => ({ total: 0, aired: 0, partial: 0, missed: 0, preempted: 0, interrupted: 0, unrecorded: 0 });

function emptyDay(date: string): DayReport {
  return {
    date,
    events: 0,
    sealed: false,
    slots: [],
    required: emptyCounts(),
    secondsRequired: 0,
    secondsAired: 0,
    secondsFallback: 0,
    secondsDeadAir: 0,
    fallbackReasons: {},
    outages: [],
    relayFaults: [],
    relayFaultsByZone: {},
    bulletins: [],
    languages: {},
    emergencies: [],
    operatorActions: [],
    clockProblems: [],
    clockChecks: 0,
    gaps: [],
  };
}

const dateOf = (local: string): string => local.slice(0, 10);

type Payload<T extends keyof EventPayloads> = EventPayloads[T];

/** The event types the report reads; a store may hand over only these (with day counts). */
export const REPORT_EVENT_TYPES = [
  'day.planned', 'slot.result', 'seal', 'insert.played', 'feed.lost', 'feed.connected', 'fallback.started', 'fallback.ended',
  'deadair.started', 'deadair.ended', 'audio.restarted', 'relay.outage', 'relay.action', 'emergency.broadcast', 'operator.action',
  'clock.status', 'correction',
] as const satisfies ReadonlyArray<keyof EventPayloads>;

const REPORT_TYPES = new Set<string>(REPORT_EVENT_TYPES);

/** A relay action the report lists as a fault: a fault, no read-back, or a mismatch. */
export function relayActionFaulty(p: Payload<'relay.action'>): boolean {
  return p.fault !== undefined || p.confirmed === null || p.confirmed === 'mismatch';
}

/**
 * Whether a relay action's canonical payload text may be faulty: true for every faulty one
 * (the keys and values relayActionFaulty looks at, as canonical JSON writes them), and
 * perhaps for a few good ones, which the report then looks at again. Lets a reader skip
 * parsing the many good switches. (The import makes the same test on a bundle row's bytes,
 * without a string: `maybeFaulty` in prepare.ts.)
 */
export function relayActionTextMaybeFaulty(payloadJson: string): boolean {
  return payloadJson.includes('"fault"') || payloadJson.includes('"confirmed":null') || payloadJson.includes('"confirmed":"mismatch"');
}

/**
 * Whether the report reads a row at all, given how many events each day has (the store's
 * case): its type is one it reads, and of relay actions only the faulty ones change anything.
 * `payload` is asked for only when the type alone does not tell.
 */
export function reportReads(type: string, payload: () => unknown): boolean {
  if (!REPORT_TYPES.has(type)) return false;
  return type !== 'relay.action' || relayActionFaulty(payload() as Payload<'relay.action'>);
}

/** A clock reading counts as a problem when unsynchronised or off by a second or more. */
export const CLOCK_OFFSET_LIMIT_MS = 1000;

// A reading exactly as canonical JSON writes a synchronised one: offsetMs (null or a plain
// number), source (one string), synchronised true — no other key, so no second offsetMs can
// hide in it.
const SYNCHRONISED_CLOCK_TEXT = /^\{"offsetMs":(null|-?\d+(?:\.\d+)?),"source":"(?:[^"\\]|\\.)*","synchronised":true\}$/s;

/**
 * Whether a clock reading's canonical payload text is surely no problem: synchronised and off
 * by under a second. Hourly readings are most rows of a busy day; the fine ones are only
 * counted (a reader hands their number per day to buildStationReport) instead of parsed. A text
 * of any other shape is false, and the report reads the row.
 */
export function clockReadingTextFine(payloadJson: string): boolean {
  const m = SYNCHRONISED_CLOCK_TEXT.exec(payloadJson);
  return m !== null && (m[1] === 'null' || Math.abs(Number(m[1])) < CLOCK_OFFSET_LIMIT_MS);
}

/**
 * Build one station's report for [from, to] from its events (any order; seq sorts them).
 * Events outside the range are read only for what they say about days inside it
 * (a seal written after midnight, a slot result logged late).
 */
export function buildStationReport(
  station: StationInfo,
  events: Iterable<ReportRow>,
  from: string,
  to: string,
  /** Events per local day (seals excluded) when `events` holds only REPORT_EVENT_TYPES. */
  dayCounts?: Map<string, number>,
  /**
   * Streamed: `events` come in seq order (not checked beforehand) and are read once, as they
   * come — a reader may then parse them chunk by chunk — and the `correction` rows among them
   * are given here first.
   */
  stream?: { corrections: Iterable<ReportRow> },
  /** Fine clock readings per local day that are counted, not among `events` (clockReadingTextFine). */
  countedClockChecks?: Map<string, number>,
): StationReport {
  let sorted: Iterable<ReportRow>;
  if (stream) {
    sorted = inSeqOrder(events);
  } else {
    // Rows from the store and the journal come in seq order already; sort only when they do not.
    const all = [...events];
    if (!all.every((e, i) => i === 0 || all[i - 1]!.seq < e.seq)) all.sort((a, b) => a.seq - b.seq);
    sorted = all;
  }
  const days = new Map<string, DayReport>(datesBetween(from, to).map((d) => [d, emptyDay(d)]));
  const inRange = (d: string) => d >= from && d <= to;

  // Corrections amend earlier results: the later event wins, attributed.
  const corrections = new Map<number, { seq: number; user: string; reason: string; fields: Record<string, unknown> }>();
  for (const e of stream ? [...stream.corrections].sort((a, b) => a.seq - b.seq) : sorted) {
    if (e.type === 'correction') {
      const p = e.payload as Payload<'correction'>;
      corrections.set(p.corrects, { seq: e.seq, user: p.user, reason: p.reason, fields: p.fields });
    }
  }

  const planned = new Map<string, Payload<'day.planned'>['slots']>();
  const results = new Map<string, { payload: Payload<'slot.result'>; correctedBy?: SlotRow['correctedBy'] }>();
  const openFallback = new Map<string, Outage>();
  const openDeadAir = new Map<string, Outage>();
  const openFeedLost = new Map<string, Outage>();
  const openRelayOutages = new Map<string, Outage>();
  const fingerprints = new Set(station.fingerprints ?? []);
  const slotBulletins = new Map<string, BulletinPlay[]>();

  for (const e of sorted) {
    const day = days.get(dateOf(e.local));
    // A seal written after midnight belongs to the day it seals, not to the day it is written on.
    if (day && !dayCounts && e.type !== 'seal') day.events++;
    switch (e.type) {
      case 'day.planned': {
        const p = e.payload as Payload<'day.planned'>;
        if (inRange(p.date)) planned.set(p.date, p.slots); // the latest plan of a day stands
        break;
      }
      case 'slot.result': {
        let p = e.payload as Payload<'slot.result'>;
        // A feed still lost when its slot ends was lost until then (it is not needed between slots).
        for (const [source, o] of openFeedLost) {
          if (o.slot === p.slot) {
            o.seconds = Math.max(0, Math.round((Date.parse(e.local) - Date.parse(o.at)) / 1000));
            openFeedLost.delete(source);
          }
        }
        const c = corrections.get(e.seq);
        if (c) p = { ...p, ...(c.fields as Partial<Payload<'slot.result'>>) };
        // A slot resumed after a crash gets a second result: both parts aired, count them together.
        const before = results.get(p.slot);
        if (p.resumed && before) {
          const b = before.payload;
          p = {
            ...p,
            secondsAired: Math.min(p.secondsRequired, b.secondsAired + p.secondsAired),
            secondsFallback: b.secondsFallback + p.secondsFallback,
            secondsDeadAir: b.secondsDeadAir + p.secondsDeadAir,
            lateMs: b.lateMs,
            reasons: [...new Set([...b.reasons, ...p.reasons])],
          };
        }
        if (inRange(p.date)) results.set(p.slot, { payload: p, correctedBy: c && { seq: c.seq, user: c.user, reason: c.reason } });
        break;
      }
      case 'seal': {
        const p = e.payload as Payload<'seal'>;
        const d = days.get(p.date);
        if (d) d.sealed = true;
        if (p.fingerprint) fingerprints.add(p.fingerprint);
        break;
      }
      case 'insert.played': {
        const p = e.payload as Payload<'insert.played'>;
        const play: BulletinPlay = { at: p.at || e.local, slot: p.slot, bulletin: p.bulletin, language: p.language, approvedBy: p.approvedBy, mode: p.mode, seconds: p.seconds };
        if (day) {
          day.bulletins.push(play);
          const lang = (day.languages[p.language] ??= { plays: 0, seconds: 0, approvers: [] });
          lang.plays++;
          lang.seconds += p.seconds;
          if (p.approvedBy && !lang.approvers.includes(p.approvedBy)) lang.approvers.push(p.approvedBy);
        }
        if (p.slot) {
          const list = slotBulletins.get(p.slot) ?? [];
          list.push(play);
          slotBulletins.set(p.slot, list);
        }
        break;
      }
      case 'feed.lost': {
        const p = e.payload as Payload<'feed.lost'>;
        const o: Outage = { kind: 'feed-lost', at: e.local, seconds: null, reason: p.reason, source: p.source, slot: p.slot };
        openFeedLost.set(p.source, o);
        day?.outages.push(o);
        break;
      }
      case 'feed.connected': {
        const p = e.payload as Payload<'feed.connected'>;
        const o = openFeedLost.get(p.source);
        if (o) {
          o.seconds = Math.max(0, Math.round((Date.parse(e.local) - Date.parse(o.at)) / 1000));
          openFeedLost.delete(p.source);
        }
        break;
      }
      case 'fallback.started': {
        const p = e.payload as Payload<'fallback.started'>;
        const o: Outage = { kind: 'fallback', at: e.local, seconds: null, reason: p.reason, source: p.source, slot: p.slot };
        openFallback.set(p.source, o);
        day?.outages.push(o);
        break;
      }
      case 'fallback.ended': {
        const p = e.payload as Payload<'fallback.ended'>;
        const o = openFallback.get(p.source);
        openFallback.delete(p.source);
        const reason = o?.reason ?? 'unknown';
        if (o) o.seconds = p.seconds;
        const d = days.get(dateOf(o?.at ?? e.local));
        if (d) {
          d.secondsFallback += p.seconds;
          d.fallbackReasons[reason] = (d.fallbackReasons[reason] ?? 0) + p.seconds;
        }
        break;
      }
      case 'deadair.started': {
        const p = e.payload as Payload<'deadair.started'>;
        const o: Outage = { kind: 'dead-air', at: e.local, seconds: null, reason: `${p.thresholdDb} dB`, source: p.source, slot: p.slot };
        openDeadAir.set(p.source, o);
        day?.outages.push(o);
        break;
      }
      case 'deadair.ended': {
        const p = e.payload as Payload<'deadair.ended'>;
        const o = openDeadAir.get(p.source);
        openDeadAir.delete(p.source);
        if (o) o.seconds = p.seconds;
        const d = days.get(dateOf(o?.at ?? e.local));
        if (d) d.secondsDeadAir += p.seconds;
        break;
      }
      case 'audio.restarted': {
        const p = e.payload as Payload<'audio.restarted'>;
        day?.outages.push({ kind: 'audio-restart', at: e.local, seconds: p.gapMs / 1000, reason: p.reason, slot: p.slot });
        break;
      }
      case 'relay.outage': {
        // A board's outage is logged twice: when it starts, and when the board is back (with
        // its length). One outage, one fault per zone, listed on the day it began.
        const p = e.payload as Payload<'relay.outage'>;
        const ends = p.endedAt !== undefined || p.seconds !== undefined;
        const open = openRelayOutages.get(p.board);
        if (ends && open) {
          open.seconds = p.seconds ?? null;
          openRelayOutages.delete(p.board);
          break;
        }
        const at = inOffsetOf(p.startedAt, e.local) || e.local;
        // (An outage whose start was not read — before the range — is listed by its end.)
        const d = days.get(dateOf(at)) ?? day;
        if (!d) break;
        const o: Outage = {
          kind: 'relay-outage', at, seconds: p.seconds ?? null, reason: p.reason,
          ...(p.reasonKey ? { reasonKey: p.reasonKey, reasonParams: p.reasonParams ?? {} } : {}), source: p.board, zones: p.zones,
        };
        d.outages.push(o);
        for (const z of p.zones.length ? p.zones : [p.board]) d.relayFaultsByZone[z] = (d.relayFaultsByZone[z] ?? 0) + 1;
        if (!ends) openRelayOutages.set(p.board, o);
        break;
      }
      case 'relay.action': {
        const p = e.payload as Payload<'relay.action'>;
        const bad = relayActionFaulty(p);
        if (bad && day) {
          day.relayFaults.push({ at: e.local, board: p.board, channels: p.channels, zones: p.zones, wanted: p.wanted, confirmed: p.confirmed, fault: p.fault ?? String(p.confirmed), slot: p.slot });
          const keys = p.zones.length ? p.zones : p.channels.map((c) => `${p.board}:${c}`);
          for (const z of keys) day.relayFaultsByZone[z] = (day.relayFaultsByZone[z] ?? 0) + 1;
        }
        break;
      }
      case 'emergency.broadcast': {
        const p = e.payload as Payload<'emergency.broadcast'>;
        day?.emergencies.push({ at: e.local, bulletin: p.bulletin, language: p.language, zones: p.zones, user: p.user, preempted: p.preempted });
        break;
      }
      case 'operator.action': {
        const p = e.payload as Payload<'operator.action'>;
        day?.operatorActions.push({ at: e.local, user: p.user, command: p.command, args: p.args, reason: p.reason });
        break;
      }
      case 'clock.status': {
        const p = e.payload as Payload<'clock.status'>;
        if (!day) break;
        day.clockChecks++;
        if (p.synchronised === false || (p.offsetMs !== null && Math.abs(p.offsetMs) >= CLOCK_OFFSET_LIMIT_MS)) {
          day.clockProblems.push({ at: e.local, synchronised: p.synchronised, offsetMs: p.offsetMs, source: p.source });
        }
        break;
      }
      default:
        break;
    }
  }

  // Slots: the plan of each day, with what the log says happened to each planned slot,
  // plus results for slots the plan did not list (an emergency-added slot, a reload).
  const resultsByDate = new Map<string, Array<{ payload: Payload<'slot.result'>; correctedBy?: SlotRow['correctedBy'] }>>();
  for (const r of results.values()) {
    const list = resultsByDate.get(r.payload.date);
    if (list) list.push(r);
    else resultsByDate.set(r.payload.date, [r]);
  }
  if (dayCounts) for (const day of days.values()) day.events = dayCounts.get(day.date) ?? 0;
  if (countedClockChecks) for (const day of days.values()) day.clockChecks += countedClockChecks.get(day.date) ?? 0;
  for (const day of days.values()) {
    const plan = planned.get(day.date) ?? [];
    const seen = new Set<string>();
    for (const s of plan) {
      seen.add(s.slot);
      const r = results.get(s.slot);
      day.slots.push(r ? slotFromResult(r.payload, r.correctedBy) : {
        slot: s.slot, program: s.program, title: s.title, date: day.date, start: s.start, end: s.end,
        required: s.required, priority: s.priority, zones: s.zones, status: 'unrecorded',
        secondsRequired: Math.max(0, Math.round((Date.parse(s.end) - Date.parse(s.start)) / 1000)),
        secondsAired: 0, secondsFallback: 0, secondsDeadAir: 0, lateMs: 0, reasons: [], bulletins: [],
      });
    }
    for (const r of resultsByDate.get(day.date) ?? []) {
      if (!seen.has(r.payload.slot)) day.slots.push(slotFromResult(r.payload, r.correctedBy));
    }
    day.slots.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.slot.localeCompare(b.slot)));
    for (const s of day.slots) {
      s.bulletins = slotBulletins.get(s.slot) ?? [];
      if (!s.required) continue;
      day.required.total++;
      day.required[s.status]++;
      day.secondsRequired += s.secondsRequired;
      day.secondsAired += Math.min(s.secondsAired, s.secondsRequired);
    }
    if (day.events === 0) day.gaps.push('no-events');
    else if (!planned.has(day.date)) day.gaps.push('no-plan');
    if (!day.sealed) day.gaps.push('no-seal');
  }

  const list = [...days.values()];
  const sum = (f: (d: DayReport) => number) => list.reduce((n, d) => n + f(d), 0);
  const required = emptyCounts();
  const fallbackReasons: Record<string, number> = {};
  const relayFaultsByZone: Record<string, number> = {};
  const languages: DayReport['languages'] = {};
  for (const d of list) {
    for (const k of Object.keys(required) as Array<keyof RequiredCounts>) required[k] += d.required[k];
    for (const [k, v] of Object.entries(d.fallbackReasons)) fallbackReasons[k] = (fallbackReasons[k] ?? 0) + v;
    for (const [k, v] of Object.entries(d.relayFaultsByZone)) relayFaultsByZone[k] = (relayFaultsByZone[k] ?? 0) + v;
    for (const [k, v] of Object.entries(d.languages)) {
      const l = (languages[k] ??= { plays: 0, seconds: 0, approvers: [] });
      l.plays += v.plays;
      l.seconds += v.seconds;
      for (const a of v.approvers) if (!l.approvers.includes(a)) l.approvers.push(a);
    }
  }
  return {
    station: { ...station, fingerprints: [...fingerprints] },
    from,
    to,
    days: list,
    totals: {
      days: list.length,
      events: sum((d) => d.events),
      required,
      secondsRequired: sum((d) => d.secondsRequired),
      secondsAired: sum((d) => d.secondsAired),
      secondsFallback: sum((d) => d.secondsFallback),
      secondsDeadAir: sum((d) => d.secondsDeadAir),
      fallbackReasons,
      relayFaultsByZone,
      languages,
      clockChecks: sum((d) => d.clockChecks),
      daysWithoutEvents: sum((d) => (d.gaps.includes('no-events') ? 1 : 0)),
      daysWithoutSeal: sum((d) => (d.sealed ? 0 : 1)),
      relayFaults: sum((d) => d.relayFaults.length),
      emergencies: sum((d) => d.emergencies.length),
      operatorActions: sum((d) => d.operatorActions.length),
      clockProblems: sum((d) => d.clockProblems.length),
      bulletins: sum((d) => d.bulletins.length),
    },
  };
}

/**
 * A time written in UTC (`…Z`: relay outages of daemons before 2026-11-23) in the UTC offset
 * of `ref`, a row's station-local time, as every other time in a report is; others as given.
 */
function inOffsetOf(iso: string | undefined, ref: string): string | undefined {
  if (!iso || !iso.endsWith('Z')) return iso;
  const m = /([+-])(\d{2}):(\d{2})$/.exec(ref);
  const ms = Date.parse(iso);
  if (!m || Number.isNaN(ms)) return iso;
  const offsetMs = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
  return new Date(ms + offsetMs).toISOString().slice(0, 23) + m[0];
}

/** The rows as they come, refusing (an internal error, not input) any that would go back in seq. */
function* inSeqOrder(events: Iterable<ReportRow>): Generator<ReportRow> {
  let last = -Infinity;
  for (const e of events) {
    if (e.seq <= last) throw new Error(`report rows out of order: seq ${e.seq} after ${last}`);
    last = e.seq;
    yield e;
  }
}

function slotFromResult(p: Payload<'slot.result'>, correctedBy?: SlotRow['correctedBy']): SlotRow {
  return {
    slot: p.slot, program: p.program, title: p.title, date: p.date, start: p.start, end: p.end,
    required: p.required, priority: p.priority, zones: p.zones, status: p.status,
    secondsRequired: p.secondsRequired, secondsAired: p.secondsAired, secondsFallback: p.secondsFallback,
    secondsDeadAir: p.secondsDeadAir, lateMs: p.lateMs, reasons: p.reasons, bulletins: [],
    ...(correctedBy ? { correctedBy } : {}),
  };
}

export function buildReport(stations: StationReport[], from: string, to: string, nowMs = Date.now()): AuditReport {
  return { format: 'loaxa-report', version: 1, generatedAt: new Date(nowMs).toISOString(), from, to, stations };
}

/** The weekly log book (sổ nhật ký): one page per station and ISO week. */
export interface LogbookWeek {
  station: StationInfo;
  week: string;
  from: string;
  to: string;
  days: Array<{
    date: string;
    aired: Array<{ start: string; end: string; title: string; program: string; seconds: number; status: SlotOutcome; languages: string[]; approvers: string[]; zones: string[] }>;
    shortfalls: Array<{ start: string; title: string; status: SlotOutcome; secondsMissing: number; reasons: string[] }>;
    emergencies: Emergency[];
    gaps: LogGap[];
  }>;
}

const AIRED: SlotOutcome[] = ['aired', 'partial', 'interrupted', 'preempted'];

export function logbookWeeks(report: StationReport): LogbookWeek[] {
  const weeks = new Map<string, LogbookWeek>();
  for (const d of report.days) {
    const monday = weekStart(d.date);
    let w = weeks.get(monday);
    if (!w) {
      w = { station: report.station, week: isoWeek(d.date), from: monday, to: addDays(monday, 6), days: [] };
      weeks.set(monday, w);
    }
    const aired = d.slots.filter((s) => AIRED.includes(s.status) && s.secondsAired > 0).map((s) => {
      // The actual start: the planned start plus how late it went on air.
      const startSec = secondsOfDay(s.start) + Math.round(s.lateMs / 1000);
      const endSec = startSec + s.secondsAired;
      const hhmm = (x: number) => `${String(Math.floor(x / 3600) % 24).padStart(2, '0')}:${String(Math.floor((x % 3600) / 60)).padStart(2, '0')}`;
      return {
        start: hhmm(startSec), end: hhmm(endSec), title: s.title, program: s.program, seconds: s.secondsAired, status: s.status,
        languages: [...new Set(s.bulletins.map((b) => b.language))],
        approvers: [...new Set(s.bulletins.map((b) => b.approvedBy).filter(Boolean))],
        zones: s.zones,
      };
    });
    const shortfalls = d.slots
      .filter((s) => s.required && s.status !== 'aired')
      .map((s) => ({ start: s.start, title: s.title, status: s.status, secondsMissing: Math.max(0, s.secondsRequired - s.secondsAired), reasons: s.reasons }));
    w.days.push({ date: d.date, aired, shortfalls, emergencies: d.emergencies, gaps: d.gaps });
  }
  return [...weeks.values()];
}
