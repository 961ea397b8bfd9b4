/**
 * Journal event types and payloads: the contract between the writers (engine, relay
 * commands, audio commands, CLI operator actions) and the readers (log, audit).
 * Payloads are plain JSON. Times: `atMs` on the row is UTC epoch ms; payload times
 * are station-local ISO 8601 with offset unless named *Ms.
 */
import type { Priority } from '../schedule/types.js';

export type SlotStatus = 'aired' | 'partial' | 'missed' | 'preempted' | 'interrupted';

export interface EventPayloads {
  'station.start': { version: string; pid: number; host: string; user: string; schedule: string };
  'station.stop': { reason: string };
  'schedule.loaded': { file: string; sha256: string; programs: number; zones: number };
  'schedule.rejected': { file: string; sha256: string; errors: string[] };
  /** What was scheduled for a local day (written at start and at each local midnight). */
  'day.planned': {
    date: string;
    slots: Array<{ slot: string; program: string; title: string; start: string; end: string; required: boolean; priority: Priority; zones: string[] }>;
  };
  'slot.armed': { slot: string; program: string; start: string; end: string; required: boolean; priority: Priority; zones: string[] };
  'relay.action': {
    board: string;
    port: string;
    driver: string;
    channels: number[];
    zones: string[];
    wanted: 'on' | 'off';
    /** Read-back result: 'on'/'off', 'unconfirmed' when the board cannot report, null on fault. */
    confirmed: 'on' | 'off' | 'unconfirmed' | 'mismatch' | null;
    fault?: string;
    elapsedMs: number;
    slot?: string;
    /** UTC epoch ms when the switch call started. */
    atMs?: number;
    /** Per channel, for writes that switch several relays in one frame. */
    results?: Array<{ zone: string; channel: number; confirmed: 'on' | 'off' | 'unconfirmed' | 'mismatch' | null }>;
    /** The action switched the amplifier relay (zones is then empty). */
    amplifier?: boolean;
    /** Catalogue key of the fault, so readers can show it in their language. */
    faultKey?: string;
    /** Re-asserting the wanted state after a board came back. */
    reassert?: boolean;
  };
  'relay.outage': {
    board: string;
    port: string;
    zones: string[];
    startedAt: string;
    endedAt?: string;
    seconds?: number;
    reason: string;
    /** UTC epoch ms of the start and end of the outage. */
    startedAtMs?: number;
    endedAtMs?: number;
    /** The catalogue sentence `reason` renders in English, and its values: reports show it in the reader's language. */
    reasonKey?: string;
    reasonParams?: Record<string, string | number>;
  };
  'feed.connected': { source: string; url: string; slot?: string; codec?: string; sampleRate?: number };
  'feed.lost': { source: string; reason: string; slot?: string };
  'fallback.started': { source: string; file: string; reason: 'feed-lost' | 'dead-air' | 'ffmpeg-died'; slot?: string };
  'fallback.ended': { source: string; seconds: number; slot?: string };
  'deadair.started': { source: string; thresholdDb: number; slot?: string };
  'deadair.ended': { source: string; seconds: number; slot?: string };
  'audio.restarted': { reason: string; gapMs: number; slot?: string };
  'insert.played': { slot?: string; bulletin: string; language: string; mode: 'duck' | 'insert' | 'alone'; sha256: string; approvedBy: string; at: string; seconds: number };
  'recording.saved': { slot?: string; file: string; sha256: string; seconds: number };
  'slot.result': {
    slot: string;
    program: string;
    title: string;
    date: string;
    start: string;
    end: string;
    status: SlotStatus;
    required: boolean;
    priority: Priority;
    zones: string[];
    secondsRequired: number;
    secondsAired: number;
    secondsFallback: number;
    secondsDeadAir: number;
    lateMs: number;
    reasons: string[];
    /** Set by the engine when the slot resumed after a crash (a second result for the same slot). */
    resumed?: boolean;
  };
  'operator.action': { user: string; command: string; args: string[]; reason?: string };
  'emergency.broadcast': { bulletin: string; language: string; zones: string[]; user: string; preempted: string[] };
  'conflict.resolved': { slot: string; other: string; zones: string[]; rule: 'queue' | 'overwrite' };
  'clock.status': { synchronised: boolean | 'unknown'; offsetMs: number | null; source: string };
  'recovery': { slot?: string; action: 'closed-interrupted' | 'resumed' | 'relays-reset'; detail: string };
  /** Daily seal: Ed25519 signature (base64) over the canonical {station, date, lastSeq, headHash}. */
  'seal': { station: string; date: string; lastSeq: number; headHash: string; publicKey: string; fingerprint: string; signature: string };
  'correction': { corrects: number; user: string; reason: string; fields: Record<string, unknown> };
}

export type EventType = keyof EventPayloads;

/** A stored row, as read back from the journal or a bundle. */
export interface JournalEvent<T extends EventType = EventType> {
  seq: number;
  station: string;
  /** UTC epoch milliseconds. */
  atMs: number;
  /** Station-local ISO 8601 with offset. */
  local: string;
  type: T;
  payload: EventPayloads[T];
  prevHash: string;
  hash: string;
}
