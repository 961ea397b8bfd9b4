import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { readBundle, verifyBundle } from '../../src/audit/index.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { weekBundle, writeLines } from './scenario.js';

/** Row lines are read by their layout when it is the writer's; any other layout still reads the same rows. */
describe('audit bundles: reading row lines', () => {
  const tmp = tempDir('loaxa-audit-lines-');
  let lines: string[];

  beforeAll(() => {
    ({ lines } = weekBundle(tmp.dir));
  });
  afterAll(() => tmp.cleanup());

  const write = (name: string, ls: string[]) => writeLines(tmp.dir, name, ls);

  it('the writer layout and a re-ordered, spaced layout give the same rows, both intact', () => {
    const original = readBundle(write('a.jsonl', lines));
    const reordered = lines.map((l, i) => {
      if (i === 0 || i === lines.length - 1) return l;
      const v = JSON.parse(l) as Record<string, unknown>;
      const keys = Object.keys(v).reverse();
      return JSON.stringify(Object.fromEntries(keys.map((k) => [k, v[k]])), null, 1).replace(/\n/g, '');
    });
    const other = readBundle(write('b.jsonl', reordered));
    expect(other.events.map((e) => [e.seq, e.hash, e.prevHash, e.local, e.type, e.payload])).toEqual(
      original.events.map((e) => [e.seq, e.hash, e.prevHash, e.local, e.type, e.payload]),
    );
    expect(verifyBundle(original).ok).toBe(true);
    expect(verifyBundle(other).ok).toBe(true);
  });

  it('a payload re-spaced in the writer layout fails its hash; a payload that is not JSON names its line', () => {
    const i = lines.findIndex((l) => l.includes('"type":"slot.result"'));
    const spaced = [...lines];
    spaced[i] = lines[i]!.replace('"status":', '"status": ');
    const v = verifyBundle(readBundle(write('c.jsonl', spaced)));
    expect(v.ok).toBe(false);
    expect(v.failure?.seq).toBe((JSON.parse(lines[i]!) as { seq: number }).seq);

    const broken = [...lines];
    broken[i] = lines[i]!.replace('"status":', '"status"');
    let error: unknown;
    try {
      readBundle(write('d.jsonl', broken));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoaxaError);
    expect((error as LoaxaError).key).toBe('audit.bundle.corrupt');
    expect((error as LoaxaError).params).toMatchObject({ line: i + 1 });
  });
});
