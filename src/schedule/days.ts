/**
 * Which local dates a program airs on. `cron:` expressions are validated by node-cron at
 * load time; matching here is our own, on the day fields only (day of month, month, day
 * of week), so expansion stays synchronous and pure.
 */
import type { DaysRule, Weekday } from './types.js';
import { weekdayOfDayNumber, dateOfDayNumber } from './time.js';

export const WEEKDAYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Matches a date given as day number (days since epoch); built once per rule. */
export type DayMatcher = (day: number) => boolean;

/** Parsed cron expression: day fields as sets, and the time fields as plain lists. */
export interface CronDays {
  seconds: number[];
  minutes: number[];
  hours: number[];
  matches: DayMatcher;
}

function expandField(text: string, min: number, max: number, names: string[] = [], nameBase = 0): Set<number> | null {
  const out = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const m = /^(\*|[a-z0-9]+)(?:-([a-z0-9]+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return null;
    const value = (s: string): number | null => {
      if (/^\d+$/.test(s)) return Number(s);
      const i = names.indexOf(s.slice(0, 3));
      return i < 0 ? null : i + nameBase;
    };
    let lo: number | null;
    let hi: number | null;
    if (m[1] === '*') {
      lo = min;
      hi = max;
    } else {
      lo = value(m[1]!);
      hi = m[2] !== undefined ? value(m[2]) : m[3] !== undefined ? max : lo;
    }
    const step = m[3] === undefined ? 1 : Number(m[3]);
    if (lo === null || hi === null || step < 1) return null;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

/**
 * Compile a cron expression (5 fields, or 6 with seconds first). Returns null when the
 * day fields use something this matcher does not understand.
 * Day-of-month and day-of-week follow Vixie cron: when both are restricted, either matches.
 * Supported beyond lists/ranges/steps: `L` (last day of month) and `dow#n` (n-th weekday).
 */
export function compileCron(expr: string): CronDays | null {
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return null;
  const [sec, min, hour, dom, mon, dow] = fields.length === 6 ? fields : ['0', ...fields];
  const seconds = expandField(sec!, 0, 59);
  const minutes = expandField(min!, 0, 59);
  const hours = expandField(hour!, 0, 23);
  const months = expandField(mon!, 1, 12, MONTH_NAMES, 1);
  if (!seconds || !minutes || !hours || !months) return null;

  const domAny = dom === '*' || dom === '?';
  const dowAny = dow === '*' || dow === '?';
  let lastDay = false;
  let domSet: Set<number> | null = new Set();
  if (!domAny) {
    const parts = dom!.split(',');
    lastDay = parts.some((p) => p.toUpperCase() === 'L');
    const rest = parts.filter((p) => p.toUpperCase() !== 'L');
    domSet = rest.length ? expandField(rest.join(','), 1, 31) : new Set();
  }
  // n-th weekday entries like `1#2` (second Monday) are kept apart from plain weekdays.
  const nth: Array<[number, number]> = [];
  let dowSet: Set<number> | null = new Set();
  if (!dowAny) {
    const plain: string[] = [];
    for (const p of dow!.toLowerCase().split(',')) {
      const m = /^([a-z0-9]+)#([1-5])$/.exec(p);
      if (m) {
        const d = /^\d$/.test(m[1]!) ? Number(m[1]) : WEEKDAYS.indexOf(m[1]!.slice(0, 3) as Weekday);
        if (d < 0 || d > 7) return null;
        nth.push([d % 7, Number(m[2])]);
      } else plain.push(p);
    }
    dowSet = plain.length ? expandField(plain.join(','), 0, 7, WEEKDAYS, 0) : new Set();
    if (dowSet?.has(7)) dowSet.add(0); // 7 is Sunday too
  }
  if (!domSet || !dowSet) return null;

  const matches: DayMatcher = (day) => {
    const date = dateOfDayNumber(day);
    const month = Number(date.slice(5, 7));
    if (!months.has(month)) return false;
    const dayOfMonth = Number(date.slice(8, 10));
    const weekday = weekdayOfDayNumber(day);
    const domOk = () => domSet!.has(dayOfMonth) || (lastDay && Number(dateOfDayNumber(day + 1).slice(8, 10)) === 1);
    const dowOk = () => dowSet!.has(weekday) || nth.some(([d, n]) => d === weekday && Math.ceil(dayOfMonth / 7) === n);
    if (domAny && dowAny) return true;
    if (domAny) return dowOk();
    if (dowAny) return domOk();
    return domOk() || dowOk();
  };
  return { seconds: [...seconds].sort((a, b) => a - b), minutes: [...minutes].sort((a, b) => a - b), hours: [...hours].sort((a, b) => a - b), matches };
}

const cronCache = new Map<string, DayMatcher>();

/** A matcher for a program's `days` rule. */
export function dayMatcher(rule: DaysRule): DayMatcher {
  switch (rule.kind) {
    case 'daily':
      return () => true;
    case 'weekdays':
      return (day) => {
        const w = weekdayOfDayNumber(day);
        return w >= 1 && w <= 5;
      };
    case 'weekends':
      return (day) => {
        const w = weekdayOfDayNumber(day);
        return w === 0 || w === 6;
      };
    case 'list': {
      const set = new Set(rule.days.map((d) => WEEKDAYS.indexOf(d)));
      return (day) => set.has(weekdayOfDayNumber(day));
    }
    case 'cron': {
      let m = cronCache.get(rule.expr);
      if (!m) {
        m = compileCron(rule.expr)?.matches ?? (() => false);
        cronCache.set(rule.expr, m);
      }
      return m;
    }
  }
}
