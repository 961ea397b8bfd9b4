import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';

const headerOf = (file: string) => JSON.parse(gunzipSync(readFileSync(file)).toString('utf8').split('\n')[0]!) as { station: Record<string, string> };

describe('audit export without --schedule', () => {
  const tmp = tempDir('loaxa-export-name-');
  afterAll(() => tmp.cleanup());

  it("names the station from the schedule its journal last loaded, says so, and leaves it out when that schedule is another station's", async () => {
    const dir = join(tmp.dir, 'tram-vinh-hai');
    expect((await runLoaxa(['init', dir])).code).toBe(0);
    const schedule = join(dir, 'schedule.yaml');
    writeFileSync(schedule, readFileSync(schedule, 'utf8')
      .replace(/^  id: .*$/m, '  id: vinh-hai')
      .replace(/^  name: .*$/m, '  name: Đài truyền thanh xã Vĩnh Hải')
      .replace(/^  district: .*$/m, '  district: Thị xã Vĩnh Châu')
      .replace(/^  province: .*$/m, '  province: Sóc Trăng'));
    // The station runs a moment (no relay board here: it says so and goes on), journalling the schedule it loaded.
    const run = await runLoaxa(['run', schedule, '--for', '2s']);
    expect(run.code, run.stderr).toBe(0);
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);

    const bundle = join(tmp.dir, 'vinh-hai.jsonl.gz');
    const vi = await runLoaxa(['audit', 'export', '--db', join(dir, 'journal.db'), '--from', from, '--to', to, '-o', bundle], { env: { LANG: 'vi_VN.UTF-8' } });
    expect(vi.code, vi.stderr).toBe(0);
    expect(vi.stdout).toContain(`tên đài, huyện và tỉnh lấy từ ${schedule}`);
    expect(headerOf(bundle).station).toMatchObject({ id: 'vinh-hai', name: 'Đài truyền thanh xã Vĩnh Hải', district: 'Thị xã Vĩnh Châu', province: 'Sóc Trăng' });

    // The same file now describes another station: its name is not borrowed.
    writeFileSync(schedule, readFileSync(schedule, 'utf8').replace(/^  id: .*$/m, '  id: vinh-hiep'));
    const other = join(tmp.dir, 'khac.jsonl.gz');
    const en = await runLoaxa(['audit', 'export', '--db', join(dir, 'journal.db'), '--from', from, '--to', to, '-o', other]);
    expect(en.code, en.stderr).toBe(0);
    expect(en.stdout).not.toContain('the schedule the journal last loaded');
    expect(headerOf(other).station).toEqual({ id: 'vinh-hai' });
  });
});
