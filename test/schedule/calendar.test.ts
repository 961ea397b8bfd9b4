import { describe, expect, it } from 'vitest';
import {
  HOLIDAY_NAMES,
  holidayDates,
  holidayLabel,
  holidaysInRange,
  isHolidayName,
  leapMonthOf,
  lunarMonthLength,
  lunarToSolar,
  solarToLunar,
} from '../../src/schedule/calendar.js';

const iso = (d: { year: number; month: number; day: number }): string =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

describe('Tết (lunar 1/1) against the published Vietnamese calendar', () => {
  // 2030 is one of the years where Vietnam (UTC+7) and China (UTC+8) differ: the
  // new moon is at 2030-02-02 16:07 UTC, 23:07 in Hà Nội but 00:07 on the 3rd in
  // Beijing. Vietnam's Tết Canh Tuất is 2030-02-02 (Chinese New Year 2030-02-03).
  const published: Record<number, string> = {
    2020: '2020-01-25',
    2021: '2021-02-12',
    2022: '2022-02-01',
    2023: '2023-01-22',
    2024: '2024-02-10',
    2025: '2025-01-29',
    2026: '2026-02-17',
    2027: '2027-02-06',
    2028: '2028-01-26',
    2029: '2029-02-13',
    2030: '2030-02-02',
  };
  for (const [year, date] of Object.entries(published)) {
    it(`Tết ${year} is ${date}`, () => {
      expect(iso(lunarToSolar(Number(year), 1, 1))).toBe(date);
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      expect(solarToLunar(y, m, d)).toEqual({ year: Number(year), month: 1, day: 1, leap: false });
    });
  }

  it('Vietnam (UTC+7) and China (UTC+8) disagree in 1985, 2007 and 2030', () => {
    expect(iso(lunarToSolar(1985, 1, 1))).toBe('1985-01-21');
    expect(iso(lunarToSolar(1985, 1, 1, false, 8))).toBe('1985-02-20');
    expect(iso(lunarToSolar(2007, 1, 1))).toBe('2007-02-17');
    expect(iso(lunarToSolar(2007, 1, 1, false, 8))).toBe('2007-02-18');
    expect(iso(lunarToSolar(2030, 1, 1, false, 8))).toBe('2030-02-03');
    // …and agree in an ordinary year.
    expect(iso(lunarToSolar(2024, 1, 1, false, 8))).toBe('2024-02-10');
  });

  it('Tết 2027 (checked by the schedule rules) is Saturday 6 February', () => {
    expect(new Date(Date.UTC(2027, 1, 6)).getUTCDay()).toBe(6);
    expect(holidayDates('tet', 2027)).toContain('2027-02-06');
  });
});

describe('Giỗ Tổ Hùng Vương (10/3 lunar)', () => {
  const published: Record<number, string> = { 2024: '2024-04-18', 2025: '2025-04-07', 2026: '2026-04-26', 2027: '2027-04-16' };
  for (const [year, date] of Object.entries(published)) {
    it(`${year} is ${date}`, () => {
      expect(holidayDates('gio-to-hung-vuong', Number(year))).toEqual([date]);
      expect(iso(lunarToSolar(Number(year), 3, 10))).toBe(date);
    });
  }

  it('uses the regular 3rd month, not the leap one (2031 has leap month 3)', () => {
    expect(leapMonthOf(2031)).toBe(3);
    const [gioTo2031] = holidayDates('gio-to-hung-vuong', 2031);
    expect(gioTo2031).toBe(iso(lunarToSolar(2031, 3, 10, false)));
    expect(gioTo2031).not.toBe(iso(lunarToSolar(2031, 3, 10, true)));
    for (let year = 1990; year <= 2060; year++) {
      const [date] = holidayDates('gio-to-hung-vuong', year);
      const [y, m, d] = date!.split('-').map(Number) as [number, number, number];
      expect(solarToLunar(y, m, d)).toEqual({ year, month: 3, day: 10, leap: false });
    }
  });
});

describe('leap months', () => {
  it('2023 (Quý Mão) has leap month 2: 2023-03-22 → 2023-04-19', () => {
    expect(leapMonthOf(2023)).toBe(2);
    expect(iso(lunarToSolar(2023, 2, 1))).toBe('2023-02-20');
    expect(iso(lunarToSolar(2023, 2, 1, true))).toBe('2023-03-22');
    expect(iso(lunarToSolar(2023, 3, 1))).toBe('2023-04-20');
    expect(solarToLunar(2023, 3, 22)).toEqual({ year: 2023, month: 2, day: 1, leap: true });
    expect(solarToLunar(2023, 4, 19)).toEqual({ year: 2023, month: 2, day: 29, leap: true });
    expect(solarToLunar(2023, 3, 21)).toEqual({ year: 2023, month: 2, day: 30, leap: false });
  });

  it('2025 (Ất Tỵ) has leap month 6: starts 2025-07-25', () => {
    expect(leapMonthOf(2025)).toBe(6);
    expect(iso(lunarToSolar(2025, 6, 1))).toBe('2025-06-25');
    expect(iso(lunarToSolar(2025, 6, 1, true))).toBe('2025-07-25');
    expect(solarToLunar(2025, 7, 25)).toEqual({ year: 2025, month: 6, day: 1, leap: true });
  });

  it('ordinary years have none, and a leap month that does not exist is rejected', () => {
    for (const year of [2021, 2022, 2024, 2026, 2027]) expect(leapMonthOf(year)).toBe(0);
    expect(() => lunarToSolar(2024, 2, 1, true)).toThrow(RangeError);
    expect(() => lunarToSolar(2023, 3, 1, true)).toThrow(RangeError);
  });

  it('2033 has its leap month after month 11 (the "2033 problem"), and round-trips', () => {
    expect(leapMonthOf(2033)).toBe(11);
    const leapStart = lunarToSolar(2033, 11, 1, true);
    expect(solarToLunar(leapStart.year, leapStart.month, leapStart.day)).toEqual({ year: 2033, month: 11, day: 1, leap: true });
    expect(iso(lunarToSolar(2034, 1, 1))).toBe('2034-02-19');
  });

  it('every leap year between 2000 and 2050 has 13 months and exactly one leap month', () => {
    let leapYears = 0;
    for (let year = 2000; year <= 2050; year++) {
      const leap = leapMonthOf(year);
      const start = Date.UTC(...(toUtcArgs(lunarToSolar(year, 1, 1))));
      const next = Date.UTC(...(toUtcArgs(lunarToSolar(year + 1, 1, 1))));
      const days = (next - start) / 86_400_000;
      if (leap) {
        leapYears++;
        expect(days).toBeGreaterThanOrEqual(383);
        expect(days).toBeLessThanOrEqual(385);
      } else {
        expect(days).toBeGreaterThanOrEqual(353);
        expect(days).toBeLessThanOrEqual(355);
      }
    }
    // 7 leap years in every 19 (Metonic cycle): 51 years hold 18 or 19.
    expect(leapYears).toBeGreaterThanOrEqual(18);
    expect(leapYears).toBeLessThanOrEqual(19);
  });
});

function toUtcArgs(d: { year: number; month: number; day: number }): [number, number, number] {
  return [d.year, d.month - 1, d.day];
}

describe('round trip solar → lunar → solar', () => {
  it('holds for every day of 2000–2050, with lunar days advancing one at a time', () => {
    let previous: ReturnType<typeof solarToLunar> | undefined;
    let days = 0;
    for (let t = Date.UTC(2000, 0, 1); t <= Date.UTC(2050, 11, 31); t += 86_400_000) {
      const date = new Date(t);
      const solar = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
      const lunar = solarToLunar(solar.year, solar.month, solar.day);
      expect(lunarToSolar(lunar.year, lunar.month, lunar.day, lunar.leap)).toEqual(solar);
      if (previous) {
        if (lunar.day === 1) {
          // A new month starts after day 29 or 30, and its length matches.
          expect([29, 30]).toContain(previous.day);
          expect(lunarMonthLength(previous.year, previous.month, previous.leap)).toBe(previous.day);
        } else {
          expect(lunar).toEqual({ ...previous, day: previous.day + 1 });
        }
      }
      previous = lunar;
      days++;
    }
    expect(days).toBe(18_628);
  });
});

describe('input checks', () => {
  it('rejects impossible solar and lunar dates', () => {
    expect(() => solarToLunar(2025, 2, 29)).toThrow(RangeError);
    expect(() => solarToLunar(2025, 13, 1)).toThrow(RangeError);
    expect(() => solarToLunar(2025, 1, 1.5)).toThrow(RangeError);
    expect(lunarMonthLength(2024, 12)).toBe(29);
    expect(() => lunarToSolar(2024, 12, 30)).toThrow(RangeError);
    expect(() => lunarToSolar(2025, 0, 1)).toThrow(RangeError);
    expect(() => lunarToSolar(2025, 1, 0)).toThrow(RangeError);
  });
});

describe('public holidays', () => {
  it('lists every name a schedule may use', () => {
    expect([...HOLIDAY_NAMES].sort()).toEqual(
      ['gio-to-hung-vuong', 'giai-phong-mien-nam', 'quoc-khanh', 'quoc-te-lao-dong', 'tet', 'tet-duong-lich', 'tet-nguyen-dan'].sort(),
    );
    for (const name of HOLIDAY_NAMES) expect(isHolidayName(name)).toBe(true);
    expect(isHolidayName('christmas')).toBe(false);
  });

  it('Tết is New Year’s Eve plus the first three days; the eve is the 29th when month 12 is short', () => {
    // Month 12 of Giáp Thìn (2024) has 29 days: the eve of Tết 2025 is the 29th.
    expect(holidayDates('tet', 2025)).toEqual(['2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31']);
    expect(solarToLunar(2025, 1, 28)).toEqual({ year: 2024, month: 12, day: 29, leap: false });
    // Month 12 of Quý Mão (2023) has 30 days.
    expect(holidayDates('tet', 2024)).toEqual(['2024-02-09', '2024-02-10', '2024-02-11', '2024-02-12']);
    expect(solarToLunar(2024, 2, 9)).toEqual({ year: 2023, month: 12, day: 30, leap: false });
    expect(holidayDates('tet-nguyen-dan', 2026)).toEqual(holidayDates('tet', 2026));
    expect(holidayDates('tet', 2026)).toEqual(['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19']);
  });

  it('fixed solar holidays, with National Day as 1 and 2 September', () => {
    expect(holidayDates('tet-duong-lich', 2027)).toEqual(['2027-01-01']);
    expect(holidayDates('giai-phong-mien-nam', 2027)).toEqual(['2027-04-30']);
    expect(holidayDates('quoc-te-lao-dong', 2027)).toEqual(['2027-05-01']);
    expect(holidayDates('quoc-khanh', 2027)).toEqual(['2027-09-01', '2027-09-02']);
  });

  it('returned arrays are the caller’s to keep', () => {
    const dates = holidayDates('quoc-khanh', 2028);
    dates.push('garbage');
    expect(holidayDates('quoc-khanh', 2028)).toEqual(['2028-09-01', '2028-09-02']);
  });

  it('rejects unknown names', () => {
    expect(() => holidayDates('christmas', 2025)).toThrow(/unknown holiday/);
    expect(() => holidayLabel('christmas', 'en')).toThrow(/unknown holiday/);
  });

  it('labels in both languages', () => {
    expect(holidayLabel('tet', 'vi')).toBe('Tết Nguyên Đán');
    expect(holidayLabel('tet', 'en')).toBe('Lunar New Year (Tết)');
    expect(holidayLabel('tet-nguyen-dan', 'vi')).toBe('Tết Nguyên Đán');
    expect(holidayLabel('gio-to-hung-vuong', 'vi')).toBe('Giỗ Tổ Hùng Vương');
    for (const name of HOLIDAY_NAMES) {
      expect(holidayLabel(name, 'vi').length).toBeGreaterThan(0);
      expect(holidayLabel(name, 'en').length).toBeGreaterThan(0);
    }
  });

  it('holidaysInRange covers a whole year, in date order, each holiday under its canonical name', () => {
    expect(holidaysInRange('2026-01-01', '2026-12-31')).toEqual([
      { date: '2026-01-01', name: 'tet-duong-lich' },
      { date: '2026-02-16', name: 'tet' },
      { date: '2026-02-17', name: 'tet' },
      { date: '2026-02-18', name: 'tet' },
      { date: '2026-02-19', name: 'tet' },
      { date: '2026-04-26', name: 'gio-to-hung-vuong' },
      { date: '2026-04-30', name: 'giai-phong-mien-nam' },
      { date: '2026-05-01', name: 'quoc-te-lao-dong' },
      { date: '2026-09-01', name: 'quoc-khanh' },
      { date: '2026-09-02', name: 'quoc-khanh' },
    ]);
  });

  it('holidaysInRange crosses year ends and cuts at both bounds, inclusive', () => {
    expect(holidaysInRange('2026-09-02', '2027-02-06')).toEqual([
      { date: '2026-09-02', name: 'quoc-khanh' },
      { date: '2027-01-01', name: 'tet-duong-lich' },
      { date: '2027-02-05', name: 'tet' },
      { date: '2027-02-06', name: 'tet' },
    ]);
    expect(holidaysInRange('2026-06-01', '2026-08-31')).toEqual([]);
    expect(() => holidaysInRange('2026-6-1', '2026-08-31')).toThrow(RangeError);
    expect(() => holidaysInRange('2026-02-30', '2026-08-31')).toThrow(RangeError);
  });
});
