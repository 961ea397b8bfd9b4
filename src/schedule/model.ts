/**
 * The schedule model: turns the YAML tree into a typed Schedule, checking every rule and
 * reporting every problem (not only the first) with its position.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve as resolvePath, sep } from 'node:path';
import { isMap, isScalar, isSeq } from 'yaml';
import type {
  Amplifier,
  BoardDriver,
  Bulletin,
  DaysRule,
  ExceptionRule,
  Insert,
  InsertMode,
  Output,
  Policy,
  Priority,
  Program,
  RelayBoard,
  Schedule,
  Source,
  Station,
  Weekday,
  Zone,
} from './types.js';
import { Reporter, rememberPosition, isEmpty, readBool, readEnum, readInt, readList, readMap, readText, scalarValue, type Entry, type YNode } from './nodes.js';
import { formatDuration, isValidDate, isValidTimezone, parseDurationOrNull, parseTimeOfDay } from './time.js';
import { compileCron, WEEKDAYS } from './days.js';
import { holidayNames, isHolidayName } from './holidays.js';
import { closest } from './diagnostics.js';
import { hasMessage } from '../i18n/index.js';

export const TOP_KEYS = ['station', 'sources', 'relays', 'amplifier', 'zones', 'output', 'bulletins', 'programs', 'exceptions', 'policies', 'journal', 'keys'] as const;
export const STATION_KEYS = ['id', 'name', 'district', 'province', 'timezone'] as const;
export const SOURCE_KEYS = ['title', 'url', 'device', 'fallback'] as const;
export const RELAY_KEYS = ['driver', 'port', 'baud', 'address'] as const;
export const AMPLIFIER_KEYS = ['relay', 'channel', 'warmup', 'cooldown'] as const;
export const ZONE_KEYS = ['relay', 'channel', 'name'] as const;
export const OUTPUT_KEYS = ['device', 'record', 'icecast'] as const;
export const BULLETIN_KEYS = ['title', 'file', 'text', 'language', 'approved_by', 'duration'] as const;
export const PROGRAM_KEYS = [
  'id', 'title', 'source', 'bulletins', 'at', 'duration', 'days', 'from', 'until', 'zones',
  'priority', 'required', 'inserts', 'repeat', 'gap', 'on_conflict',
] as const;
export const INSERT_KEYS = ['bulletin', 'at', 'after', 'mode'] as const;
export const EXCEPTION_KEYS = ['date', 'from', 'to', 'holiday', 'skip', 'reason'] as const;
export const POLICY_KEYS = ['name', 'bulletins', 'min_per_day', 'max_sessions_per_day', 'max_session_minutes', 'weekdays_only'] as const;

export const DRIVERS: readonly BoardDriver[] = ['modbus-rtu', 'lcus', 'numato'];
export const PRIORITIES: readonly Priority[] = ['normal', 'priority', 'emergency'];
export const INSERT_MODES: readonly InsertMode[] = ['duck', 'insert'];
export const DEFAULT_TIMEZONE = 'Asia/Ho_Chi_Minh';
const MAX_DURATION_MS = 24 * 3600 * 1000;
const DEFAULT_GAP_MS = 30_000;
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ALLOWED_PROTOCOLS = ['http:', 'https:'];

export interface ModelContext {
  /** Absolute station folder (the schedule file's folder). */
  dir: string;
  /** Check that media files exist (on by default). */
  checkMedia: boolean;
}

/** Positions of things defined in the file, for later checks (conflicts) to point at. */
export interface ModelPositions {
  programs: Map<string, YNode>;
}

type Partial2<T> = { -readonly [K in keyof T]?: T[K] };

function get(map: Map<string, Entry> | null, key: string): YNode {
  return map?.get(key)?.value;
}

function has(map: Map<string, Entry> | null, key: string): boolean {
  return map?.has(key) === true;
}

function readId(r: Reporter, node: YNode, kind: string): string | undefined {
  const v = scalarValue(node);
  const id = typeof v === 'number' ? String(v) : v;
  if (typeof id !== 'string' || !ID_RE.test(id)) {
    r.error(node, 'schedule.id.invalid', { id: String(id ?? ''), kind });
    return undefined;
  }
  return id;
}

function readDuration(r: Reporter, node: YNode, name: string, opts: { allowZero?: boolean } = {}): number | undefined {
  const v = scalarValue(node);
  if (typeof v !== 'string') {
    r.error(node, 'schedule.duration.invalid', { key: name, value: String(v ?? '') });
    return undefined;
  }
  const ms = parseDurationOrNull(v);
  if (ms === null) {
    r.error(node, 'schedule.duration.invalid', { key: name, value: v });
    return undefined;
  }
  if (ms === 0 && !opts.allowZero) {
    r.error(node, 'schedule.duration.zero', { key: name, value: v });
    return undefined;
  }
  if (ms > MAX_DURATION_MS) {
    r.error(node, 'schedule.duration.tooLong', { key: name, value: v });
    return undefined;
  }
  return ms;
}

function readTime(r: Reporter, node: YNode, name: string): number | undefined {
  const v = scalarValue(node);
  const s = typeof v === 'string' ? parseTimeOfDay(v) : null;
  if (s === null) {
    r.error(node, 'schedule.time.invalid', { key: name, value: String(v ?? '') });
    return undefined;
  }
  return s;
}

function readDate(r: Reporter, node: YNode, name: string): string | undefined {
  const v = scalarValue(node);
  if (typeof v === 'string' && isValidDate(v)) return v;
  r.error(node, 'schedule.date.invalid', { key: name, value: String(v ?? '') });
  return undefined;
}

/**
 * A media path inside the station folder: relative paths resolve there; `..`, absolute
 * paths elsewhere and symlinks pointing out are refused, missing files reported.
 */
function readMediaPath(r: Reporter, ctx: ModelContext, node: YNode, name: string): string | undefined {
  const raw = readText(r, node, name);
  if (raw === undefined) return undefined;
  const full = resolvePath(ctx.dir, raw);
  const inside = (root: string, p: string) => {
    const rel = relative(root, p);
    return rel !== '' && !rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel);
  };
  if (!inside(ctx.dir, full)) {
    r.error(node, 'schedule.media.escapes', { path: raw, dir: ctx.dir });
    return undefined;
  }
  if (!ctx.checkMedia) return full;
  if (!existsSync(full)) {
    r.error(node, 'schedule.media.missing', { path: raw });
    return full;
  }
  let real: string;
  try {
    real = realpathSync(full);
  } catch {
    r.error(node, 'schedule.media.missing', { path: raw });
    return full;
  }
  let realDir = ctx.dir;
  try {
    realDir = realpathSync(ctx.dir);
  } catch {
    /* the folder itself is checked by reading the schedule file */
  }
  if (!inside(realDir, real)) {
    r.error(node, 'schedule.media.escapes', { path: raw, dir: ctx.dir });
    return undefined;
  }
  if (!statSync(real).isFile()) {
    r.error(node, 'schedule.media.notFile', { path: raw });
    return undefined;
  }
  return full;
}

/** Only http/https reach ffmpeg; anything else (file:, concat:, subfile:, data:, pipe:…) is refused. */
function readSourceUrl(r: Reporter, node: YNode): string | undefined {
  const raw = readText(r, node, 'url');
  if (raw === undefined) return undefined;
  const protocol = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (!protocol) {
    r.error(node, 'schedule.source.urlInvalid', { url: raw });
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.includes(protocol + ':')) {
    r.error(node, 'schedule.source.protocol', { url: raw, protocol });
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    r.error(node, 'schedule.source.urlInvalid', { url: raw });
    return undefined;
  }
  // ffmpeg reads `|` and whitespace specially in some protocols; a feed URL never needs them raw.
  if (!parsed.hostname || /[\s|]/.test(raw)) {
    r.error(node, 'schedule.source.urlInvalid', { url: raw });
    return undefined;
  }
  return raw;
}

function readStation(r: Reporter, node: YNode, at: YNode): Station {
  const m = readMap(r, node, 'station', STATION_KEYS, at);
  const station: Station = { id: 'station', name: 'station', timezone: DEFAULT_TIMEZONE };
  if (!m) return station;
  if (!has(m, 'id')) r.error(node, 'schedule.key.missing', { key: 'id', where: 'station' });
  else station.id = readId(r, get(m, 'id'), 'station') ?? station.id;
  if (!has(m, 'name')) r.error(node, 'schedule.key.missing', { key: 'name', where: 'station' });
  else station.name = readText(r, get(m, 'name'), 'name') ?? station.name;
  if (has(m, 'district')) station.district = readText(r, get(m, 'district'), 'district');
  if (has(m, 'province')) station.province = readText(r, get(m, 'province'), 'province');
  if (has(m, 'timezone')) {
    const tz = readText(r, get(m, 'timezone'), 'timezone');
    // The default zone needs no check; asking Intl about a zone costs validate ~20 ms of ICU start-up.
    if (tz !== undefined && tz !== DEFAULT_TIMEZONE && !isValidTimezone(tz)) r.error(get(m, 'timezone'), 'schedule.timezone.invalid', { value: tz });
    else if (tz !== undefined) station.timezone = tz;
  }
  return station;
}

/** A `name: { … }` section whose keys are ids. */
function readIdMap(r: Reporter, node: YNode, name: string, at: YNode): Array<{ id: string; idNode: YNode; value: YNode }> {
  if (isEmpty(node)) return [];
  const m = readMap(r, node, name, null, at);
  if (!m) return [];
  const out: Array<{ id: string; idNode: YNode; value: YNode }> = [];
  for (const e of m.values()) {
    const id = readId(r, e.keyNode, name);
    if (id !== undefined) out.push({ id, idNode: e.keyNode, value: e.value });
  }
  return out;
}

function refError(r: Reporter, node: YNode, key: string, id: string, known: Iterable<string>): void {
  r.error(node, key, { id }, closest(id, known));
}

export interface BuiltModel {
  schedule: Omit<Schedule, 'file' | 'dir' | 'sha256'>;
  positions: ModelPositions;
}

/** Build the typed model from the document root; problems go to the reporter. */
export function buildModel(r: Reporter, root: YNode, ctx: ModelContext): BuiltModel {
  const positions: ModelPositions = { programs: new Map() };
  const top = readMap(r, root, 'schedule', TOP_KEYS, root);
  const rootNode = root;

  if (!has(top, 'station')) r.error(rootNode, 'schedule.key.missingTop', { key: 'station' });
  const station = has(top, 'station') ? readStation(r, get(top, 'station'), top?.get('station')?.keyNode) : { id: 'station', name: 'station', timezone: DEFAULT_TIMEZONE };

  // relays
  const relays: Record<string, RelayBoard> = {};
  for (const { id, value } of readIdMap(r, get(top, 'relays'), 'relays', top?.get('relays')?.keyNode)) {
    const m = readMap(r, value, `relays.${id}`, RELAY_KEYS);
    if (!m) continue;
    const board: Partial2<RelayBoard> = { id, baud: 9600, address: 1 };
    if (!has(m, 'driver')) r.error(value, 'schedule.key.missing', { key: 'driver', where: `relays.${id}` });
    else board.driver = readEnum(r, get(m, 'driver'), 'driver', DRIVERS);
    if (!has(m, 'port')) r.error(value, 'schedule.key.missing', { key: 'port', where: `relays.${id}` });
    else board.port = readText(r, get(m, 'port'), 'port');
    if (has(m, 'baud')) board.baud = readInt(r, get(m, 'baud'), 'baud', 300, 921600);
    if (has(m, 'address')) board.address = readInt(r, get(m, 'address'), 'address', 0, 255);
    if (board.driver && board.port && board.baud !== undefined && board.address !== undefined) relays[id] = board as RelayBoard;
  }
  const relayIds = Object.keys(relays);
  const knownRelay = (id: string) => id in relays;
  // Boards that failed their own checks still count as defined, so references to them are not double-reported.
  const definedRelays = new Set(readIdMapIds(top, 'relays'));

  const readRelayRef = (node: YNode): string | undefined => {
    const id = readText(r, node, 'relay');
    if (id === undefined) return undefined;
    if (!knownRelay(id) && !definedRelays.has(id)) {
      refError(r, node, 'schedule.ref.relay', id, relayIds);
      return undefined;
    }
    return id;
  };

  // amplifier
  let amplifier: Amplifier | undefined;
  if (has(top, 'amplifier') && !isEmpty(get(top, 'amplifier'))) {
    const node = get(top, 'amplifier');
    const m = readMap(r, node, 'amplifier', AMPLIFIER_KEYS);
    if (m) {
      const a: Partial2<Amplifier> = { warmupMs: 0, cooldownMs: 0 };
      if (!has(m, 'relay')) r.error(node, 'schedule.key.missing', { key: 'relay', where: 'amplifier' });
      else a.relay = readRelayRef(get(m, 'relay'));
      if (!has(m, 'channel')) r.error(node, 'schedule.key.missing', { key: 'channel', where: 'amplifier' });
      else a.channel = readInt(r, get(m, 'channel'), 'channel', 1, 256);
      if (has(m, 'warmup')) a.warmupMs = readDuration(r, get(m, 'warmup'), 'warmup', { allowZero: true });
      if (has(m, 'cooldown')) a.cooldownMs = readDuration(r, get(m, 'cooldown'), 'cooldown', { allowZero: true });
      if (a.relay && a.channel && a.warmupMs !== undefined && a.cooldownMs !== undefined) amplifier = a as Amplifier;
    }
  }

  // zones
  const zones: Record<string, Zone> = {};
  const channelsInUse = new Map<string, string>();
  if (amplifier) channelsInUse.set(`${amplifier.relay}#${amplifier.channel}`, 'amplifier');
  for (const { id, value } of readIdMap(r, get(top, 'zones'), 'zones', top?.get('zones')?.keyNode)) {
    const m = readMap(r, value, `zones.${id}`, ZONE_KEYS);
    if (!m) continue;
    const z: Partial2<Zone> = { id, name: id };
    if (!has(m, 'relay')) r.error(value, 'schedule.key.missing', { key: 'relay', where: `zones.${id}` });
    else z.relay = readRelayRef(get(m, 'relay'));
    if (!has(m, 'channel')) r.error(value, 'schedule.key.missing', { key: 'channel', where: `zones.${id}` });
    else z.channel = readInt(r, get(m, 'channel'), 'channel', 1, 256);
    if (has(m, 'name')) z.name = readText(r, get(m, 'name'), 'name') ?? id;
    if (z.relay && z.channel) {
      const slot = `${z.relay}#${z.channel}`;
      const user = channelsInUse.get(slot);
      if (user) r.error(get(m, 'channel'), 'schedule.zone.channelTaken', { zone: id, relay: z.relay, channel: z.channel, other: user });
      else channelsInUse.set(slot, id);
      zones[id] = z as Zone;
    }
  }
  const definedZones = new Set(readIdMapIds(top, 'zones'));

  // sources
  const sources: Record<string, Source> = {};
  for (const { id, value } of readIdMap(r, get(top, 'sources'), 'sources', top?.get('sources')?.keyNode)) {
    const m = readMap(r, value, `sources.${id}`, SOURCE_KEYS);
    if (!m) continue;
    const s: Source = { id };
    if (has(m, 'title')) s.title = readText(r, get(m, 'title'), 'title');
    if (has(m, 'url') === has(m, 'device')) r.error(value, 'schedule.source.urlOrDevice', { id });
    if (has(m, 'url')) s.url = readSourceUrl(r, get(m, 'url'));
    if (has(m, 'device')) {
      const d = readText(r, get(m, 'device'), 'device');
      if (d !== undefined && !/^alsa:\S+$/.test(d)) r.error(get(m, 'device'), 'schedule.source.device', { value: d });
      else s.device = d;
    }
    if (has(m, 'fallback')) s.fallback = readMediaPath(r, ctx, get(m, 'fallback'), 'fallback');
    sources[id] = s;
  }

  // output
  const output: Output = {};
  if (has(top, 'output') && !isEmpty(get(top, 'output'))) {
    const m = readMap(r, get(top, 'output'), 'output', OUTPUT_KEYS);
    if (m) {
      if (has(m, 'device')) {
        const d = readText(r, get(m, 'device'), 'device');
        if (d !== undefined && !/^alsa:\S+$/.test(d)) r.error(get(m, 'device'), 'schedule.source.device', { value: d });
        else output.device = d;
      }
      if (has(m, 'record')) {
        const rec = readText(r, get(m, 'record'), 'record');
        if (rec !== undefined) output.recordDir = resolvePath(ctx.dir, rec);
      }
      if (has(m, 'icecast')) {
        const ice = readText(r, get(m, 'icecast'), 'icecast');
        if (ice !== undefined && !/^icecast:\/\/[^\s/]+\/\S+$/.test(ice)) r.error(get(m, 'icecast'), 'schedule.output.icecast', { value: ice });
        else output.icecast = ice;
      }
    }
  }

  // bulletins
  const bulletins: Record<string, Bulletin> = {};
  for (const { id, value } of readIdMap(r, get(top, 'bulletins'), 'bulletins', top?.get('bulletins')?.keyNode)) {
    const m = readMap(r, value, `bulletins.${id}`, BULLETIN_KEYS);
    if (!m) continue;
    const b: Partial2<Bulletin> = { id };
    if (has(m, 'title')) b.title = readText(r, get(m, 'title'), 'title');
    if (has(m, 'file') === has(m, 'text')) r.error(value, 'schedule.bulletin.fileOrText', { id });
    if (has(m, 'file')) b.file = readMediaPath(r, ctx, get(m, 'file'), 'file');
    if (has(m, 'text')) b.text = readText(r, get(m, 'text'), 'text');
    if (!has(m, 'language')) r.error(value, 'schedule.key.missing', { key: 'language', where: `bulletins.${id}` });
    else {
      const lang = readText(r, get(m, 'language'), 'language');
      if (lang !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]+)*$/.test(lang)) r.error(get(m, 'language'), 'schedule.bulletin.language', { value: lang });
      else b.language = lang;
    }
    if (!has(m, 'approved_by') || isEmpty(get(m, 'approved_by'))) r.error(value, 'schedule.bulletin.unapproved', { id });
    else b.approvedBy = readText(r, get(m, 'approved_by'), 'approved_by');
    if (has(m, 'duration')) b.durationMs = readDuration(r, get(m, 'duration'), 'duration');
    // Kept even when incomplete so references to it are not reported twice.
    bulletins[id] = { language: 'vi', approvedBy: '', ...b } as Bulletin;
  }
  const bulletinIds = Object.keys(bulletins);

  // programs
  const programs: Program[] = [];
  const programLines = new Map<string, number>();
  const programsNode = get(top, 'programs');
  if (!has(top, 'programs')) r.error(rootNode, 'schedule.key.missingTop', { key: 'programs' });
  const programItems = has(top, 'programs') && !isEmpty(programsNode) ? (readList(r, programsNode, 'programs') ?? []) : [];
  for (const [index, node] of programItems.entries()) {
    const where = `programs[${index + 1}]`;
    const m = readMap(r, node, where, PROGRAM_KEYS);
    if (!m) continue;
    let id: string | undefined;
    if (!has(m, 'id')) r.error(node, 'schedule.key.missing', { key: 'id', where });
    else {
      id = readId(r, get(m, 'id'), 'programs');
      if (id !== undefined && programLines.has(id)) {
        r.error(get(m, 'id'), 'schedule.id.duplicate', { id, line: programLines.get(id)! });
        id = undefined;
      } else if (id !== undefined) {
        programLines.set(id, r.line(get(m, 'id')));
        positions.programs.set(id, node);
      }
    }
    const label = id ?? where;
    const p = readProgram(r, ctx, m, node, label, { sources, bulletins, bulletinIds, zones, definedZones });
    if (id !== undefined && p) {
      const program = { ...p, id };
      rememberPosition(r, program, node);
      programs.push(program);
    }
  }

  // exceptions
  const exceptions: ExceptionRule[] = [];
  const exceptionItems = has(top, 'exceptions') && !isEmpty(get(top, 'exceptions')) ? (readList(r, get(top, 'exceptions'), 'exceptions') ?? []) : [];
  const knownPrograms = [...programLines.keys()];
  for (const [index, node] of exceptionItems.entries()) {
    const ex = readException(r, node, `exceptions[${index + 1}]`, knownPrograms);
    if (ex) exceptions.push(ex);
  }

  // policies
  const policies: Policy[] = [];
  const policyItems = has(top, 'policies') && !isEmpty(get(top, 'policies')) ? (readList(r, get(top, 'policies'), 'policies') ?? []) : [];
  for (const [index, node] of policyItems.entries()) {
    const pol = readPolicy(r, node, `policies[${index + 1}]`, bulletinIds);
    if (pol) {
      rememberPosition(r, pol, node);
      policies.push(pol);
    }
  }

  let journalPath = resolvePath(ctx.dir, 'journal.db');
  let keysDir = resolvePath(ctx.dir, 'keys');
  if (has(top, 'journal')) {
    const j = readText(r, get(top, 'journal'), 'journal');
    if (j !== undefined) journalPath = resolvePath(ctx.dir, j);
  }
  if (has(top, 'keys')) {
    const k = readText(r, get(top, 'keys'), 'keys');
    if (k !== undefined) keysDir = resolvePath(ctx.dir, k);
  }

  return {
    schedule: { station, sources, relays, ...(amplifier ? { amplifier } : {}), zones, output, bulletins, programs, exceptions, policies, journalPath, keysDir },
    positions,
  };
}

function readIdMapIds(top: Map<string, Entry> | null, key: string): string[] {
  const node = get(top, key);
  if (!node || !isMap(node)) return [];
  return node.items.map((p) => (isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
}

interface ProgramRefs {
  sources: Record<string, Source>;
  bulletins: Record<string, Bulletin>;
  bulletinIds: string[];
  zones: Record<string, Zone>;
  definedZones: Set<string>;
}

function readDays(r: Reporter, node: YNode): { rule?: DaysRule; cronAt?: number } {
  const v = scalarValue(node);
  if (v === 'daily' || v === 'weekdays' || v === 'weekends') return { rule: { kind: v } };
  if (node && isSeq(node)) {
    const days: Weekday[] = [];
    let ok = true;
    for (const item of node.items) {
      const d = scalarValue(item as YNode);
      if (typeof d === 'string' && (WEEKDAYS as string[]).includes(d.toLowerCase())) {
        if (!days.includes(d.toLowerCase() as Weekday)) days.push(d.toLowerCase() as Weekday);
      } else {
        ok = false;
        r.error(item as YNode, 'schedule.days.weekday', { value: String(d ?? '') }, typeof d === 'string' ? closest(d, WEEKDAYS) : undefined);
      }
    }
    if (ok && days.length === 0) {
      r.error(node, 'schedule.days.invalid');
      ok = false;
    }
    return ok ? { rule: { kind: 'list', days } } : {};
  }
  if (node && isMap(node)) {
    const m = readMap(r, node, 'days', ['cron']);
    if (!m) return {};
    if (!has(m, 'cron')) {
      r.error(node, 'schedule.days.invalid');
      return {};
    }
    const exprNode = get(m, 'cron');
    const expr = readText(r, exprNode, 'cron');
    if (expr === undefined) return {};
    const check = cronCheck(expr);
    if (!check.valid) {
      const bad = check.field ? `schedule.cron.bad.${check.field}` : '';
      if (bad && hasMessage(bad)) r.error(exprNode, bad, { expr, value: check.value ?? '' });
      else r.error(exprNode, 'schedule.cron.invalid', { expr });
      return {};
    }
    const compiled = compileCron(expr);
    if (!compiled) {
      r.error(exprNode, 'schedule.cron.unsupported', { expr });
      return {};
    }
    const single = compiled.seconds.length === 1 && compiled.minutes.length === 1 && compiled.hours.length === 1;
    return { rule: { kind: 'cron', expr }, ...(single ? { cronAt: compiled.hours[0]! * 3600 + compiled.minutes[0]! * 60 + compiled.seconds[0]! } : {}) };
  }
  r.error(node, 'schedule.days.invalid', {}, typeof v === 'string' ? closest(v, ['daily', 'weekdays', 'weekends']) : undefined);
  return {};
}

/** node-cron's own validation, loaded by the loader before the model is built. */
type CronValidator = (expr: string) => { valid: boolean; errors: Array<{ field: string; value?: string }> };
let cronValidator: CronValidator | null = null;
export function setCronValidator(fn: CronValidator | null): void {
  cronValidator = fn;
}
/** Valid, or the first field node-cron objects to (its own messages are English only). */
function cronCheck(expr: string): { valid: boolean; field?: string; value?: string } {
  if (!cronValidator) return { valid: compileCron(expr) !== null };
  const v = cronValidator(expr);
  const first = v.errors[0];
  return v.valid ? { valid: true } : { valid: false, ...(first ? { field: first.field, ...(first.value !== undefined ? { value: String(first.value) } : {}) } : {}) };
}

function readProgram(
  r: Reporter,
  ctx: ModelContext,
  m: Map<string, Entry>,
  node: YNode,
  label: string,
  refs: ProgramRefs,
): Omit<Program, 'id'> | null {
  void ctx;
  let ok = true;
  const fail = () => {
    ok = false;
    return undefined;
  };
  const title = has(m, 'title') ? (readText(r, get(m, 'title'), 'title') ?? label) : label;

  let source: string | undefined;
  let bulletinList: string[] | undefined;
  if (has(m, 'source') === has(m, 'bulletins')) {
    r.error(node, 'schedule.program.sourceOrBulletins', { id: label });
    ok = false;
  }
  if (has(m, 'source')) {
    const s = readText(r, get(m, 'source'), 'source');
    if (s === undefined) fail();
    else if (!(s in refs.sources)) {
      refError(r, get(m, 'source'), 'schedule.ref.source', s, Object.keys(refs.sources));
      fail();
    } else source = s;
  }
  if (has(m, 'bulletins')) {
    const items = readList(r, get(m, 'bulletins'), 'bulletins');
    if (!items || items.length === 0) {
      if (items) r.error(get(m, 'bulletins'), 'schedule.program.noBulletins', { id: label });
      fail();
    } else {
      bulletinList = [];
      for (const item of items) {
        const b = readText(r, item, 'bulletins');
        if (b === undefined) fail();
        else if (!(b in refs.bulletins)) {
          refError(r, item, 'schedule.ref.bulletin', b, refs.bulletinIds);
          fail();
        } else bulletinList.push(b);
      }
    }
  }

  let days: DaysRule = { kind: 'daily' };
  let cronAt: number | undefined;
  let cronGiven = false;
  if (has(m, 'days')) {
    const d = readDays(r, get(m, 'days'));
    if (!d.rule) fail();
    else {
      days = d.rule;
      cronAt = d.cronAt;
      cronGiven = d.rule.kind === 'cron';
    }
  }

  let at: number | undefined;
  if (has(m, 'at')) at = readTime(r, get(m, 'at'), 'at') ?? fail();
  else if (cronAt !== undefined) at = cronAt;
  else if (cronGiven) {
    r.error(get(m, 'days'), 'schedule.cron.manyTimes', { expr: days.kind === 'cron' ? days.expr : '' });
    fail();
  } else if (ok || !has(m, 'days')) {
    r.error(node, 'schedule.key.missing', { key: 'at', where: label });
    fail();
  }

  let durationMs: number | undefined;
  if (has(m, 'duration')) durationMs = readDuration(r, get(m, 'duration'), 'duration') ?? fail();

  let from: string | undefined;
  let until: string | undefined;
  if (has(m, 'from')) from = readDate(r, get(m, 'from'), 'from') ?? fail();
  if (has(m, 'until')) until = readDate(r, get(m, 'until'), 'until') ?? fail();
  if (from && until && from > until) {
    r.error(get(m, 'until'), 'schedule.date.reversed', { from, to: until });
    fail();
  }

  let zones: string[] = Object.keys(refs.zones);
  if (has(m, 'zones')) {
    const zn = get(m, 'zones');
    if (scalarValue(zn) === 'all') zones = Object.keys(refs.zones);
    else if (zn && isSeq(zn)) {
      zones = [];
      if (zn.items.length === 0) {
        r.error(zn, 'schedule.zones.empty');
        fail();
      }
      for (const item of zn.items) {
        const z = readText(r, item as YNode, 'zones');
        if (z === undefined) fail();
        else if (!(z in refs.zones)) {
          if (!refs.definedZones.has(z)) refError(r, item as YNode, 'schedule.ref.zone', z, Object.keys(refs.zones));
          fail();
        } else if (!zones.includes(z)) zones.push(z);
      }
    } else {
      r.error(zn, 'schedule.zones.empty');
      fail();
    }
  }
  if (zones.length === 0 && ok && refs.definedZones.size === 0) {
    r.error(node, 'schedule.zones.none', { id: label });
    fail();
  }

  const priority = has(m, 'priority') ? (readEnum(r, get(m, 'priority'), 'priority', PRIORITIES) ?? fail() ?? 'normal') : 'normal';
  const required = has(m, 'required') ? (readBool(r, get(m, 'required'), 'required') ?? fail() ?? false) : false;
  const repeat = has(m, 'repeat') ? (readInt(r, get(m, 'repeat'), 'repeat', 1, 10) ?? fail() ?? 1) : 1;
  const gapMs = has(m, 'gap') ? (readDuration(r, get(m, 'gap'), 'gap', { allowZero: true }) ?? fail() ?? DEFAULT_GAP_MS) : DEFAULT_GAP_MS;
  const onConflict = has(m, 'on_conflict') ? (readEnum(r, get(m, 'on_conflict'), 'on_conflict', ['queue', 'overwrite'] as const) ?? fail() ?? 'queue') : 'queue';

  // A bulletin-only program without a duration lasts as long as its bulletins, when declared.
  if (!has(m, 'duration')) {
    if (source !== undefined) {
      r.error(node, 'schedule.key.missing', { key: 'duration', where: label });
      fail();
    } else if (bulletinList) {
      const missing = bulletinList.find((b) => refs.bulletins[b]?.durationMs === undefined);
      if (missing) {
        r.error(get(m, 'bulletins'), 'schedule.program.needsDuration', { id: label, bulletin: missing });
        fail();
      } else durationMs = bulletinList.reduce((sum, b) => sum + refs.bulletins[b]!.durationMs!, 0);
    }
  }

  const inserts: Insert[] = [];
  if (has(m, 'inserts') && !isEmpty(get(m, 'inserts'))) {
    const items = readList(r, get(m, 'inserts'), 'inserts') ?? [];
    const seen: Array<{ insert: Insert; node: YNode }> = [];
    for (const [i, item] of items.entries()) {
      const im = readMap(r, item, `${label}.inserts[${i + 1}]`, INSERT_KEYS);
      if (!im) {
        fail();
        continue;
      }
      let bulletin: string | undefined;
      if (!has(im, 'bulletin')) r.error(item, 'schedule.key.missing', { key: 'bulletin', where: `${label}.inserts[${i + 1}]` });
      else {
        bulletin = readText(r, get(im, 'bulletin'), 'bulletin');
        if (bulletin !== undefined && !(bulletin in refs.bulletins)) {
          refError(r, get(im, 'bulletin'), 'schedule.ref.bulletin', bulletin, refs.bulletinIds);
          bulletin = undefined;
        }
      }
      const mode = has(im, 'mode') ? readEnum(r, get(im, 'mode'), 'mode', INSERT_MODES) : 'insert';
      if (has(im, 'at') === has(im, 'after')) {
        r.error(item, 'schedule.insert.atOrAfter', { bulletin: bulletin ?? '?' });
        fail();
        continue;
      }
      const atMs = has(im, 'at') ? readDuration(r, get(im, 'at'), 'at', { allowZero: true }) : undefined;
      const after = has(im, 'after') ? readText(r, get(im, 'after'), 'after') : undefined;
      if (bulletin === undefined || mode === undefined || (has(im, 'at') && atMs === undefined) || (has(im, 'after') && after === undefined)) {
        fail();
        continue;
      }
      const insert: Insert = { bulletin, mode, ...(atMs !== undefined ? { atMs } : {}), ...(after !== undefined ? { after } : {}) };
      inserts.push(insert);
      seen.push({ insert, node: item });
    }
    // `after` must name another insert of this program, without loops; offsets must fall inside the program.
    for (const { insert, node: item } of seen) {
      if (insert.after !== undefined && !seen.some((s) => s.insert !== insert && s.insert.bulletin === insert.after)) {
        r.error(item, 'schedule.insert.after', { after: insert.after, program: label }, closest(insert.after, seen.map((s) => s.insert.bulletin)));
        fail();
      }
    }
    if (ok) {
      const offsets = insertOffsets(inserts, refs.bulletins);
      if (!offsets) {
        r.error(get(m, 'inserts'), 'schedule.insert.cycle', { program: label });
        fail();
      } else if (durationMs !== undefined) {
        for (const [i, { insert, node: item }] of seen.entries()) {
          const { offsetMs, estimated } = offsets[i]!;
          const length = refs.bulletins[insert.bulletin]?.durationMs ?? 0;
          if (offsetMs >= durationMs || offsetMs + length > durationMs) {
            r.error(item, 'schedule.insert.outside', {
              bulletin: insert.bulletin,
              offset: formatDuration(offsetMs),
              end: formatDuration(offsetMs + length),
              program: label,
              duration: formatDuration(durationMs),
            });
            fail();
          } else if (estimated) {
            r.warn(item, 'schedule.insert.estimate', { bulletin: insert.bulletin, after: insert.after ?? '' });
          }
        }
      }
    }
  }

  if (!ok || at === undefined || durationMs === undefined) return null;
  return {
    title,
    ...(source !== undefined ? { source } : {}),
    ...(bulletinList !== undefined ? { bulletins: bulletinList } : {}),
    at,
    durationMs,
    days,
    ...(from !== undefined ? { from } : {}),
    ...(until !== undefined ? { until } : {}),
    zones,
    priority,
    required,
    inserts,
    repeat,
    gapMs,
    onConflict,
  };
}

/**
 * Offsets of a program's inserts from its start. An `after` insert starts when the one it
 * follows ends (its declared duration; without one the start is an estimate).
 * Null when `after` references loop.
 */
export function insertOffsets(inserts: Insert[], bulletins: Record<string, Bulletin>): Array<{ offsetMs: number; estimated: boolean }> | null {
  const result: Array<{ offsetMs: number; estimated: boolean } | undefined> = new Array(inserts.length);
  const visiting = new Set<number>();
  const solve = (i: number): { offsetMs: number; estimated: boolean } | null => {
    const done = result[i];
    if (done) return done;
    if (visiting.has(i)) return null;
    visiting.add(i);
    const ins = inserts[i]!;
    let value: { offsetMs: number; estimated: boolean } | null;
    if (ins.atMs !== undefined) value = { offsetMs: ins.atMs, estimated: false };
    else {
      const j = inserts.findIndex((o, k) => k !== i && o.bulletin === ins.after);
      const prev = j < 0 ? null : solve(j);
      if (!prev) value = j < 0 ? { offsetMs: 0, estimated: true } : null;
      else {
        const length = bulletins[inserts[j]!.bulletin]?.durationMs;
        value = { offsetMs: prev.offsetMs + (length ?? 0), estimated: prev.estimated || length === undefined };
      }
    }
    visiting.delete(i);
    if (value) result[i] = value;
    return value;
  };
  for (let i = 0; i < inserts.length; i++) if (!solve(i)) return null;
  return result as Array<{ offsetMs: number; estimated: boolean }>;
}

function readException(r: Reporter, node: YNode, where: string, programIds: string[]): ExceptionRule | null {
  const m = readMap(r, node, where, EXCEPTION_KEYS);
  if (!m) return null;
  const forms = [has(m, 'date'), has(m, 'from') || has(m, 'to'), has(m, 'holiday')].filter(Boolean).length;
  if (forms !== 1) {
    r.error(node, 'schedule.exception.form');
    return null;
  }
  let from: string | undefined;
  let to: string | undefined;
  let holiday: string | undefined;
  if (has(m, 'date')) from = to = readDate(r, get(m, 'date'), 'date');
  else if (has(m, 'holiday')) {
    holiday = readText(r, get(m, 'holiday'), 'holiday');
    if (holiday !== undefined && !isHolidayName(holiday)) {
      const names = holidayNames();
      r.error(get(m, 'holiday'), 'schedule.exception.holiday', { value: holiday, names: names.join(', ') }, closest(holiday, names));
      return null;
    }
    // A holiday recurs every year; from/to are left empty-and-reversed so a plain range test never matches.
    from = '9999-12-31';
    to = '0000-01-01';
  } else {
    if (!has(m, 'from') || !has(m, 'to')) {
      r.error(node, 'schedule.key.missing', { key: has(m, 'from') ? 'to' : 'from', where });
      return null;
    }
    from = readDate(r, get(m, 'from'), 'from');
    to = readDate(r, get(m, 'to'), 'to');
    if (from && to && from > to) {
      r.error(get(m, 'to'), 'schedule.date.reversed', { from, to });
      return null;
    }
  }
  let skip: 'all' | string[] = 'all';
  if (has(m, 'skip')) {
    const sn = get(m, 'skip');
    if (scalarValue(sn) === 'all') skip = 'all';
    else if (sn && isSeq(sn) && sn.items.length > 0) {
      skip = [];
      for (const item of sn.items) {
        const id = readText(r, item as YNode, 'skip');
        if (id === undefined) return null;
        if (!programIds.includes(id)) {
          refError(r, item as YNode, 'schedule.ref.program', id, programIds);
          return null;
        }
        skip.push(id);
      }
    } else {
      r.error(sn, 'schedule.exception.skip');
      return null;
    }
  }
  const reason = has(m, 'reason') ? readText(r, get(m, 'reason'), 'reason') : (holiday ?? '');
  if (from === undefined || to === undefined || reason === undefined) return null;
  return { from, to, ...(holiday !== undefined ? { holiday } : {}), skip, reason };
}

function readPolicy(r: Reporter, node: YNode, where: string, bulletinIds: string[]): Policy | null {
  const m = readMap(r, node, where, POLICY_KEYS);
  if (!m) return null;
  const p: Policy = {};
  let ok = true;
  if (has(m, 'name')) p.name = readText(r, get(m, 'name'), 'name');
  if (has(m, 'bulletins') !== has(m, 'min_per_day')) {
    r.error(node, 'schedule.policy.pair');
    ok = false;
  }
  if (has(m, 'bulletins')) {
    const pattern = readText(r, get(m, 'bulletins'), 'bulletins');
    if (pattern === undefined) ok = false;
    else {
      p.bulletins = pattern;
      if (!bulletinIds.some((id) => globMatch(pattern, id))) r.warn(get(m, 'bulletins'), 'schedule.policy.noMatch', { pattern });
    }
  }
  if (has(m, 'min_per_day')) {
    p.minPerDay = readInt(r, get(m, 'min_per_day'), 'min_per_day', 1, 100);
    if (p.minPerDay === undefined) ok = false;
  }
  if (has(m, 'max_sessions_per_day')) {
    p.maxSessionsPerDay = readInt(r, get(m, 'max_sessions_per_day'), 'max_sessions_per_day', 1, 100);
    if (p.maxSessionsPerDay === undefined) ok = false;
  }
  if (has(m, 'max_session_minutes')) {
    p.maxSessionMinutes = readInt(r, get(m, 'max_session_minutes'), 'max_session_minutes', 1, 1440);
    if (p.maxSessionMinutes === undefined) ok = false;
  }
  if (has(m, 'weekdays_only')) {
    p.weekdaysOnly = readBool(r, get(m, 'weekdays_only'), 'weekdays_only');
    if (p.weekdaysOnly === undefined) ok = false;
  }
  if (ok && p.bulletins === undefined && p.maxSessionsPerDay === undefined && p.maxSessionMinutes === undefined && p.weekdaysOnly === undefined) {
    r.error(node, 'schedule.policy.empty');
    ok = false;
  }
  return ok ? p : null;
}

const globCache = new Map<string, RegExp>();
/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globMatch(pattern: string, id: string): boolean {
  let re = globCache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.split('').map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('') + '$');
    globCache.set(pattern, re);
  }
  return re.test(id);
}
