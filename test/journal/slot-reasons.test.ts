import { describe, expect, it } from 'vitest';
import { SLOT_REASONS, parseSlotReason, slotReason, type SlotReasonCode } from '../../src/journal/index.js';
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
});
