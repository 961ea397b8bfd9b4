import { describe, expect, it } from 'vitest';
import { REASON_DETAILS, SLOT_REASONS, parseReasonDetail, parseSlotReason, reasonDetailText, slotReason, slotReasonText, type ReasonDetailCode, type SlotReasonCode } from '../../src/journal/index.js';
import { t, setLang, getLang } from '../../src/i18n/index.js';

// The daemon writes a slot's reasons as English text; reports read them back to show them in
// the reader's language. Every reason must come back with its code and values.
describe('slot reasons', () => {
  const sample: Record<string, string | number> = {
    detail: 'read timeout (stalled)', at: '2026-11-13T17:42:10.250+07:00', seconds: 42, slot: 'thoi-su-tinh@2026-11-13T17:30:00',
    bulletin: 'tin-vi', priority: 'priority', user: 'can-bo-vh', ms: 830, board: 'tu-loa', zones: 'ap-1, cho', aired: 600, required: 1800,
  };

  it('reads back the code and values of every reason the daemon can write', () => {
    for (const code of Object.keys(SLOT_REASONS) as SlotReasonCode[]) {
      const text = slotReason(code, sample);
      expect(text).not.toContain('undefined');
      const back = parseSlotReason(text);
      expect(back?.code, text).toBe(code);
      for (const [name, v] of Object.entries(back!.values)) expect(v).toBe(String(sample[name]));
    }
    expect(parseSlotReason('feed-unreachable')).toBeNull();
  });

  it('has a sentence in both languages for every reason, with the same values', () => {
    const lang = getLang();
    try {
      for (const code of Object.keys(SLOT_REASONS) as SlotReasonCode[]) {
        for (const l of ['en', 'vi'] as const) {
          setLang(l);
          const key = `journal.slotReason.${code}`;
          const text = t(key, sample);
          expect(text, key).not.toBe(key);
          const names = [...SLOT_REASONS[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
          for (const name of names) expect(text, `${key} (${l})`).toContain(String(sample[name]));
        }
      }
    } finally {
      setLang(lang);
    }
  });

  // The details the audio side and the daemon write inside those reasons (and as a feed loss's
  // own reason) come back too, so a Vietnamese report has no "stalled" or "not connected" left.
  const detailSample: Record<string, string> = { signal: 'SIGKILL', code: '1', detail: 'Connection refused', seconds: '600' };
  const fill = (code: ReasonDetailCode) => REASON_DETAILS[code].replace(/\{(\w+)\}/g, (_, n: string) => detailSample[n]!);

  it('reads back every detail the daemon writes, with a sentence in both languages', () => {
    for (const code of Object.keys(REASON_DETAILS) as ReasonDetailCode[]) {
      const text = fill(code);
      expect(parseReasonDetail(text)?.code, text).toBe(code);
      expect(reasonDetailText(text, 'en')).toBe(text);
      const vi = reasonDetailText(text, 'vi');
      expect(vi, code).not.toBe(text);
      const names = [...REASON_DETAILS[code].matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const name of names) expect(vi, code).toContain(detailSample[name]);
    }
    expect(parseReasonDetail('read timeout')).toBeNull();
    expect(reasonDetailText('read timeout', 'vi')).toBe('read timeout');
  });

  it('translates details inside details and inside a reason', () => {
    expect(reasonDetailText('feed decoder: exit 1: Connection refused', 'vi')).toBe('bộ giải mã nguồn: ffmpeg thoát với mã 1: Connection refused');
    expect(reasonDetailText('mixer: killed by SIGKILL', 'vi')).toBe('bộ trộn âm thanh: bị dừng bằng tín hiệu SIGKILL');
    expect(slotReasonText(slotReason('feed-lost-because', { detail: 'stalled' }), 'vi')).toBe('mất tín hiệu nguồn: luồng ngừng gửi dữ liệu');
    expect(slotReasonText(slotReason('audio-restarted', { detail: 'feed decoder: not connected', ms: 830 }), 'vi')).toBe(
      'khởi động lại âm thanh (bộ giải mã nguồn: không kết nối được), gián đoạn 830 ms',
    );
    expect(slotReasonText(slotReason('station-stopped', { detail: '--for 600s elapsed', at: '2026-11-13T17:42:10.250+07:00' }), 'vi')).toBe(
      'đài dừng (hết thời gian chạy --for 600 giây) lúc 2026-11-13 17:42:10',
    );
    expect(slotReasonText(slotReason('feed-lost-because', { detail: 'stalled' }), 'en')).toBe('feed lost: stalled');
  });
});
