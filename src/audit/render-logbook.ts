/**
 * The weekly programme log book (sổ nhật ký chương trình phát thanh hằng tuần): the page an
 * inspector signs — one printable page per station and ISO week, programmes aired each day
 * with times, durations, languages and approver, the shortfalls, and signature lines.
 */
import { t } from '../i18n/index.js';
import type { AuditReport } from './model.js';
import { logbookWeeks, type LogbookWeek } from './model.js';
import { clockOf, formatSeconds, isoWeekday } from './dates.js';
import { esc, htmlPage } from './render-html.js';
import { reasonText, stationTitle } from './render-text.js';

const LOGBOOK_CSS = `
.week{page-break-after:always;margin-bottom:2em}
.week table{width:100%}
.sign{display:flex;flex-wrap:wrap;gap:1em;margin-top:2em}
.sign div{flex:1 1 14em;text-align:center;min-height:8em}
.sign small{color:#555}
`;

function weekHtml(w: LogbookWeek): string {
  const rows: string[] = [];
  let airedSeconds = 0;
  let shortfalls = 0;
  for (const d of w.days) {
    const day = `${t(`audit.logbook.weekday${isoWeekday(d.date)}`)}<br>${esc(d.date)}`;
    const notes = [
      ...d.shortfalls.map((s) => `<span class="bad">${esc(clockOf(s.start))} ${esc(s.title)}: ${esc(t(`audit.status.${s.status}`))}${s.secondsMissing ? ` (−${formatSeconds(s.secondsMissing)})` : ''}${s.reasons.length ? ' — ' + esc(s.reasons.map(reasonText).join(', ')) : ''}</span>`),
      ...d.emergencies.map((e) => `<span class="warn">${esc(clockOf(e.at))} ${esc(t('audit.report.emergencies'))}: ${esc(e.bulletin)} (${esc(e.language)}), ${esc(e.user)}</span>`),
      ...d.gaps.filter((g) => g !== 'no-seal' || d.aired.length > 0).map((g) => `<span class="bad">${esc(t(`audit.gap.${g}`))}</span>`),
    ];
    shortfalls += d.shortfalls.length;
    const n = Math.max(1, d.aired.length);
    const noteCell = `<td rowspan="${n}">${notes.join('<br>')}</td>`;
    if (!d.aired.length) {
      rows.push(`<tr><td>${day}</td><td colspan="6" class="meta">${esc(t('audit.logbook.nothingAired'))}</td>${noteCell}</tr>`);
      continue;
    }
    d.aired.forEach((a, i) => {
      airedSeconds += a.seconds;
      rows.push(`<tr>${i === 0 ? `<td rowspan="${n}">${day}</td>` : ''}<td>${esc(a.start)}–${esc(a.end)}</td><td>${esc(a.title)}</td><td class="n">${esc(formatSeconds(a.seconds))}</td><td>${esc(a.languages.join(', ') || '—')}</td><td>${esc(a.approvers.join('; ') || '—')}</td><td>${esc(a.zones.join(', '))}</td>${i === 0 ? noteCell : ''}</tr>`);
    });
  }
  const head = ['date', 'time', 'program', 'duration', 'languages', 'approvedBy', 'zones', 'shortfalls'].map((k) => `<th>${esc(t(`audit.col.${k}`))}</th>`).join('');
  const sign = (k: string) => `<div><b>${esc(t(k))}</b><br><small>${esc(t('audit.logbook.signHint'))}</small></div>`;
  return `<section class="week">
<h1>${esc(t('audit.logbook.title'))}</h1>
<p><b>${esc(stationTitle(w.station))}</b><br>${esc(t('audit.logbook.week', { week: w.week, from: w.from, to: w.to }))}</p>
<div class="wrap"><table><thead><tr>${head}</tr></thead><tbody>
${rows.join('\n')}
</tbody></table></div>
<p>${esc(t('audit.logbook.totalAired', { time: formatSeconds(airedSeconds), shortfalls }))}</p>
<div class="sign">${sign('audit.logbook.preparedBy')}${sign('audit.logbook.approvedBy')}${sign('audit.logbook.inspectedBy')}</div>
</section>`;
}

export function renderLogbook(report: AuditReport): string {
  const weeks = report.stations.flatMap((s) => logbookWeeks(s));
  return htmlPage(t('audit.logbook.title'), `<style>${LOGBOOK_CSS}</style>\n` + weeks.map(weekHtml).join('\n'));
}
