import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, ROOT } from '../helpers/cli.js';
import { checkScheduleFile, renderDiagnostic, type Diagnostic, type LoadOptions } from '../../src/schedule/index.js';

export const MEDIA = join(ROOT, 'fixtures', 'schedule', 'media', 'tone-440-3s.mp3');

/** A small valid schedule; tests break one thing at a time with String.replace. */
export const BASE = `station:
  id: thu-nghiem
  name: Đài truyền thanh xã Thử Nghiệm
  province: Sóc Trăng

sources:
  tinh:
    url: https://radio.example.vn/tinh.mp3
    fallback: media/cho.mp3

relays:
  tu-loa: { driver: modbus-rtu, port: /dev/ttyUSB0 }

zones:
  ap-1: { relay: tu-loa, channel: 1, name: Ấp 1 }
  ap-2: { relay: tu-loa, channel: 2, name: Ấp 2 }

bulletins:
  tin-a: { file: media/a.mp3, language: vi, duration: 2m, approved_by: Chủ tịch UBND xã }
  tin-b: { file: media/b.mp3, language: km, duration: 1m, approved_by: Chủ tịch UBND xã }

programs:
  - id: tinh-sang
    source: tinh
    at: "05:30"
    duration: 30m
    zones: all
    required: true
    inserts:
      - { bulletin: tin-a, at: 20m, mode: duck }
      - { bulletin: tin-b, after: tin-a }
  - id: ban-tin
    bulletins: [tin-a, tin-b]
    at: "17:00"
    zones: [ap-1]
`;

export interface Station {
  dir: string;
  file: string;
  cleanup: () => void;
}

/** A temp station folder with the schedule text and the media BASE refers to. */
export function station(text: string, name = 'schedule.yaml'): Station {
  const { dir, cleanup } = tempDir('loaxa-schedule-');
  mkdirSync(join(dir, 'media'));
  for (const f of ['cho.mp3', 'a.mp3', 'b.mp3']) copyFileSync(MEDIA, join(dir, 'media', f));
  const file = join(dir, name);
  writeFileSync(file, text);
  return { dir, file, cleanup };
}

/** Check schedule text in a fresh station folder; diagnostics rendered in English with the file shown as `s.yaml`. */
export async function check(text: string, opts: LoadOptions = {}) {
  const s = station(text);
  try {
    const result = await checkScheduleFile(s.file, { displayName: 's.yaml', today: '2026-11-23', ...opts });
    const rendered = result.diagnostics.map((d) => renderDiagnostic(d, 'en'));
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    const warnings = result.diagnostics.filter((d) => d.severity === 'warning');
    return { ...result, rendered, errors, warnings, dir: s.dir };
  } finally {
    s.cleanup();
  }
}

/** The 1-based line in `text` where `needle` first appears. */
export function lineOf(text: string, needle: string): number {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not in text: ${needle}`);
  return text.slice(0, i).split('\n').length;
}

export function keys(diags: Diagnostic[]): string[] {
  return diags.map((d) => d.key);
}

/** `line:col` (1-based) where `needle` first appears in `text`. */
export function posOf(text: string, needle: string): string {
  const i = text.indexOf(needle);
  if (i < 0) throw new Error(`not in text: ${needle}`);
  const before = text.slice(0, i).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
