import { describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE, MEDIA, check, keys, lineOf, posOf, station } from './helpers.js';
import { checkScheduleFile, loadSchedule } from '../../src/schedule/index.js';
import { LoaxaError } from '../../src/i18n/index.js';

describe('a valid schedule', () => {
  it('loads with no diagnostics and resolves defaults', async () => {
    const r = await check(BASE);
    expect(r.rendered).toEqual([]);
    const s = r.schedule!;
    expect(s.station.timezone).toBe('Asia/Ho_Chi_Minh');
    expect(s.programs.map((p) => p.id)).toEqual(['tinh-sang', 'ban-tin']);
    const [relay, bulletinOnly] = s.programs;
    expect(relay!.at).toBe(5 * 3600 + 30 * 60);
    expect(relay!.durationMs).toBe(30 * 60_000);
    expect(relay!.zones).toEqual(['ap-1', 'ap-2']);
    expect(relay!.inserts).toEqual([
      { bulletin: 'tin-a', atMs: 20 * 60_000, mode: 'duck' },
      { bulletin: 'tin-b', after: 'tin-a', mode: 'insert' },
    ]);
    // bulletin-only without duration: the sum of the declared bulletin durations
    expect(bulletinOnly!.durationMs).toBe(3 * 60_000);
    expect(bulletinOnly!.repeat).toBe(1);
    expect(bulletinOnly!.gapMs).toBe(30_000);
    expect(bulletinOnly!.onConflict).toBe('queue');
    expect(bulletinOnly!.priority).toBe('normal');
    expect(s.relays['tu-loa']).toEqual({ id: 'tu-loa', driver: 'modbus-rtu', port: '/dev/ttyUSB0', baud: 9600, address: 1 });
    expect(s.journalPath).toBe(join(r.dir, 'journal.db'));
    expect(s.keysDir).toBe(join(r.dir, 'keys'));
    expect(s.bulletins['tin-a']!.file).toBe(join(r.dir, 'media', 'a.mp3'));
    expect(s.sources['tinh']!.fallback).toBe(join(r.dir, 'media', 'cho.mp3'));
    expect(s.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('loadSchedule returns the model; a missing file is a LoaxaError with exit 1', async () => {
    const s = station(BASE);
    try {
      const sched = await loadSchedule(s.file);
      expect(sched.file).toBe(s.file);
      expect(sched.dir).toBe(s.dir);
      await expect(loadSchedule(join(s.dir, 'nope.yaml'))).rejects.toMatchObject({ key: 'cli.file.missing', exitCode: 1 });
    } finally {
      s.cleanup();
    }
  });

  it('loadSchedule throws every diagnostic as file:line:col lines', async () => {
    const text = BASE.replace('at: "05:30"', 'at: "25:30"').replace('duration: 30m', 'duration: 0s');
    const s = station(text);
    try {
      const e = (await loadSchedule(s.file).catch((x: unknown) => x)) as LoaxaError;
      expect(e).toBeInstanceOf(LoaxaError);
      expect(e.exitCode).toBe(1);
      const out = e.render('en');
      expect(out).toContain(`${s.file}:${lineOf(text, '25:30')}:9: error: "at": invalid time "25:30"`);
      expect(out).toContain(`${s.file}:${lineOf(text, '0s')}:15: error: "duration": duration "0s" must be greater than zero`);
      expect(out).not.toMatch(/\n\s+at /); // no stack trace
    } finally {
      s.cleanup();
    }
  });
});

describe('bad YAML', () => {
  it('malformed YAML is an error with its position', async () => {
    const text = BASE.replace('  ap-2: { relay: tu-loa, channel: 2, name: Ấp 2 }', '  ap-2: { relay: tu-loa, channel: 2, name: Ấp 2');
    const r = await check(text);
    expect(r.schedule).toBeUndefined();
    expect(r.errors.length).toBeGreaterThan(0);
    expect(keys(r.errors).every((k) => /^schedule\.yaml\.[A-Z_]+$/.test(k))).toBe(true);
    expect(r.rendered[0]).toMatch(/^s\.yaml:\d+:\d+: error: YAML syntax error: /);
  });

  it('YAML problems are named in the reader\'s language, not the parser\'s English', async () => {
    const r = await check('station: { id: a, name: "b\\q" }\n\tzones: {}\nprograms: []\n');
    expect(r.rendered).toEqual([
      's.yaml:1:27: error: YAML syntax error: invalid \\ escape inside "double quotes"',
      's.yaml:2:1: error: YAML syntax error: a tab is used to indent; use spaces',
    ]);
    const { renderDiagnostic } = await import('../../src/schedule/index.js');
    expect(renderDiagnostic(r.diagnostics[1]!, 'vi')).toBe('s.yaml:2:1: lỗi: lỗi cú pháp YAML: dùng phím Tab để thụt lề; hãy dùng dấu cách');
  });

  it('an alias bomb is refused', async () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      const cur = String.fromCharCode(97 + i);
      lol.push(`${cur}: &${cur} [${Array(9).fill('*' + prev).join(',')}]`);
    }
    const r = await check(lol.join('\n') + '\n');
    expect(keys(r.errors)).toEqual(['schedule.yaml.aliasBomb']);
    expect(r.rendered[0]).toMatch(/^s\.yaml:2:\d+: error: too many YAML aliases/);
  });

  it('a nested alias bomb under the alias limit per node is still refused', async () => {
    // few aliases, but each doubles: resolving them is what explodes
    const lines = ['a0: &a0 [x, x]'];
    for (let i = 1; i < 40; i++) lines.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}]`);
    const r = await check(lines.join('\n') + '\n');
    expect(keys(r.errors)).toEqual(['schedule.yaml.aliasBomb']);
  });

  it('a file over 1 MiB is refused before parsing', async () => {
    const r = await check(BASE + '#' + 'x'.repeat(1024 * 1024) + '\n');
    expect(keys(r.errors)).toEqual(['schedule.file.tooBig']);
    expect(r.rendered[0]).toMatch(/^s\.yaml:1:1: error: the file is \d+ bytes/);
  });

  it('duplicate keys (zone ids) are errors at the second one', async () => {
    const text = BASE.replace('  ap-2: { relay: tu-loa, channel: 2, name: Ấp 2 }', '  ap-2: { relay: tu-loa, channel: 2 }\n  ap-2: { relay: tu-loa, channel: 3 }');
    const r = await check(text);
    expect(r.rendered).toContain(`s.yaml:${lineOf(text, 'ap-2: { relay: tu-loa, channel: 3')}:3: error: duplicate key "ap-2" (each id and key may appear only once)`);
  });

  it('an unknown key is an error with a did-you-mean hint', async () => {
    const text = BASE.replace('    duration: 30m', '    duraton: 30m');
    const r = await check(text);
    expect(r.rendered).toContain(`s.yaml:${lineOf(text, 'duraton')}:5: error: unknown key "duraton" in tinh-sang (did you mean "duration"?)`.replace(' in tinh-sang', ' in programs[1]'));
    const top = await check(BASE + 'polices: []\n');
    expect(top.rendered).toContain(`s.yaml:${lineOf(BASE + 'polices: []\n', 'polices')}:1: error: unknown top-level key "polices" (did you mean "policies"?)`);
  });

  it('the top level must be a mapping, and station and programs are required', async () => {
    expect(keys((await check('- a\n- b\n')).errors)).toEqual(['schedule.type.topMapping', 'schedule.key.missingTop', 'schedule.key.missingTop']);
    const r = await check('zones: {}\n');
    expect(r.rendered).toEqual(expect.arrayContaining([
      's.yaml:1:1: error: missing required top-level key "station"',
      's.yaml:1:1: error: missing required top-level key "programs"',
    ]));
  });
});

describe('values', () => {
  it('times must be HH:MM or HH:MM:SS in range', async () => {
    for (const bad of ['25:30', '12:60', '5', 'noon', '05:30:61']) {
      const r = await check(BASE.replace('at: "05:30"', `at: "${bad}"`));
      expect(keys(r.errors)).toEqual(['schedule.time.invalid']);
    }
    const ok = await check(BASE.replace('at: "05:30"', 'at: "05:30:15"'));
    expect(ok.schedule!.programs[0]!.at).toBe(5 * 3600 + 30 * 60 + 15);
  });

  it('durations reject zero, negative, bare numbers and garbage; accept 45s, 30m, 1h30m', async () => {
    for (const bad of ['0s', '0m', '-5m', '30', 'abc', '1d', '25h', '"30 phút"']) {
      const r = await check(BASE.replace('duration: 30m', `duration: ${bad}`));
      expect(r.errors.length, bad).toBe(1);
      expect(r.errors[0]!.key, bad).toMatch(/^schedule\.duration\.(invalid|zero|tooLong)$/);
    }
    for (const [good, ms] of [['45s', 45_000], ['1h30m', 5_400_000], ['2h', 7_200_000], ['1h5m30s', 3_930_000]] as const) {
      const noInserts = BASE.replace(/    inserts:\n.*\n.*\n/, '');
      const r = await check(noInserts.replace('duration: 30m', `duration: ${good}`));
      expect(r.errors, good).toEqual([]);
      expect(r.schedule!.programs[0]!.durationMs).toBe(ms);
    }
  });

  it('reports every error in the file, not only the first', async () => {
    const text = BASE.replace('at: "05:30"', 'at: "25:30"')
      .replace('duration: 30m', 'duration: -1m')
      .replace('zones: [ap-1]', 'zones: [ap-9]')
      .replace('url: https://radio.example.vn/tinh.mp3', 'url: file:///etc/passwd')
      .replace('tin-b: { file: media/b.mp3, language: km, duration: 1m, approved_by: Chủ tịch UBND xã }', 'tin-b: { file: media/b.mp3, language: km, duration: 1m }');
    const r = await check(text);
    expect(keys(r.errors).sort()).toEqual(
      ['schedule.bulletin.unapproved', 'schedule.duration.invalid', 'schedule.ref.zone', 'schedule.source.protocol', 'schedule.time.invalid'].sort(),
    );
    // in file order, each with its own line
    const lines = r.errors.map((e) => e.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('unknown time zones are errors; other IANA zones are accepted', async () => {
    const bad = await check(BASE.replace('  province: Sóc Trăng', '  province: Sóc Trăng\n  timezone: Asia/Saigonn'));
    expect(keys(bad.errors)).toEqual(['schedule.timezone.invalid']);
    const good = await check(BASE.replace('  province: Sóc Trăng', '  province: Sóc Trăng\n  timezone: Europe/Paris'));
    expect(good.schedule!.station.timezone).toBe('Europe/Paris');
  });

  it('repeat is 1 to 10; gap may be zero', async () => {
    const text = (rep: string) => BASE.replace('    zones: [ap-1]', `    zones: [ap-1]\n${rep}`);
    expect(keys((await check(text('    repeat: 11'))).errors)).toEqual(['schedule.type.intRange']);
    expect(keys((await check(text('    repeat: 0'))).errors)).toEqual(['schedule.type.intRange']);
    const ok = await check(text('    repeat: 3\n    gap: 0s'));
    expect(ok.schedule!.programs[1]!.repeat).toBe(3);
    expect(ok.schedule!.programs[1]!.gapMs).toBe(0);
  });

  it('priority, required and on_conflict are checked', async () => {
    const r = await check(BASE.replace('    zones: [ap-1]', '    zones: [ap-1]\n    priority: urgent\n    required: yes please\n    on_conflict: drop'));
    expect(keys(r.errors)).toEqual(['schedule.type.enum', 'schedule.type.boolean', 'schedule.type.enum']);
    const ok = await check(BASE.replace('    zones: [ap-1]', '    zones: [ap-1]\n    priority: emergency\n    on_conflict: overwrite'));
    expect(ok.schedule!.programs[1]).toMatchObject({ priority: 'emergency', onConflict: 'overwrite', required: false });
  });

  it('from/until must be dates the right way round', async () => {
    const bad = await check(BASE.replace('    zones: [ap-1]', '    zones: [ap-1]\n    from: 2027-02-30\n    until: 2026-01-01'));
    expect(keys(bad.errors)).toEqual(['schedule.date.invalid']);
    const reversed = await check(BASE.replace('    zones: [ap-1]', '    zones: [ap-1]\n    from: 2027-02-01\n    until: 2026-01-01'));
    expect(keys(reversed.errors)).toEqual(['schedule.date.reversed']);
  });
});

describe('references and ids', () => {
  it('unknown zone, source, bulletin and relay references, with hints', async () => {
    const text = BASE.replace('zones: [ap-1]', 'zones: [ap-3]')
      .replace('    source: tinh', '    source: tihn')
      .replace('bulletins: [tin-a, tin-b]', 'bulletins: [tin-a, tin-c]')
      .replace('ap-2: { relay: tu-loa,', 'ap-2: { relay: tu-lao,');
    const r = await check(text);
    expect(r.rendered).toEqual(expect.arrayContaining([
      `s.yaml:${posOf(text, 'tu-lao')}: error: unknown relay board "tu-lao" (did you mean "tu-loa"?)`,
      `s.yaml:${posOf(text, 'tihn')}: error: unknown source "tihn" (did you mean "tinh"?)`,
      `s.yaml:${posOf(text, 'tin-c')}: error: unknown bulletin "tin-c" (did you mean "tin-a"?)`,
      `s.yaml:${posOf(text, 'ap-3')}: error: unknown zone "ap-3" (did you mean "ap-1"?)`,
    ]));
    expect(keys(r.errors)).toContain('schedule.ref.zone');
  });

  it('an insert after something that is not another insert of the program', async () => {
    const r = await check(BASE.replace('{ bulletin: tin-b, after: tin-a }', '{ bulletin: tin-b, after: tin-x }'));
    expect(keys(r.errors)).toEqual(['schedule.insert.after']);
    const loop = await check(BASE.replace('{ bulletin: tin-a, at: 20m, mode: duck }', '{ bulletin: tin-a, after: tin-b, mode: duck }'));
    expect(keys(loop.errors)).toEqual(['schedule.insert.cycle']);
    const both = await check(BASE.replace('{ bulletin: tin-b, after: tin-a }', '{ bulletin: tin-b, after: tin-a, at: 1m }'));
    expect(keys(both.errors)).toEqual(['schedule.insert.atOrAfter']);
  });

  it('duplicate program ids name the first definition', async () => {
    const text = BASE.replace('  - id: ban-tin', '  - id: tinh-sang');
    const r = await check(text);
    expect(r.rendered).toContain(`s.yaml:${lineOf(text, '  - id: tinh-sang\n    bulletins') + 0}:9: error: duplicate program id "tinh-sang" (first defined on line ${lineOf(text, 'id: tinh-sang')})`);
  });

  it('ids must be plain', async () => {
    const r = await check(BASE.replace('  - id: ban-tin', '  - id: "bản tin"'));
    expect(keys(r.errors)).toContain('schedule.id.invalid');
  });

  it('two zones on one relay channel is an error', async () => {
    const r = await check(BASE.replace('channel: 2', 'channel: 1'));
    expect(keys(r.errors)).toEqual(['schedule.zone.channelTaken']);
  });

  it('exceptions reference real programs and real holidays', async () => {
    const r = await check(BASE + 'exceptions:\n  - { holiday: tett, skip: all }\n  - { date: 2026-12-01, skip: [ban-tinn] }\n  - { from: 2026-12-05, to: 2026-12-01 }\n  - { date: 2026-12-01, holiday: tet }\n');
    expect(keys(r.errors)).toEqual(['schedule.exception.holiday', 'schedule.ref.program', 'schedule.date.reversed', 'schedule.exception.form']);
    expect(r.rendered[0]).toContain('(did you mean "tet"?)');
  });

  it('policies need a rule, and bulletins goes with min_per_day', async () => {
    const r = await check(BASE + 'policies:\n  - { name: rỗng }\n  - { bulletins: "tin-*" }\n  - { max_sessions_per_day: 0 }\n  - { bulletins: "khong-co-*", min_per_day: 1 }\n');
    expect(keys(r.errors)).toEqual(['schedule.policy.empty', 'schedule.policy.pair', 'schedule.type.intRange']);
    expect(keys(r.warnings)).toEqual(['schedule.policy.noMatch']);
  });
});

describe('bulletins and media', () => {
  it('a bulletin without approved_by is refused', async () => {
    const text = BASE.replace('tin-b: { file: media/b.mp3, language: km, duration: 1m, approved_by: Chủ tịch UBND xã }', 'tin-b: { file: media/b.mp3, language: km, duration: 1m }');
    const r = await check(text);
    expect(r.rendered).toEqual([
      `s.yaml:${lineOf(text, 'tin-b: {')}:10: error: bulletin "tin-b" has no approved_by: commune content must be approved before it airs`,
    ]);
    const empty = await check(text.replace('duration: 1m }', 'duration: 1m, approved_by: }'));
    expect(keys(empty.errors)).toEqual(['schedule.bulletin.unapproved']);
  });

  it('a missing media file is an error at its path', async () => {
    const text = BASE.replace('media/b.mp3', 'media/khong-co.mp3');
    const r = await check(text);
    expect(r.rendered).toEqual([`s.yaml:${lineOf(text, 'khong-co')}:${text.split('\n')[lineOf(text, 'khong-co') - 1]!.indexOf('media/khong-co') + 1}: error: media file not found: media/khong-co.mp3`]);
  });

  it('a media path may not escape the station folder: .., absolute, or symlink', async () => {
    for (const path of ['../ngoai.mp3', '/etc/passwd', 'media/../../ngoai.mp3']) {
      const r = await check(BASE.replace('media/b.mp3', path));
      expect(keys(r.errors), path).toEqual(['schedule.media.escapes']);
    }
    const s = station(BASE.replace('media/b.mp3', 'media/lien-ket.mp3'));
    try {
      const outside = join(s.dir, '..', `ngoai-${process.pid}.mp3`);
      copyFileSync(MEDIA, outside);
      symlinkSync(outside, join(s.dir, 'media', 'lien-ket.mp3'));
      const r = await checkScheduleFile(s.file, { today: '2026-11-23' });
      expect(keys(r.diagnostics)).toEqual(['schedule.media.escapes']);
      // a symlink that stays inside is fine
      symlinkSync(join(s.dir, 'media', 'a.mp3'), join(s.dir, 'media', 'trong.mp3'));
      writeFileSync(s.file, BASE.replace('media/b.mp3', 'media/trong.mp3'));
      expect((await checkScheduleFile(s.file, { today: '2026-11-23' })).diagnostics).toEqual([]);
    } finally {
      s.cleanup();
    }
  });

  it('a folder is not a media file', async () => {
    const s = station(BASE.replace('media/b.mp3', 'media/thu-muc'));
    try {
      mkdirSync(join(s.dir, 'media', 'thu-muc'));
      const r = await checkScheduleFile(s.file, { today: '2026-11-23' });
      expect(keys(r.diagnostics)).toEqual(['schedule.media.notFile']);
    } finally {
      s.cleanup();
    }
  });

  it('a bulletin has exactly one of file and text', async () => {
    const r = await check(BASE.replace('tin-b: { file: media/b.mp3,', 'tin-b: { file: media/b.mp3, text: Xin chào,'));
    expect(keys(r.errors)).toEqual(['schedule.bulletin.fileOrText']);
    const text = await check(BASE.replace('tin-b: { file: media/b.mp3,', 'tin-b: { text: Kính thưa bà con,'));
    expect(text.schedule!.bulletins['tin-b']).toMatchObject({ text: 'Kính thưa bà con', language: 'km' });
  });

  it('a bulletin-only program without duration needs declared bulletin durations', async () => {
    const r = await check(BASE.replace('tin-b: { file: media/b.mp3, language: km, duration: 1m,', 'tin-b: { file: media/b.mp3, language: km,'));
    // tin-b is also inserted after tin-a: that start becomes an estimate (warning), the bulletin program an error
    expect(keys(r.errors)).toEqual(['schedule.program.needsDuration']);
    const fixed = await check(BASE.replace('tin-b: { file: media/b.mp3, language: km, duration: 1m,', 'tin-b: { file: media/b.mp3, language: km,').replace('zones: [ap-1]', 'zones: [ap-1]\n    duration: 4m'));
    expect(fixed.errors).toEqual([]);
    expect(fixed.schedule!.programs[1]!.durationMs).toBe(240_000);
  });
});

describe('source URLs', () => {
  const withUrl = (url: string) => BASE.replace('url: https://radio.example.vn/tinh.mp3', `url: "${url}"`);
  it.each([
    'file:///etc/passwd',
    'concat:http://a.vn/1.mp3|http://a.vn/2.mp3',
    'subfile:,,start,0,end,100,,:http://a.vn/x.mp3',
    'data:audio/mp3;base64,AAAA',
    'ftp://a.vn/x.mp3',
    'rtmp://a.vn/live',
    'pipe:0',
    'hls+http://a.vn/x.m3u8',
    'crypto:http://a.vn/x',
    '/var/lib/x.mp3',
    'http://',
    'http://a.vn/x.mp3|file:/etc/passwd',
  ])('refuses %s', async (url) => {
    const r = await check(withUrl(url));
    expect(r.errors.length).toBe(1);
    expect(r.errors[0]!.key).toMatch(/^schedule\.source\.(protocol|urlInvalid)$/);
  });
  it.each(['http://radio.example.vn/x.mp3', 'https://radio.example.vn/live.m3u8', 'HTTPS://radio.example.vn:8443/a?b=c'])('accepts %s', async (url) => {
    const r = await check(withUrl(url));
    expect(r.errors).toEqual([]);
  });
  it('a source has exactly one of url or device; devices are alsa:', async () => {
    expect(keys((await check(BASE.replace('    fallback: media/cho.mp3', '    device: alsa:hw:1,0'))).errors)).toEqual(['schedule.source.urlOrDevice']);
    const dev = await check(BASE.replace('url: https://radio.example.vn/tinh.mp3', 'device: alsa:hw:1,0'));
    expect(dev.schedule!.sources['tinh']).toMatchObject({ device: 'alsa:hw:1,0' });
    expect(keys((await check(BASE.replace('url: https://radio.example.vn/tinh.mp3', 'device: /dev/dsp'))).errors)).toEqual(['schedule.source.device']);
  });
});

describe('inserts inside their program', () => {
  it('an insert at or past the end is outside', async () => {
    const text = BASE.replace('at: 20m, mode: duck', 'at: 30m, mode: duck');
    const r = await check(text);
    // tin-a at 30m is outside; tin-b after it (30m+2m) too
    expect(keys(r.errors)).toEqual(['schedule.insert.outside', 'schedule.insert.outside']);
    expect(r.rendered[0]).toBe(`s.yaml:${lineOf(text, 'at: 30m')}:9: error: insert of "tin-a" (30m–32m) falls outside program "tinh-sang", which lasts 30m`);
  });
  it('an insert that starts inside but runs past the end is outside', async () => {
    const r = await check(BASE.replace('at: 20m, mode: duck', 'at: 28m, mode: duck'));
    // tin-a 28m–30m fits exactly; tin-b 30m–31m does not
    expect(keys(r.errors)).toEqual(['schedule.insert.outside']);
    expect(r.errors[0]!.params).toMatchObject({ bulletin: 'tin-b', offset: '30m', end: '31m' });
  });
});

describe('days', () => {
  const withDays = (days: string, at = 'at: "17:00"') => BASE.replace('    bulletins: [tin-a, tin-b]\n    at: "17:00"', `    bulletins: [tin-a, tin-b]\n    ${at}\n    days: ${days}`);
  it('accepts daily, weekdays, weekends, weekday lists and cron', async () => {
    for (const d of ['daily', 'weekdays', 'weekends', '[mon, wed, fri]', '{ cron: "0 17 * * 1-6" }']) {
      expect((await check(withDays(d))).errors, d).toEqual([]);
    }
  });
  it('rejects unknown weekdays and shapes', async () => {
    const r = await check(withDays('[mon, wedn]'));
    expect(r.rendered[0]).toContain('unknown weekday "wedn" (use mon, tue, wed, thu, fri, sat, sun) (did you mean "wed"?)');
    expect(keys((await check(withDays('sometimes'))).errors)).toEqual(['schedule.days.invalid']);
    expect(keys((await check(withDays('[]'))).errors)).toEqual(['schedule.days.invalid']);
  });
  it('validates cron with node-cron', async () => {
    const r = await check(withDays('{ cron: "61 5 * * *" }'));
    expect(keys(r.errors)).toEqual(['schedule.cron.bad.minute']);
    expect(r.rendered[0]).toContain('cron expression "61 5 * * *": invalid minute "61" (0–59)');
    expect(keys((await check(withDays('{ cron: "0 5 * * 9" }'))).errors)).toEqual(['schedule.cron.bad.dayOfWeek']);
    expect(keys((await check(withDays('{ cron: "every day" }'))).errors)).toEqual(['schedule.cron.invalid']);
  });
  it('a cron with one time of day gives `at` when absent; several times need `at`', async () => {
    const r = await check(withDays('{ cron: "15 6 * * 1-5" }', ''));
    expect(r.errors).toEqual([]);
    expect(r.schedule!.programs[1]!.at).toBe(6 * 3600 + 15 * 60);
    expect(keys((await check(withDays('{ cron: "0 6,18 * * *" }', ''))).errors)).toEqual(['schedule.cron.manyTimes']);
    // with `at`, the cron's time fields do not matter
    const both = await check(withDays('{ cron: "0 6,18 * * *" }'));
    expect(both.schedule!.programs[1]!.at).toBe(17 * 3600);
  });
  it('a program without at is an error', async () => {
    expect(keys((await check(BASE.replace('    at: "17:00"\n', ''))).errors)).toEqual(['schedule.key.missing']);
  });
});

describe('conflicts', () => {
  it('two programs on one zone at the same time: error when one is required, naming both and the first date', async () => {
    const text = BASE.replace('at: "17:00"', 'at: "05:50"');
    const r = await check(text);
    expect(r.rendered).toEqual([
      `s.yaml:${lineOf(text, '  - id: ban-tin')}:5: error: programs "tinh-sang" and "ban-tin" both use zone "ap-1" at the same time (first on 2026-11-23 at 05:50), and one of them is required`,
    ]);
  });
  it('a warning when neither is required', async () => {
    const r = await check(BASE.replace('at: "17:00"', 'at: "05:50"').replace('    required: true\n', ''));
    expect(r.errors).toEqual([]);
    expect(keys(r.warnings)).toEqual(['schedule.conflict.warning']);
    expect(r.schedule).toBeDefined();
  });
  it('different zones, or back to back, do not conflict', async () => {
    const r = await check(BASE.replace('at: "17:00"', 'at: "06:00"'));
    expect(r.diagnostics).toEqual([]);
  });
  it('the first date is found even when a program starts later in the year', async () => {
    const text = BASE.replace('at: "17:00"', 'at: "05:45"\n    from: 2027-03-10\n    days: [mon]');
    const r = await check(text);
    // 2027-03-10 is a Wednesday: the first Monday on or after it is 2027-03-15
    expect(r.errors[0]!.params).toMatchObject({ a: 'tinh-sang', b: 'ban-tin', zone: 'ap-1', date: '2027-03-15', time: '05:45' });
  });
});
