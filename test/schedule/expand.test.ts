import { describe, expect, it } from 'vitest';
import { BASE, check } from './helpers.js';
import { expand, expandDetailed, localIso, localDate, zonedTimeToEpoch, type Schedule } from '../../src/schedule/index.js';

/** A schedule from BASE with the bulletin program's timing lines replaced. */
async function load(timing: string, extra = '', base = BASE): Promise<Schedule> {
  const text = base.replace('    at: "17:00"\n', timing.replace(/^/gm, '    ') + '\n') + extra;
  const r = await check(text);
  if (!r.schedule) throw new Error(r.rendered.join('\n'));
  return r.schedule;
}

const only = (slots: ReturnType<typeof expand>, program = 'ban-tin') => slots.filter((s) => s.program === program);

describe('expand', () => {
  it('gives absolute, station-local times with offsets, inserts included, sorted by start', async () => {
    const s = await load('at: "17:00"');
    const slots = expand(s, '2026-12-01', '2026-12-01');
    expect(slots.map((x) => [x.program, x.start, x.end])).toEqual([
      ['tinh-sang', '2026-12-01T05:30:00+07:00', '2026-12-01T06:00:00+07:00'],
      ['ban-tin', '2026-12-01T17:00:00+07:00', '2026-12-01T17:03:00+07:00'],
    ]);
    const relay = slots[0]!;
    expect(relay.startMs).toBe(Date.UTC(2026, 11, 0, 22, 30)); // 05:30 +07:00 is 22:30 UTC the day before
    expect(relay.endMs - relay.startMs).toBe(30 * 60_000);
    expect(relay).toMatchObject({ id: 'tinh-sang@2026-12-01T05:30:00', date: '2026-12-01', source: 'tinh', required: true, priority: 'normal', repeat: 0, zones: ['ap-1', 'ap-2'] });
    expect(relay.inserts).toEqual([
      { bulletin: 'tin-a', language: 'vi', mode: 'duck', start: '2026-12-01T05:50:00+07:00', startMs: relay.startMs + 20 * 60_000, offsetMs: 20 * 60_000 },
      { bulletin: 'tin-b', language: 'km', mode: 'insert', start: '2026-12-01T05:52:00+07:00', startMs: relay.startMs + 22 * 60_000, offsetMs: 22 * 60_000, after: 'tin-a' },
    ]);
    expect(slots[1]).toMatchObject({ bulletins: ['tin-a', 'tin-b'], zones: ['ap-1'], required: false });
    expect(slots[1]!.source).toBeUndefined();
  });

  it('crosses month and year ends, including a slot running past midnight', async () => {
    const s = await load('at: "23:50"\nduration: 20m');
    const slots = only(expand(s, '2026-12-30', '2027-01-01'));
    expect(slots.map((x) => [x.date, x.start, x.end])).toEqual([
      ['2026-12-30', '2026-12-30T23:50:00+07:00', '2026-12-31T00:10:00+07:00'],
      ['2026-12-31', '2026-12-31T23:50:00+07:00', '2027-01-01T00:10:00+07:00'],
      ['2027-01-01', '2027-01-01T23:50:00+07:00', '2027-01-02T00:10:00+07:00'],
    ]);
    const feb = only(expand(await load('at: "06:00"\ndays: [sun, mon]'), '2027-02-27', '2027-03-02'));
    expect(feb.map((x) => x.date)).toEqual(['2027-02-28', '2027-03-01']); // 2027 is not a leap year
    const leap = only(expand(await load('at: "06:00"'), '2028-02-28', '2028-03-01'));
    expect(leap.map((x) => x.date)).toEqual(['2028-02-28', '2028-02-29', '2028-03-01']);
  });

  it('weekdays, weekends and weekday lists', async () => {
    const week = ['2026-11-23', '2026-11-29'] as const; // Monday to Sunday
    expect(only(expand(await load('at: "06:00"\ndays: weekdays'), ...week)).map((x) => x.date)).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27']);
    expect(only(expand(await load('at: "06:00"\ndays: weekends'), ...week)).map((x) => x.date)).toEqual(['2026-11-28', '2026-11-29']);
    expect(only(expand(await load('at: "06:00"\ndays: [tue, sat]'), ...week)).map((x) => x.date)).toEqual(['2026-11-24', '2026-11-28']);
  });

  it('cron days: weekday ranges, days of month, last day, n-th weekday, months', async () => {
    const dates = async (cron: string, from: string, to: string) => only(expand(await load(`days: { cron: "${cron}" }`), from, to)).map((x) => x.date);
    expect(await dates('30 16 * * 1-6', '2026-11-22', '2026-11-29')).toEqual(['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28']);
    expect(await dates('0 6 1,15 * *', '2026-11-01', '2027-01-01')).toEqual(['2026-11-01', '2026-11-15', '2026-12-01', '2026-12-15', '2027-01-01']);
    expect(await dates('0 6 L * *', '2027-01-01', '2027-04-30')).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30']);
    expect(await dates('0 6 * * mon#1', '2026-11-01', '2027-01-31')).toEqual(['2026-11-02', '2026-12-07', '2027-01-04']);
    expect(await dates('0 6 1 jan,jul *', '2026-01-01', '2027-12-31')).toEqual(['2026-01-01', '2026-07-01', '2027-01-01', '2027-07-01']);
    expect(await dates('0 6 * * 0', '2026-11-23', '2026-12-06')).toEqual(['2026-11-29', '2026-12-06']);
    expect(await dates('0 6 * * 7', '2026-11-23', '2026-12-06')).toEqual(['2026-11-29', '2026-12-06']);
    // both day fields restricted: either matches (Vixie cron)
    expect(await dates('0 6 1 * fri', '2026-12-01', '2026-12-12')).toEqual(['2026-12-01', '2026-12-04', '2026-12-11']);
    // the cron's time fields give `at`
    const s = await load('days: { cron: "15 6 * * *" }');
    expect(only(expand(s, '2026-12-01', '2026-12-01'))[0]!.start).toBe('2026-12-01T06:15:00+07:00');
  });

  it('repeats, with the gap between airings, each a slot with its own id', async () => {
    const s = await load('at: "17:00"\nrepeat: 3\ngap: 1m');
    const slots = only(expand(s, '2026-12-01', '2026-12-01'));
    expect(slots.map((x) => [x.repeat, x.start, x.end, x.id])).toEqual([
      [0, '2026-12-01T17:00:00+07:00', '2026-12-01T17:03:00+07:00', 'ban-tin@2026-12-01T17:00:00'],
      [1, '2026-12-01T17:04:00+07:00', '2026-12-01T17:07:00+07:00', 'ban-tin@2026-12-01T17:04:00'],
      [2, '2026-12-01T17:08:00+07:00', '2026-12-01T17:11:00+07:00', 'ban-tin@2026-12-01T17:08:00'],
    ]);
    const defaultGap = only(expand(await load('at: "17:00"\nrepeat: 2'), '2026-12-01', '2026-12-01'));
    expect(defaultGap[1]!.start).toBe('2026-12-01T17:03:30+07:00');
  });

  it('from and until are inclusive', async () => {
    const s = await load('at: "17:00"\nfrom: 2026-12-30\nuntil: 2027-01-02');
    expect(only(expand(s, '2026-12-25', '2027-01-10')).map((x) => x.date)).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });

  it('exceptions: a date, a range, skip all or some programs', async () => {
    const s = await load('at: "17:00"', 'exceptions:\n  - { date: 2026-12-02, skip: all, reason: Bầu cử }\n  - { from: 2026-12-04, to: 2026-12-05, skip: [ban-tin], reason: Sửa loa }\n');
    const slots = expand(s, '2026-12-01', '2026-12-06');
    expect(only(slots, 'tinh-sang').map((x) => x.date)).toEqual(['2026-12-01', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(only(slots).map((x) => x.date)).toEqual(['2026-12-01', '2026-12-03', '2026-12-06']);
    expect(s.exceptions[0]).toEqual({ from: '2026-12-02', to: '2026-12-02', skip: 'all', reason: 'Bầu cử' });
  });

  it('lunar holidays as exceptions: Tết 2027 and Giỗ Tổ Hùng Vương', async () => {
    const s = await load('at: "17:00"', 'exceptions:\n  - { holiday: tet, skip: all }\n  - { holiday: gio-to-hung-vuong, skip: [ban-tin] }\n');
    // Tết Nguyên Đán 2027 (mùng 1 tháng Giêng Đinh Mùi) is Saturday 6 February 2027.
    const tet = expandDetailed(s, '2027-02-01', '2027-02-12');
    const days = new Set(tet.slots.map((x) => x.date));
    expect(days.has('2027-02-06')).toBe(false);
    expect(days.has('2027-02-04')).toBe(true);
    expect(days.has('2027-02-12')).toBe(true);
    expect(tet.exemptDates.has('2027-02-06')).toBe(true);
    // Giỗ Tổ Hùng Vương (10/3 âm lịch) 2027 is Friday 16 April; only ban-tin is skipped
    const hv = expand(s, '2027-04-15', '2027-04-17');
    expect(only(hv).map((x) => x.date)).toEqual(['2027-04-15', '2027-04-17']);
    expect(only(hv, 'tinh-sang').map((x) => x.date)).toEqual(['2027-04-15', '2027-04-16', '2027-04-17']);
    // and it recurs every year: Tết 2026 was 17 February
    expect(expand(s, '2026-02-17', '2026-02-17')).toEqual([]);
    expect(s.exceptions[0]!.reason).toBe('tet');
  });

  it('time zones other than +07:00, with DST gaps and repeated hours', async () => {
    const ny = BASE.replace('  province: Sóc Trăng', '  province: Sóc Trăng\n  timezone: America/New_York');
    const s = await load('at: "02:30"', '', ny);
    // spring forward 2027-03-14: 02:30 does not exist, it airs at 03:30 EDT
    const spring = only(expand(s, '2027-03-13', '2027-03-15'));
    expect(spring.map((x) => x.start)).toEqual(['2027-03-13T02:30:00-05:00', '2027-03-14T03:30:00-04:00', '2027-03-15T02:30:00-04:00']);
    // fall back 2026-11-01: 01:30 happens twice, the first one is used
    const fall = only(expand(await load('at: "01:30"\nduration: 1h', '', ny), '2026-11-01', '2026-11-01'));
    expect(fall[0]!.start).toBe('2026-11-01T01:30:00-04:00');
    expect(fall[0]!.end).toBe('2026-11-01T01:30:00-05:00'); // one hour later, clock turned back
    const india = BASE.replace('  province: Sóc Trăng', '  province: Sóc Trăng\n  timezone: Asia/Kolkata');
    expect(expand(await load('at: "17:00"', '', india), '2026-12-01', '2026-12-01')[1]!.start).toBe('2026-12-01T17:00:00+05:30');
  });

  it('is pure: the same input gives the same plan, and ids are unique', async () => {
    const s = await load('at: "17:00"\nrepeat: 2');
    const a = expand(s, '2026-01-01', '2026-12-31');
    const b = expand(s, '2026-01-01', '2026-12-31');
    expect(a).toEqual(b);
    expect(new Set(a.map((x) => x.id)).size).toBe(a.length);
    expect(a.length).toBe(365 * 3);
    for (let i = 1; i < a.length; i++) expect(a[i]!.startMs).toBeGreaterThanOrEqual(a[i - 1]!.startMs);
  });
});

describe('time helpers', () => {
  it('localIso, localDate and zonedTimeToEpoch agree', () => {
    const ms = zonedTimeToEpoch('2026-12-01', 5 * 3600 + 30 * 60, 'Asia/Ho_Chi_Minh');
    expect(new Date(ms).toISOString()).toBe('2026-11-30T22:30:00.000Z');
    expect(localIso(ms, 'Asia/Ho_Chi_Minh')).toBe('2026-12-01T05:30:00+07:00');
    expect(localDate(ms, 'Asia/Ho_Chi_Minh')).toBe('2026-12-01');
    expect(localDate(ms, 'UTC')).toBe('2026-11-30');
    expect(localIso(ms, 'America/St_Johns')).toBe('2026-11-30T19:00:00-03:30');
  });
});
