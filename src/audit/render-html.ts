/**
 * The report as one self-contained, printable HTML file: no scripts, no external files.
 * Each day gets an SVG timeline — required slots against what aired, outages and faults
 * in red — that scales to a phone's width.
 */
import { t, getLang } from '../i18n/index.js';
import type { AuditReport, DayReport, StationReport } from './model.js';
import { clockOf, formatSeconds, localStamp, secondsOfDay } from './dates.js';
import { outageReason, reasonText, stationTitle } from './render-text.js';

export function esc(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export const BASE_CSS = `
*{box-sizing:border-box}
body{font-family:"Noto Sans","DejaVu Sans",Arial,sans-serif;margin:0;padding:12px;color:#111;background:#fff;line-height:1.4;font-size:15px}
h1{font-size:1.35em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .3em;border-bottom:2px solid #333}h3{font-size:1em;margin:1em 0 .3em}
.meta{color:#444;font-size:.9em}
.wrap{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;margin:.3em 0;font-size:.88em;min-width:60%}
th,td{border:1px solid #bbb;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bad{color:#b00000;font-weight:bold}.warn{color:#8a5a00}.ok{color:#106010}
.legend span{display:inline-block;margin-right:1em;font-size:.85em}
.legend i{display:inline-block;width:1.2em;height:.8em;margin-right:.3em;vertical-align:middle}
svg{width:100%;height:auto;display:block;max-width:900px}
.day{page-break-inside:avoid;margin-bottom:1em}
@media print{body{padding:0;font-size:11pt}.station{page-break-after:always}}
`;

const COLOURS = { required: '#9aa5b1', optional: '#d5dbe1', aired: '#2e8b3e', partial: '#d89a00', fault: '#d0021b', emergency: '#7b1fa2' };

function timeline(d: DayReport): string {
  const marks = [
    ...d.slots.flatMap((s) => [secondsOfDay(s.start), secondsOfDay(s.start) + s.secondsRequired]),
    ...d.outages.map((o) => secondsOfDay(o.at)),
    ...d.relayFaults.map((f) => secondsOfDay(f.at)),
    ...d.emergencies.map((e) => secondsOfDay(e.at)),
  ];
  // Show the broadcast hours with a margin, whole hours; the full day when nothing happened.
  let lo = marks.length ? Math.max(0, Math.floor(Math.min(...marks) / 3600 - 0.5) * 3600) : 0;
  let hi = marks.length ? Math.min(86400, Math.ceil(Math.max(...marks) / 3600 + 0.5) * 3600) : 86400;
  if (hi - lo < 3 * 3600) hi = Math.min(86400, lo + 3 * 3600);
  if (hi - lo < 3 * 3600) lo = Math.max(0, hi - 3 * 3600);
  const W = 1000, left = 90, right = 10, laneH = 26;
  const x = (sec: number) => left + ((Math.min(Math.max(sec, lo), hi) - lo) / (hi - lo)) * (W - left - right);
  const lanes = [t('audit.report.legendRequired'), t('audit.report.legendAired'), t('audit.report.legendFault')];
  const top = 22;
  const H = top + lanes.length * laneH + 8;
  const parts: string[] = [];
  parts.push(`<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`);
  const step = hi - lo > 12 * 3600 ? 3 * 3600 : hi - lo > 6 * 3600 ? 2 * 3600 : 3600;
  for (let h = Math.ceil(lo / 3600) * 3600; h <= hi; h += step) {
    parts.push(`<line x1="${x(h)}" y1="${top - 4}" x2="${x(h)}" y2="${H - 4}" stroke="#ccc" stroke-width="1"/>`);
    parts.push(`<text x="${x(h)}" y="${top - 8}" font-size="13" text-anchor="middle" fill="#333">${String(h / 3600).padStart(2, '0')}:00</text>`);
  }
  lanes.forEach((l, i) => parts.push(`<text x="4" y="${top + i * laneH + 17}" font-size="13" fill="#333">${esc(l)}</text>`));
  const bar = (lane: number, from: number, to: number, fill: string, title: string, extra = '') =>
    parts.push(`<rect x="${x(from).toFixed(1)}" y="${top + lane * laneH + 3}" width="${Math.max(2, x(to) - x(from)).toFixed(1)}" height="${laneH - 6}" fill="${fill}"${extra}><title>${esc(title)}</title></rect>`);
  for (const s of d.slots) {
    const st = secondsOfDay(s.start);
    const label = `${clockOf(s.start)} ${s.title} — ${t(`audit.status.${s.status}`)}`;
    bar(0, st, st + s.secondsRequired, s.required ? COLOURS.required : COLOURS.optional, label);
    if (s.status === 'missed' || s.status === 'unrecorded') bar(0, st, st + s.secondsRequired, 'none', label, ` stroke="${COLOURS.fault}" stroke-width="3"`);
    if (s.secondsAired > 0) {
      const a = st + s.lateMs / 1000;
      bar(1, a, a + s.secondsAired, s.status === 'aired' ? COLOURS.aired : COLOURS.partial, label);
    }
  }
  for (const o of d.outages) {
    const st = secondsOfDay(o.at);
    bar(2, st, st + Math.max(o.seconds ?? 0, 30), COLOURS.fault, `${clockOf(o.at)} ${t(`audit.outage.${o.kind}`)}: ${outageReason(o)}${o.seconds !== null ? ` (${formatSeconds(o.seconds)})` : ''}`);
  }
  for (const f of d.relayFaults) {
    const st = secondsOfDay(f.at);
    bar(2, st, st + 45, COLOURS.fault, `${clockOf(f.at)} ${t('audit.report.relayFaults')}: ${f.board} ${f.zones.join(', ')} — ${f.fault}`);
  }
  for (const e of d.emergencies) {
    const cx = x(secondsOfDay(e.at));
    const y = top + 2 * laneH + 3;
    parts.push(`<polygon points="${cx - 7},${y + laneH - 6} ${cx + 7},${y + laneH - 6} ${cx},${y}" fill="${COLOURS.emergency}"><title>${esc(`${clockOf(e.at)} ${t('audit.report.emergencies')}: ${e.bulletin} (${e.language})`)}</title></polygon>`);
  }
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t('audit.report.timeline', { date: d.date }))}" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`;
}

function tableHtml(head: string[], rows: Array<Array<string | { html: string; cls?: string } | number>>): string {
  const cell = (c: string | number | { html: string; cls?: string }) =>
    typeof c === 'number' ? `<td class="n">${c}</td>` : typeof c === 'string' ? `<td>${esc(c)}</td>` : `<td${c.cls ? ` class="${c.cls}"` : ''}>${c.html}</td>`;
  return `<div class="wrap"><table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join('')}</tr>`).join('')}</tbody></table></div>`;
}

const cls = (text: string, c: string) => ({ html: esc(text), cls: c });
const col = (k: string) => t(`audit.col.${k}`);

function dayHtml(d: DayReport): string {
  const out: string[] = [`<section class="day"><h3>${esc(d.date)}</h3>`];
  if (d.gaps.length) out.push(`<p class="bad">${esc(t('audit.report.gaps'))}: ${esc(d.gaps.map((g) => t(`audit.gap.${g}`)).join('; '))}</p>`);
  out.push(timeline(d));
  if (d.slots.length) {
    out.push(tableHtml(['start', 'title', 'required', 'status', 'airedVsRequired', 'fallback', 'deadAir', 'reasons', 'languages'].map(col), d.slots.map((s) => [
      clockOf(s.start), s.title, t(s.required ? 'audit.yes' : 'audit.no'),
      cls(t(`audit.status.${s.status}`), s.status === 'aired' ? 'ok' : s.status === 'preempted' ? 'warn' : 'bad'),
      `${formatSeconds(s.secondsAired)} / ${formatSeconds(s.secondsRequired)}`, formatSeconds(s.secondsFallback), formatSeconds(s.secondsDeadAir),
      s.reasons.map(reasonText).join(', '), [...new Set(s.bulletins.map((b) => b.language))].join(' '),
    ])));
  } else out.push(`<p class="meta">${esc(t('audit.report.noSlots'))}</p>`);
  if (d.outages.length) {
    out.push(`<p><b>${esc(t('audit.report.outages'))}</b></p>`);
    out.push(tableHtml(['time', 'kind', 'duration', 'source', 'reasons'].map(col), d.outages.map((o) => [clockOf(o.at), cls(t(`audit.outage.${o.kind}`), 'bad'), o.seconds === null ? t('audit.outage.noEnd') : formatSeconds(o.seconds), o.source ?? '', outageReason(o)])));
  }
  if (d.relayFaults.length) {
    out.push(`<p><b>${esc(t('audit.report.relayFaults'))}</b></p>`);
    out.push(tableHtml(['time', 'board', 'zones', 'fault'].map(col), d.relayFaults.map((f) => [clockOf(f.at), `${f.board} [${f.channels.join(',')}] → ${f.wanted}`, f.zones.join(', '), cls(f.fault, 'bad')])));
  }
  if (d.bulletins.length) {
    out.push(`<p><b>${esc(t('audit.report.bulletins'))}</b></p>`);
    out.push(tableHtml(['time', 'bulletins', 'languages', 'duration', 'approvedBy'].map(col), d.bulletins.map((b) => [clockOf(b.at), b.bulletin, b.language, formatSeconds(b.seconds), b.approvedBy])));
  }
  if (d.emergencies.length) {
    out.push(`<p><b>${esc(t('audit.report.emergencies'))}</b></p>`);
    out.push(tableHtml(['time', 'bulletins', 'languages', 'zones', 'user', 'preemptedSlots'].map(col), d.emergencies.map((e) => [clockOf(e.at), e.bulletin, e.language, e.zones.join(', '), e.user, e.preempted.join(', ')])));
  }
  if (d.operatorActions.length) {
    out.push(`<p><b>${esc(t('audit.report.operator'))}</b></p>`);
    out.push(tableHtml(['time', 'user', 'command', 'reasons'].map(col), d.operatorActions.map((o) => [clockOf(o.at), o.user, [o.command, ...o.args].join(' '), o.reason ?? ''])));
  }
  if (d.clockProblems.length) {
    out.push(`<p><b>${esc(t('audit.report.clock'))}</b></p>`);
    out.push(tableHtml(['time', 'status', 'offset', 'source'].map(col), d.clockProblems.map((c) => [clockOf(c.at), cls(c.synchronised === false ? t('audit.clock.unsynchronised') : String(c.synchronised), 'bad'), c.offsetMs === null ? t('audit.unknown') : `${c.offsetMs} ms`, c.source])));
  }
  out.push('</section>');
  return out.join('\n');
}

function stationHtml(s: StationReport): string {
  const r = s.totals.required;
  const out: string[] = [`<section class="station"><h2>${esc(stationTitle(s.station))}</h2>`];
  out.push(`<p class="meta">${esc(t('audit.report.period', { from: s.from, to: s.to }))}${s.station.fingerprints?.length ? '<br>' + esc(t('audit.report.keys', { keys: s.station.fingerprints.join(', ') })) : ''}</p>`);
  out.push(`<p>${esc(t('audit.report.summary', { ...r, aired_time: formatSeconds(s.totals.secondsAired), required_time: formatSeconds(s.totals.secondsRequired) }))}</p>`);
  out.push(tableHtml(['date', 'reqSlots', 'full', 'partial', 'missed', 'preempted', 'airedVsRequired', 'fallback', 'deadAir', 'relayFaults', 'emergencies', 'gaps'].map(col), s.days.map((d) => [
    d.date, d.required.total, d.required.aired,
    d.required.partial ? cls(String(d.required.partial), 'bad') : 0,
    d.required.missed + d.required.unrecorded ? cls(String(d.required.missed + d.required.unrecorded), 'bad') : 0,
    d.required.preempted,
    `${formatSeconds(d.secondsAired)} / ${formatSeconds(d.secondsRequired)}`,
    formatSeconds(d.secondsFallback), formatSeconds(d.secondsDeadAir),
    d.relayFaults.length ? cls(String(d.relayFaults.length), 'bad') : 0,
    d.emergencies.length,
    d.gaps.length ? cls(d.gaps.map((g) => t(`audit.gap.${g}`)).join('; '), 'bad') : '',
  ])));
  const zones = Object.entries(s.totals.relayFaultsByZone);
  if (zones.length) out.push(`<p><b>${esc(t('audit.report.relayFaults'))}:</b> ${esc(zones.map(([z, c]) => t('audit.report.zone', { zone: z, count: c })).join(', '))}</p>`);
  const langs = Object.entries(s.totals.languages);
  if (langs.length) {
    out.push(`<p><b>${esc(t('audit.report.bulletins'))}</b></p>`);
    out.push(tableHtml(['languages', 'plays', 'duration', 'approvedBy'].map(col), langs.map(([l, v]) => [l, v.plays, formatSeconds(v.seconds), v.approvers.join('; ')])));
  }
  out.push(`<div class="legend">${[['required', COLOURS.required], ['aired', COLOURS.aired], ['fault', COLOURS.fault], ['emergency', COLOURS.emergency]].map(([k, c]) => `<span><i style="background:${c}"></i>${esc(t(`audit.report.legend${k![0]!.toUpperCase()}${k!.slice(1)}`))}</span>`).join('')}</div>`);
  for (const d of s.days) out.push(dayHtml(d));
  out.push('</section>');
  return out.join('\n');
}

export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${getLang()}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${BASE_CSS}</style></head>
<body>
${body}
</body></html>
`;
}

export function renderHtml(report: AuditReport): string {
  const head = `<h1>${esc(t('audit.report.title'))}</h1><p class="meta">${esc(t('audit.report.period', { from: report.from, to: report.to }))} · ${esc(t('audit.report.generated', { at: localStamp(report.generatedAt) }))}</p>`;
  return htmlPage(t('audit.report.title'), head + report.stations.map(stationHtml).join('\n'));
}
