/**
 * Loading a schedule file: size limit, YAML with positions, alias-bomb guard, the model,
 * and the checks that need the whole model (zone conflicts over the coming year).
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { EXIT, LoaxaError, hasMessage } from '../i18n/index.js';
import { renderDiagnostic, type Diagnostic } from './diagnostics.js';
import { Reporter, type YNode } from './nodes.js';
import { buildModel, setCronValidator, type ModelPositions } from './model.js';
import { expandLocal, type LocalAiring } from './expand.js';
import { addDays, formatTimeOfDay, machineToday } from './time.js';
import type { Schedule } from './types.js';

export const MAX_FILE_BYTES = 1024 * 1024;
/** Aliases a schedule may use; a handful is normal, thousands is an expansion attack. */
export const MAX_ALIAS_COUNT = 100;

export interface LoadOptions {
  /** How the file is named in diagnostics (default: as given). */
  displayName?: string;
  /** Check that media files exist (default true). */
  checkMedia?: boolean;
  /** Local date the "coming year" checks start from (default: today at the station). */
  today?: string;
}

export interface CheckResult {
  schedule?: Schedule;
  /** Errors and warnings, in file order. */
  diagnostics: Diagnostic[];
}

function ioError(file: string, e: unknown): LoaxaError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new LoaxaError('cli.file.missing', { file }, EXIT.INVALID);
  return new LoaxaError('cli.file.unreadable', { file, reason: code ?? String(e) }, EXIT.INVALID);
}

/**
 * Read and check a schedule file, returning every diagnostic. Throws LoaxaError only when
 * the file cannot be read at all.
 */
export async function checkScheduleFile(file: string, opts: LoadOptions = {}): Promise<CheckResult> {
  const display = opts.displayName ?? file;
  const abs = resolvePath(file);
  let size: number;
  try {
    const st = statSync(abs);
    if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    size = st.size;
  } catch (e) {
    throw ioError(display, e);
  }
  if (size > MAX_FILE_BYTES) {
    return { diagnostics: [{ severity: 'error', file: display, line: 1, col: 1, key: 'schedule.file.tooBig', params: { size, max: MAX_FILE_BYTES } }] };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    throw ioError(display, e);
  }
  return checkScheduleText(bytes.toString('utf8'), { ...opts, file: abs, displayName: display, sha256: createHash('sha256').update(bytes).digest('hex') });
}

/** Check schedule text as if read from `file` (its folder is the station folder). */
export async function checkScheduleText(
  text: string,
  opts: LoadOptions & { file: string; sha256?: string },
): Promise<CheckResult> {
  const abs = resolvePath(opts.file);
  const display = opts.displayName ?? opts.file;
  if (Buffer.byteLength(text) > MAX_FILE_BYTES) {
    return { diagnostics: [{ severity: 'error', file: display, line: 1, col: 1, key: 'schedule.file.tooBig', params: { size: Buffer.byteLength(text), max: MAX_FILE_BYTES } }] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: true });
  const r = new Reporter(display, lines, doc as Document);

  for (const e of doc.errors) {
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^("[^"]*"|'[^']*'|[^:\s,{}[\]]+)/.exec(text.slice(e.pos[0]))?.[1]?.replace(/^["']|["']$/g, '') ?? '?';
      r.error(e.pos[0], 'schedule.yaml.duplicateKey', { key });
    } else {
      // The parser's own messages are English: name the problem from its code instead.
      const key = `schedule.yaml.${e.code}`;
      r.error(e.pos[0], hasMessage(key) ? key : 'schedule.yaml.syntax', { code: e.code });
    }
  }
  for (const w of doc.warnings) r.warn(w.pos[0], 'schedule.yaml.warning', { code: w.code });

  // Alias bombs: count alias uses first; resolving them is what explodes.
  let aliases = 0;
  let firstAlias: number | undefined;
  let unresolved = false;
  visit(doc, {
    Alias(_key, node) {
      aliases++;
      firstAlias ??= node.range?.[0];
      if (!node.resolve(doc)) {
        r.error(node.range?.[0] ?? 0, 'schedule.yaml.unknownAlias', { name: node.source });
        unresolved = true;
      }
    },
  });
  if (aliases > MAX_ALIAS_COUNT) {
    r.error(firstAlias ?? 0, 'schedule.yaml.aliasBomb', { count: aliases, max: MAX_ALIAS_COUNT });
    return { diagnostics: sorted(r.diagnostics) };
  }
  if (aliases > 0 && !unresolved) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch {
      r.error(firstAlias ?? 0, 'schedule.yaml.aliasBomb', { count: aliases, max: MAX_ALIAS_COUNT });
      return { diagnostics: sorted(r.diagnostics) };
    }
  }
  // A document the parser could not read is reported as such, without a cascade of model errors.
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY') || unresolved) return { diagnostics: sorted(r.diagnostics) };

  // node-cron only when the file uses cron days: validate should not pay for it otherwise.
  if (/\bcron\b/.test(text)) {
    const cron = await import('node-cron');
    setCronValidator((expr) => cron.validateDetailed(expr));
  }

  const dir = dirname(abs);
  const built = buildModel(r, doc.contents as YNode, { dir, checkMedia: opts.checkMedia !== false });
  if (r.errorCount > 0) return { diagnostics: sorted(r.diagnostics) };

  const schedule: Schedule = {
    file: abs,
    dir,
    sha256: opts.sha256 ?? (await import('node:crypto')).createHash('sha256').update(text).digest('hex'),
    ...built.schedule,
  };
  checkConflicts(r, schedule, built.positions, opts.today ?? machineToday());
  const diagnostics = sorted(r.diagnostics);
  if (r.errorCount > 0) return { diagnostics };
  schedule.warnings = diagnostics.filter((d) => d.severity === 'warning');
  return { schedule, diagnostics };
}

function sorted(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.line - b.line || a.col - b.col);
}

/** The local dates over which whole-schedule checks run: the coming year, widened to reach programs that start later. */
export function checkPeriod(schedule: Schedule, today: string): { from: string; to: string } {
  let to = addDays(today, 365);
  const limit = addDays(today, 3 * 366);
  for (const p of schedule.programs) {
    if (p.from && p.from > today) {
      const end = addDays(p.from, 365);
      if (end > to) to = end < limit ? end : limit;
    }
  }
  return { from: today, to };
}

/**
 * Two programs on one zone at the same time: an error when either is required (a required
 * relay must never be silently cut), else a warning (on_conflict decides at run time).
 * Reported once per pair of programs, naming the first date.
 */
function checkConflicts(r: Reporter, schedule: Schedule, positions: ModelPositions, today: string): void {
  const { from, to } = checkPeriod(schedule, today);
  const { airings } = expandLocal(schedule, from, to);
  const byZone = new Map<string, LocalAiring[]>();
  for (const a of airings) for (const z of a.program.zones) (byZone.get(z) ?? byZone.set(z, []).get(z)!).push(a);
  const reported = new Map<string, { a: LocalAiring; b: LocalAiring; zone: string }>();
  for (const [zone, list] of byZone) {
    let open: LocalAiring[] = [];
    for (const s of list) {
      open = open.filter((o) => o.endMs > s.startMs);
      for (const o of open) {
        if (o.program.id === s.program.id) continue;
        const pair = [o.program.id, s.program.id].sort().join('\u0000');
        const seen = reported.get(pair);
        if (!seen || s.startMs < seen.b.startMs) reported.set(pair, { a: o, b: s, zone });
      }
      open.push(s);
    }
  }
  for (const { a, b, zone } of reported.values()) {
    const time = formatTimeOfDay(Math.floor((b.startMs - b.day * 86_400_000) / 1000)).slice(0, 5);
    const params = { a: a.program.id, b: b.program.id, zone, date: b.date, time };
    const node = positions.programs.get(b.program.id);
    if (a.program.required || b.program.required) r.error(node, 'schedule.conflict.required', params);
    else r.warn(node, 'schedule.conflict.warning', params);
  }
}

/**
 * Load a schedule, or throw a LoaxaError (exit 1) listing every error (and warning) as
 * `file:line:col: message`.
 */
export async function loadSchedule(file: string, opts: LoadOptions = {}): Promise<Schedule> {
  const result = await checkScheduleFile(file, opts);
  if (!result.schedule) throw invalidScheduleError(opts.displayName ?? file, result.diagnostics);
  return result.schedule;
}

export function invalidScheduleError(file: string, diagnostics: Diagnostic[]): LoaxaError {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return new LoaxaError('schedule.invalid', { file, count: errors }, EXIT.INVALID, diagnostics.map((d) => renderDiagnostic(d)));
}

