/** Public types of the audio concern (re-exported by ./index.ts). */
import type { EventPayloads } from '../journal/events.js';

export type BulletinMode = 'duck' | 'insert' | 'alone';

export interface BroadcastBulletin {
  id: string;
  /** Media file (any format ffmpeg reads); normalised to the loudness target before airing. */
  file: string;
  language: string;
  approvedBy: string;
  /** SHA-256 of the source media, if known (computed otherwise). */
  sha256?: string;
  mode: BulletinMode;
  /** Offset from the slot start. A bulletin that would overlap the previous one waits for it. */
  offsetMs: number;
}

/** Where the slot's audio comes from: a schedule Source (url/device + fallback) or a file. */
export interface BroadcastSource {
  id: string;
  url?: string;
  device?: string;
  /** A local file relayed as the programme (e.g. a recorded show). */
  file?: string;
  fallback?: string;
}

export interface BroadcastSinks {
  /** `alsa:default`, `alsa:hw:0,0` … */
  device?: string;
  /** Off-air recording; the extension chooses the format (.wav, .mp3, .ogg, .flac). */
  recordFile?: string;
  /** `icecast://source:password@host:port/mount.mp3` */
  icecast?: string;
}

export interface BroadcastPlan {
  slotId?: string;
  source?: BroadcastSource;
  bulletins: BroadcastBulletin[];
  durationMs: number;
  /**
   * Epoch ms when audio must start. start() waits for it; a late start keeps to the wall clock
   * (ends at startAtMs + durationMs; from 1 s late on, joins the slot at its position).
   * Absent: start as soon as ready and air the full duration (`play` now).
   */
  startAtMs?: number;
  sinks: BroadcastSinks;
  deadAir?: { thresholdDb: number; afterMs: number };
  loudness?: { targetLufs: number; levelFeed?: boolean };
  /** Feed considered lost after this long without data (default 3000). */
  feedLostMs?: number;
  /** Fades around inserted bulletins (default 300) and duck depth (default 15 dB). */
  fadeMs?: number;
  duckDb?: number;
  /** Gap kept between bulletins pushed into a sequence (default 0). */
  sequenceGapMs?: number;
  /** Where normalised bulletins are cached (default: OS temp folder). */
  cacheDir?: string;
  /** Station timezone for journal times (default Asia/Ho_Chi_Minh). */
  timezone?: string;
  /** Wall clock (epoch ms). Only the clock may be replaced in tests. */
  now?: () => number;
}

/** The journal event payloads this concern produces. */
export type AudioEventType =
  | 'feed.connected'
  | 'feed.lost'
  | 'fallback.started'
  | 'fallback.ended'
  | 'deadair.started'
  | 'deadair.ended'
  | 'audio.restarted'
  | 'insert.played'
  | 'recording.saved';

export type AudioEvent = {
  [K in AudioEventType]: { type: K; atMs: number; payload: EventPayloads[K] };
}[AudioEventType];

export interface BroadcastResult {
  slotId?: string;
  /** Epoch ms when audio actually started, and how late that was against startAtMs. */
  startedAtMs: number;
  lateMs: number;
  secondsAired: number;
  secondsFeed: number;
  secondsFallback: number;
  /** Dead air: feed connected but silent (from the start of the silence), or nothing to air. */
  secondsDeadAir: number;
  restarts: number;
  stoppedEarly: boolean;
  bulletinsPlayed: string[];
  recording?: { file: string; sha256: string; seconds: number };
}

export interface BroadcastHandle {
  readonly slotId?: string;
  /** Connect the feed, the fallback and the mixer ahead of time. */
  preroll(): Promise<void>;
  /** Begin the audio at startAtMs (or now when that has passed); resolves when it began. */
  start(): Promise<void>;
  /** End early, fading the programme out over fadeMs. */
  stop(opts?: { fadeMs?: number; reason?: string }): Promise<BroadcastResult>;
  readonly done: Promise<BroadcastResult>;
  onEvent(listener: (e: AudioEvent) => void): () => void;
  /** What is on air now (for `status`). */
  state(): { phase: 'idle' | 'preroll' | 'on-air' | 'ended'; onAir: 'feed' | 'fallback' | 'silence'; positionMs: number };
  /** Process ids of the running ffmpegs (supervision tests, status). */
  pids(): { mixer?: number; feed?: number; fallback?: number };
}

export interface FeedProbe {
  reachable: boolean;
  codec?: string;
  sampleRate?: number;
  bitrate?: number;
  channels?: number;
  lufs?: number;
  silentSeconds?: number;
  sampledSeconds?: number;
  verdict: 'usable' | 'unusable';
  /** Catalogue key of the reason when unusable: audio.probe.unreachable | .noAudio | .silent */
  reason?: string;
  detail?: string;
}

export interface NormalisedBulletin {
  /** Source media and its SHA-256 (what the journal records). */
  source: string;
  sha256: string;
  /** Normalised 48 kHz stereo WAV aired in its place. */
  file: string;
  durationMs: number;
  inputLufs: number;
  outputLufs: number;
  targetLufs: number;
}
