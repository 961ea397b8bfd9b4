import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, ROOT, runLoaxa, tempDir } from '../helpers/cli.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('loaxa command frame', () => {
  it('prints its version', async () => {
    const r = await runLoaxa(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('shows help in English and in Vietnamese', async () => {
    const en = await runLoaxa(['--help']);
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('Usage: loaxa');
    const vi = await runLoaxa(['--help', '--lang', 'vi']);
    expect(vi.code).toBe(0);
    expect(vi.stdout).toContain('Cách dùng: loaxa');
    expect(vi.stdout).toContain('lập lịch phát thanh');
    const fromEnv = await runLoaxa(['--help'], { env: { LANG: 'vi_VN.UTF-8' } });
    expect(fromEnv.stdout).toContain('Cách dùng: loaxa');
  });

  it('piped into a reader that stops early (`| head`), it ends quietly with its own exit code, no stack trace', async () => {
    const tmp = tempDir('loaxa-pipe-');
    try {
      const init = await runLoaxa(['init', join(tmp.dir, 'tram')]);
      expect(init.code, init.stderr).toBe(0);
      // A year's plan is far more than a pipe holds, so the writes go on after head has left.
      const shell = `"${process.execPath}" "${BIN}" plan "${join(tmp.dir, 'tram', 'schedule.yaml')}" --from 2027-01-01 --to 2027-12-31 | head -n 2; echo "rc=\${PIPESTATUS[0]}" >&2`;
      const r = spawnSync('bash', ['-c', shell], { encoding: 'utf8', env: { ...process.env, LANG: 'vi_VN.UTF-8', NO_COLOR: '1' } });
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(2);
      expect(r.stdout).toContain('kế hoạch phát');
      expect(r.stderr.trim()).toBe('rc=0');
    } finally {
      tmp.cleanup();
    }
  });

  it('exits 2 with a translated message on a usage error, never a stack trace', async () => {
    const r = await runLoaxa(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'no-such-command'");
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    const vi = await runLoaxa(['--lang', 'vi', '--bogus']);
    expect(vi.code).toBe(2);
    expect(vi.stderr).toContain("không có tùy chọn '--bogus'");
  });

  it('refuses an unknown language with exit 2', async () => {
    const r = await runLoaxa(['--lang', 'fr', '--help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown language "fr"');
  });

  it('lets `bulletin tts --lang` name a speech language that is not a message language', async () => {
    const r = await runLoaxa(['bulletin', 'tts', 'schedules/soc-trang-an-thanh-ba.yaml', 'ស្វាគមន៍', '--lang', 'km', '-o', '/tmp/loaxa-km.wav']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no text-to-speech voice for language "km"');
    expect(r.stderr).not.toContain('unknown language');
  });
});
