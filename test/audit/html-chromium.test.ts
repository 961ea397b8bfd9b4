import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { inflateSync } from 'node:zlib';
import { join } from 'node:path';
import { runLoaxa, tempDir } from '../helpers/cli.js';
import { buildScenario, type Scenario } from './scenario.js';

const CHROMIUM = '/usr/bin/chromium';

/** Decode a PNG (8-bit RGB/RGBA, non-interlaced, as Chromium writes) into its pixel rows. */
function decodePng(buf: Buffer): { width: number; height: number; channels: number; rows: Buffer[] } {
  expect(buf.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let pos = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Buffer[] = [];
  while (pos < buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('ascii', pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = ({ 2: 3, 6: 4 } as Record<number, number>)[data[9]!]!;
      expect(data[12]).toBe(0);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? line[x - channels]! : 0;
      const b = prev[x]!;
      const c = x >= channels ? prev[x - channels]! : 0;
      const p = a + b - c;
      const pred = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1
        : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      line[x] = (line[x]! + pred) & 0xff;
    }
    rows.push(line);
    prev = line;
  }
  return { width, height, channels, rows };
}

describe('the HTML report in headless Chromium at a phone’s width', () => {
  const tmp = tempDir('loaxa-audit-html-');
  let sc: Scenario;
  beforeAll(() => {
    sc = buildScenario(join(tmp.dir, 'station'));
  });
  afterAll(() => tmp.cleanup());

  it('renders a non-empty, many-coloured page with the red of the faults', async () => {
    const html = join(tmp.dir, 'report.html');
    const r = await runLoaxa(['audit', 'report', '--db', sc.db, '--from', '2026-11-10', '--to', '2026-11-11', '--format', 'html', '-o', html, '--lang', 'vi']);
    expect(r.code, r.stderr).toBe(0);
    const png = join(tmp.dir, 'report.png');
    const c = spawnSync(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${join(tmp.dir, 'chromium')}`, `--screenshot=${png}`,
      '--window-size=412,2400', '--hide-scrollbars', `file://${html}`,
    ], { encoding: 'utf8', timeout: 120_000 });
    expect(existsSync(png), c.stderr).toBe(true);
    expect(statSync(png).size).toBeGreaterThan(10_000);
    const img = decodePng(readFileSync(png));
    expect(img.width).toBe(412);
    const colours = new Set<string>();
    let red = 0, green = 0, dark = 0;
    for (const row of img.rows) {
      for (let x = 0; x < row.length; x += img.channels) {
        const [R, G, B] = [row[x]!, row[x + 1]!, row[x + 2]!];
        colours.add(`${R >> 3},${G >> 3},${B >> 3}`);
        if (R > 180 && G < 40 && B < 60) red++;
        if (G > 110 && R < 80 && B < 90) green++;
        if (R < 60 && G < 60 && B < 60) dark++;
      }
    }
    expect(colours.size).toBeGreaterThan(20); // not a blank page
    expect(dark).toBeGreaterThan(2000); // text drawn
    expect(red).toBeGreaterThan(50); // the missed slot, the outage: red on the timeline
    expect(green).toBeGreaterThan(50); // what aired
  });
});
