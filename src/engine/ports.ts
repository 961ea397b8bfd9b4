/**
 * The small interfaces the engine drives. The daemon adapts the real relay, audio and
 * journal modules to them; unit tests drive the state machine with in-memory ones.
 */
import type { EventPayloads, EventType, JournalEvent } from '../journal/events.js';
import type { SlotReasonCode } from '../journal/index.js';
import type { PlanSlot, Schedule } from '../schedule/types.js';

export interface JournalPort {
  append<T extends EventType>(type: T, payload: EventPayloads[T], atMs?: number): unknown;
  events(q?: { fromMs?: number; toMs?: number; types?: EventType[]; afterSeq?: number }): JournalEvent[];
  /** Seal a finished local day, when the station has keys (no-op otherwise). */
  sealDay?(date: string): Promise<void> | void;
  /** A slot reason's text as the journal records it (its table, so readers can translate it back). */
  reason(code: SlotReasonCode, values?: Record<string, string | number>): string;
  /** A notable event as the officer reads it, in the current language (null: none to give). */
  describe?(type: EventType, payload: Record<string, unknown>): string | null;
  close(): void;
}

/**
 * A timed switch: the relay side waits for `atMs` itself (the engine hands it over a little
 * ahead), and `ticket` lets the engine call it off while it waits.
 */
export interface RelayTiming {
  atMs: number;
  ticket: string;
}

export interface RelayPort {
  /** Zones close, then the amplifier (at `amplifierAtMs` if given), then its warm-up wait. */
  switchOn(zones: string[], opts: { slot?: string } & Partial<RelayTiming> & { amplifierAtMs?: number }): Promise<unknown>;
  /** Amplifier off, cool-down wait, then zones open. */
  switchOff(zones: string[], opts: { slot?: string } & Partial<RelayTiming>): Promise<unknown>;
  /** True if the timed switch with this ticket was still waiting and now will not happen. */
  cancel(ticket: string): Promise<boolean>;
  allOff(): Promise<unknown>;
  status(): Promise<unknown>;
  close(): Promise<void>;
}

export interface BroadcastBulletin {
  id: string;
  file: string;
  language: string;
  approvedBy: string;
  mode: 'duck' | 'insert' | 'alone';
  offsetMs: number;
}

export interface BroadcastRequest {
  slotId: string;
  program: string;
  /** Source id of the schedule (relay) or absent for bulletin-only airings. */
  source?: string;
  bulletins: BroadcastBulletin[];
  /** When the audio must start (epoch ms) and how long it lasts from then. */
  startAtMs: number;
  durationMs: number;
  /** Start of the slot as planned (for the recording's name). */
  plannedStartMs: number;
}

export interface BroadcastOutcome {
  secondsAired: number;
  secondsFallback: number;
  secondsDeadAir: number;
  recording?: { file: string; sha256: string; seconds: number } | null;
}

export interface BroadcastHandle {
  preroll(): Promise<void>;
  start(): Promise<void> | void;
  stop(opts?: { fadeMs?: number }): Promise<void> | void;
  done: Promise<BroadcastOutcome>;
}

/** Audio events are journalled as they come: (type, payload). */
export type AudioEventSink = (type: EventType, payload: Record<string, unknown>) => void;

export interface AudioPort {
  startBroadcast(req: BroadcastRequest, onEvent: AudioEventSink): BroadcastHandle;
  /** Length of a bulletin's media in ms (to size an emergency airing), or null if unknown. */
  mediaDurationMs?(file: string): Promise<number | null>;
}

export interface Planner {
  expand(schedule: Schedule, fromDate: string, toDate: string): PlanSlot[];
  localIso(epochMs: number, timezone: string): string;
  localDate(epochMs: number, timezone: string): string;
  zonedTimeToEpoch(date: string, secondsOfDay: number, timezone: string): number;
}

export type LogLevel = 'info' | 'warn' | 'error' | 'ok';
/** A line a person reads: a catalogue key and its parameters. */
export type LogSink = (level: LogLevel, key: string, params?: Record<string, string | number | boolean | null | undefined>) => void;
