import { describe, expect, it } from 'vitest';
import { BASE, check, posOf } from './helpers.js';
import { checkPolicies, expand, renderDiagnostic, sessionsOf, SESSION_GAP_MS, type Schedule } from '../../src/schedule/index.js';

async function load(text: string): Promise<Schedule> {
  const r = await check(text);
  if (!r.schedule) throw new Error(r.rendered.join('\n'));
  return r.schedule;
}

/** BASE plus extra programs and policies. */
const withPrograms = (programs: string, rest = '') => BASE + programs + rest;

describe('sessions', () => {
  it('slots less than 10 minutes apart form one session', async () => {
    expect(SESSION_GAP_MS).toBe(600_000);
    // tinh-sang 05:30–06:00; p1 06:09–06:12 joins (9 min gap); p2 06:22 starts a new one (10 min gap)
    const s = await load(withPrograms(`  - { id: p1, bulletins: [tin-a, tin-b], at: "06:09", zones: [ap-2] }
  - { id: p2, bulletins: [tin-a], at: "06:22", zones: [ap-2] }
`));
    const sessions = sessionsOf(expand(s, '2026-12-01', '2026-12-01'));
    expect(sessions.map((x) => x.slots.map((y) => y.program))).toEqual([['tinh-sang', 'p1'], ['p2'], ['ban-tin']]);
    expect(sessions[0]!.endMs - sessions[0]!.startMs).toBe(42 * 60_000);
  });
});

describe('policies', () => {
  it('max sessions per day and minutes per session, naming the first dates', async () => {
    const text = withPrograms(`  - { id: trua, bulletins: [tin-a], at: "11:30", days: [mon, tue], zones: [ap-2] }
  - { id: dai, bulletins: [tin-a], at: "06:05", duration: 20m, days: [wed], zones: [ap-2] }
`, 'policies:\n  - { name: Quy định tỉnh, max_sessions_per_day: 2, max_session_minutes: 45 }\n');
    const s = await load(text);
    const out = checkPolicies(s, '2026-11-23', '2026-12-06');
    const at = posOf(text, '{ name: Quy');
    expect(out.map((d) => renderDiagnostic(d, 'en'))).toEqual([
      `s.yaml:${at}: warning: policy Quy định tỉnh: more than 2 sessions a day on 4 day(s), first 2026-11-23, 2026-11-24, 2026-11-30 (3 sessions on the first)`,
      `s.yaml:${at}: warning: policy Quy định tỉnh: sessions longer than 45 minutes on 2 day(s), first 2026-11-25, 2026-12-02 (55 minutes from 05:30)`,
    ]);
    expect(out.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('min per day for a bulletin pattern counts slots airing any matching bulletin', async () => {
    const text = withPrograms(`  - { id: cuoi-tuan, bulletins: [tin-a], at: "12:00", days: weekends, zones: [ap-2] }
`, 'policies:\n  - { bulletins: "tin-*", min_per_day: 3 }\n');
    const s = await load(text);
    // weekdays: tinh-sang (inserts) + ban-tin = 2 < 3; weekends: 3
    const out = checkPolicies(s, '2026-11-23', '2026-11-29');
    expect(out).toHaveLength(1);
    expect(out[0]!.params).toMatchObject({ days: 5, dates: '2026-11-23, 2026-11-24, 2026-11-25', count: 2, min: 3, pattern: 'tin-*', policy: 'policies[1]' });
    const fine = await load(text.replace('min_per_day: 3', 'min_per_day: 2'));
    expect(checkPolicies(fine, '2026-11-23', '2026-11-29')).toEqual([]);
  });

  it('days skipped whole by an exception are exempt, days partly skipped are not', async () => {
    const text = BASE + 'exceptions:\n  - { date: 2026-11-24, skip: all }\n  - { date: 2026-11-25, skip: [ban-tin] }\npolicies:\n  - { bulletins: "tin-a", min_per_day: 2 }\n';
    const s = await load(text);
    const out = checkPolicies(s, '2026-11-23', '2026-11-26');
    expect(out).toHaveLength(1);
    expect(out[0]!.params).toMatchObject({ days: 1, dates: '2026-11-25', count: 1 });
    // skipping every program by name also exempts the day
    const byName = await load(BASE + 'exceptions:\n  - { date: 2026-11-25, skip: [ban-tin, tinh-sang] }\npolicies:\n  - { bulletins: "tin-a", min_per_day: 2 }\n');
    expect(checkPolicies(byName, '2026-11-23', '2026-11-26')).toEqual([]);
  });

  it('weekdays only', async () => {
    const s = await load(BASE.replace('    zones: [ap-1]\n', '    zones: [ap-1]\n    days: [fri, sat]\n') + 'policies:\n  - { weekdays_only: true }\n');
    const out = checkPolicies(s, '2026-11-23', '2026-12-06');
    // tinh-sang is daily: its weekend slots come first each weekend day
    expect(out.map((d) => d.params)).toEqual([{ policy: 'policies[1]', days: 4, dates: '2026-11-28, 2026-11-29, 2026-12-05', program: 'tinh-sang' }]);
    expect(renderDiagnostic(out[0]!, 'vi')).toContain('cảnh báo: quy định policies[1]: có phát vào cuối tuần trong 4 ngày');
  });

  it('the example schedules meet their own policies over the coming year', async () => {
    const { loadSchedule, todayAt, addDays } = await import('../../src/schedule/index.js');
    for (const f of ['soc-trang-an-thanh-ba', 'vinh-phuc-tam-hong', 'ha-noi-phuong-hang-trong']) {
      const s = await loadSchedule(new URL(`../../schedules/${f}.yaml`, import.meta.url).pathname);
      expect(s.policies.length, f).toBeGreaterThan(0);
      const today = todayAt(s.station.timezone);
      expect(checkPolicies(s, today, addDays(today, 364)), f).toEqual([]);
      expect(s.warnings, f).toEqual([]);
    }
  });
});
