/**
 * The validated schedule model and the plan: the contract every other concern codes against.
 * All paths here are absolute (resolved against the station folder = the schedule file's folder).
 * All durations are milliseconds; times of day are seconds since local midnight.
 */

import type { Diagnostic } from './diagnostics.js';
export type { Diagnostic } from './diagnostics.js';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type Priority = 'normal' | 'priority' | 'emergency';
export type InsertMode = 'duck' | 'insert';
export type BoardDriver = 'modbus-rtu' | 'lcus' | 'numato';

export interface Station {
  id: string;
  name: string;
  district?: string;
  province?: string;
  /** IANA zone, default Asia/Ho_Chi_Minh. */
  timezone: string;
}

export interface Source {
  id: string;
  /** Human name of the feed, e.g. Đài PT-TH Sóc Trăng. */
  title?: string;
  /** http/https stream or HLS playlist (protocol already whitelisted by the loader). */
  url?: string;
  /** ALSA capture device, e.g. `alsa:hw:1,0`. */
  device?: string;
  /** Absolute path of the file aired when the feed is down or silent. */
  fallback?: string;
}

export interface RelayBoard {
  id: string;
  driver: BoardDriver;
  port: string;
  baud: number;
  /** Modbus slave address (default 1); ignored by other drivers. */
  address: number;
}

export interface Amplifier {
  relay: string;
  /** Channel as printed on the board, from 1. */
  channel: number;
  warmupMs: number;
  cooldownMs: number;
}

export interface Zone {
  id: string;
  relay: string;
  /** Channel as printed on the board, from 1. */
  channel: number;
  name: string;
}

export interface Output {
  /** e.g. `alsa:default`; absent = no speakers (recording only). */
  device?: string;
  /** Absolute folder for off-air recordings. */
  recordDir?: string;
  /** Icecast mount URL for IP loudspeaker clusters, e.g. icecast://source:pw@host:8000/xa.mp3 */
  icecast?: string;
}

export interface Bulletin {
  id: string;
  title?: string;
  /** Absolute media path; exactly one of file/text is set. */
  file?: string;
  /** Text to be spoken by TTS. */
  text?: string;
  /** Language code: vi, km (Khmer), pac (Pa Cô), bru (Vân Kiều), cja/cjm (Chăm)… */
  language: string;
  approvedBy: string;
  /** Declared length (optional; used to size bulletin-only programs). */
  durationMs?: number;
}

export interface Insert {
  bulletin: string;
  /** Offset from the program start… */
  atMs?: number;
  /** …or right after another insert of the same program (by bulletin id). */
  after?: string;
  mode: InsertMode;
}

export type DaysRule =
  | { kind: 'daily' }
  | { kind: 'weekdays' }
  | { kind: 'weekends' }
  | { kind: 'list'; days: Weekday[] }
  | { kind: 'cron'; expr: string };

export interface Program {
  id: string;
  title: string;
  /** A relayed source id… */
  source?: string;
  /** …or a list of bulletin ids played in order. */
  bulletins?: string[];
  /** Seconds since local midnight. */
  at: number;
  durationMs: number;
  days: DaysRule;
  /** Inclusive local dates YYYY-MM-DD. */
  from?: string;
  until?: string;
  /** Zone ids (`all` already expanded). */
  zones: string[];
  priority: Priority;
  required: boolean;
  inserts: Insert[];
  /** Times the program airs in a row (1 = once) and the gap between airings. */
  repeat: number;
  gapMs: number;
  /** What happens when it competes with another program for a zone. */
  onConflict: 'queue' | 'overwrite';
}

export interface ExceptionRule {
  /** Inclusive local date range; a single date has from === to. */
  from: string;
  to: string;
  /** Built-in holiday name when given by name (e.g. `tet`, `gio-to-hung-vuong`). */
  holiday?: string;
  skip: 'all' | string[];
  reason: string;
}

export interface Policy {
  /** Optional label shown in violations, e.g. the rule's source document. */
  name?: string;
  /** Glob over bulletin ids (`5k-*`) that must air at least min_per_day times a day. */
  bulletins?: string;
  minPerDay?: number;
  maxSessionsPerDay?: number;
  maxSessionMinutes?: number;
  weekdaysOnly?: boolean;
}

export interface Schedule {
  /** Absolute path of the schedule file and its folder (the station folder). */
  file: string;
  dir: string;
  /** SHA-256 (hex) of the file bytes, for the journal. */
  sha256: string;
  station: Station;
  sources: Record<string, Source>;
  relays: Record<string, RelayBoard>;
  amplifier?: Amplifier;
  zones: Record<string, Zone>;
  output: Output;
  bulletins: Record<string, Bulletin>;
  programs: Program[];
  exceptions: ExceptionRule[];
  policies: Policy[];
  /** Defaults in the station folder: journal.db, keys/. */
  journalPath: string;
  keysDir: string;
  /** Warnings found while loading (errors make loading fail instead). */
  warnings?: Diagnostic[];
}

/** One bulletin placed at an absolute time inside a slot. */
export interface PlanInsert {
  bulletin: string;
  language: string;
  mode: InsertMode;
  /** Station-local ISO 8601 with offset, e.g. 2026-12-01T05:55:00+07:00 */
  start: string;
  startMs: number;
  /** Offset from the slot start. */
  offsetMs: number;
  /** Set when the insert follows another one: play it right after that one ends. */
  after?: string;
  /** True when the offset rests on an insert whose length is not declared (an estimate). */
  estimated?: boolean;
}

/** One concrete airing: a program on a date (one per repeat). */
export interface PlanSlot {
  /** Stable id: `<program>@<local date>T<HH:MM:SS>` — unique in a plan. */
  id: string;
  program: string;
  title: string;
  /** Local date YYYY-MM-DD the slot starts on. */
  date: string;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  zones: string[];
  source?: string;
  bulletins?: string[];
  inserts: PlanInsert[];
  priority: Priority;
  required: boolean;
  /** 0-based repeat index. */
  repeat: number;
  /** endMs - startMs. */
  durationMs?: number;
  /** The program's on_conflict choice. */
  onConflict?: 'queue' | 'overwrite';
}
