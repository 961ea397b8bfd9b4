import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, runLoaxa, tempDir, type CliResult } from '../helpers/cli.js';
import { buildScenario, type Scenario } from './scenario.js';

// A store the inspector can't write beside (a read-only share, someone else's folder) and a
// store path they may not create are told as such — not as "not a loaxa district store".
// Permissions are real: the folders are read-only (0555); as root (CI), who may write anywhere,
// the CLI runs through setpriv with no capabilities, so the permission bits hold for it too.
const asRoot = process.getuid?.() === 0;

function runLocked(args: string[]): Promise<CliResult> {
  const [cmd, pre] = asRoot ? ['setpriv', ['--bounding-set=-all', '--inh-caps=-all', '--', process.execPath, BIN]] : [process.execPath, [BIN]];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, [...pre, ...args], { cwd: ROOT, env: { ...process.env, LANG: 'en_US.UTF-8', NO_COLOR: '1', HOME: '/tmp' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('district store out of reach', () => {
  const tmp = tempDir('loaxa-store-access-');
  const shared = join(tmp.dir, 'chia-se');
  const store = join(shared, 'huyen.db');
  const locked = join(tmp.dir, 'khoa');
  let bundle: string;
  let sc: Scenario;

  beforeAll(async () => {
    sc = buildScenario(join(tmp.dir, 'station'));
    bundle = join(tmp.dir, 'tuan.jsonl.gz');
    expect((await runLoaxa(['audit', 'export', '--db', sc.db, '--from', '2026-11-09', '--to', '2026-11-15', '-o', bundle])).code).toBe(0);
    mkdirSync(shared);
    const r = await runLoaxa(['audit', 'import', bundle, '--store', store, '--trust-new-key']);
    expect(r.code, r.stderr).toBe(0);
    mkdirSync(locked);
    chmodSync(shared, 0o555);
    chmodSync(locked, 0o555);
  });
  afterAll(() => {
    chmodSync(shared, 0o755);
    chmodSync(locked, 0o755);
    tmp.cleanup();
  });

  it('a store in a read-only folder: the report says why it cannot open it and what to do, exit 1', async () => {
    const r = await runLocked(['audit', 'report', '--store', store, '--from', '2026-11-09', '--to', '2026-11-15']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${store}: cannot open the district store (its folder is read-only`);
    expect(r.stderr).toContain('copy it to a folder you can write to');
    const vi = await runLocked(['audit', 'stations', '--store', store, '--lang', 'vi']);
    expect(vi.code, vi.stderr).toBe(1);
    expect(vi.stderr).toContain(`${store}: không mở được kho dữ liệu huyện (thư mục chứa tệp chỉ đọc`);
  });

  it('a station journal in a read-only folder: report and verify --db say why, exit 1', async () => {
    const journal = join(shared, 'journal.db');
    chmodSync(shared, 0o755);
    copyFileSync(sc.db, journal);
    chmodSync(shared, 0o555);
    for (const args of [['audit', 'report', '--db', journal, '--from', '2026-11-09', '--to', '2026-11-15'], ['audit', 'verify', '--db', journal]]) {
      const r = await runLocked(args);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(`${journal}: cannot open the journal (its folder is read-only`);
    }
  });

  it('a new store where the inspector may not write: permission denied, exit 1, nothing created', async () => {
    const target = join(locked, 'huyen.db');
    const r = await runLocked(['audit', 'import', bundle, '--store', target, '--trust-new-key']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`${target}: cannot open the district store (permission denied)`);
    expect(r.stderr).not.toContain('not a loaxa district store');
    expect(existsSync(target)).toBe(false);
  });

  it('a file that is not a store is still called one', async () => {
    const other = join(tmp.dir, 'ghi-chu.db');
    writeFileSync(other, 'không phải SQLite');
    const r = await runLoaxa(['audit', 'stations', '--store', other]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${other}: not a loaxa district store`);
  });
});
