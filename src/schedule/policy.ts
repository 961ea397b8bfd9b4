/**
 * Policies: provincial caps and campaign minimums checked against a plan.
 * A session is a run of slots (any zones) in which each slot starts less than
 * SESSION_GAP_MS after the previous ones have ended; its length runs from the first start
 * to the last end. Days skipped whole by an exception are exempt.
 */
import type { Diagnostic } from './diagnostics.js';
import { expandLocal, type LocalAiring } from './expand.js';
import { globMatch } from './model.js';
import { sourcePositions } from './nodes.js';
import { dayNumber, formatTimeOfDay, weekdayOfDayNumber, dateOfDayNumber } from './time.js';
import type { Policy, Schedule } from './types.js';

export const SESSION_GAP_MS = 10 * 60 * 1000;
/** How many dates a violation names. */
const FIRST_DATES = 3;

interface Timed {
  date: string;
  startMs: number;
  endMs: number;
}

export interface Session<T extends Timed = Timed> {
  date: string;
  startMs: number;
  endMs: number;
  slots: T[];
}

/** Group slots (a plan, sorted by start) into sessions; each belongs to the local date it starts on. */
export function sessionsOf<T extends Timed>(slots: T[]): Array<Session<T>> {
  const sessions: Array<Session<T>> = [];
  let current: Session<T> | null = null;
  for (const s of slots) {
    if (current && s.startMs - current.endMs < SESSION_GAP_MS) {
      current.slots.push(s);
      if (s.endMs > current.endMs) current.endMs = s.endMs;
    } else {
      current = { date: s.date, startMs: s.startMs, endMs: s.endMs, slots: [s] };
      sessions.push(current);
    }
  }
  return sessions;
}

/** Does an airing play a bulletin matching the pattern (as its content or as an insert)? */
function airsMatching(airing: LocalAiring, pattern: string): boolean {
  return airing.bulletins.some((b) => globMatch(pattern, b));
}

interface Violation {
  dates: string[];
  /** Parameters of the first violation (its count, time…). */
  first: Record<string, string | number>;
}

function note(v: Violation | undefined, date: string, first: Record<string, string | number>): Violation {
  if (!v) return { dates: [date], first };
  if (v.dates[v.dates.length - 1] !== date) v.dates.push(date);
  return v;
}

/**
 * Check the plan between two local dates (inclusive) against every policy; violations are
 * warnings naming how many days break the rule and the first dates.
 */
export function checkPolicies(schedule: Schedule, from: string, to: string): Diagnostic[] {
  if (schedule.policies.length === 0) return [];
  // Station wall-clock time is all policies need: no time zone arithmetic.
  const { airings: slots, exemptDays } = expandLocal(schedule, from, to);
  const exemptDates = new Set([...exemptDays].map(dateOfDayNumber));
  const byDate = new Map<string, LocalAiring[]>();
  for (const s of slots) (byDate.get(s.date) ?? byDate.set(s.date, []).get(s.date)!).push(s);
  const sessions = sessionsOf(slots);
  const sessionsByDate = new Map<string, Array<Session<LocalAiring>>>();
  for (const s of sessions) (sessionsByDate.get(s.date) ?? sessionsByDate.set(s.date, []).get(s.date)!).push(s);
  const out: Diagnostic[] = [];

  schedule.policies.forEach((policy, index) => {
    const pos = sourcePositions.get(policy) ?? { file: schedule.file, line: 1, col: 1 };
    const name = policy.name ?? `policies[${index + 1}]`;
    const emit = (key: string, v: Violation | undefined) => {
      if (!v) return;
      out.push({
        severity: 'warning',
        file: pos.file,
        line: pos.line,
        col: pos.col,
        key,
        params: { policy: name, days: v.dates.length, dates: v.dates.slice(0, FIRST_DATES).join(', '), ...v.first },
      });
    };

    if (policy.bulletins !== undefined && policy.minPerDay !== undefined) {
      let v: Violation | undefined;
      for (let d = dayNumber(from); d <= dayNumber(to); d++) {
        const date = dateOfDayNumber(d);
        if (exemptDates.has(date)) continue;
        const count = (byDate.get(date) ?? []).filter((s) => airsMatching(s, policy.bulletins!)).length;
        if (count < policy.minPerDay) v = note(v, date, { pattern: policy.bulletins, min: policy.minPerDay, count });
      }
      emit('schedule.policy.minPerDay', v);
    }
    if (policy.maxSessionsPerDay !== undefined) {
      let v: Violation | undefined;
      for (const [date, list] of sessionsByDate) {
        if (exemptDates.has(date)) continue;
        if (list.length > policy.maxSessionsPerDay) v = note(v, date, { max: policy.maxSessionsPerDay, count: list.length });
      }
      emit('schedule.policy.maxSessions', v);
    }
    if (policy.maxSessionMinutes !== undefined) {
      let v: Violation | undefined;
      for (const s of sessions) {
        if (exemptDates.has(s.date)) continue;
        const minutes = Math.round((s.endMs - s.startMs) / 60_000);
        if (s.endMs - s.startMs > policy.maxSessionMinutes * 60_000) {
          const time = formatTimeOfDay(Math.floor((s.startMs - dayNumber(s.date) * 86_400_000) / 1000)).slice(0, 5);
          v = note(v, s.date, { max: policy.maxSessionMinutes, minutes, time });
        }
      }
      emit('schedule.policy.maxMinutes', v);
    }
    if (policy.weekdaysOnly) {
      let v: Violation | undefined;
      for (const s of slots) {
        const w = weekdayOfDayNumber(dayNumber(s.date));
        if ((w === 0 || w === 6) && !exemptDates.has(s.date)) v = note(v, s.date, { program: s.program.id });
      }
      emit('schedule.policy.weekdaysOnly', v);
    }
  });
  return out;
}

export type { Policy };
