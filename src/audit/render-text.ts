/** The report as a terminal table (chalk colours; plain when NO_COLOR or piped). */
import chalk from 'chalk';
import { hasMessage, t } from '../i18n/index.js';
import { keyedReasonText, reasonDetailText, slotReasonText } from '../journal/index.js';
import type { AuditReport, DayReport, Outage, StationReport, SlotOutcome } from './model.js';
import { clockOf, formatSeconds, localStamp } from './dates.js';

const width = (s: string) => s.normalize('NFC').replace(/\x1b\[[0-9;]*m/g, '').length;

export function table(head: string[], rows: string[][], align: Array<'l' | 'r'> = []): string[] {
  const w = head.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const cell = (s: string, i: number) => {
    const pad = ' '.repeat(w[i]! - width(s));
    return align[i] === 'r' ? pad + s : s + pad;
  };
  return [
    chalk.bold(head.map(cell).join('  ').trimEnd()),
    w.map((n) => '─'.repeat(n)).join('  '),
    ...rows.map((r) => r.map(cell).join('  ').trimEnd()),
  ];
}

export const statusText = (s: SlotOutcome) => t(`audit.status.${s}`);

function statusColour(s: SlotOutcome, text: string): string {
  if (s === 'aired') return chalk.green(text);
  if (s === 'partial' || s === 'interrupted') return chalk.yellow(text);
  if (s === 'preempted') return chalk.magenta(text);
  return chalk.red(text);
}

export function stationTitle(s: StationReport['station']): string {
  const name = s.name ? t('audit.report.station', { name: s.name, id: s.id }) : s.id;
  const where = [s.district, s.province].filter(Boolean).join(', ');
  return where ? `${name} — ${where}` : name;
}

/** A reason code from the engine, translated when the catalogue knows it. */
export function reasonText(r: string): string {
  const key = `audit.reason.${r}`;
  if (hasMessage(key)) return t(key);
  // Else a slot reason as the daemon writes it (English, in the journal), in the reader's
  // language; or a feed loss's or an audio restart's own detail ("stalled", "exit 1: …").
  const known = slotReasonText(r);
  return known !== r ? known : reasonDetailText(r);
}

/** Why an outage happened, in the reader's language when the log kept the sentence's key. */
export function outageReason(o: Outage): string {
  return keyedReasonText(o.reasonKey, o.reasonParams) ?? reasonText(o.reason);
}

const n = (x: number, bad = false) => (x === 0 ? chalk.dim('0') : bad ? chalk.red(String(x)) : String(x));

interface RowFigures {
  required: DayReport['required'];
  secondsAired: number;
  secondsRequired: number;
  secondsFallback: number;
  secondsDeadAir: number;
  relayFaults: number;
  bulletins: number;
  emergencies: number;
  operatorActions: number;
  clockProblems: number;
}

export function dayFigures(d: DayReport): RowFigures {
  return {
    required: d.required, secondsAired: d.secondsAired, secondsRequired: d.secondsRequired,
    secondsFallback: d.secondsFallback, secondsDeadAir: d.secondsDeadAir, relayFaults: d.relayFaults.length,
    bulletins: d.bulletins.length, emergencies: d.emergencies.length, operatorActions: d.operatorActions.length,
    clockProblems: d.clockProblems.length,
  };
}

function dayRow(d: RowFigures, label: string, gaps: string): string[] {
  const r = d.required;
  return [
    label,
    String(r.total),
    n(r.aired),
    n(r.partial, true),
    n(r.missed + r.unrecorded, true),
    n(r.preempted),
    `${formatSeconds(d.secondsAired)} / ${formatSeconds(d.secondsRequired)}`,
    d.secondsFallback ? chalk.yellow(formatSeconds(d.secondsFallback)) : chalk.dim('0'),
    d.secondsDeadAir ? chalk.red(formatSeconds(d.secondsDeadAir)) : chalk.dim('0'),
    n(d.relayFaults, true),
    String(d.bulletins),
    n(d.emergencies),
    n(d.operatorActions),
    n(d.clockProblems, true),
    gaps,
  ];
}

export function renderStationText(s: StationReport): string[] {
  const lines: string[] = [];
  lines.push(chalk.bold(stationTitle(s.station)));
  lines.push(t('audit.report.period', { from: s.from, to: s.to }));
  if (s.station.fingerprints?.length) lines.push(t('audit.report.keys', { keys: s.station.fingerprints.join(', ') }));
  lines.push('');
  const head = ['date', 'reqSlots', 'full', 'partial', 'missed', 'preempted', 'airedVsRequired', 'fallback', 'deadAir', 'relayFaults', 'bulletins', 'emergencies', 'operator', 'clock', 'gaps'].map((k) => t(`audit.col.${k}`));
  const rows = s.days.map((d) => dayRow(dayFigures(d), d.date, d.gaps.length ? chalk.red(d.gaps.map((g) => t(`audit.gap.${g}`)).join('; ')) : ''));
  rows.push(dayRow(s.totals, chalk.bold(t('audit.report.totals')), ''));
  lines.push(...table(head, rows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l']));
  const r = s.totals.required;
  lines.push('');
  lines.push(t('audit.report.summary', { ...r, aired_time: formatSeconds(s.totals.secondsAired), required_time: formatSeconds(s.totals.secondsRequired) }));

  const short = s.days.flatMap((d) => d.slots.filter((x) => x.required && x.status !== 'aired'));
  if (short.length) {
    lines.push('', chalk.bold(t('audit.report.shortfalls')));
    lines.push(...table(
      ['date', 'start', 'title', 'status', 'airedVsRequired', 'reasons'].map((k) => t(`audit.col.${k}`)),
      short.map((x) => [x.date, clockOf(x.start), x.title, statusColour(x.status, statusText(x.status)), `${formatSeconds(x.secondsAired)} / ${formatSeconds(x.secondsRequired)}`, x.reasons.map(reasonText).join(', ')]),
    ));
  }
  const outages = s.days.flatMap((d) => d.outages.map((o) => ({ d, o })));
  if (outages.length) {
    lines.push('', chalk.bold(t('audit.report.outages')));
    lines.push(...table(
      ['date', 'time', 'kind', 'duration', 'source', 'reasons'].map((k) => t(`audit.col.${k}`)),
      outages.map(({ o }) => [o.at.slice(0, 10), clockOf(o.at), chalk.red(t(`audit.outage.${o.kind}`)), o.seconds === null ? t('audit.outage.noEnd') : formatSeconds(o.seconds), o.source ?? '', outageReason(o)]),
    ));
  }
  const faults = s.days.flatMap((d) => d.relayFaults);
  if (faults.length) {
    lines.push('', chalk.bold(t('audit.report.relayFaults')) + '  ' + Object.entries(s.totals.relayFaultsByZone).map(([z, c]) => t('audit.report.zone', { zone: z, count: c })).join(', '));
    lines.push(...table(
      ['date', 'time', 'board', 'zones', 'fault'].map((k) => t(`audit.col.${k}`)),
      faults.map((f) => [f.at.slice(0, 10), clockOf(f.at), `${f.board} [${f.channels.join(',')}] → ${f.wanted}`, f.zones.join(', '), chalk.red(f.fault)]),
    ));
  }
  const langs = Object.entries(s.totals.languages);
  if (langs.length) {
    lines.push('', chalk.bold(t('audit.report.bulletins')));
    lines.push(...table(
      ['languages', 'plays', 'duration', 'approvedBy'].map((k) => t(`audit.col.${k}`)),
      langs.map(([l, v]) => [l, String(v.plays), formatSeconds(v.seconds), v.approvers.join('; ')]),
      ['l', 'r', 'r', 'l'],
    ));
  }
  const em = s.days.flatMap((d) => d.emergencies);
  if (em.length) {
    lines.push('', chalk.bold(t('audit.report.emergencies')));
    for (const e of em) lines.push('  ' + e.at.slice(0, 10) + ' ' + t('audit.report.emergencyLine', { time: clockOf(e.at), bulletin: e.bulletin, language: e.language, zones: e.zones.join(', '), user: e.user, preempted: e.preempted.join(', ') || t('audit.none') }));
  }
  const ops = s.days.flatMap((d) => d.operatorActions);
  if (ops.length) {
    lines.push('', chalk.bold(t('audit.report.operator')));
    lines.push(...table(
      ['date', 'time', 'user', 'command', 'reasons'].map((k) => t(`audit.col.${k}`)),
      ops.map((o) => [o.at.slice(0, 10), clockOf(o.at), o.user, [o.command, ...o.args].join(' '), o.reason ?? '']),
    ));
  }
  const clock = s.days.flatMap((d) => d.clockProblems);
  if (clock.length) {
    lines.push('', chalk.bold(t('audit.report.clock')));
    lines.push(...table(
      ['date', 'time', 'status', 'offset', 'source'].map((k) => t(`audit.col.${k}`)),
      clock.map((c) => [c.at.slice(0, 10), clockOf(c.at), c.synchronised === false ? chalk.red(t('audit.clock.unsynchronised')) : String(c.synchronised), c.offsetMs === null ? t('audit.unknown') : `${c.offsetMs} ms`, c.source]),
    ));
  }
  return lines;
}

export function renderText(report: AuditReport): string {
  const lines: string[] = [chalk.bold(t('audit.report.title')), t('audit.report.generated', { at: localStamp(report.generatedAt) }), ''];
  report.stations.forEach((s, i) => {
    if (i > 0) lines.push('', '');
    lines.push(...renderStationText(s));
  });
  return lines.join('\n') + '\n';
}
