import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { prepareBundle, readBundle, verifyBundle } from '../../src/audit/index.js';
import { prepareFile, streamFile, type PreparedBundle } from '../../src/audit/prepare.js';
import { LoaxaError } from '../../src/i18n/index.js';
import { weekBundle, writeLines, STATION, TRUTH } from './scenario.js';

/** What a run gives: a verdict (with its first bad row and reason), or the error it throws. */
function outcome(run: () => { ok: boolean; failure?: { seq: number | null; reason: string } }): string {
  try {
    const v = run();
    return v.ok ? 'ok' : `refused at ${v.failure?.seq}: ${v.failure?.reason}`;
  } catch (e) {
    if (!(e instanceof LoaxaError)) throw e;
    return `error: ${e.message}`;
  }
}

/** The import reads a bundle in one pass (streamFile); `loaxa audit verify` reads it whole (readBundle + verifyBundle). */
describe('audit import: the one-pass read verifies what the whole read verifies', () => {
  const tmp = tempDir('loaxa-audit-stream-');
  let lines: string[];

  beforeAll(() => {
    ({ lines } = weekBundle(tmp.dir));
  });
  afterAll(() => tmp.cleanup());

  const write = (name: string, ls: string[]) => writeLines(tmp.dir, name, ls);
  const middle = () => Math.floor(lines.length / 2);
  const missedSlotLine = () => lines.findIndex((l) => l.includes(`"slot":"${TRUTH.missedSlot}"`) && l.includes('"type":"slot.result"'));

  const variants: Record<string, () => string[]> = {
    intact: () => lines,
    'a row edited in the middle': () => {
      const ls = [...lines];
      const i = missedSlotLine();
      ls[i] = ls[i]!.replace('"status":"missed"', '"status":"aired"');
      return ls;
    },
    'a row removed': () => lines.filter((_, i) => i !== middle()),
    'two rows swapped': () => {
      const ls = [...lines];
      [ls[10], ls[11]] = [ls[11]!, ls[10]!];
      return ls;
    },
    'a seal removed': () => {
      const i = lines.findIndex((l, k) => k > 5 && l.includes('"type":"seal"'));
      return lines.filter((_, k) => k !== i);
    },
    'a row of another station': () => {
      const ls = [...lines];
      ls[middle()] = ls[middle()]!.replace(`"station":"${STATION.id}"`, '"station":"xa-khac"');
      return ls;
    },
    'a payload that is not JSON': () => {
      const ls = [...lines];
      ls[middle()] = ls[middle()]!.replace(/\}$/, ',}');
      return ls;
    },
    'a line that is not JSON': () => {
      const ls = [...lines];
      ls[middle()] = '{"seq":5,"station":"an-th';
      return ls;
    },
    'a row hash edited': () => {
      const ls = [...lines];
      ls[middle()] = ls[middle()]!.replace(/"hash":"[0-9a-f]/, '"hash":"x');
      return ls;
    },
    'the end line cut': () => lines.slice(0, -1),
    'the end line miscounted': () => [...lines.slice(0, -1), lines[lines.length - 1]!.replace(/"events":\d+/, '"events":3')],
  };

  for (const [name, make] of Object.entries(variants)) {
    it(`${name}: the same verdict or error either way`, () => {
      const file = write(`${name.replace(/\W+/g, '-')}.jsonl`, make());
      const whole = outcome(() => verifyBundle(readBundle(file, Date.now(), { checkPayloads: false })));
      expect(outcome(() => streamFile(file).verdict)).toBe(whole);
      // And what the import hands on is what preparing the whole read gives: verdict, error and rows.
      const viaWhole = () => prepareBundle(readBundle(file, Date.now(), { checkPayloads: false }));
      expect(outcome(() => prepareFile(file).verdict)).toBe(outcome(() => viaWhole().verdict));
      if (name === 'intact') {
        expect(whole).toBe('ok');
        expect(rowsOf(prepareFile(file))).toEqual(rowsOf(viaWhole()));
      } else {
        expect(whole).not.toBe('ok');
      }
    });
  }

  it('a bundle dated in the future is refused either way', () => {
    const file = write('future.jsonl', lines);
    const past = Date.parse('2026-11-01T00:00:00Z');
    const whole = outcome(() => verifyBundle(readBundle(file, past)));
    expect(whole).toMatch(/^error: .*future/);
    expect(outcome(() => streamFile(file, past).verdict)).toBe(whole);
    expect(outcome(() => prepareFile(file, past).verdict)).toBe(whole);
  });
});

function rowsOf(p: PreparedBundle) {
  const r = p.rows!;
  const text = (a: Uint8Array) => Buffer.from(a).toString('utf8');
  return {
    ...r,
    hashes: Buffer.from(r.hashes).toString('hex'),
    reportItems: text(r.reportItems),
    otherItems: text(r.otherItems),
    seals: [...r.seals], inReport: [...r.inReport], rowStart: [...r.rowStart], rowEnd: [...r.rowEnd], reportRuns: [...r.reportRuns], otherRuns: [...r.otherRuns],
  };
}
