import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { t } from '../../src/i18n/index.js';
import { runLoaxa, tempDir } from '../helpers/cli.js';

describe('the running station speaks the officer’s language in its own log lines', () => {
  const tmp = tempDir('loaxa-daemon-lang-');
  afterAll(() => tmp.cleanup());

  it('a missing relay port and an unreadable clock status read in Vietnamese, with no "?" or "none" left in', async () => {
    const init = await runLoaxa(['init', join(tmp.dir, 'tram-an-thanh')]);
    expect(init.code, init.stderr).toBe(0);
    const file = join(tmp.dir, 'tram-an-thanh', 'schedule.yaml');
    const port = join(tmp.dir, 'no-such-tty');
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: /dev/ttyUSB0', `port: ${port}`));
    // No chronyc nor timedatectl on PATH: the station cannot read the clock's synchronisation.
    const r = await runLoaxa(['run', file, '--for', '2s'], { env: { LANG: 'vi_VN.UTF-8', PATH: join(tmp.dir, 'no-bin') } });
    const out = r.stdout + r.stderr;
    expect(r.code, out).toBe(0);
    const lines = out.split('\n');
    const clock = lines.find((l) => l.includes('đồng hồ:'));
    expect(clock, out).toContain(t('engine.log.clockNoSource', {}, 'vi'));
    expect(clock).not.toMatch(/\?|none/);
    const relay = lines.find((l) => l.includes('mất kết nối bảng rơ-le'));
    expect(relay, out).toContain(t('relay.port.missing', { board: 'tu-loa', port }, 'vi'));
    expect(relay).not.toContain('does not exist');
  });
});
