import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { canonicalJson, initStationKeys, makeSealPayload, openJournal, rowHash, sealDay, fingerprint, type JournalEvent } from '../../src/journal/index.js';
import { buildScenario, TRUTH, type Scenario } from './scenario.js';

const lines = (file: string) => readFileSync(file, 'utf8').trimEnd().split('\n');
const save = (file: string, ls: string[]) => writeFileSync(file, ls.join('\n') + '\n');

describe('audit export and verify: bundles', () => {
  const tmp = tempDir('loaxa-audit-bundle-');
  let sc: Scenario;
  let plain: string;

  beforeAll(async () => {
    sc = buildScenario(join(tmp.dir, 'station'));
    plain = join(tmp.dir, 'tuan.jsonl');
    const r = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '-o', plain]);
    expect(r.code).toBe(0);
  });
  afterAll(() => tmp.cleanup());

  it('exports a header, every row with its hashes, the seals and an end line', () => {
    const ls = lines(plain).map((l) => JSON.parse(l));
    const header = ls[0];
    expect(header).toMatchObject({ kind: 'header', format: 'loaxa-bundle', version: 1, station: { id: 'an-thanh-ba' }, fingerprint: sc.keys.fingerprint, publicKey: sc.keys.publicKeyBase64, from: '2026-11-09', to: '2026-11-15', firstSeq: 1, loaxa: '0.1.0' });
    const rows = ls.slice(1, -1) as JournalEvent[];
    // The payload is written last, canonical, so its text can be hashed as it stands.
    const raw = lines(plain).slice(1, -1);
    rows.forEach((r, i) => expect(raw[i]!.endsWith(`,"payload":${canonicalJson(r.payload)}}`)).toBe(true));
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.type === 'seal')).toHaveLength(7);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash) && /^[0-9a-f]{64}$/.test(r.prevHash))).toBe(true);
    expect(ls[ls.length - 1]).toEqual({ kind: 'end', events: rows.length, lastSeq: rows[rows.length - 1]!.seq, headHash: rows[rows.length - 1]!.hash });
    expect(header.events).toBe(rows.length);
  });

  it('verifies an intact bundle and a gzipped one: one line per bundle, exit 0', async () => {
    const gz = join(tmp.dir, 'tuan.jsonl.gz');
    const e = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '-o', gz]);
    expect(e.code).toBe(0);
    const raw = readFileSync(gz);
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    expect(gunzipSync(raw).toString('utf8')).toBe(readFileSync(plain, 'utf8').replace(/"createdAt":"[^"]+"/, (m) => gunzipSync(raw).toString('utf8').match(/"createdAt":"[^"]+"/)![0]));
    const r = await runLoaxa(['audit', 'verify', plain, gz]);
    expect(r.code).toBe(0);
    const out = r.stdout.trim().split('\n');
    expect(out[0]).toMatch(new RegExp(`^tuan.jsonl: intact — station an-thanh-ba, \\d+ events \\(1–\\d+\\), 7 days, 7 seals, key ${sc.keys.fingerprint}$`));
    expect(out[1]).toMatch(/^tuan.jsonl.gz: intact/);
    expect(out[2]).toBe('2 of 2 bundles intact');
  });

  it('a bundle of a later range starts at the previous day’s seal, so its first row is anchored', async () => {
    const part = join(tmp.dir, 'giua-tuan.jsonl');
    const e = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-11', '--to', '2026-11-12', '-o', part]);
    expect(e.code).toBe(0);
    const ls = lines(part).map((l) => JSON.parse(l));
    expect(ls[1].type).toBe('seal');
    expect(ls[1].payload.date).toBe('2026-11-10');
    expect(ls[1].payload.headHash).toBe(ls[0].startPrevHash);
    expect(ls[ls.length - 2].type).toBe('seal');
    expect(ls[ls.length - 2].payload.date).toBe('2026-11-12');
    const r = await runLoaxa(['audit', 'verify', part, '--key', sc.keys.fingerprint]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/intact — station an-thanh-ba, \d+ events \(\d+–\d+\), 2 days, 3 seals/);
  });

  it('verify --db checks the journal file itself', async () => {
    const r = await runLoaxa(['audit', 'verify', '--db', sc.db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Journal intact');
    expect(r.stdout).toContain(sc.keys.fingerprint);
  });

  it('an edited event is refused, naming its row', async () => {
    const ls = lines(plain);
    const i = ls.findIndex((l) => l.includes(`"slot":"${TRUTH.missedSlot}"`) && l.includes('"type":"slot.result"'));
    const seq = JSON.parse(ls[i]!).seq;
    ls[i] = ls[i]!.replace('"secondsAired":0', '"secondsAired":1800').replace('"status":"missed"', '"status":"aired"');
    const bad = join(tmp.dir, 'sua.jsonl');
    save(bad, ls);
    const r = await runLoaxa(['audit', 'verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`sua.jsonl: FAILED at row ${seq}: row ${seq} was changed`);
  });

  it('a payload re-encoded by hand (same data, other key order) counts as altered', async () => {
    const ls = lines(plain);
    const row = JSON.parse(ls[3]!);
    const reordered = Object.fromEntries(Object.entries(row.payload).reverse());
    ls[3] = ls[3]!.replace(JSON.stringify(row.payload), JSON.stringify(reordered));
    expect(ls[3]).not.toBe(lines(plain)[3]);
    const bad = join(tmp.dir, 'dinh-dang.jsonl');
    save(bad, ls);
    const r = await runLoaxa(['audit', 'verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`FAILED at row ${row.seq}: row ${row.seq} was changed`);
  });

  it('reordered lines are refused', async () => {
    const ls = lines(plain);
    [ls[10], ls[11]] = [ls[11]!, ls[10]!];
    const bad = join(tmp.dir, 'dao.jsonl');
    save(bad, ls);
    const r = await runLoaxa(['audit', 'verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/dao.jsonl: FAILED at row 10: rows are out of order/);
  });

  it("a header whose claims do not match the rows (their range, their seals, the key and its fingerprint) is refused, in the reader's language", async () => {
    const header = JSON.parse(lines(plain)[0]!);
    const other = generateKeyPairSync('ed25519').publicKey;
    const otherKey = { publicKey: other.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'), fingerprint: fingerprint(other) };
    const cases: Array<[string, Record<string, unknown>, RegExp, RegExp]> = [
      ['khoa-khac.jsonl', otherKey, new RegExp(`the header names key ${otherKey.fingerprint} but the seals are signed by ${header.fingerprint}`), /phần đầu ghi khóa/],
      ['day-dau.jsonl', { firstSeq: header.firstSeq + 1 }, /header announces rows \d+–\d+ but the bundle holds rows \d+–\d+/, /phần đầu gói ghi các dòng/],
      ['niem-phong.jsonl', { seals: header.seals + 2 }, new RegExp(`header announces ${header.seals + 2} seals but the bundle holds ${header.seals}`), /phần đầu gói ghi \d+ niêm phong/],
      ['khoa.jsonl', { publicKey: 'khong-phai-khoa' }, /the header's key is not an Ed25519 public key/, /khóa ghi ở phần đầu gói không phải khóa công khai Ed25519/],
      ['van-tay.jsonl', { fingerprint: '0000:0000:0000:0000' }, /the header gives fingerprint 0000:0000:0000:0000, but its key's fingerprint is/, /phần đầu gói ghi dấu vân tay 0000:0000:0000:0000/],
    ];
    for (const [name, change, en, vi] of cases) {
      const file = join(tmp.dir, name);
      save(file, [JSON.stringify({ ...header, ...change }), ...lines(plain).slice(1)]);
      const r = await runLoaxa(['audit', 'verify', file]);
      expect(r.code, name).toBe(1);
      expect(r.stderr, name).toMatch(en);
      expect(r.stderr, name).not.toMatch(/at .*\.js:\d+/); // no stack trace
      const v = await runLoaxa(['audit', 'verify', file, '--lang', 'vi']);
      expect(v.stderr, name).toMatch(vi);
    }
  });

  /** Rewrite the bundle as a forger would: edit a row, re-hash every row after it, re-sign seals with their key. */
  function forge(resignAll: boolean): { file: string; forgerFp: string } {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const ls = lines(plain);
    const header = JSON.parse(ls[0]!);
    const rows = ls.slice(1, -1).map((l) => JSON.parse(l) as JournalEvent);
    const edited = rows.findIndex((r) => r.type === 'slot.result' && (r.payload as { slot: string }).slot === TRUTH.missedSlot);
    (rows[edited]!.payload as { status: string; secondsAired: number }).status = 'aired';
    (rows[edited]!.payload as { status: string; secondsAired: number }).secondsAired = 1800;
    const hashes = new Map<number, string>();
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      if (i > 0) r.prevHash = rows[i - 1]!.hash;
      if (r.type === 'seal') {
        const p = r.payload as JournalEvent<'seal'>['payload'];
        // A careful forger writes the payload in canonical form, as loaxa does.
        if (resignAll || i > edited) r.payload = JSON.parse(canonicalJson(makeSealPayload({ privateKey, publicKey }, { station: p.station, date: p.date, lastSeq: p.lastSeq, headHash: hashes.get(p.lastSeq)! })));
      }
      r.hash = rowHash(r.prevHash, r);
      hashes.set(r.seq, r.hash);
    }
    const forgerFp = fingerprint(publicKey);
    if (resignAll) Object.assign(header, { publicKey: publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'), fingerprint: forgerFp });
    const last = rows[rows.length - 1]!;
    const file = join(tmp.dir, resignAll ? 'gia-mao-het.jsonl' : 'gia-mao.jsonl');
    save(file, [JSON.stringify(header), ...rows.map((r) => JSON.stringify(r)), JSON.stringify({ kind: 'end', events: rows.length, lastSeq: last.seq, headHash: last.hash })]);
    return { file, forgerFp };
  }

  it('re-signed with another key: caught against the registered key, or when keys change mid-bundle', async () => {
    const half = forge(false);
    const r1 = await runLoaxa(['audit', 'verify', half.file]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toMatch(/gia-mao.jsonl: FAILED at row \d+: seal \d+ \(day 2026-11-10\) is signed by another key/);

    const all = forge(true);
    // Self-consistent forgery: the chain holds, but it is not the station's key.
    const r2 = await runLoaxa(['audit', 'verify', all.file]);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain(`key ${all.forgerFp}`);
    expect(r2.stdout).not.toContain(sc.keys.fingerprint);
    const r3 = await runLoaxa(['audit', 'verify', all.file, '--key', sc.keys.fingerprint]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain(`signed by key ${all.forgerFp}, not the expected key ${sc.keys.fingerprint}`);
    const r4 = await runLoaxa(['audit', 'verify', all.file, '--key', join(sc.keysDir, 'station.pub')]);
    expect(r4.code).toBe(1);
    expect(r4.stderr).toMatch(/FAILED at row \d+: seal \d+ \(day 2026-11-09\) is signed by another key/);
  });

  it('truncated, damaged, foreign and future files are refused with a clear message', async () => {
    const text = readFileSync(plain);
    const cut = join(tmp.dir, 'cut.jsonl');
    writeFileSync(cut, text.subarray(0, Math.floor(text.length / 2)));
    const noEnd = join(tmp.dir, 'no-end.jsonl');
    save(noEnd, lines(plain).slice(0, -1));
    const gzCut = join(tmp.dir, 'cut.jsonl.gz');
    writeFileSync(gzCut, readFileSync(join(tmp.dir, 'tuan.jsonl.gz')).subarray(0, 400));
    const damaged = join(tmp.dir, 'hong.jsonl');
    const dl = lines(plain);
    dl[5] = '{"seq":5,"station":"an-th';
    save(damaged, dl);
    const notBundle = join(tmp.dir, 'ghi-chu.txt');
    writeFileSync(notBundle, 'Biên bản họp xã\nkhông phải gói nhật ký\n');

    const cases: Array<[string, RegExp]> = [
      [cut, /cut.jsonl: truncated bundle/],
      [noEnd, /no-end.jsonl: truncated bundle \(no end line\)/],
      [gzCut, /cut.jsonl.gz: truncated bundle \(gzip/],
      [damaged, /hong.jsonl: damaged bundle, line 6: not JSON/],
      [notBundle, /ghi-chu.txt: not a loaxa bundle/],
      [sc.db, /journal.db: not a loaxa bundle/],
    ];
    for (const [file, message] of cases) {
      const r = await runLoaxa(['audit', 'verify', file]);
      expect(r.code, file).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('a bundle dated in the future is refused', async () => {
    const dir = join(tmp.dir, 'future');
    const keys = initStationKeys(join(dir, 'keys'));
    const when = Date.now() + 400 * 86_400_000;
    let clock = when;
    const j = openJournal(join(dir, 'journal.db'), { station: 'xa-tuong-lai', timezone: 'Asia/Ho_Chi_Minh', now: () => clock });
    const ev = j.append('clock.status', { synchronised: false, offsetMs: 400 * 86_400_000, source: 'timedatectl' }, when);
    const date = ev.local.slice(0, 10);
    clock = when + 1000;
    sealDay(j, keys, date);
    j.close();
    const file = join(dir, 'future.jsonl');
    const e = await runLoaxa(['audit', 'export', '--db', join(dir, 'journal.db'), '--from', date, '--to', date, '-o', file]);
    expect(e.code).toBe(0);
    const r = await runLoaxa(['audit', 'verify', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`future.jsonl: bundle dated in the future (${date}`);
  });

  it('export refuses an empty range and reversed dates', async () => {
    const empty = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2025-01-01', '--to', '2025-01-31', '-o', join(tmp.dir, 'x.jsonl')]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('the journal has no events between 2025-01-01 and 2025-01-31');
    const rev = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-15', '--to', '2026-11-09', '-o', join(tmp.dir, 'x.jsonl')]);
    expect(rev.code).toBe(1);
    expect(rev.stderr).toContain('dates the wrong way round');
  });

  it('an output that cannot be written (no such folder, a folder) is a clear error, exit 1, and an existing file is kept whole', async () => {
    const missing = join(tmp.dir, 'khong-co', 'tuan.jsonl.gz');
    const bundle = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '-o', missing]);
    expect(bundle.code, bundle.stderr).toBe(1);
    expect(bundle.stderr).toContain(`${missing}: cannot write the file (no such folder); nothing was written`);
    expect(bundle.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    const report = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '--format', 'html', '-o', tmp.dir, '--lang', 'vi']);
    expect(report.code, report.stderr).toBe(1);
    expect(report.stderr).toContain(`${tmp.dir}: không ghi được tệp (đây là một thư mục); chưa ghi gì`);
    // A report that fails half way must not leave a half file: it is written beside and renamed.
    const kept = join(tmp.dir, 'bao-cao.html');
    writeFileSync(kept, 'báo cáo cũ');
    const ok = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '--format', 'html', '-o', kept]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(kept, 'utf8')).toContain('<svg');
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a pipe as the output (-o a FIFO, as /dev/stdout is) is written into, not replaced by a file', async () => {
    const fifo = join(tmp.dir, 'ong.fifo');
    execFileSync('mkfifo', [fifo]);
    // The reader: cat takes what the CLI writes into the pipe.
    const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (d) => (got += d));
    const done = new Promise((resolve) => reader.on('close', resolve));
    // Should the pipe be replaced by a file, nothing ever writes into it: cat would wait forever.
    setTimeout(() => reader.kill(), 10_000).unref();
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '--format', 'json', '-o', fifo]);
    await done;
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(got).format).toBe('loaxa-report');
    expect(statSync(fifo).isFIFO()).toBe(true);
    const reader2 = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    let bundle = Buffer.alloc(0);
    reader2.stdout.on('data', (d: Buffer) => (bundle = Buffer.concat([bundle, d])));
    const done2 = new Promise((resolve) => reader2.on('close', resolve));
    setTimeout(() => reader2.kill(), 10_000).unref();
    const e = await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '-o', fifo]);
    await done2;
    expect(e.code, e.stderr).toBe(0);
    expect(JSON.parse(bundle.toString('utf8').split('\n')[0]!).kind).toBe('header');
    expect(statSync(fifo).isFIFO()).toBe(true);
  });
});
