/**
 * expand(schedule, from, to): the plan — every airing with absolute start and end, its
 * inserts at absolute times, repeats laid out, exceptions applied, sorted by start.
 * Pure and synchronous; the hot loop avoids Intl by working per local day.
 */
import type { ExceptionRule, PlanInsert, PlanSlot, Program, Schedule } from './types.js';
import { dayMatcher, type DayMatcher } from './days.js';
import { holidayDatesIn } from './holidays.js';
import { insertOffsets } from './model.js';
import { dateOfDayNumber, dayNumber, localIso, offsetMs, zonedTimeToEpoch } from './time.js';

const DAY_MS = 86_400_000;

const hmsCache: string[] = new Array(86_400);
function hms(seconds: number): string {
  let s = hmsCache[seconds];
  if (s === undefined) {
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const sec = seconds % 60;
    s = `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}:${sec < 10 ? '0' : ''}${sec}`;
    hmsCache[seconds] = s;
  }
  return s;
}

function offsetString(off: number): string {
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off) / 60_000;
  const h = Math.floor(abs / 60);
  const m = abs % 60;
  return `${sign}${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

/** One local day: its midnight instant and, when the offset is the same all day, a fast formatter. */
interface LocalDay {
  date: string;
  midnightMs: number;
  /** Offset string when constant for the whole day, else null (DST change that day). */
  offset: string | null;
}

const localDays = new Map<string, Map<number, LocalDay>>();

/** The local day, memoised per zone: every schedule of a province shares them. */
function localDay(day: number, tz: string): LocalDay {
  let zone = localDays.get(tz);
  if (!zone) localDays.set(tz, (zone = new Map()));
  let d = zone.get(day);
  if (!d) {
    const date = dateOfDayNumber(day);
    const midnightMs = zonedTimeToEpoch(date, 0, tz);
    const a = offsetMs(midnightMs, tz);
    const b = offsetMs(midnightMs + DAY_MS - 1, tz);
    d = { date, midnightMs, offset: a === b ? offsetString(a) : null };
    if (zone.size > 100_000) zone.clear();
    zone.set(day, d);
  }
  return d;
}

/** ISO string of an instant `ms` known to be `msIntoDay` after the day's midnight. */
function isoIn(day: LocalDay, ms: number, msIntoDay: number, tz: string): string {
  if (day.offset !== null && msIntoDay >= 0 && msIntoDay < DAY_MS && msIntoDay % 1000 === 0) {
    return `${day.date}T${hms(msIntoDay / 1000)}${day.offset}`;
  }
  return localIso(ms, tz);
}

interface PreparedProgram {
  program: Program;
  matches: DayMatcher;
  fromDay: number;
  untilDay: number;
  inserts: Array<{ bulletin: string; language: string; mode: PlanInsert['mode']; offsetMs: number; after?: string; estimated: boolean }>;
}

function prepare(schedule: Schedule): PreparedProgram[] {
  return schedule.programs.map((program) => {
    const offsets = insertOffsets(program.inserts, schedule.bulletins) ?? program.inserts.map(() => ({ offsetMs: 0, estimated: true }));
    return {
      program,
      matches: dayMatcher(program.days),
      fromDay: program.from ? dayNumber(program.from) : -Infinity,
      untilDay: program.until ? dayNumber(program.until) : Infinity,
      inserts: program.inserts.map((ins, i) => ({
        bulletin: ins.bulletin,
        language: schedule.bulletins[ins.bulletin]?.language ?? '',
        mode: ins.mode,
        offsetMs: offsets[i]!.offsetMs,
        ...(ins.after !== undefined ? { after: ins.after } : {}),
        estimated: offsets[i]!.estimated,
      })),
    };
  });
}

/** Does an exception rule cover a local date? Holiday rules recur every year. */
export function exceptionCovers(rule: ExceptionRule, date: string): boolean {
  if (rule.holiday !== undefined) return holidayDatesIn(rule.holiday, Number(date.slice(0, 4))).has(date);
  return rule.from <= date && date <= rule.to;
}

/** What the exceptions skip on each day of a range (days without exceptions are absent). */
interface DaySkips {
  all: boolean;
  some: Set<string> | null;
}

function exceptionIndex(exceptions: ExceptionRule[], first: number, last: number): Map<number, DaySkips> {
  const index = new Map<number, DaySkips>();
  const mark = (day: number, rule: ExceptionRule) => {
    if (day < first || day > last) return;
    let e = index.get(day);
    if (!e) index.set(day, (e = { all: false, some: null }));
    if (rule.skip === 'all') e.all = true;
    else for (const id of rule.skip) (e.some ??= new Set()).add(id);
  };
  for (const rule of exceptions) {
    if (rule.holiday !== undefined) {
      const y0 = Number(dateOfDayNumber(first).slice(0, 4));
      const y1 = Number(dateOfDayNumber(last).slice(0, 4));
      for (let y = y0; y <= y1; y++) for (const date of holidayDatesIn(rule.holiday, y)) mark(dayNumber(date), rule);
    } else {
      const a = Math.max(first, dayNumber(rule.from));
      const b = Math.min(last, dayNumber(rule.to));
      for (let d = a; d <= b; d++) mark(d, rule);
    }
  }
  return index;
}

export interface ExpandResult {
  slots: PlanSlot[];
  /** Dates on which exceptions removed every airing, or a `skip: all` rule applies (exempt from policies). */
  exemptDates: Set<string>;
}

/** Every airing whose program date falls between `from` and `to` (inclusive local dates), sorted by start. */
export function expand(schedule: Schedule, from: string, to: string): PlanSlot[] {
  return expandDetailed(schedule, from, to).slots;
}

export function expandDetailed(schedule: Schedule, from: string, to: string): ExpandResult {
  const tz = schedule.station.timezone;
  const programs = prepare(schedule);
  const slots: PlanSlot[] = [];
  const exemptDates = new Set<string>();
  const first = dayNumber(from);
  const last = dayNumber(to);
  const skips = exceptionIndex(schedule.exceptions, first, last);

  for (let day = first; day <= last; day++) {
    const skip = skips.size ? skips.get(day) : undefined;
    const skipAll = skip?.all === true;
    const skipSome = skip?.some ?? null;
    const local = localDay(day, tz);
    const date = local.date;
    if (skipAll) exemptDates.add(date);
    let aired = 0;
    let skipped = 0;
    for (const p of programs) {
      if (day < p.fromDay || day > p.untilDay || !p.matches(day)) continue;
      const prog = p.program;
      if (skipAll || skipSome?.has(prog.id)) {
        skipped++;
        continue;
      }
      const firstStart = local.offset !== null ? local.midnightMs + prog.at * 1000 : zonedTimeToEpoch(date, prog.at, tz);
      for (let k = 0; k < prog.repeat; k++) {
        const startMs = firstStart + k * (prog.durationMs + prog.gapMs);
        const endMs = startMs + prog.durationMs;
        const intoDay = startMs - local.midnightMs;
        // Fast path: the start falls on this local day with one offset all day.
        const fast = local.offset !== null && intoDay >= 0 && intoDay < DAY_MS && intoDay % 1000 === 0;
        const prefix = fast ? `${local.date}T${hms(intoDay / 1000)}` : localIso(startMs, tz).slice(0, 19);
        const start = fast ? prefix + local.offset : localIso(startMs, tz);
        const end = isoIn(local, endMs, intoDay + prog.durationMs, tz);
        const inserts: PlanInsert[] = [];
        for (const ins of p.inserts) {
          const at = startMs + ins.offsetMs;
          const pi: PlanInsert = {
            bulletin: ins.bulletin,
            language: ins.language,
            mode: ins.mode,
            start: isoIn(local, at, intoDay + ins.offsetMs, tz),
            startMs: at,
            offsetMs: ins.offsetMs,
          };
          if (ins.after !== undefined) pi.after = ins.after;
          if (ins.estimated) pi.estimated = true;
          inserts.push(pi);
        }
        const slot: PlanSlot = {
          id: `${prog.id}@${prefix}`,
          program: prog.id,
          title: prog.title,
          date: fast ? local.date : prefix.slice(0, 10),
          start,
          end,
          startMs,
          endMs,
          zones: prog.zones,
          inserts,
          priority: prog.priority,
          required: prog.required,
          repeat: k,
          durationMs: prog.durationMs,
          onConflict: prog.onConflict,
        };
        if (prog.source !== undefined) slot.source = prog.source;
        if (prog.bulletins !== undefined) slot.bulletins = prog.bulletins;
        slots.push(slot);
        aired++;
      }
    }
    if (aired === 0 && skipped > 0) exemptDates.add(date);
  }
  slots.sort(byStart);
  return { slots, exemptDates };
}

function byStart(a: { startMs: number; program: string }, b: { startMs: number; program: string }): number {
  return a.startMs - b.startMs || (a.program < b.program ? -1 : a.program > b.program ? 1 : 0);
}

/**
 * An airing in station wall-clock time, for whole-schedule checks (conflicts, policies,
 * counts): no time zone, no strings, so `validate` never needs Intl. Times are
 * milliseconds of local wall-clock time counted from 1970-01-01 00:00 local.
 */
export interface LocalAiring {
  program: Program;
  /** Local date the airing starts on, and its day number. */
  date: string;
  day: number;
  startMs: number;
  endMs: number;
  repeat: number;
  /** Bulletin ids aired in it, as content or inserts. */
  bulletins: string[];
}

export function expandLocal(schedule: Schedule, from: string, to: string): { airings: LocalAiring[]; exemptDays: Set<number> } {
  const programs = prepare(schedule);
  const airings: LocalAiring[] = [];
  const exemptDays = new Set<number>();
  const first = dayNumber(from);
  const last = dayNumber(to);
  const skips = exceptionIndex(schedule.exceptions, first, last);
  const aired = programs.map((p) => [...(p.program.bulletins ?? []), ...p.inserts.map((i) => i.bulletin)]);
  for (let day = first; day <= last; day++) {
    const skip = skips.size ? skips.get(day) : undefined;
    if (skip?.all) exemptDays.add(day);
    let count = 0;
    let skipped = 0;
    programs.forEach((p, i) => {
      if (day < p.fromDay || day > p.untilDay || !p.matches(day)) return;
      const prog = p.program;
      if (skip?.all || skip?.some?.has(prog.id)) {
        skipped++;
        return;
      }
      const base = day * DAY_MS + prog.at * 1000;
      for (let k = 0; k < prog.repeat; k++) {
        const startMs = base + k * (prog.durationMs + prog.gapMs);
        const startDay = Math.floor(startMs / DAY_MS);
        airings.push({ program: prog, date: dateOfDayNumber(startDay), day: startDay, startMs, endMs: startMs + prog.durationMs, repeat: k, bulletins: aired[i]! });
        count++;
      }
    });
    if (count === 0 && skipped > 0) exemptDays.add(day);
  }
  airings.sort((a, b) => a.startMs - b.startMs || (a.program.id < b.program.id ? -1 : a.program.id > b.program.id ? 1 : 0));
  return { airings, exemptDays };
}
