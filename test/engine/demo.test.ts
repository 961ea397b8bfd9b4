import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLoaxa } from '../helpers/cli.js';

describe('loaxa demo', () => {
  it('says how to install socat/ffmpeg when they are missing (exit 3)', async () => {
    // A PATH with sh only (the CLI runs from node's absolute path).
    const bin = mkdtempSync(join(tmpdir(), 'loaxa-nopath-'));
    try {
      symlinkSync('/bin/sh', join(bin, 'sh'));
      const r = await runLoaxa(['demo'], { env: { PATH: bin } });
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('sudo apt-get install ffmpeg');
      const vi = await runLoaxa(['--lang', 'vi', 'demo'], { env: { PATH: bin } });
      expect(vi.stderr).toContain('chưa được cài');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('runs a live station: relays switched, slots aired, recordings written, the day’s report printed', async () => {
    const r = await runLoaxa(['demo', '--seconds', '20'], { timeoutMs: 150_000 });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const dir = /demo station folder: (\S+)/.exec(r.stdout)?.[1];
    expect(dir).toBeDefined();
    try {
      expect(r.stdout).toContain('ON AIR tiep-song-tinh@');
      expect(r.stdout).toMatch(/slot tiep-song-tinh@\S+: aired/);
      expect(r.stdout).toMatch(/slot ban-tin-xa@\S+: aired/);
      expect(Number(/relay frames seen by the board: (\d+)/.exec(r.stdout)?.[1])).toBeGreaterThan(4);
      expect(r.stdout).toContain('Report of the day:');
      expect(existsSync(join(dir!, 'journal.db'))).toBe(true);
      expect(r.stdout).toContain(join(dir!, 'recordings'));
      const verify = await runLoaxa(['audit', 'verify', '--db', join(dir!, 'journal.db')]);
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
