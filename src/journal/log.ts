/**
 * The officer's view of one local day: planned slots against what aired, then faults,
 * bulletins and operator actions in time order — every sentence from the catalogue.
 */
import { t, type Lang, type Params } from '../i18n/index.js';
import type { EventPayloads, EventType, JournalEvent } from './events.js';
import { keyedReasonText, reasonDetailText, slotReasonText } from './reasons.js';

type Payload<T extends EventType> = EventPayloads[T];

export interface DayLogOptions {
  date: string;
  station: string;
  stationName?: string;
  lang?: Lang;
  /** The seal covering the day, if any (it is written after midnight, so it is not among the day's events). */
  seal?: JournalEvent<'seal'> | null;
  /** Now (epoch ms): a slot without a result is "not yet" only before its start; after its end it has no record. */
  nowMs?: number;
}

const hhmmss = (local: string): string => (typeof local === 'string' ? local.slice(11, 19) : '');
const hhmm = (iso: string | undefined): string => (typeof iso === 'string' && iso.length >= 16 ? iso.slice(11, 16) : '');
const onTheMinute = (iso: string): boolean => iso.length < 19 || iso.slice(17, 19) === '00';
/** A slot's times: to the second when either is off the minute (a repeat 30 s after a 6 s bulletin would read 17:00–17:00 twice). */
function slotTimes(start: string, end: string): string {
  if (onTheMinute(start) && onTheMinute(end)) return `${hhmm(start)}–${hhmm(end)}`;
  return `${hhmmss(start)}–${hhmmss(end)}`;
}
const list = (xs: unknown): string => (Array.isArray(xs) ? xs.join(', ') : String(xs ?? ''));

/** Visible width: Vietnamese text in NFC is one code point per letter; combining marks take no column. */
function width(s: string): number {
  return [...s.normalize('NFC')].filter((c) => !/\p{Mn}/u.test(c)).length;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - width(c))))
      .join('  ')
      .trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

/** One line for a notable event, or null for events shown elsewhere (slots) or routine ones. */
export function describeEvent(ev: JournalEvent, lang?: Lang): string | null {
  const k = (key: string, params: Params = {}) => t(`journal.log.ev.${key}`, params, lang);
  switch (ev.type) {
    case 'station.start': {
      const p = ev.payload as Payload<'station.start'>;
      return k('station.start', { version: p.version, user: p.user, host: p.host });
    }
    case 'station.stop':
      return k('station.stop', { reason: reasonDetailText(String((ev.payload as Payload<'station.stop'>).reason), lang) });
    case 'schedule.loaded': {
      const p = ev.payload as Payload<'schedule.loaded'>;
      return k('schedule.loaded', { file: p.file, programs: p.programs, zones: p.zones, sha: String(p.sha256 ?? '').slice(0, 12) });
    }
    case 'schedule.rejected': {
      const p = ev.payload as Payload<'schedule.rejected'>;
      return k('schedule.rejected', { file: p.file, count: Array.isArray(p.errors) ? p.errors.length : 0 });
    }
    case 'relay.action': {
      const p = ev.payload as Payload<'relay.action'>;
      if (!p.fault && p.confirmed !== null && p.confirmed !== 'mismatch') return null; // routine switching
      return k('relay.fault', {
        board: p.board,
        channels: list(p.channels),
        zones: list(p.zones),
        wanted: p.wanted,
        fault: p.fault ?? (p.confirmed === 'mismatch' ? t('journal.log.readbackMismatch', {}, lang) : t('journal.log.noReply', {}, lang)),
      });
    }
    case 'relay.outage': {
      const p = ev.payload as Payload<'relay.outage'>;
      const reason = keyedReasonText(p.reasonKey, p.reasonParams, lang) ?? reasonDetailText(String(p.reason), lang);
      return p.seconds !== undefined
        ? k('relay.outage.ended', { board: p.board, zones: list(p.zones), seconds: p.seconds, reason })
        : k('relay.outage', { board: p.board, zones: list(p.zones), reason });
    }
    case 'feed.connected': {
      const p = ev.payload as Payload<'feed.connected'>;
      return k('feed.connected', { source: p.source });
    }
    case 'feed.lost': {
      const p = ev.payload as Payload<'feed.lost'>;
      return k('feed.lost', { source: p.source, reason: reasonDetailText(String(p.reason), lang) });
    }
    case 'fallback.started': {
      const p = ev.payload as Payload<'fallback.started'>;
      return k('fallback.started', { source: p.source, file: p.file, reason: t(`journal.log.why.${p.reason}`, {}, lang) });
    }
    case 'fallback.ended': {
      const p = ev.payload as Payload<'fallback.ended'>;
      return k('fallback.ended', { source: p.source, seconds: p.seconds });
    }
    case 'deadair.started': {
      const p = ev.payload as Payload<'deadair.started'>;
      return k('deadair.started', { source: p.source, db: p.thresholdDb });
    }
    case 'deadair.ended': {
      const p = ev.payload as Payload<'deadair.ended'>;
      return k('deadair.ended', { source: p.source, seconds: p.seconds });
    }
    case 'audio.restarted': {
      const p = ev.payload as Payload<'audio.restarted'>;
      return k('audio.restarted', { reason: reasonDetailText(String(p.reason), lang), gap: (p.gapMs / 1000).toFixed(1) });
    }
    case 'insert.played': {
      const p = ev.payload as Payload<'insert.played'>;
      return k('insert.played', { bulletin: p.bulletin, language: p.language, mode: p.mode, seconds: Math.round(p.seconds), approvedBy: p.approvedBy });
    }
    case 'recording.saved': {
      const p = ev.payload as Payload<'recording.saved'>;
      return k('recording.saved', { file: p.file, seconds: Math.round(p.seconds) });
    }
    case 'operator.action': {
      const p = ev.payload as Payload<'operator.action'>;
      const command = ['loaxa', p.command, ...(Array.isArray(p.args) ? p.args : [])].join(' ');
      return p.reason ? k('operator.action.reason', { user: p.user, command, reason: p.reason }) : k('operator.action', { user: p.user, command });
    }
    case 'emergency.broadcast': {
      const p = ev.payload as Payload<'emergency.broadcast'>;
      return k('emergency.broadcast', {
        bulletin: p.bulletin,
        language: p.language,
        zones: list(p.zones),
        user: p.user,
        preempted: Array.isArray(p.preempted) && p.preempted.length ? list(p.preempted) : '—',
      });
    }
    case 'conflict.resolved': {
      const p = ev.payload as Payload<'conflict.resolved'>;
      return k('conflict.resolved', { slot: p.slot, other: p.other, zones: list(p.zones), rule: p.rule });
    }
    case 'clock.status': {
      const p = ev.payload as Payload<'clock.status'>;
      if (p.synchronised === true) return k('clock.ok', { source: p.source, offset: p.offsetMs ?? '?' });
      if (p.synchronised === false) return k('clock.bad', { source: p.source, offset: p.offsetMs ?? '?' });
      return k('clock.unknown', { source: p.source });
    }
    case 'recovery': {
      const p = ev.payload as Payload<'recovery'>;
      return k(`recovery.${p.action}`, { slot: p.slot ?? '—', detail: p.detail });
    }
    case 'seal': {
      const p = ev.payload as Payload<'seal'>;
      return k('seal', { date: p.date, lastSeq: p.lastSeq, fingerprint: p.fingerprint });
    }
    case 'correction': {
      const p = ev.payload as Payload<'correction'>;
      return k('correction', { seq: p.corrects, user: p.user, reason: p.reason });
    }
    default:
      return null; // day.planned, slot.armed, slot.result: shown in the slot table
  }
}

interface SlotRow {
  slot: string;
  start: string;
  end: string;
  title: string;
  zones: string[];
  required: boolean;
  result?: Payload<'slot.result'>;
}

/** The day as lines of text: header, slot table, totals, notable events. */
export function renderDayLog(events: JournalEvent[], opts: DayLogOptions): string[] {
  const { lang } = opts;
  const tl = (key: string, params: Params = {}) => t(`journal.log.${key}`, params, lang);
  const out: string[] = [tl('title', { station: opts.stationName ? `${opts.stationName} (${opts.station})` : opts.station, date: opts.date }), ''];

  // Last plan written for the day wins (the daemon rewrites it after a reload).
  let planned: Payload<'day.planned'> | undefined;
  // A slot resumed after a crash has two results (interrupted, then resumed): show both.
  const results = new Map<string, Array<Payload<'slot.result'>>>();
  const corrections = new Map<number, Payload<'correction'>[]>();
  for (const ev of events) {
    if (ev.type === 'day.planned' && (ev.payload as Payload<'day.planned'>).date === opts.date) planned = ev.payload as Payload<'day.planned'>;
    if (ev.type === 'slot.result') {
      const p = ev.payload as Payload<'slot.result'>;
      results.set(p.slot, [...(results.get(p.slot) ?? []), p]);
    }
    if (ev.type === 'correction') {
      const p = ev.payload as Payload<'correction'>;
      corrections.set(p.corrects, [...(corrections.get(p.corrects) ?? []), p]);
    }
  }
  const rows: SlotRow[] = [];
  const plannedIds = new Set<string>();
  for (const s of planned?.slots ?? []) {
    plannedIds.add(s.slot);
    const base = { slot: s.slot, start: s.start, end: s.end, title: s.title, zones: s.zones, required: s.required };
    const rs = results.get(s.slot);
    if (!rs) rows.push(base);
    else for (const r of rs) rows.push({ ...base, result: r });
  }
  for (const [slot, rs] of results) {
    if (plannedIds.has(slot)) continue;
    for (const r of rs) rows.push({ slot: r.slot, start: r.start, end: r.end, title: r.title, zones: r.zones, required: r.required, result: r });
  }
  rows.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0)); // stable: a slot's results stay in order

  out.push(tl('slots'));
  if (!planned) out.push('  ' + tl('noPlan'));
  if (rows.length) {
    const yes = tl('yes');
    const no = tl('no');
    const noResult = (r: SlotRow): string => {
      if (opts.nowMs === undefined || Date.parse(r.start) > opts.nowMs) return tl('status.pending');
      return Date.parse(r.end) <= opts.nowMs ? tl('status.unrecorded') : tl('status.underway');
    };
    const body = rows.map((r) => [
      slotTimes(r.start, r.end),
      r.title,
      list(r.zones),
      r.required ? yes : no,
      r.result ? tl(`status.${r.result.status}`) + (r.result.resumed ? ' ' + tl('resumed') : '') : noResult(r),
      r.result ? `${Math.round(r.result.secondsAired)}/${Math.round(r.result.secondsRequired)}` : '',
      r.result && Array.isArray(r.result.reasons) ? r.result.reasons.map((x) => slotReasonText(String(x), lang)).join('; ') : '',
    ]);
    const head = ['time', 'program', 'zones', 'required', 'status', 'seconds', 'reasons'].map((h) => tl(`col.${h}`));
    out.push(...table(head, body).map((l) => '  ' + l));
    const requiredSlots = new Set(rows.filter((r) => r.required).map((r) => r.slot));
    const airedSlots = new Set(rows.filter((r) => r.required && r.result?.status === 'aired').map((r) => r.slot));
    const secondsAired = rows.reduce((s, r) => s + (r.result?.secondsAired ?? 0), 0);
    const secondsFallback = rows.reduce((s, r) => s + (r.result?.secondsFallback ?? 0), 0);
    out.push('');
    out.push(tl('totals', { aired: airedSlots.size, required: requiredSlots.size, minutes: (secondsAired / 60).toFixed(1), fallback: (secondsFallback / 60).toFixed(1) }));
  }

  out.push('', tl('events'));
  let any = false;
  for (const ev of events) {
    const text = describeEvent(ev, lang);
    if (text === null) continue;
    any = true;
    out.push(`  ${hhmmss(ev.local)}  #${ev.seq}  ${text}`);
  }
  if (!any) out.push('  ' + tl('noEvents'));
  if (corrections.size) {
    out.push('', tl('corrected', { seqs: [...corrections.keys()].join(', ') }));
  }
  if (opts.seal !== undefined) {
    out.push('');
    out.push(
      opts.seal
        ? tl('sealed', { seq: opts.seal.seq, lastSeq: opts.seal.payload.lastSeq, fingerprint: opts.seal.payload.fingerprint })
        : tl('notSealed'),
    );
  }
  return out;
}
