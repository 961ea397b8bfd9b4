/**
 * i18n: every sentence a person reads comes from here, in Vietnamese and English.
 * Concerns add their sentences as files in ./messages and list them below.
 */
import type { Catalogue } from './catalogue.js';
import { common } from './messages/common.js';
import { schedule } from './messages/schedule.js';
import { relay } from './messages/relay.js';
import { audio } from './messages/audio.js';
import { journal } from './messages/journal.js';
import { audit } from './messages/audit.js';
import { engine } from './messages/engine.js';

export type { Catalogue, Message } from './catalogue.js';
export { makeFolders } from './folders.js';
export type Lang = 'vi' | 'en';

export const catalogues: Record<string, Catalogue> = { common, schedule, relay, audio, journal, audit, engine };

const messages: Catalogue = Object.assign({}, ...Object.values(catalogues));

let current: Lang = detectLang(undefined, process.env);

/** `--lang` wins, else LANG / LC_ALL / LC_MESSAGES: Vietnamese for vi*, English otherwise. */
export function detectLang(flag: string | undefined, env: NodeJS.ProcessEnv): Lang {
  if (flag) return flag.toLowerCase().startsWith('vi') ? 'vi' : 'en';
  const fromEnv = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return fromEnv.toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

export function setLang(lang: Lang): void {
  current = lang;
}

export function getLang(): Lang {
  return current;
}

export type Params = Record<string, string | number | boolean | null | undefined>;

/** Translate `key` into the current (or given) language, filling `{name}` placeholders. */
export function t(key: string, params: Params = {}, lang: Lang = current): string {
  const msg = messages[key];
  if (!msg) return key; // a missing key is a bug caught by test/i18n; show it rather than crash
  return msg[lang].replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined || params[name] === null ? whole : String(params[name]),
  );
}

export function hasMessage(key: string): boolean {
  return key in messages;
}

/** Why a file operation failed, in the reader's language: the catalogue's sentence for its code (`cli.fsReason.*`), else the system's own text. */
export function fsReason(e: unknown, code = String((e as { code?: unknown }).code ?? '')): string {
  return hasMessage(`cli.fsReason.${code}`) ? t(`cli.fsReason.${code}`) : (e as Error).message;
}

/** Exit codes shared by every command. */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2, FAULT: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * An error a person should read: a catalogue key, its parameters and the exit code.
 * The CLI prints `render()` and exits with `exitCode`; never a stack trace.
 */
export class LoaxaError extends Error {
  constructor(
    readonly key: string,
    readonly params: Params = {},
    readonly exitCode: ExitCode = EXIT.INVALID,
    readonly details: string[] = [],
  ) {
    super(t(key, params, 'en'));
    this.name = 'LoaxaError';
  }
  render(lang: Lang = current): string {
    return [t(this.key, this.params, lang), ...this.details].join('\n');
  }
}

export const isLoaxaError = (e: unknown): e is LoaxaError => e instanceof LoaxaError;

/** A LoaxaError as plain data, to cross a worker-thread boundary (structured clone drops the class). */
export interface WireError {
  key: string;
  params: Params;
  exitCode: ExitCode;
  details: string[];
}

export function errorToWire(e: unknown): WireError {
  if (e instanceof LoaxaError) return { key: e.key, params: e.params, exitCode: e.exitCode, details: e.details };
  return { key: 'cli.internal', params: { detail: e instanceof Error ? e.message : String(e) }, exitCode: EXIT.FAULT, details: [] };
}

export function errorFromWire(w: WireError): LoaxaError {
  return new LoaxaError(w.key, w.params, w.exitCode, w.details);
}
