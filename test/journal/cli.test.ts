import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, runLoaxa, tempDir } from '../helpers/cli.js';
import * as jm from '../../src/journal/index.js';
import { STATION, TZ, fillDays } from './helpers.js';

// One station folder for the file: the example schedule, its keys and a journal of 3 days.
let dir: string;
let cleanup: () => void;
let schedule: string;
let db: string;

beforeAll(() => {
  ({ dir, cleanup } = tempDir('loaxa-journal-cli-'));
  cpSync(join(ROOT, 'schedules'), dir, { recursive: true });
  schedule = join(dir, 'soc-trang-an-thanh-ba.yaml');
  db = join(dir, 'journal.db');
});
afterAll(() => cleanup());

const both = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe('loaxa keys', () => {
  it('init makes the pair (private key 0600) and prints the fingerprint; refuses a second init', async () => {
    const r = await runLoaxa(['keys', 'init', schedule]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const fp = /Fingerprint: ([0-9a-f:]{19})/.exec(r.stdout)?.[1];
    expect(fp).toBe(jm.loadPublicKey(join(dir, 'keys')).fingerprint);
    expect(statSync(join(dir, 'keys', 'station.key')).mode & 0o777).toBe(0o600);

    const again = await runLoaxa(['keys', 'init', schedule]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('will not overwrite');
    expect(again.stderr).not.toMatch(/\bat .*\.js:\d+/); // no stack trace
  });

  it('show prints the same public key and fingerprint, in Vietnamese too', async () => {
    const info = jm.loadPublicKey(join(dir, 'keys'));
    const en = await runLoaxa(['keys', 'show', schedule]);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain(`Public key: ${info.publicKeyBase64}`);
    expect(en.stdout).toContain(`Fingerprint: ${info.fingerprint}`);
    const vi = await runLoaxa(['--lang', 'vi', 'keys', 'show', schedule]);
    expect(vi.stderr).toBe('');
    expect(vi.stdout).toContain(`Dấu vân tay: ${info.fingerprint}`);
    expect(vi.stdout).toContain('Đài truyền thanh xã An Thạnh Ba');
  });
});

describe('loaxa log', () => {
  beforeAll(() => {
    const keys = jm.loadStationKeys(join(dir, 'keys'));
    const journal = jm.openJournal(db, { station: STATION, timezone: TZ });
    fillDays(journal, keys, 3);
    journal.append('feed.lost', { source: 'tinh', reason: 'HTTP 503' }, Date.UTC(2026, 10, 21, 22, 40));
    journal.close();
  });

  it("prints a day's slots and events in English", async () => {
    const r = await runLoaxa(['log', schedule, '--date', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Broadcast log — Đài truyền thanh xã An Thạnh Ba (an-thanh-ba) — 2026-11-22');
    expect(r.stdout).toMatch(/05:30–06:00 +Tiếp sóng thời sự Đài tỉnh +ap-1, cho +yes +aired +1800\/1800/);
    expect(r.stdout).toContain('Required slots aired in full: 1 of 1');
    expect(r.stdout).toMatch(/09:00:00 +#\d+ +Operator canbo: loaxa play 5k-vi — reason: nhắc lại/);
    expect(r.stdout).toMatch(/05:40:00 +#\d+ +Feed tinh lost: HTTP 503/);
    expect(r.stdout).not.toMatch(/#[1-9]\s/); // only that day's rows (10 onward)
    expect(r.stdout).toContain('Day not sealed yet');
    const sealed = await runLoaxa(['log', schedule, '--date', '2026-11-20']);
    expect(sealed.stdout).toMatch(/Day sealed by row 5 \(up to seq 4, key [0-9a-f:]{19}\)/);
  });

  it('prints it in Vietnamese with --lang vi or LANG=vi_VN', async () => {
    const r = await runLoaxa(['log', schedule, '--date', '2026-11-22'], { env: { LANG: 'vi_VN.UTF-8' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Nhật ký phát thanh — Đài truyền thanh xã An Thạnh Ba (an-thanh-ba) — ngày 2026-11-22');
    expect(r.stdout).toMatch(/Giờ +Chương trình +Khu vực +Bắt buộc +Kết quả/);
    expect(r.stdout).toMatch(/có +đã phát/);
    expect(r.stdout).toContain('Cán bộ canbo: loaxa play 5k-vi — lý do: nhắc lại');
    expect(r.stdout).toContain('Mất nguồn tiếp sóng tinh: HTTP 503');
  });

  it('--json prints the day’s events as a JSON array', async () => {
    const r = await runLoaxa(['log', schedule, '--date', '2026-11-20', '--json']);
    expect(r.code).toBe(0);
    const events = JSON.parse(r.stdout) as jm.JournalEvent[];
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(events.map((e) => e.type)).toEqual(['day.planned', 'relay.action', 'slot.result', 'operator.action']);
    expect(events.every((e) => e.local.startsWith('2026-11-20') && e.hash.length === 64)).toBe(true);
    // rows travel with their hashes: the chain checks out from genesis
    expect(jm.verifyEvents(events, { requireSeals: false }).ok).toBe(true);
  });

  it('--db reads another file; a missing journal or a bad date is a clear error', async () => {
    const missing = await runLoaxa(['log', schedule, '--db', join(dir, 'nope.db'), '--date', '2026-11-20']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.db: journal not found');
    const badDate = await runLoaxa(['log', schedule, '--date', '2026-02-30']);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('invalid date "2026-02-30"');
  });
});

describe('loaxa journal seal / correct / verify, loaxa audit verify --db', () => {
  it('seals the last day on demand, once', async () => {
    const r = await runLoaxa(['journal', 'seal', schedule, '--date', '2026-11-22']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Sealed 2026-11-22 up to seq 15 \(seal is row 16\)/);
    const again = await runLoaxa(['journal', 'seal', schedule, '--date', '2026-11-22']);
    expect(again.stdout).toContain('2026-11-22 is already sealed up to seq 15 (row 16)');
    const none = await runLoaxa(['journal', 'seal', schedule, '--date', '2025-01-01']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no events on 2025-01-01');
    const r2 = jm.verifyJournal(db);
    expect(r2).toMatchObject({ ok: true, seals: 3, head: { seq: 16 } });
  });

  it('refuses to sign with a private key others can read', async () => {
    const key = join(dir, 'keys', 'station.key');
    chmodSync(key, 0o644);
    try {
      const r = await runLoaxa(['--lang', 'vi', 'journal', 'seal', schedule, '--date', '2026-11-22']);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('người dùng khác đọc được (quyền 0644)');
      expect(r.stderr).toContain(`chmod 600 ${key}`);
    } finally {
      chmodSync(key, 0o600);
    }
  });

  it('records a correction as a new row, never an edit', async () => {
    const before = jm.verifyJournal(db).head!.seq;
    const r = await runLoaxa(['journal', 'correct', schedule, '--seq', '8', '--reason', 'Rơ-le chợ đóng tay lúc 05:31', '--set', 'status=aired', '--set', 'secondsAired=1800']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Correction of row 8 recorded as row ${before + 1}`);
    const journal = jm.openJournal(db, { station: STATION, timezone: TZ, readonly: true });
    const row = journal.get(before + 1)!;
    const original = journal.get(8)!;
    journal.close();
    expect(row.type).toBe('correction');
    expect(row.payload).toMatchObject({ corrects: 8, reason: 'Rơ-le chợ đóng tay lúc 05:31', fields: { status: 'aired', secondsAired: 1800 } });
    expect((row.payload as { user: string }).user).toBeTruthy();
    expect(original.payload).toMatchObject({ status: 'aired' }); // untouched
    const noRow = await runLoaxa(['journal', 'correct', schedule, '--seq', '999', '--reason', 'x']);
    expect(noRow.code).toBe(1);
    expect(noRow.stderr).toContain('no row 999');
    const noReason = await runLoaxa(['journal', 'correct', schedule, '--seq', '8']);
    expect(noReason.code).toBe(2);
  });

  it('verify: exit 0 with a summary when intact, exit 1 naming the first bad seq after tampering', async () => {
    const ok = await runLoaxa(['journal', 'verify', schedule]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Journal intact — events: \d+, days: 4 \(2026-11-20 to \d{4}-\d{2}-\d{2}\), seals: 3/);
    const audit = await runLoaxa(['audit', 'verify', '--db', db]);
    expect(both(audit)).toContain('Journal intact');
    expect(audit.code).toBe(0);

    const copy = join(dir, 'tampered.db');
    const src = new Database(db);
    await src.backup(copy);
    src.close();
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER events_no_update');
    raw.prepare(`UPDATE events SET payload = json_set(payload, '$.secondsAired', 1799) WHERE seq = 13`).run();
    raw.close();
    const bad = await runLoaxa(['journal', 'verify', schedule, '--db', copy]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('Journal NOT intact: first bad row is seq 13');
    expect(bad.stdout).toContain('row 13 was changed');
    const badAudit = await runLoaxa(['audit', 'verify', '--db', copy]);
    expect(badAudit.code).toBe(1);
    expect(both(badAudit)).toContain('seq 13');
    const vi = await runLoaxa(['--lang', 'vi', 'journal', 'verify', schedule, '--db', copy]);
    expect(vi.stdout).toContain('Sổ nhật ký KHÔNG nguyên vẹn: dòng sai đầu tiên là seq 13');
  });
});
