import { describe, expect, it } from 'vitest';
import { catalogues, detectLang, t, LoaxaError, EXIT } from '../../src/i18n/index.js';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('i18n catalogue', () => {
  const all = Object.entries(catalogues).flatMap(([concern, cat]) =>
    Object.entries(cat).map(([key, msg]) => ({ concern, key, msg })),
  );

  it('has sentences', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('has every sentence in both languages, with the same placeholders', () => {
    const problems: string[] = [];
    for (const { key, msg } of all) {
      if (!msg.en?.trim() || !msg.vi?.trim()) problems.push(`${key}: empty`);
      if (placeholders(msg.en).join() !== placeholders(msg.vi).join()) problems.push(`${key}: placeholders differ`);
    }
    expect(problems).toEqual([]);
  });

  it('never defines one key in two concerns', () => {
    const seen = new Map<string, string>();
    const dupes: string[] = [];
    for (const { concern, key } of all) {
      if (seen.has(key)) dupes.push(`${key} in ${seen.get(key)} and ${concern}`);
      seen.set(key, concern);
    }
    expect(dupes).toEqual([]);
  });

  it('writes Vietnamese with its diacritics', () => {
    // A catalogue typed without diacritics ("khong tim thay") is unreadable for officers.
    const vi = all.map(({ msg }) => msg.vi).join(' ');
    expect(vi).toMatch(/[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/);
  });

  it('picks the language from --lang, else LANG', () => {
    expect(detectLang('vi', { LANG: 'en_US.UTF-8' })).toBe('vi');
    expect(detectLang('en', { LANG: 'vi_VN.UTF-8' })).toBe('en');
    expect(detectLang(undefined, { LANG: 'vi_VN.UTF-8' })).toBe('vi');
    expect(detectLang(undefined, { LANG: 'C.UTF-8' })).toBe('en');
    expect(detectLang(undefined, {})).toBe('en');
  });

  it('fills placeholders and renders errors in either language', () => {
    expect(t('cli.file.missing', { file: 'a.yaml' }, 'vi')).toBe('a.yaml: không tìm thấy tệp');
    const e = new LoaxaError('cli.file.missing', { file: 'b.yaml' }, EXIT.INVALID);
    expect(e.render('en')).toBe('b.yaml: file not found');
    expect(e.exitCode).toBe(1);
  });
});
