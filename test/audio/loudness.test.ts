import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { normaliseBulletin, renderToFile } from '../../src/audio/index.js';
import { ROOT, tempDir } from '../helpers/cli.js';
import { levelDb, lufs } from '../helpers/audio-analysis.js';

const fixture = (f: string) => join(ROOT, 'fixtures', 'audio', f);
const QUIET = fixture('bulletin-1320-quiet.mp3'); // a phone recording: about −41 LUFS
const LOUD = fixture('bulletin-1320-loud.wav'); // a hot studio file: about −6 LUFS

describe('loudness normalisation (EBU R128, −16 LUFS)', () => {
  const tmp = tempDir('loaxa-audio-loud-');
  afterAll(() => tmp.cleanup());

  it('brings a quiet and a loud bulletin to the target within 1 LU', async () => {
    const quietIn = await lufs(QUIET);
    const loudIn = await lufs(LOUD);
    expect(loudIn - quietIn).toBeGreaterThan(20); // really different to begin with
    const q = await normaliseBulletin(QUIET, { cacheDir: tmp.dir });
    const l = await normaliseBulletin(LOUD, { cacheDir: tmp.dir });
    const qOut = await lufs(q.file);
    const lOut = await lufs(l.file);
    expect(Math.abs(qOut - -16)).toBeLessThanOrEqual(1);
    expect(Math.abs(lOut - -16)).toBeLessThanOrEqual(1);
    expect(q.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(q.durationMs).toBeGreaterThan(1900);
  });

  it('airs a sequence with gaps and repeats at one level, never overlapping', async () => {
    const out = join(tmp.dir, 'sequence.wav');
    // Offsets ask for overlap; the sequence waits for each bulletin plus a 1 s gap.
    const r = await renderToFile({
      out,
      cacheDir: tmp.dir,
      sequenceGapMs: 1000,
      bulletins: [
        { id: 'loud', file: LOUD, language: 'vi', approvedBy: 'PCT UBND xã', mode: 'alone', offsetMs: 0 },
        { id: 'quiet', file: QUIET, language: 'km', approvedBy: 'PCT UBND xã', mode: 'alone', offsetMs: 500 },
        { id: 'loud-again', file: LOUD, language: 'vi', approvedBy: 'PCT UBND xã', mode: 'alone', offsetMs: 1000 },
      ],
    });
    expect(r.bulletins.map((b) => b.id)).toEqual(['loud', 'quiet', 'loud-again']);
    expect(r.bulletins[0]!.startMs).toBe(0);
    for (let i = 1; i < 3; i++) {
      const prev = r.bulletins[i - 1]!;
      expect(r.bulletins[i]!.startMs).toBe(prev.startMs + prev.durationMs + 1000);
    }
    expect(r.seconds).toBeCloseTo(8, 0);
    const on = [await levelDb(out, 0.3, 1.4, 1320), await levelDb(out, 3.3, 1.4, 1320), await levelDb(out, 6.3, 1.4, 1320)];
    const gaps = [await levelDb(out, 2.2, 0.6), await levelDb(out, 5.2, 0.6)];
    for (const g of gaps) expect(g).toBeLessThan(-60);
    for (const level of on) expect(level).toBeGreaterThan(-30);
    // Quiet phone recording and loud studio file air at the same level.
    expect(Math.max(...on) - Math.min(...on)).toBeLessThan(1.5);
  });
});
