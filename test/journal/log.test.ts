import { describe, expect, it } from 'vitest';
import * as jm from '../../src/journal/index.js';
import type { Lang } from '../../src/i18n/index.js';

const date = '2026-11-20';
const slot = `thoi-su@${date}T05:30:00`;
let seq = 0;
const ev = <T extends jm.EventType>(type: T, payload: jm.EventPayloads[T], hhmm = '05:00'): jm.JournalEvent => ({
  seq: ++seq,
  station: 'an-thanh-ba',
  atMs: 0,
  local: `${date}T${hhmm}:00.000+07:00`,
  type,
  payload,
  prevHash: '',
  hash: '',
});
const result = (status: jm.SlotStatus, extra: Partial<jm.EventPayloads['slot.result']> = {}): jm.EventPayloads['slot.result'] => ({
  slot, program: 'thoi-su', title: 'Tiếp sóng thời sự Đài tỉnh', date, start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, status,
  required: true, priority: 'normal', zones: ['ap-1'], secondsRequired: 1800, secondsAired: 900, secondsFallback: 60, secondsDeadAir: 0, lateMs: 0, reasons: ['ffmpeg-died'], ...extra,
});

// One of every event type the contract knows, with every variant the view words differently.
const day: jm.JournalEvent[] = [
  ev('station.start', { version: '0.1.0', pid: 1, host: 'box', user: 'canbo', schedule: '/s.yaml' }, '00:00'),
  ev('schedule.loaded', { file: '/s.yaml', sha256: 'ab'.repeat(32), programs: 3, zones: 4 }, '00:00'),
  ev('schedule.rejected', { file: '/s.yaml', sha256: 'cd'.repeat(32), errors: ['s.yaml:3:1 bad', 's.yaml:9:2 bad'] }, '00:10'),
  ev('clock.status', { synchronised: true, offsetMs: 2, source: 'timedatectl' }, '00:00'),
  ev('clock.status', { synchronised: false, offsetMs: 5000, source: 'chronyc' }, '00:01'),
  ev('clock.status', { synchronised: 'unknown', offsetMs: null, source: 'none' }, '00:02'),
  ev('day.planned', { date, slots: [{ slot, program: 'thoi-su', title: 'Tiếp sóng thời sự Đài tỉnh', start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, required: true, priority: 'normal', zones: ['ap-1'] }] }, '00:00'),
  ev('slot.armed', { slot, program: 'thoi-su', start: `${date}T05:30:00+07:00`, end: `${date}T06:00:00+07:00`, required: true, priority: 'normal', zones: ['ap-1'] }, '05:29'),
  ev('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [1], zones: ['ap-1'], wanted: 'on', confirmed: 'on', elapsedMs: 10, slot }, '05:29'),
  ev('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [2], zones: ['ap-2'], wanted: 'on', confirmed: 'mismatch', elapsedMs: 10, slot }, '05:29'),
  ev('relay.action', { board: 'tu-loa', port: '/dev/ttyUSB0', driver: 'modbus-rtu', channels: [3], zones: ['cho'], wanted: 'on', confirmed: null, elapsedMs: 900, slot }, '05:29'),
  ev('relay.outage', { board: 'tu-loa', port: '/dev/ttyUSB0', zones: ['ap-1'], startedAt: `${date}T05:31:00+07:00`, reason: 'unplugged' }, '05:31'),
  ev('relay.outage', { board: 'tu-loa', port: '/dev/ttyUSB0', zones: ['ap-1'], startedAt: `${date}T05:31:00+07:00`, endedAt: `${date}T05:32:00+07:00`, seconds: 60, reason: 'unplugged' }, '05:32'),
  ev('feed.connected', { source: 'tinh', url: 'http://x', slot }, '05:29'),
  ev('feed.lost', { source: 'tinh', reason: 'HTTP 503', slot }, '05:40'),
  ev('fallback.started', { source: 'tinh', file: 'media/nhac-cho.mp3', reason: 'feed-lost', slot }, '05:40'),
  ev('fallback.started', { source: 'tinh', file: 'media/nhac-cho.mp3', reason: 'dead-air', slot }, '05:41'),
  ev('fallback.started', { source: 'tinh', file: 'media/nhac-cho.mp3', reason: 'ffmpeg-died', slot }, '05:42'),
  ev('fallback.ended', { source: 'tinh', seconds: 60, slot }, '05:43'),
  ev('deadair.started', { source: 'tinh', thresholdDb: -40, slot }, '05:44'),
  ev('deadair.ended', { source: 'tinh', seconds: 20, slot }, '05:45'),
  ev('audio.restarted', { reason: 'ffmpeg exited', gapMs: 1500, slot }, '05:46'),
  ev('insert.played', { slot, bulletin: '5k-km', language: 'km', mode: 'insert', sha256: 'ef', approvedBy: 'Phó Chủ tịch UBND xã', at: `${date}T05:55:00+07:00`, seconds: 118.6 }, '05:55'),
  ev('recording.saved', { slot, file: '/rec/x.mp3', sha256: 'ef', seconds: 1800 }, '06:00'),
  ev('slot.result', result('interrupted'), '05:47'),
  ev('slot.result', result('aired', { resumed: true, secondsAired: 780, reasons: [] }), '06:00'),
  ev('operator.action', { user: 'canbo', command: 'relay', args: ['test', 'ap-1'] }, '08:00'),
  ev('emergency.broadcast', { bulletin: 'lu-km', language: 'km', zones: ['ap-1', 'cho'], user: 'canbo', preempted: [slot] }, '09:00'),
  ev('conflict.resolved', { slot, other: 'ban-tin@x', zones: ['cho'], rule: 'queue' }, '09:00'),
  ev('recovery', { slot, action: 'closed-interrupted', detail: 'crash' }, '09:01'),
  ev('recovery', { slot, action: 'resumed', detail: 'at 05:47' }, '09:01'),
  ev('recovery', { action: 'relays-reset', detail: 'all off' }, '09:01'),
  ev('station.stop', { reason: 'SIGTERM' }, '23:00'),
  ev('seal', { station: 'an-thanh-ba', date: '2026-11-19', lastSeq: 1, headHash: 'aa', publicKey: 'k', fingerprint: 'abcd:ef01:2345:6789', signature: 's' }, '00:00'),
  ev('correction', { corrects: 25, user: 'canbo', reason: 'relay was closed by hand', fields: { status: 'aired' } }, '10:00'),
];

describe("the officer's day log", () => {
  for (const lang of ['en', 'vi'] as Lang[]) {
    it(`words every event type and status in ${lang}, with no raw key or empty placeholder`, () => {
      const text = jm.renderDayLog(day, { date, station: 'an-thanh-ba', lang }).join('\n');
      expect(text).not.toMatch(/journal\.[a-z]/);
      expect(text).not.toMatch(/\{\w+\}/);
      expect(text).not.toContain('undefined');
      for (const e of day) {
        const line = jm.describeEvent(e, lang);
        if (['day.planned', 'slot.armed', 'slot.result'].includes(e.type) || (e.type === 'relay.action' && (e.payload as { confirmed: string }).confirmed === 'on')) {
          expect(line, e.type).toBeNull();
        } else {
          expect(line, e.type).toBeTruthy();
          expect(text).toContain(`#${e.seq}  ${line}`);
        }
      }
    });
  }

  it('shows both results of a slot resumed after a crash, and the corrected rows', () => {
    const en = jm.renderDayLog(day, { date, station: 'an-thanh-ba', lang: 'en' });
    expect(en.filter((l) => l.includes('Tiếp sóng thời sự Đài tỉnh'))).toHaveLength(2);
    expect(en.join('\n')).toMatch(/interrupted +900\/1800 +ffmpeg-died/);
    expect(en.join('\n')).toMatch(/aired \(resumed\) +780\/1800/);
    expect(en.join('\n')).toContain('Required slots aired in full: 1 of 1');
    expect(en.join('\n')).toContain('Corrected rows: 25');
    const vi = jm.renderDayLog(day, { date, station: 'an-thanh-ba', lang: 'vi' }).join('\n');
    expect(vi).toMatch(/bị gián đoạn +900\/1800/);
    expect(vi).toContain('đã phát (phát tiếp)');
    expect(vi).toContain('PHÁT KHẨN CẤP lu-km [km] tại ap-1, cho bởi canbo');
  });

  it("tells a past slot with no result from one still to come, gives repeats their seconds, and words the daemon's reasons in Vietnamese", () => {
    const d = '2026-12-07';
    const plan = (slot: string, start: string, end: string, title: string, required: boolean) =>
      ({ slot, program: slot, title, start: `${d}T${start}+07:00`, end: `${d}T${end}+07:00`, required, priority: 'normal' as const, zones: ['ap-1'] });
    const at = (hhmmss: string) => `${d}T${hhmmss}.000+07:00`;
    const rows: jm.JournalEvent[] = [
      { ...ev('day.planned', { date: d, slots: [
        plan('sang', '05:30:00', '06:00:00', 'Tiếp sóng thời sự Đài tỉnh buổi sáng', true),
        plan('chieu', '17:00:00', '17:00:06', 'Bản tin xã buổi chiều', false),
        plan('chieu-2', '17:00:36', '17:00:42', 'Bản tin xã buổi chiều', false),
        plan('toi', '20:00:00', '21:00:00', 'Tiếp sóng Đài tỉnh buổi tối', true),
        plan('khuya', '21:30:00', '22:00:00', 'Thời sự cuối ngày', true),
      ] }), local: at('20:25:53') },
      { ...ev('relay.outage', { board: 'tu-loa', port: '/dev/ttyUSB0', zones: ['ap-1'], startedAt: `${d}T20:25:53+07:00`,
        reason: 'relay board "tu-loa": serial port /dev/ttyUSB0 does not exist (is the adapter plugged in? check `relays.tu-loa.port` in the schedule)',
        reasonKey: 'relay.port.missing', reasonParams: { board: 'tu-loa', port: '/dev/ttyUSB0' } }), local: at('20:25:53') },
      { ...ev('station.stop', { reason: '--for 5s elapsed' }), local: at('20:25:58') },
    ];
    const nowMs = Date.parse(`${d}T20:45:00+07:00`);
    const vi = jm.renderDayLog(rows, { date: d, station: 'tram', lang: 'vi', nowMs });
    const line = (what: string) => vi.find((l) => l.includes(what))!;
    expect(line('05:30–06:00')).toContain('KHÔNG CÓ GHI NHẬN');
    expect(line('17:00:00–17:00:06')).toContain('KHÔNG CÓ GHI NHẬN');
    expect(line('17:00:36–17:00:42')).toContain('Bản tin xã buổi chiều');
    expect(line('20:00–21:00')).toContain('đang trong giờ phát');
    expect(line('21:30–22:00')).toContain('chưa đến giờ');
    expect(line('bo rơ-le tu-loa')).toContain('không có cổng nối tiếp /dev/ttyUSB0');
    expect(line('Đài dừng')).toContain('hết thời gian chạy --for 5 giây');
    // Without a "now" (a view of records only), a slot without a result is just not yet recorded as aired.
    const en = jm.renderDayLog(rows, { date: d, station: 'tram', lang: 'en' });
    expect(en.find((l) => l.includes('05:30–06:00'))).toContain('not yet');
  });

  it('says so when nothing was planned or recorded', () => {
    const text = jm.renderDayLog([], { date, station: 'an-thanh-ba', lang: 'vi' }).join('\n');
    expect(text).toContain('không có kế hoạch phát nào được ghi cho ngày này');
    expect(text).toContain('không có gì được ghi');
  });
});

describe('describeVerifyResult wording', () => {
  const problems: jm.VerifyProblem[] = ['changed', 'missing', 'order', 'seal-forged', 'seal-missing', 'seal-wrong-key', 'seal-mismatch'];
  const base: jm.VerifyResult = {
    ok: false, events: 10, days: 2, seals: 1, firstSeq: 1, head: { seq: 10, hash: 'ab' }, firstDate: '2026-11-20', lastDate: '2026-11-21',
    keyFingerprint: 'abcd:ef01:2345:6789', keySource: 'first-seen', openDay: null,
  };
  for (const lang of ['en', 'vi'] as Lang[]) {
    it(`has a sentence for every problem and key source in ${lang}`, () => {
      for (const problem of problems) {
        const lines = jm.describeVerifyResult({ ...base, firstBad: { seq: 7, problem, detail: '', params: { seq: 7, from: 7, to: 8, date: '2026-11-20', after: 6 } } }, lang);
        const text = lines.join('\n');
        expect(text, problem).not.toMatch(/journal\.[a-z]|\{\w+\}/);
        expect(text).toContain('7');
      }
      for (const keySource of ['given', 'station-folder', 'first-seen', null] as const) {
        const text = jm.describeVerifyResult({ ...base, ok: true, keySource, keyFingerprint: keySource ? 'abcd:ef01:2345:6789' : null, openDay: '2026-11-21' }, lang).join('\n');
        expect(text).not.toMatch(/journal\.[a-z]|\{\w+\}/);
        expect(text).toContain('2026-11-21');
      }
    });
  }
});
