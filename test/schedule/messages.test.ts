import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { catalogues, hasMessage } from '../../src/i18n/index.js';

const sources = [
  ...readdirSync(join(ROOT, 'src', 'schedule')).filter((f) => f.endsWith('.ts')).map((f) => join(ROOT, 'src', 'schedule', f)),
  join(ROOT, 'src', 'cli', 'schedule.ts'),
];
const text = sources.map((f) => readFileSync(f, 'utf8')).join('\n');

describe('schedule sentences', () => {
  it('every key the code names exists in the catalogue', () => {
    const literal = [...text.matchAll(/'(schedule\.[A-Za-z0-9_.]+)'/g)].map((m) => m[1]!).filter((k) => k !== 'schedule.yaml'); // the file name
    const templated = [
      ...['start', 'end', 'program', 'zones', 'content', 'priority', 'required'].map((c) => `schedule.plan.col.${c}`),
      ...['normal', 'priority', 'emergency'].map((p) => `schedule.priority.${p}`),
      ...['duck', 'insert'].map((m) => `schedule.mode.${m}`),
      ...[...text.matchAll(/#!(schedule\.[A-Za-z0-9_.]+)/g)].map((m) => m[1]!),
    ];
    const missing = [...new Set([...literal, ...templated])].filter((k) => !hasMessage(k));
    expect(missing).toEqual([]);
    expect(literal.length).toBeGreaterThan(80);
  });

  it('every schedule sentence is used (no dead entries)', () => {
    const yamlCodes = (k: string) => /^schedule\.yaml\.[A-Z0-9_]+$/.test(k); // looked up by the parser's error code
    const dynamic = /^schedule\.(plan\.col|priority|mode|cron\.bad)\./;
    const unused = Object.keys(catalogues.schedule!).filter((k) => !text.includes(`'${k}'`) && !text.includes(`#!${k}`) && !yamlCodes(k) && !dynamic.test(k));
    expect(unused).toEqual([]);
  });
});
