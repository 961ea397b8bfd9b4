import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { BASE, station } from './helpers.js';

const EXAMPLES = ['schedules/soc-trang-an-thanh-ba.yaml', 'schedules/vinh-phuc-tam-hong.yaml', 'schedules/ha-noi-phuong-hang-trong.yaml'];
const STACK = /\n\s+at .+:\d+:\d+/;

describe('loaxa validate', () => {
  it.each(EXAMPLES)('%s validates with a one-line summary', async (file) => {
    const r = await runLoaxa(['validate', file, '--strict']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(new RegExp(`^${file}: valid: \\d+ programs, \\d+ zones, \\d+ slots in the coming week\\n$`));
  });

  it('reports every error with file:line:col and exits 1, without a stack trace', async () => {
    const s = station(BASE.replace('at: "05:30"', 'at: "25:30"').replace('zones: [ap-1]', 'zones: [ap-7]').replace('https://radio.example.vn/tinh.mp3', 'concat:http://a.vn/x.mp3'));
    try {
      const r = await runLoaxa(['validate', s.file]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trim().split('\n');
      expect(lines.filter((l) => l.startsWith(`${s.file}:`) && / error: /.test(l))).toHaveLength(3);
      expect(r.stderr).toMatch(new RegExp(`${s.file}:\\d+:\\d+: error: "at": invalid time "25:30"`));
      expect(r.stderr).toContain('protocol "concat" is not allowed');
      expect(lines.at(-1)).toBe(`${s.file}: invalid: 3 error(s), 0 warning(s)`);
      expect(r.stderr).not.toMatch(STACK);
    } finally {
      s.cleanup();
    }
  });

  it('malformed YAML, a missing file and an alias bomb each exit 1 with a readable message', async () => {
    const s = station('station: { id: a, name: b\nprograms: [\n');
    try {
      const bad = await runLoaxa(['validate', s.file]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/schedule\.yaml:\d+:\d+: error: YAML syntax error/);
      expect(bad.stderr).not.toMatch(STACK);
      const missing = await runLoaxa(['validate', join(s.dir, 'khong-co.yaml')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('khong-co.yaml: file not found');
      writeFileSync(s.file, 'a: &a [x,x,x,x,x,x,x,x,x,x]\n' + Array.from({ length: 120 }, (_, i) => `k${i}: [*a, *a]`).join('\n') + '\n');
      const bomb = await runLoaxa(['validate', s.file]);
      expect(bomb.code).toBe(1);
      expect(bomb.stderr).toContain('too many YAML aliases');
    } finally {
      s.cleanup();
    }
  });

  it('warnings are printed; --strict turns them into failure', async () => {
    const s = station(BASE + 'policies:\n  - { bulletins: "tin-*", min_per_day: 5 }\n');
    try {
      const r = await runLoaxa(['validate', s.file]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`${s.file}:\\d+:\\d+: warning: policy policies\\[1\\]: bulletins "tin-\\*" air fewer than 5 times a day on 36[56] day\\(s\\)`));
      expect(r.stdout).toMatch(/valid with 1 warning\(s\): 2 programs, 2 zones, 14 slots in the coming week/);
      const strict = await runLoaxa(['validate', s.file, '--strict']);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('--strict: 1 warning(s) count as failure');
    } finally {
      s.cleanup();
    }
  });

  it('speaks Vietnamese with --lang vi or LANG=vi_VN', async () => {
    const ok = await runLoaxa(['--lang', 'vi', 'validate', EXAMPLES[0]!]);
    expect(ok.stdout).toMatch(/hợp lệ: 4 chương trình, 4 vùng loa, \d+ lượt phát trong tuần tới/);
    const s = station(BASE.replace('at: "05:30"', 'at: "25:30"'));
    try {
      const r = await runLoaxa(['validate', s.file], { env: { LANG: 'vi_VN.UTF-8' } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('lỗi: "at": giờ không hợp lệ "25:30"');
      expect(r.stderr).toContain('không hợp lệ: 1 lỗi, 0 cảnh báo');
    } finally {
      s.cleanup();
    }
  });

  it('usage errors exit 2', async () => {
    expect((await runLoaxa(['validate'])).code).toBe(2);
    expect((await runLoaxa(['validate', EXAMPLES[0]!, '--nope'])).code).toBe(2);
  });
});

describe('loaxa plan', () => {
  it('--json gives every slot with the documented fields', async () => {
    const r = await runLoaxa(['plan', EXAMPLES[0]!, '--from', '2026-12-31', '--to', '2027-01-02', '--json']);
    expect(r.code).toBe(0);
    const slots = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(slots.map((s) => `${s.program} ${s.start}`)).toEqual([
      'thoi-su-tinh-sang 2026-12-31T05:30:00+07:00',
      'thoi-su-tinh-chieu 2026-12-31T17:30:00+07:00',
      'thoi-su-tinh-sang 2027-01-01T05:30:00+07:00',
      'ban-tin-xa-sang 2027-01-01T06:05:00+07:00',
      'thoi-su-tinh-chieu 2027-01-01T17:30:00+07:00',
      'thoi-su-tinh-sang 2027-01-02T05:30:00+07:00',
      'chuong-trinh-khmer 2027-01-02T16:45:00+07:00',
      'chuong-trinh-khmer 2027-01-02T16:56:00+07:00',
      'thoi-su-tinh-chieu 2027-01-02T17:30:00+07:00',
    ]);
    expect(slots[0]).toEqual({
      id: 'thoi-su-tinh-sang@2026-12-31T05:30:00',
      program: 'thoi-su-tinh-sang',
      title: 'Tiếp sóng thời sự Đài tỉnh buổi sáng',
      date: '2026-12-31',
      start: '2026-12-31T05:30:00+07:00',
      end: '2026-12-31T06:00:00+07:00',
      zones: ['ap-an-thuong', 'ap-an-hoa', 'ap-an-phu', 'cho-xa'],
      source: 'tinh',
      inserts: [
        { bulletin: '5k-vi', language: 'vi', mode: 'duck', start: '2026-12-31T05:55:00+07:00' },
        { bulletin: '5k-km', language: 'km', mode: 'insert', start: '2026-12-31T05:57:00+07:00', after: '5k-vi' },
      ],
      priority: 'normal',
      required: true,
      repeat: 0,
    });
    expect(slots[3]).toMatchObject({ bulletins: ['lich-tiem-vi', '5k-vi'], priority: 'priority', required: false, inserts: [] });
    expect(slots[3]).not.toHaveProperty('source');
  });

  it('prints a table without colour when not a terminal, in either language', async () => {
    const en = await runLoaxa(['plan', EXAMPLES[2]!, '--date', '2026-11-27']);
    expect(en.code).toBe(0);
    expect(en.stdout).not.toMatch(/\x1b\[/);
    expect(en.stdout).toContain('Đài truyền thanh phường Hàng Trống: plan from 2026-11-27 to 2026-11-27, 2 slot(s)');
    expect(en.stdout).toMatch(/^start\s+end\s+program\s+zones\s+content\s+priority\s+required$/m);
    expect(en.stdout).toMatch(/^06:30:00\s+06:45:00\s+buoi-sang\s+all\s+relay dai-ha-noi\s+normal\s+yes$/m);
    expect(en.stdout).toContain('+ 17:38:00 thong-bao-phuong [vi] feed paused (insert)');
    const vi = await runLoaxa(['--lang', 'vi', 'plan', EXAMPLES[2]!, '--date', '2026-11-28']);
    expect(vi.stdout).toContain('kế hoạch phát từ 2026-11-28 đến 2026-11-28, 0 lượt');
    expect(vi.stdout).toContain('không có lượt phát nào trong khoảng này');
  });

  it('refuses bad dates and option mixes with exit 2, and a bad schedule with exit 1', async () => {
    expect((await runLoaxa(['plan', EXAMPLES[0]!, '--date', '2026-02-30'])).code).toBe(2);
    expect((await runLoaxa(['plan', EXAMPLES[0]!, '--date', '2026-12-01', '--from', '2026-12-01', '--to', '2026-12-02'])).code).toBe(2);
    expect((await runLoaxa(['plan', EXAMPLES[0]!, '--from', '2026-12-01'])).code).toBe(2);
    expect((await runLoaxa(['plan', EXAMPLES[0]!, '--from', '2026-12-05', '--to', '2026-12-01'])).code).toBe(2);
    const s = station(BASE.replace('at: "05:30"', 'at: "24:00"'));
    try {
      const r = await runLoaxa(['plan', s.file, '--json']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`${s.file}: 1 error(s); the schedule was not loaded`);
      expect(r.stderr).toMatch(/schedule\.yaml:\d+:\d+: error: "at": invalid time "24:00"/);
    } finally {
      s.cleanup();
    }
  });
});

describe('loaxa init', () => {
  it('creates a station folder whose commented schedule validates, with real MP3 placeholders', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const target = join(dir, 'xa-moi');
      const r = await runLoaxa(['--lang', 'vi', 'init', target]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Đã tạo thư mục đài: ${target}`);
      const text = readFileSync(join(target, 'schedule.yaml'), 'utf8');
      expect(text).toContain('# Lịch phát của đài truyền thanh xã.');
      for (const f of ['nhac-cho.mp3', 'thong-bao-xa.mp3', '5k-vi.mp3']) {
        const bytes = readFileSync(join(target, 'media', f));
        expect(bytes.length).toBeGreaterThan(1000);
        // an MP3 frame sync (or an ID3 tag) at the start: a real file, not an empty stub
        expect(bytes[0] === 0xff && (bytes[1]! & 0xe0) === 0xe0 || bytes.subarray(0, 3).toString() === 'ID3').toBe(true);
      }
      const v = await runLoaxa(['validate', join(target, 'schedule.yaml'), '--strict']);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(0);
      const again = await runLoaxa(['init', target]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists; nothing was changed');
      const en = await runLoaxa(['init', join(dir, 'english')]);
      expect(en.code).toBe(0);
      expect(readFileSync(join(dir, 'english', 'schedule.yaml'), 'utf8')).toContain('# Broadcast schedule of the commune station.');
      expect(existsSync(join(dir, 'english', 'recordings'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

describe('loaxa init where no folder can be made', () => {
  it('answers at once with a clear error — under /proc (where Node 20 alone would never return), behind a dangling link, under a file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      symlinkSync(join(dir, 'o-usb-da-rut'), join(dir, 'usb'));
      writeFileSync(join(dir, 'tep'), 'không phải thư mục');
      for (const [target, code] of [['/proc/loaxa-xa-moi/a', 'ENOENT'], [join(dir, 'usb', 'xa-moi'), 'ENOENT'], [join(dir, 'tep', 'xa-moi'), 'ENOTDIR']] as const) {
        const started = Date.now();
        const r = await runLoaxa(['init', target]);
        expect(Date.now() - started, target).toBeLessThan(10_000);
        expect(r.code, target).toBe(3);
        expect(r.stderr, target).toContain(`cannot create the station folder ${target} (${code})`);
        expect(r.stderr, target).not.toMatch(/\n\s+at /); // no stack trace
      }
      const vi = await runLoaxa(['--lang', 'vi', 'init', '/proc/loaxa-xa-moi']);
      expect(vi.stderr).toContain('không tạo được thư mục đài /proc/loaxa-xa-moi');
    } finally {
      cleanup();
    }
  });
});
