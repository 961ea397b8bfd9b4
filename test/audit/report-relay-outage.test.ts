import { describe, expect, it } from 'vitest';
import { buildReport, buildStationReport, renderHtml, renderText } from '../../src/audit/index.js';
import { setLang } from '../../src/i18n/index.js';
import type { ReportRow } from '../../src/journal/index.js';

// A relay board's outage is logged twice by the daemon (when it starts, and when the board
// is back, with its length); daemons before 2026-11-23 wrote those times in UTC.
describe('report model: relay outages', () => {
  const row = (seq: number, local: string, payload: Record<string, unknown>): ReportRow =>
    ({ seq, atMs: Date.parse(local), local, type: 'relay.outage', payload } as ReportRow);
  const zones = ['ap-1', 'cho'];

  it('one outage with its length, at station time, one fault per zone — from rows with UTC times', () => {
    const rows = [
      row(10, '2026-11-13T17:40:02.000+07:00', { board: 'tu-loa', port: '/dev/ttyUSB0', zones, startedAt: '2026-11-13T10:40:02.000Z', reason: 'the relay process ended (SIGKILL)' }),
      row(11, '2026-11-13T17:40:09.000+07:00', { board: 'tu-loa', port: '/dev/ttyUSB0', zones, startedAt: '2026-11-13T10:40:02.000Z', endedAt: '2026-11-13T10:40:09.000Z', seconds: 7, reason: 'opened after retry' }),
    ];
    const day = buildStationReport({ id: 'an-thanh-ba' }, rows, '2026-11-13', '2026-11-13').days[0]!;
    expect(day.outages).toEqual([{ kind: 'relay-outage', at: '2026-11-13T17:40:02.000+07:00', seconds: 7, reason: 'the relay process ended (SIGKILL)', source: 'tu-loa', zones }]);
    expect(day.relayFaultsByZone).toEqual({ 'ap-1': 1, cho: 1 });
  });

  it('an outage whose start lies before the range is listed once, by its end', () => {
    const rows = [
      row(20, '2026-11-14T06:00:00.000+07:00', { board: 'tu-loa', port: '/dev/ttyUSB0', zones, startedAt: '2026-11-12T23:10:00.000+07:00', endedAt: '2026-11-14T06:00:00.000+07:00', seconds: 111000, reason: 'board unplugged' }),
    ];
    const report = buildStationReport({ id: 'an-thanh-ba' }, rows, '2026-11-14', '2026-11-14');
    expect(report.days[0]!.outages).toHaveLength(1);
    expect(report.days[0]!.outages[0]).toMatchObject({ at: '2026-11-12T23:10:00.000+07:00', seconds: 111000 });
  });

  it('an outage the log never saw end (the station stopped first) says so in words, in both languages', () => {
    const rows = [
      row(30, '2026-11-15T20:25:53.000+07:00', { board: 'tu-loa', port: '/dev/ttyUSB0', zones, startedAt: '2026-11-15T20:25:53.000+07:00', reason: 'board unplugged' }),
    ];
    const station = buildStationReport({ id: 'an-thanh-ba' }, rows, '2026-11-15', '2026-11-15');
    expect(station.days[0]!.outages[0]!.seconds).toBeNull();
    const report = buildReport([station], '2026-11-15', '2026-11-15');
    try {
      for (const [lang, words] of [['vi', 'không ghi lúc kết thúc'], ['en', 'no end logged']] as const) {
        setLang(lang);
        const line = renderText(report).split('\n').find((l) => l.includes('20:25'))!;
        expect(line).toContain(words);
        expect(line).not.toContain('?');
        expect(renderHtml(report)).toContain(`<td>${words}</td>`);
      }
    } finally {
      setLang('en');
    }
  });
});
