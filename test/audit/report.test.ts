import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { buildScenario, STATION, TRUTH, APPROVER, type Scenario } from './scenario.js';
import { SCHEDULE_YAML } from './schedule-fixture.js';

// The known week, reported in every format from the station's own journal: figures, not snapshots.
describe('audit report on a week with known truth', () => {
  const tmp = tempDir('loaxa-audit-report-');
  let sc: Scenario;
  let schedule: string;
  const range = ['--from', '2026-11-09', '--to', '2026-11-15'];

  beforeAll(() => {
    sc = buildScenario(join(tmp.dir, 'station'));
    schedule = join(tmp.dir, 'station', 'lich.yaml');
    writeFileSync(schedule, SCHEDULE_YAML);
  });
  afterAll(() => tmp.cleanup());

  it('json: every figure of the week', async () => {
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'json', '--schedule', schedule]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.format).toBe('loaxa-report');
    expect(report.stations).toHaveLength(1);
    const s = report.stations[0];
    expect(s.station).toMatchObject({ id: STATION.id, name: STATION.name, district: STATION.district, province: STATION.province });
    expect(s.station.fingerprints).toEqual([sc.keys.fingerprint]);
    expect(s.days.map((d: { date: string }) => d.date)).toEqual(['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15']);
    const tot = s.totals;
    expect(tot.required).toEqual({ total: TRUTH.requiredSlots, aired: TRUTH.aired, partial: TRUTH.partial, missed: TRUTH.missed, preempted: TRUTH.preempted, interrupted: 0, unrecorded: 0 });
    expect(tot.secondsRequired).toBe(TRUTH.secondsRequired);
    expect(tot.secondsAired).toBe(TRUTH.secondsAired);
    expect(tot.secondsFallback).toBe(TRUTH.secondsFallback);
    expect(tot.fallbackReasons).toEqual({ 'feed-lost': 300 });
    expect(tot.relayFaults).toBe(TRUTH.relayFaults);
    expect(tot.relayFaultsByZone).toEqual({ 'ap-2': 1 });
    expect(tot.emergencies).toBe(TRUTH.emergencies);
    expect(tot.operatorActions).toBe(TRUTH.operatorActions);
    expect(tot.clockProblems).toBe(TRUTH.clockProblems);
    expect(tot.bulletins).toBe(TRUTH.bulletinPlays);
    expect(tot.languages).toEqual({ vi: { plays: 7, seconds: 7 * 120, approvers: [APPROVER] }, km: { plays: 7, seconds: 7 * 150, approvers: [APPROVER] } });
    expect(tot.daysWithoutSeal).toBe(0);
    expect(tot.daysWithoutEvents).toBe(0);

    const slot = (id: string) => s.days.flatMap((d: { slots: Array<{ slot: string }> }) => d.slots).find((x: { slot: string }) => x.slot === id);
    expect(slot(TRUTH.missedSlot)).toMatchObject({ status: 'missed', secondsAired: 0, secondsRequired: 1800, reasons: ['feed-unreachable'] });
    expect(slot(TRUTH.partialSlot)).toMatchObject({ status: 'partial', secondsAired: 1500, secondsFallback: 300, reasons: ['feed-lost'] });
    expect(slot(TRUTH.preemptedSlot)).toMatchObject({ status: 'preempted', secondsAired: 600, reasons: ['emergency:bao-lu'] });

    const wed = s.days.find((d: { date: string }) => d.date === '2026-11-11');
    expect(wed.outages).toEqual([
      expect.objectContaining({ kind: 'feed-lost', seconds: 302, reason: 'read timeout' }),
      expect.objectContaining({ kind: 'fallback', seconds: 300, reason: 'feed-lost' }),
    ]);
    const thu = s.days.find((d: { date: string }) => d.date === '2026-11-12');
    expect(thu.emergencies).toEqual([expect.objectContaining({ bulletin: 'bao-lu', language: 'vi', user: 'nguyen.van.an', preempted: [TRUTH.preemptedSlot] })]);
    expect(thu.operatorActions).toEqual([expect.objectContaining({ user: 'nguyen.van.an', command: 'play', reason: 'Cảnh báo lũ khẩn cấp' })]);
    const fri = s.days.find((d: { date: string }) => d.date === '2026-11-13');
    expect(fri.relayFaults).toEqual([expect.objectContaining({ board: 'tu-loa', zones: ['ap-2'], fault: 'timeout', wanted: 'on' })]);
    const sat = s.days.find((d: { date: string }) => d.date === '2026-11-14');
    expect(sat.clockProblems).toEqual([expect.objectContaining({ synchronised: false, offsetMs: 2500 })]);
  });

  it('json: days outside the log are gaps (no events, no seal)', async () => {
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-14', '--to', '2026-11-17', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout).stations[0];
    const gaps = Object.fromEntries(s.days.map((d: { date: string; gaps: string[] }) => [d.date, d.gaps]));
    expect(gaps).toEqual({ '2026-11-14': [], '2026-11-15': [], '2026-11-16': ['no-events', 'no-seal'], '2026-11-17': ['no-events', 'no-seal'] });
    expect(s.totals.daysWithoutEvents).toBe(2);
  });

  it('text: the day table and the shortfalls', async () => {
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--schedule', schedule]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain(STATION.name);
    const row = (date: string) => out.split('\n').find((l) => l.startsWith(date))!.trim().split(/\s{2,}/);
    // Date, Req., Full, Part., Missed, Pre-empt., Aired / required, Fallback, Dead air, Relay faults, Bulletins, Emerg., Oper., Clock
    expect(row('2026-11-10').slice(0, 7)).toEqual(['2026-11-10', '2', '1', '0', '1', '0', '30:00 / 1:00:00']);
    expect(row('2026-11-11').slice(0, 8)).toEqual(['2026-11-11', '2', '1', '1', '0', '0', '55:00 / 1:00:00', '5:00']);
    expect(row('2026-11-12').slice(0, 13)).toEqual(['2026-11-12', '2', '1', '0', '0', '1', '40:00 / 1:00:00', '0', '0', '0', '2', '1', '1']);
    expect(row('2026-11-13')[9]).toBe('1');
    expect(row('2026-11-14')[13]).toBe('1');
    const total = out.split('\n').find((l) => l.startsWith('Total'))!.trim().split(/\s{2,}/);
    expect(total.slice(0, 7)).toEqual(['Total', '14', '11', '1', '1', '1', '6:05:00 / 7:00:00']);
    expect(out).toMatch(/Required slots: 14 — aired in full 11, partial 1, missed 1, pre-empted 1/);
    expect(out).toMatch(/2026-11-10\s+05:30\s+Tiếp sóng thời sự Đài tỉnh\s+missed/);
    expect(out).toMatch(/zone ap-2: 1/);
  });

  it("text and html: the time the report was made, on the reader's clock with its UTC offset; json keeps the ISO instant", async () => {
    const before = Date.now();
    const vi = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--lang', 'vi'], { env: { TZ: 'Asia/Ho_Chi_Minh' } });
    expect(vi.code, vi.stderr).toBe(0);
    const m = /Lập lúc (\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}) \(UTC\+07:00\) bằng loaxa/.exec(vi.stdout);
    expect(m, vi.stdout.slice(0, 200)).not.toBeNull();
    // The stamp is Hanoi's clock: 7 hours ahead of UTC, within the minutes this test took.
    const stampMs = Date.parse(`${m![1]}T${m![2]}:${m![3]}:00+07:00`);
    expect(stampMs).toBeGreaterThan(before - 61_000);
    expect(stampMs).toBeLessThanOrEqual(Date.now());
    const html = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'html'], { env: { TZ: 'UTC' } });
    expect(html.stdout).toMatch(/Generated \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(UTC\+00:00\) by loaxa/);
    const json = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'json'], { env: { TZ: 'Asia/Ho_Chi_Minh' } });
    expect(JSON.parse(json.stdout).generatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('csv: BOM, Vietnamese headers with --lang vi, one row per slot', async () => {
    const out = join(tmp.dir, 'tuan.csv');
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'csv', '-o', out, '--lang', 'vi']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('đã ghi');
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    const head = lines[0]!.split(',');
    expect(head.slice(0, 3)).toEqual(['Đài', 'Ngày', 'Mã khung giờ']);
    expect(head).toContain('Số giây đã phát');
    expect(lines).toHaveLength(1 + 7 * 3);
    const col = (name: string) => head.indexOf(name);
    const rowOf = (slot: string) => lines.find((l) => l.includes(slot))!.split(',');
    const partial = rowOf(TRUTH.partialSlot);
    expect(partial[col('Kết quả')]).toBe('phát thiếu');
    expect(partial[col('Số giây đã phát')]).toBe('1500');
    expect(partial[col('Số giây phát dự phòng')]).toBe('300');
    expect(partial[col('Lý do')]).toBe('mất tín hiệu nguồn');
    expect(rowOf(TRUTH.missedSlot)[col('Kết quả')]).toBe('bỏ lỡ');
    expect(rowOf(TRUTH.preemptedSlot)[col('Số giây đã phát')]).toBe('600');
    const bulletinRow = rowOf('ban-tin-xa@2026-11-09T17:15:00');
    expect(bulletinRow[col('Ngôn ngữ')]).toBe('vi km');
    expect(bulletinRow[col('Người duyệt')]).toBe(APPROVER);
    expect(bulletinRow[col('Mức ưu tiên')]).toBe('ưu tiên');
    expect(partial[col('Mức ưu tiên')]).toBe('thông thường');
    const aired = lines.slice(1).map((l) => l.split(',')).filter((c) => c[col('Bắt buộc')] === 'có').reduce((n, c) => n + Number(c[col('Số giây đã phát')]), 0);
    expect(aired).toBe(TRUTH.secondsAired);
  });

  it('csv: English headers by default', async () => {
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.charCodeAt(0)).toBe(0xfeff);
    expect(r.stdout.slice(1).split('\r\n')[0]!.split(',').slice(0, 3)).toEqual(['Station', 'Date', 'Slot']);
  });

  it('html: self-contained, one SVG timeline per day, shortfalls in red', async () => {
    const out = join(tmp.dir, 'tuan.html');
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'html', '-o', out, '--schedule', schedule, '--lang', 'vi']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta name="viewport"');
    expect(html).not.toMatch(/<script|<link |src="http/);
    expect(html.match(/<svg /g)).toHaveLength(7);
    expect(html).toContain('Báo cáo tuân thủ phát thanh');
    expect(html).toContain(STATION.name);
    expect(html).toContain('Khung giờ bắt buộc: 14 — phát đủ 11, phát thiếu 1, bỏ lỡ 1, nhường phát khẩn 1');
    // Missed slot outlined in red on its day's timeline; the fallback and the relay fault drawn in red.
    const day = (date: string) => html.slice(html.indexOf(`<h3>${date}</h3>`), html.indexOf('</section>', html.indexOf(`<h3>${date}</h3>`)));
    expect(day('2026-11-10')).toContain('stroke="#d0021b"');
    expect(day('2026-11-11')).toMatch(/fill="#d0021b"><title>17:40 phát dự phòng/);
    expect(day('2026-11-13')).toMatch(/fill="#d0021b"><title>17:29 Lỗi rơ-le: tu-loa ap-2 — timeout/);
    expect(day('2026-11-12')).toContain('<polygon');
    expect(day('2026-11-09')).not.toContain('#d0021b"><title>');
  });

  it('logbook: the weekly page with programmes, languages, approver, shortfalls and signature lines', async () => {
    const out = join(tmp.dir, 'so-nhat-ky.html');
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'logbook', '-o', out, '--schedule', schedule, '--lang', 'vi']);
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('Sổ nhật ký chương trình phát thanh hằng tuần');
    expect(html).toContain('Tuần 2026-W46: từ 2026-11-09 đến 2026-11-15');
    expect(html).toContain('Thứ Hai');
    expect(html).toContain('Chủ Nhật');
    expect(html).toContain('Người kiểm tra (Phòng Văn hóa – Thông tin huyện)');
    // 7 days × 3 slots, less the missed one: 20 programmes aired (the pre-empted one for its 10 minutes).
    expect(html.match(/<td>\d\d:\d\d–\d\d:\d\d<\/td>/g)).toHaveLength(20);
    expect(html).toMatch(/<td>05:30–05:40<\/td><td>Tiếp sóng thời sự Đài tỉnh<\/td><td class="n">10:00<\/td>/);
    expect(html).toMatch(/<td>17:15–17:20<\/td><td>Bản tin xã<\/td><td class="n">5:00<\/td><td>vi, km<\/td><td>Phó Chủ tịch UBND xã<\/td>/);
    expect(html).toContain('05:30 Tiếp sóng thời sự Đài tỉnh: bỏ lỡ (−30:00)');
    expect(html).toContain('17:30 Thời sự chiều Đài tỉnh: phát thiếu (−5:00)');
    expect(html).toContain('Tổng thời lượng phát trong tuần');
  });

  it('refuses bad input with exit 1 and a clear message', async () => {
    const reversed = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-15', '--to', '2026-11-09']);
    expect(reversed.code).toBe(1);
    expect(reversed.stderr).toContain('dates the wrong way round: 2026-11-15 is after 2026-11-09');
    const station = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--station', 'khong-co']);
    expect(station.code).toBe(1);
    expect(station.stderr).toContain('unknown station "khong-co"');
    const format = await runLoaxa(['audit', 'report', '--db', sc.db, ...range, '--format', 'pdf']);
    expect(format.code).toBe(2);
    for (const r of [reversed, station, format]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a --db file that is not a journal at all is refused as bad input (the chain check and the report read it side by side)', async () => {
    const text = join(tmp.dir, 'ghi-chep.db');
    writeFileSync(text, 'sổ ghi chép, không phải cơ sở dữ liệu\n'.repeat(200));
    for (const args of [['audit', 'report', '--db', text, ...range, '--format', 'csv'], ['audit', 'verify', '--db', text]]) {
      const r = await runLoaxa(args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('ghi-chep.db: cannot open the journal (file is not a database)');
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
  it('refuses to report from a journal whose chain was altered', async () => {
    const copy = join(tmp.dir, 'altered.db');
    copyFileSync(sc.db, copy);
    const db = new Database(copy);
    db.exec('DROP TRIGGER events_no_update');
    const row = db.prepare("SELECT seq, payload FROM events WHERE type = 'slot.result' AND payload LIKE ?").get(`%${TRUTH.missedSlot}%`) as { seq: number; payload: string };
    db.prepare('UPDATE events SET payload = ? WHERE seq = ?').run(row.payload.replace('"status":"missed"', '"status":"aired"'), row.seq);
    db.close();
    const r = await runLoaxa(['audit', 'report', '--db', copy, '--from', '2026-11-09', '--to', '2026-11-15']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`altered.db: FAILED: Journal NOT intact: first bad row is seq ${row.seq}`);
    expect(r.stdout).toBe('');
  });
});
