import { describe, expect, it } from 'vitest';
import { csvStationRows, type SlotRow, type StationReport } from '../../src/audit/index.js';

// One slot whose texts need every kind of care a CSV field can need.
function reportWithTitle(title: string, approvedBy = 'Nguyễn Văn An'): StationReport {
  const slot: SlotRow = {
    slot: 'ban-tin-xa@2026-11-09T17:15:00', program: 'ban-tin-xa', title, date: '2026-11-09',
    start: '2026-11-09T17:15:00+07:00', end: '2026-11-09T17:20:00+07:00', required: false, priority: 'priority',
    zones: ['ap-1', 'cho'], status: 'aired', secondsRequired: 300, secondsAired: 300, secondsFallback: 0, secondsDeadAir: 0,
    lateMs: -1500, reasons: [], bulletins: [{ at: '2026-11-09T17:15:02+07:00', bulletin: '5k-vi', language: 'vi', approvedBy, mode: 'insert', seconds: 60 }],
  } as SlotRow;
  return { station: { id: 'xa-tan-hoa' }, days: [{ date: '2026-11-09', slots: [slot] }] } as unknown as StationReport;
}

const fields = (title: string, approvedBy?: string) => {
  const line = csvStationRows(reportWithTitle(title, approvedBy));
  return { line, title: line.split(',')[4] };
};

describe('CSV fields', () => {
  it('plain Vietnamese text passes as it is; a negative number is a number, not a formula', () => {
    expect(fields('Bản tin xã buổi chiều').title).toBe('Bản tin xã buổi chiều');
    expect(fields('-5').title).toBe('-5');
    // The late column: −1.5 s rounds to −1 (a whole number, never quoted).
    expect(fields('x').line.split(',')[15]).toBe('-1');
  });

  it('a leading = + - @ is neutralised and quoted, so Excel does not run it', () => {
    expect(fields('=HYPERLINK("http://x")').title).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(fields('+84 912 345 678').title).toBe(`"'+84 912 345 678"`);
    expect(fields('-lệnh').title).toBe(`"'-lệnh"`);
    expect(fields('@tất cả').title).toBe(`"'@tất cả"`);
  });

  it('commas, semicolons, quotes and line breaks are quoted, quotes doubled', () => {
    expect(csvStationRows(reportWithTitle('Loa ấp 1, ấp 2'))).toContain(',"Loa ấp 1, ấp 2",');
    expect(csvStationRows(reportWithTitle('Phát; nhắc lại'))).toContain(',"Phát; nhắc lại",');
    expect(csvStationRows(reportWithTitle('Tin "khẩn"'))).toContain(',"Tin ""khẩn""",');
    expect(csvStationRows(reportWithTitle('dòng 1\r\ndòng 2'))).toContain(',"dòng 1\r\ndòng 2",');
    expect(fields('').title).toBe('');
    expect(csvStationRows(reportWithTitle('x', '=cmd'))).toContain(`,"'=cmd",`);
  });
});
