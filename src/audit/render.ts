/** One entry for every report format. */
import type { AuditReport } from './model.js';
import { renderText } from './render-text.js';
import { renderCsv } from './render-csv.js';
import { renderHtml } from './render-html.js';
import { renderLogbook } from './render-logbook.js';

export const REPORT_FORMATS = ['text', 'csv', 'html', 'json', 'logbook'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: AuditReport, format: ReportFormat): string {
  switch (format) {
    case 'text':
      return renderText(report);
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'logbook':
      return renderLogbook(report);
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
  }
}
