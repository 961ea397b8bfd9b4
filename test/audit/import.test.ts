import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { buildScenario, TRUTH, type Scenario } from './scenario.js';
import { buildReport, renderCsv, reportsFromStore } from '../../src/audit/index.js';
// The compiled modules (built by the global setup): importFiles verifies in worker threads, which load dist/.
import { importBundleFile, importFiles } from '../../dist/audit/index.js';
import { openDistrictStore as openCompiledStore } from '../../dist/journal/index.js';
import { getLang, setLang } from '../../src/i18n/index.js';
import { openDistrictStore } from '../../src/journal/index.js';

/** Everything the store holds, in a stable order: "unchanged" means this string is equal. */
function dump(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
    return JSON.stringify(tables.map((t) => [t, db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all()]));
  } finally {
    db.close();
  }
}

describe('audit import: the district store', () => {
  const tmp = tempDir('loaxa-audit-import-');
  let sc: Scenario;
  let week: string;
  let firstHalf: string;
  let secondHalf: string;
  const store = () => join(tmp.dir, 'huyen.db');

  const exportRange = async (db: string, from: string, to: string, name: string) => {
    const file = join(tmp.dir, name);
    const r = await runLoaxa(['audit', 'export', '--db', db, '--from', from, '--to', to, '-o', file]);
    expect(r.code, r.stderr).toBe(0);
    return file;
  };

  beforeAll(async () => {
    sc = buildScenario(join(tmp.dir, 'station'));
    week = await exportRange(sc.db, '2026-11-09', '2026-11-15', 'tuan.jsonl.gz');
    firstHalf = await exportRange(sc.db, '2026-11-09', '2026-11-11', 'dau-tuan.jsonl');
    secondHalf = await exportRange(sc.db, '2026-11-12', '2026-11-15', 'cuoi-tuan.jsonl');
  });
  afterAll(() => tmp.cleanup());

  it('refuses a key the store does not know, leaving no store behind', async () => {
    const r = await runLoaxa(['audit', 'import', week, '--store', store()]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`REFUSED — station an-thanh-ba signs with key ${sc.keys.fingerprint}, which this store does not know`);
    expect(existsSync(store())).toBe(false);
    // Nor the folders a mistyped store path would have made.
    const typo = join(tmp.dir, 'thanh-tra', 'nam-2026', 'huyen.db');
    const again = await runLoaxa(['audit', 'import', week, '--store', typo]);
    expect(again.code).toBe(1);
    expect(existsSync(join(tmp.dir, 'thanh-tra'))).toBe(false);
  });

  it('imports with --trust-new-key, recording the registration', async () => {
    const r = await runLoaxa(['audit', 'import', firstHalf, '--store', store(), '--trust-new-key']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`dau-tuan.jsonl: key ${sc.keys.fingerprint} registered for station an-thanh-ba (--trust-new-key)`);
    expect(r.stdout).toMatch(/dau-tuan.jsonl: imported \d+ new events for an-thanh-ba \(0 already in the store\)/);
    const db = new Database(store(), { readonly: true });
    const key = db.prepare('SELECT * FROM station_keys').get() as { fingerprint: string; how: string; bundle: string };
    expect(key).toMatchObject({ fingerprint: sc.keys.fingerprint, how: 'trust-new-key' });
    expect(key.bundle).toMatch(/^dau-tuan.jsonl sha256:[0-9a-f]{64}$/);
    expect(db.prepare('SELECT key_registered FROM imports').all()).toEqual([{ key_registered: 1 }]);
    db.close();
  });

  it('takes the following bundle (it links to the head) and then the whole week changes nothing', async () => {
    const r = await runLoaxa(['audit', 'import', secondHalf, '--store', store()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/cuoi-tuan.jsonl: imported \d+ new events/);
    const before = dump(store());
    const again = await runLoaxa(['audit', 'import', week, secondHalf, '--store', store()]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('tuan.jsonl.gz: already imported — nothing new for an-thanh-ba');
    expect(again.stdout).toContain('cuoi-tuan.jsonl: already imported');
    expect(dump(store())).toBe(before);
    const db = new Database(store(), { readonly: true });
    const n = (db.prepare('SELECT count(*) AS n, max(seq) AS head FROM events').get() as { n: number; head: number });
    const st = db.prepare('SELECT head_seq, head_hash FROM stations').get() as { head_seq: number; head_hash: string };
    const last = db.prepare('SELECT hash FROM events WHERE seq = ?').get(n.head) as { hash: string };
    db.close();
    expect(n.n).toBe(n.head);
    expect(st).toEqual({ head_seq: n.head, head_hash: last.hash });
  });

  it('lists the station: key, days covered, no gaps, last import', async () => {
    const r = await runLoaxa(['audit', 'stations', '--store', store(), '--json']);
    expect(r.code).toBe(0);
    const [s] = JSON.parse(r.stdout);
    expect(s).toMatchObject({ id: 'an-thanh-ba', daysCovered: 7, firstDay: '2026-11-09', lastDay: '2026-11-15', gaps: [] });
    expect(s.fingerprints).toEqual([expect.objectContaining({ fingerprint: sc.keys.fingerprint, how: 'trust-new-key' })]);
    const text = await runLoaxa(['audit', 'stations', '--store', store(), '--lang', 'vi']);
    expect(text.stdout).toContain('Dấu vân tay khóa');
    expect(text.stdout).toMatch(/an-thanh-ba .* 7 .*2026-11-09 – 2026-11-15/);
    // The last import in the inspector's own time zone (the JSON keeps UTC).
    const inHanoi = await runLoaxa(['audit', 'stations', '--store', store()], { env: { TZ: 'Asia/Ho_Chi_Minh' } });
    const local = new Date(Date.parse(s.lastImport) + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    expect(inHanoi.stdout).toContain(local);
  });

  it('refuses a rewritten past even when signed with the right key, and flags it loudly', async () => {
    // The same station and key, but Tuesday's missed relay now claims to have aired.
    const alt = buildScenario(join(tmp.dir, 'rewritten'), {
      keys: sc.keys,
      tamper: (slot, p) => (slot === TRUTH.missedSlot ? { ...p, status: 'aired', secondsAired: 1800, reasons: [] } : p),
    });
    const bundle = await exportRange(alt.db, '2026-11-09', '2026-11-15', 'viet-lai.jsonl');
    const v = await runLoaxa(['audit', 'verify', bundle, '--key', sc.keys.fingerprint]);
    expect(v.code).toBe(0); // on its own it is a valid, correctly signed chain…
    const before = dump(store());
    const r = await runLoaxa(['audit', 'import', bundle, '--store', store()]);
    expect(r.code).toBe(1); // …but it contradicts what the district already holds.
    expect(r.stderr).toMatch(/!!! viet-lai.jsonl: REFUSED — HISTORY REWRITTEN: row \d+ of station an-thanh-ba differs from the row already imported/);
    expect(dump(store())).toBe(before);
  });

  it('refuses tampered, unknown-key and broken bundles without touching the store', async () => {
    const before = dump(store());
    const ls = readFileSync(firstHalf, 'utf8').trimEnd().split('\n');
    const i = ls.findIndex((l) => l.includes('"type":"slot.result"'));
    ls[i] = ls[i]!.replace('"secondsAired":1800', '"secondsAired":1799');
    const edited = join(tmp.dir, 'sua.jsonl');
    writeFileSync(edited, ls.join('\n') + '\n');
    const r1 = await runLoaxa(['audit', 'import', edited, '--store', store()]);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain('sua.jsonl: REFUSED — the bundle does not verify; the store is unchanged');
    expect(r1.stderr).toMatch(/FAILED at row \d+: row \d+ was changed/);

    const other = buildScenario(join(tmp.dir, 'other-key'));
    const otherBundle = await exportRange(other.db, '2026-11-09', '2026-11-15', 'khoa-khac.jsonl');
    const r2 = await runLoaxa(['audit', 'import', otherBundle, '--store', store()]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(`signs with key ${other.keys.fingerprint}, which this store does not know`);
    const r2v = await runLoaxa(['audit', 'verify', otherBundle, '--store', store()]);
    expect(r2v.code).toBe(1);
    expect(r2v.stderr).toContain(`signed by key ${other.keys.fingerprint}, which the district store does not know`);

    const cut = join(tmp.dir, 'cut.jsonl');
    const text = readFileSync(secondHalf);
    writeFileSync(cut, text.subarray(0, text.length - 40));
    const r3 = await runLoaxa(['audit', 'import', secondHalf, cut, '--store', store()]);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toContain('cut.jsonl: truncated bundle');
    expect(dump(store())).toBe(before);
  });

  it('reports from the store the same figures as from the journal', async () => {
    const fromStore = await runLoaxa(['audit', 'report', '--store', store(), '--from', '2026-11-09', '--to', '2026-11-15', '--json']);
    const fromDb = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '--json']);
    expect(fromStore.code, fromStore.stderr).toBe(0);
    const a = JSON.parse(fromStore.stdout).stations[0];
    const b = JSON.parse(fromDb.stdout).stations[0];
    expect(a.totals).toEqual(b.totals);
    expect(a.days).toEqual(b.days);
    expect(a.totals.secondsAired).toBe(TRUTH.secondsAired);
    const unknown = await runLoaxa(['audit', 'report', '--store', store(), '--station', 'xa-khac', '--from', '2026-11-09', '--to', '2026-11-15']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('unknown station "xa-khac" (known: an-thanh-ba)');
    const both = await runLoaxa(['audit', 'report', '--store', store(), '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15']);
    expect(both.code).toBe(2);
  });

  it('shows gaps between imported ranges', async () => {
    const gapStore = join(tmp.dir, 'gap.db');
    const a = await exportRange(sc.db, '2026-11-09', '2026-11-10', 'a.jsonl');
    const b = await exportRange(sc.db, '2026-11-13', '2026-11-15', 'b.jsonl');
    const r = await runLoaxa(['audit', 'import', a, b, '--store', gapStore, '--trust-new-key']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse((await runLoaxa(['audit', 'stations', '--store', gapStore, '--json'])).stdout)[0];
    expect(s.daysCovered).toBe(5);
    expect(s.gaps).toEqual([{ from: '2026-11-11', to: '2026-11-12', days: 2 }]);
    const rep = JSON.parse((await runLoaxa(['audit', 'report', '--store', gapStore, '--from', '2026-11-09', '--to', '2026-11-15', '--json'])).stdout).stations[0];
    expect(rep.days.filter((d: { gaps: string[] }) => d.gaps.includes('no-events')).map((d: { date: string }) => d.date)).toEqual(['2026-11-11', '2026-11-12']);
  });
  it('in one run: a damaged file rolls everything back; a refused bundle leaves the others in', async () => {
    const runStore = join(tmp.dir, 'run.db');
    const seed = await runLoaxa(['audit', 'import', firstHalf, '--store', runStore, '--trust-new-key']);
    expect(seed.code, seed.stderr).toBe(0);
    const before = dump(runStore);
    const cut = join(tmp.dir, 'cut-run.jsonl');
    const text = readFileSync(firstHalf);
    writeFileSync(cut, text.subarray(0, text.length - 10));
    const damaged = await runLoaxa(['audit', 'import', secondHalf, cut, '--store', runStore]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain('cut-run.jsonl: truncated bundle');
    expect(damaged.stdout).not.toContain('imported');
    expect(dump(runStore)).toBe(before); // the good bundle before it did not land either

    const alt = buildScenario(join(tmp.dir, 'rewritten-2'), {
      keys: sc.keys,
      tamper: (slot, p) => (slot === TRUTH.missedSlot ? { ...p, status: 'aired', secondsAired: 1800, reasons: [] } : p),
    });
    const rewritten = await exportRange(alt.db, '2026-11-09', '2026-11-11', 'viet-lai-2.jsonl');
    const mixed = await runLoaxa(['audit', 'import', rewritten, secondHalf, '--store', runStore]);
    expect(mixed.code).toBe(1);
    expect(mixed.stderr).toContain('viet-lai-2.jsonl: REFUSED — HISTORY REWRITTEN');
    expect(mixed.stdout).toMatch(/cuoi-tuan.jsonl: imported \d+ new events/);
    expect(mixed.stdout).toContain('1 of 2 bundles imported; 1 refused');
    const s = JSON.parse((await runLoaxa(['audit', 'stations', '--store', runStore, '--json'])).stdout)[0];
    expect(s.daysCovered).toBe(7);
  });
  it('the early write-back of an import run lets go of the store file after a commit, a rollback and close()', async () => {
    const runStore = join(tmp.dir, 'writeback.db');
    // Descriptors of this process open on the store file itself (SQLite's own and the write-back one).
    const openOnStore = () => readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === runStore;
      } catch {
        return false;
      }
    }).length;
    const s = openCompiledStore(runStore, { create: true });
    try {
      const sqliteOwn = openOnStore();
      const outcomes = await importFiles(s, [firstHalf, secondHalf], { trustNewKey: true });
      expect(outcomes.map((o) => o.status)).toEqual(['imported', 'imported']);
      await new Promise((r) => setTimeout(r, 200)); // a write-back still running closes its descriptor when it returns
      expect(openOnStore()).toBe(sqliteOwn);
      const before = dump(runStore);
      const cut = join(tmp.dir, 'cut-writeback.jsonl');
      const text = readFileSync(week);
      writeFileSync(cut, text.subarray(0, text.length - 10));
      await expect(importFiles(s, [week, cut])).rejects.toThrow(/truncated/);
      await new Promise((r) => setTimeout(r, 200));
      expect(openOnStore()).toBe(sqliteOwn);
      expect(dump(runStore)).toBe(before);
    } finally {
      s.close();
    }
    expect(openOnStore()).toBe(0);
    expect(JSON.parse((await runLoaxa(['audit', 'stations', '--store', runStore, '--json'])).stdout)[0].daysCovered).toBe(7);
  });

  it('a run of many gzip bundles (buffers handed back to the worker threads and used again, one file in two gzip members) stores what importing them one by one stores', async () => {
    const files = [
      await exportRange(sc.db, '2026-11-09', '2026-11-10', 'a.jsonl.gz'),
      await exportRange(sc.db, '2026-11-11', '2026-11-12', 'b.jsonl.gz'),
      await exportRange(sc.db, '2026-11-13', '2026-11-13', 'c.jsonl.gz'),
      await exportRange(sc.db, '2026-11-14', '2026-11-14', 'd.jsonl.gz'),
      await exportRange(sc.db, '2026-11-15', '2026-11-15', 'e.jsonl.gz'),
    ];
    // Two gzip members: the trailer gives only the last one's size, so the text runs past it.
    const text = gunzipSync(readFileSync(files[1]!));
    const half = text.indexOf(0x0a, text.length >> 1) + 1;
    writeFileSync(files[1]!, Buffer.concat([gzipSync(text.subarray(0, half)), gzipSync(text.subarray(half))]));
    const nowMs = Date.now();
    const inRun = join(tmp.dir, 'run-of-five.db');
    const oneByOne = join(tmp.dir, 'one-by-one.db');
    const a = openCompiledStore(inRun, { create: true });
    try {
      const outcomes = await importFiles(a, files, { trustNewKey: true, nowMs });
      expect(outcomes.map((o) => o.status)).toEqual(['imported', 'imported', 'imported', 'imported', 'imported']);
    } finally {
      a.close();
    }
    const b = openCompiledStore(oneByOne, { create: true });
    try {
      for (const f of files) expect(importBundleFile(b, f, { trustNewKey: true, nowMs }).status).toBe('imported');
    } finally {
      b.close();
    }
    expect(dump(inRun)).toBe(dump(oneByOne));
    expect(JSON.parse((await runLoaxa(['audit', 'stations', '--store', inRun, '--json'])).stdout)[0].daysCovered).toBe(7);
  });

  it('a district of several stations: listed, and reported station by station with the same truth', async () => {
    const many = join(tmp.dir, 'many.db');
    const files: string[] = [];
    for (const id of ['an-thanh-1', 'an-thanh-2', 'an-thanh-3']) {
      const st = buildScenario(join(tmp.dir, id), { station: id });
      files.push(await exportRange(st.db, '2026-11-09', '2026-11-15', `${id}.jsonl.gz`));
    }
    const imp = await runLoaxa(['audit', 'import', ...files, '--store', many, '--trust-new-key']);
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toContain('3 of 3 bundles imported; 0 refused');
    const list = JSON.parse((await runLoaxa(['audit', 'stations', '--store', many, '--json'])).stdout);
    expect(list.map((s: { id: string }) => s.id)).toEqual(['an-thanh-1', 'an-thanh-2', 'an-thanh-3']);
    expect(new Set(list.map((s: { fingerprints: Array<{ fingerprint: string }> }) => s.fingerprints[0]!.fingerprint)).size).toBe(3);
    const rep = JSON.parse((await runLoaxa(['audit', 'report', '--store', many, '--from', '2026-11-09', '--to', '2026-11-15', '--json'])).stdout);
    expect(rep.stations.map((s: { station: { id: string } }) => s.station.id)).toEqual(['an-thanh-1', 'an-thanh-2', 'an-thanh-3']);
    for (const s of rep.stations) {
      expect(s.totals.secondsAired).toBe(TRUTH.secondsAired);
      expect(s.totals.required.missed).toBe(TRUTH.missed);
      expect(s.totals.relayFaultsByZone).toEqual({ 'ap-2': 1 });
    }
    const one = JSON.parse((await runLoaxa(['audit', 'report', '--store', many, '--station', 'an-thanh-2', '--from', '2026-11-09', '--to', '2026-11-15', '--json'])).stdout);
    expect(one.stations.map((s: { station: { id: string } }) => s.station.id)).toEqual(['an-thanh-2']);
    // The district's CSV (rendered and encoded in worker threads, station by station) is the
    // one-thread renderer's file byte for byte, to stdout and to a file alike.
    const csvFile = join(tmp.dir, 'huyen.csv');
    const csvOut = await runLoaxa(['audit', 'report', '--store', many, '--from', '2026-11-09', '--to', '2026-11-15', '--format', 'csv', '--lang', 'vi', '-o', csvFile]);
    expect(csvOut.code, csvOut.stderr).toBe(0);
    const csvStdout = await runLoaxa(['audit', 'report', '--store', many, '--from', '2026-11-09', '--to', '2026-11-15', '--format', 'csv', '--lang', 'vi']);
    const store = openDistrictStore(many);
    const lang = getLang();
    let expected: string;
    try {
      setLang('vi');
      expected = renderCsv(buildReport(reportsFromStore(store, '2026-11-09', '2026-11-15'), '2026-11-09', '2026-11-15'));
    } finally {
      setLang(lang);
      store.close();
    }
    expect(readFileSync(csvFile, 'utf8')).toBe(expected);
    expect(csvStdout.stdout).toBe(expected);
    expect(expected.startsWith('\uFEFFĐài,')).toBe(true);
    expect(expected.split('\r\n').filter((l) => l.startsWith('an-thanh-')).map((l) => l.split(',')[0])).toEqual(
      ['an-thanh-1', 'an-thanh-2', 'an-thanh-3'].flatMap((id) => Array(rep.stations[0].days.reduce((n: number, d: { slots: unknown[] }) => n + d.slots.length, 0)).fill(id)),
    );
  });
  it('refuses a file that is not a district store, and a store that does not exist', async () => {
    const text = join(tmp.dir, 'ghi-chu.db');
    writeFileSync(text, 'không phải cơ sở dữ liệu\n');
    for (const args of [['audit', 'stations', '--store', text], ['audit', 'import', week, '--store', text], ['audit', 'import', week, '--store', sc.db]]) {
      const r = await runLoaxa(args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/not a loaxa district store/);
    }
    expect(readFileSync(text, 'utf8')).toBe('không phải cơ sở dữ liệu\n');
    const missing = await runLoaxa(['audit', 'report', '--store', join(tmp.dir, 'khong-co.db'), '--from', '2026-11-09', '--to', '2026-11-15']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no district store here');
    expect(existsSync(join(tmp.dir, 'khong-co.db'))).toBe(false);
  });
});
