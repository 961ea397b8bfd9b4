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

function localDay(date: string, tz: string): LocalDay {
  const midnightMs = zonedTimeToEpoch(date, 0, tz);
  const a = offsetMs(midnightMs, tz);
  const b = offsetMs(midnightMs + DAY_MS - 1, tz);
  return { date, midnightMs, offset: a === b ? offsetString(a) : null };
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
  const exceptions = schedule.exceptions;

  for (let day = first; day <= last; day++) {
    const date = dateOfDayNumber(day);
    // Exceptions for this date: skip everything, or a set of program ids.
    let skipAll = false;
    let skipSome: Set<string> | null = null;
    for (const rule of exceptions) {
      if (!exceptionCovers(rule, date)) continue;
      if (rule.skip === 'all') skipAll = true;
      else for (const id of rule.skip) (skipSome ??= new Set()).add(id);
    }
    if (skipAll) exemptDates.add(date);
    let local: LocalDay | null = null;
    let aired = 0;
    let skipped = 0;
    for (const p of programs) {
      if (day < p.fromDay || day > p.untilDay || !p.matches(day)) continue;
      const prog = p.program;
      if (skipAll || skipSome?.has(prog.id)) {
        skipped++;
        continue;
      }
      local ??= localDay(date, tz);
      const firstStart = local.offset !== null ? local.midnightMs + prog.at * 1000 : zonedTimeToEpoch(date, prog.at, tz);
      for (let k = 0; k < prog.repeat; k++) {
        const startMs = firstStart + k * (prog.durationMs + prog.gapMs);
        const endMs = startMs + prog.durationMs;
        const intoDay = startMs - local.midnightMs;
        const start = isoIn(local, startMs, intoDay, tz);
        const end = isoIn(local, endMs, intoDay + prog.durationMs, tz);
        const inserts: PlanInsert[] = p.inserts.map((ins) => {
          const at = startMs + ins.offsetMs;
          const pi: PlanInsert = {
            bulletin: ins.bulletin,
            language: ins.language,
            mode: ins.mode,
            start: isoIn(local!, at, intoDay + ins.offsetMs, tz),
            startMs: at,
            offsetMs: ins.offsetMs,
          };
          if (ins.after !== undefined) pi.after = ins.after;
          if (ins.estimated) pi.estimated = true;
          return pi;
        });
        const slot: PlanSlot = {
          id: `${prog.id}@${start.slice(0, 19)}`,
          program: prog.id,
          title: prog.title,
          date: start.slice(0, 10),
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
  slots.sort((a, b) => a.startMs - b.startMs || (a.program < b.program ? -1 : a.program > b.program ? 1 : 0));
  return { slots, exemptDates };
}
