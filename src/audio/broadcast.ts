/**
 * The broadcast supervisor. One decoder ffmpeg per input (feed, fallback) feeds PCM to this
 * process; a wall-clock-paced loop decides every ~20 ms what goes on air (feed, fallback, or
 * silence only when nothing else exists) and writes it to the mixer ffmpeg, which fades,
 * ducks and mixes the bulletins and writes every sink. Whatever dies is restarted; every
 * switch is an event for the journal.
 */
import { EventEmitter } from 'node:events';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { extname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EXIT, LoaxaError } from '../i18n/index.js';
import { BYTES_PER_FRAME, BYTES_PER_MS, argsOf, command, lastErrorLine, runTool, sha256File, spawnFfmpeg, type Spawned } from './ffmpeg.js';
import { mixerArgs, placeBulletins, recordingCodec, sinksOf, type PlacedBulletin } from './graph.js';
import { normaliseBulletin, mediaInfo, DEFAULT_TARGET_LUFS } from './normalise.js';
import { Decoder, fadePcm, rmsDb } from './pcm.js';
import { checkSourceUrl, checkSourceUrlSyntax, type SourceSpec } from './sources.js';
import { localIso } from './time.js';
import type { AudioEvent, AudioEventType, BroadcastHandle, BroadcastPlan, BroadcastResult } from './types.js';
import type { EventPayloads } from '../journal/events.js';

const TICK_MS = 20;
/** Measured delay of the feed leveller (dynaudnorm f=100 ms, g=5) in the mixer. */
const LEVELLER_LEAD_MS = 600;
/** Audio queued for a mixer that no longer reads before it is restarted. */
const MIXER_STALL_MS = 5000;
/** Sound must be back for this long before dead air is declared over. */
const SOUND_RETURN_MS = 300;
/** From this lateness on, a start joins the slot at its wall-clock position. */
const REJOIN_AFTER_MS = 1000;

interface Part {
  path: string;
  startMs: number;
  endMs: number;
}

export function startBroadcast(plan: BroadcastPlan): BroadcastHandle {
  return new Broadcast(plan);
}

class Broadcast implements BroadcastHandle {
  readonly slotId?: string;
  readonly done: Promise<BroadcastResult>;
  private resolveDone!: (r: BroadcastResult) => void;
  private rejectDone!: (e: unknown) => void;
  private events = new EventEmitter();
  private now: () => number;
  private phase: 'idle' | 'preroll' | 'on-air' | 'ended' = 'idle';
  private prerolled: Promise<void> | null = null;
  private started: Promise<void> | null = null;

  private feed: Decoder | null = null;
  private fallback: Decoder | null = null;
  private mixer: Spawned | null = null;
  private mixerRestartTimer: NodeJS.Timeout | null = null;
  private mixerDiedAt: number | null = null;
  private mixerFailures = 0;
  private parts: Part[] = [];
  private placed: Array<PlacedBulletin & { sha256: string; language: string; approvedBy: string; played: boolean; skipped?: boolean }> = [];

  private ticker: NodeJS.Timeout | null = null;
  private t0 = 0;
  private written = 0;
  private readonly totalBytes: number;
  /** Where this airing ends / began on the slot timeline when it started late. */
  private endBytes: number | null = null;
  private startBytes = 0;
  private startedAtMs = 0;
  private lateMs = 0;

  // What is on air and why.
  private feedLost = false;
  private feedEverConnected = false;
  private feedWaitSince = 0;
  private deadAir = false;
  private silenceStartMs: number | null = null;
  private soundRunMs = 0;
  private onAir: 'feed' | 'fallback' | 'silence' = 'silence';
  private fallbackSinceMs = 0;
  private fallbackReason: 'feed-lost' | 'dead-air' | 'ffmpeg-died' = 'feed-lost';

  private msFeed = 0;
  private msFallback = 0;
  private msDeadAir = 0;
  private restarts = 0;
  private stopAtBytes: number | null = null;
  private stopFadeFrom = 0;
  private stoppedEarly = false;
  private finishing = false;

  constructor(readonly plan: BroadcastPlan) {
    this.slotId = plan.slotId;
    this.now = plan.now ?? Date.now;
    this.totalBytes = Math.round(plan.durationMs * BYTES_PER_MS / BYTES_PER_FRAME) * BYTES_PER_FRAME;
    this.done = new Promise((res, rej) => {
      this.resolveDone = res;
      this.rejectDone = rej;
    });
    this.done.catch(() => undefined); // the caller awaits it; avoid unhandled rejections meanwhile
    const src = plan.source;
    if (src?.url) checkSourceUrlSyntax(src.url);
  }

  onEvent(listener: (e: AudioEvent) => void): () => void {
    this.events.on('event', listener);
    return () => this.events.off('event', listener);
  }

  private emit<K extends AudioEventType>(type: K, payload: EventPayloads[K]): void {
    const slot = this.plan.slotId;
    const withSlot = slot && !('slot' in payload) ? { ...payload, slot } : payload;
    this.events.emit('event', { type, atMs: this.now(), payload: withSlot } as AudioEvent);
  }

  state() {
    return { phase: this.phase, onAir: this.onAir, positionMs: Math.round(this.written / BYTES_PER_MS) };
  }

  pids() {
    return { mixer: this.mixer?.child.pid, feed: this.feed?.pid, fallback: this.fallback?.pid };
  }

  private get positionMs(): number {
    return this.written / BYTES_PER_MS;
  }

  private sourceSpec(): SourceSpec | null {
    const s = this.plan.source;
    if (!s) return null;
    if (s.url) return { kind: 'url', url: s.url };
    if (s.device) return { kind: 'device', device: s.device };
    if (s.file) return { kind: 'file', file: s.file };
    return null;
  }

  preroll(): Promise<void> {
    this.prerolled ??= this.doPreroll().catch(async (e: unknown) => {
      // Nothing will air: free the processes and settle `done` so nobody waits forever.
      this.phase = 'ended';
      this.finishing = true;
      this.mixer?.child.kill('SIGKILL');
      await Promise.all([this.feed?.stop(), this.fallback?.stop()]);
      this.rejectDone(e);
      throw e;
    });
    return this.prerolled;
  }

  private async doPreroll(): Promise<void> {
    this.phase = 'preroll';
    const target = this.plan.loudness?.targetLufs ?? DEFAULT_TARGET_LUFS;
    // Bulletins first: normalising is the slow part and must not eat into air time.
    const prepared = [];
    for (const b of this.plan.bulletins) {
      const n = await normaliseBulletin(b.file, { targetLufs: target, cacheDir: this.plan.cacheDir, sha256: b.sha256 });
      prepared.push({ ...b, normalised: n.file, sha256: n.sha256, durationMs: n.durationMs });
    }
    this.placed = placeBulletins(prepared, this.plan.sequenceGapMs ?? 0).map((b) => ({
      id: b.id,
      file: b.normalised,
      mode: b.mode,
      startMs: b.startMs,
      durationMs: b.durationMs,
      sha256: b.sha256,
      language: b.language,
      approvedBy: b.approvedBy,
      played: false,
    }));
    if (this.plan.source?.fallback && !existsSync(this.plan.source.fallback)) {
      throw new LoaxaError('audio.media.missing', { file: this.plan.source.fallback }, EXIT.INVALID);
    }
    const spec = this.sourceSpec();
    if (spec?.kind === 'url') {
      // The full check (playlists included); a feed that is merely down is the fallback's job.
      await checkSourceUrl(spec.url).catch((e: unknown) => {
        if (!(e instanceof LoaxaError) || e.key !== 'audio.url.playlistUnreadable') throw e;
      });
    }
    if (spec) {
      this.feed = new Decoder({ spec, live: spec.kind !== 'file', now: this.now });
      this.feed.on('data-started', (e: { at: number; restartedAfterExitAt: number | null }) => {
        if (this.feed!.starts > 1 && e.restartedAfterExitAt !== null && this.phase === 'on-air') {
          this.restarts++;
          this.emit('audio.restarted', { reason: `feed decoder: ${this.feed!.lastError}`, gapMs: Math.max(0, e.at - e.restartedAfterExitAt) });
        }
      });
      this.feed.start();
    }
    if (this.plan.source?.fallback) {
      this.fallback = new Decoder({ spec: { kind: 'file', file: this.plan.source.fallback, loop: true }, live: false, now: this.now });
      this.fallback.start();
    }
    this.spawnMixer(0);
    // Give the feed time to connect so the first second on air is the feed, not a gap.
    const deadline = this.now() + Math.max(this.plan.feedLostMs ?? 3000, 5000);
    while (this.feed && !this.feed.gotData && this.now() < deadline && this.mixer) await sleep(10);
    // …and fill its jitter buffer plus the leveller's look-ahead, so air starts without a gap.
    const feed = this.feed;
    if (feed?.gotData) {
      const wantMs = feed.targetBytes / BYTES_PER_MS + (this.levelFeed ? LEVELLER_LEAD_MS : 0);
      const fillDeadline = this.now() + wantMs + 1000;
      while (feed.bufferedMs < wantMs && this.now() < fillDeadline && feed.running) await sleep(10);
    }
    if (this.fallback) {
      const fbDeadline = this.now() + 3000;
      while (!this.fallback.gotData && this.now() < fbDeadline) await sleep(10);
    }
    if (!this.mixer) throw new LoaxaError('audio.mixer.failed', { detail: this.lastMixerError }, EXIT.FAULT);
  }

  private lastMixerError = '';
  private mixerKillReason: string | null = null;
  private mixerRecovered: (() => void) | null = null;

  /** The relayed programme is levelled unless the plan says otherwise (bulletin-only slots have none). */
  private get levelFeed(): boolean {
    return (this.plan.loudness?.levelFeed ?? true) && this.sourceSpec() !== null;
  }

  private spawnMixer(positionMs: number): void {
    const rec = this.plan.sinks.recordFile;
    let partPath: string | undefined;
    if (rec) {
      const ext = extname(rec) || '.wav';
      partPath = `${rec.slice(0, rec.length - extname(rec).length)}.part${this.parts.length}${ext}`;
      this.parts.push({ path: partPath, startMs: positionMs, endMs: positionMs });
    }
    const sinks = sinksOf({ ...this.plan.sinks, recordFile: undefined }, partPath);
    if (sinks.length === 0) sinks.push({ kind: 'file', path: '/dev/null' });
    const args = mixerArgs({
      program: { kind: 'pcm' },
      bulletins: this.placed,
      positionMs,
      fadeMs: this.plan.fadeMs,
      duckDb: this.plan.duckDb,
      levelProgram: this.levelFeed,
      sinks,
    });
    const mixer = spawnFfmpeg(args, { stdin: true });
    this.mixer = mixer;
    if (this.mixerDiedAt !== null) {
      // Counted as recovered once it has stayed up a second (a broken sink fails at once).
      const diedAt = this.mixerDiedAt;
      const spawnedAt = this.now();
      this.mixerRecovered = () => {
        if (this.mixer !== mixer || this.mixerDiedAt !== diedAt) return;
        this.mixerDiedAt = null;
        this.mixerFailures = 0;
        this.restarts++;
        this.emit('audio.restarted', { reason: `mixer: ${this.lastMixerError}`, gapMs: Math.max(0, spawnedAt - diedAt) });
      };
      setTimeout(() => this.mixerRecovered?.(), 1000).unref();
    }
    void mixer.exited.then((r) => {
      if (this.mixer !== mixer) return;
      this.mixer = null;
      this.lastMixerError = this.mixerKillReason ?? (r.signal ? `killed by ${r.signal}` : lastErrorLine(r.stderr));
      this.mixerKillReason = null;
      if (this.finishing || this.phase === 'ended') return;
      // Died under us: note the gap and bring it back at the current position.
      this.mixerDiedAt ??= this.now();
      const part = this.parts[this.parts.length - 1];
      if (part) part.endMs = this.positionMs;
      this.mixerFailures++;
      const delay = this.mixerFailures <= 1 ? 0 : Math.min(2000, 250 * 2 ** (this.mixerFailures - 2));
      this.mixerRestartTimer = setTimeout(() => {
        this.mixerRestartTimer = null;
        if (this.finishing || this.phase === 'ended') return;
        this.spawnMixer(this.positionMs);
      }, delay);
    });
  }

  start(): Promise<void> {
    this.started ??= this.doStart();
    return this.started;
  }

  private async doStart(): Promise<void> {
    await this.preroll();
    const planned = this.plan.startAtMs;
    if (planned !== undefined && planned > this.now()) await sleep(planned - this.now());
    this.startedAtMs = this.now();
    this.lateMs = planned === undefined ? 0 : Math.max(0, this.startedAtMs - planned);
    this.phase = 'on-air';
    // The feed leveller looks ahead (dynaudnorm, ~0.6 s): hand the mixer that much of the
    // pre-rolled feed at once so the first sound still leaves on the planned second.
    // Only as much as is buffered beyond the jitter reserve (a cold or late start has less).
    const leadMs = this.levelFeed && this.feed ? Math.min(LEVELLER_LEAD_MS, Math.max(0, this.feed.bufferedMs - this.feed.targetBytes / BYTES_PER_MS)) : 0;
    this.feed?.trimToTarget(leadMs);
    this.feedWaitSince = this.startedAtMs;
    if (this.feed?.gotData) this.markFeedConnected();
    this.onAir = this.feed ? 'feed' : 'silence';
    // Late (a slow pre-roll, a daemon restarted mid-slot): keep to the wall clock — end at the
    // planned end, and from a second late on join the slot at its position so bulletins air
    // at their planned times. Just a little late: end on time, bulletins that little later.
    const lateBytes = Math.min(this.totalBytes, Math.round((this.lateMs * BYTES_PER_MS) / BYTES_PER_FRAME) * BYTES_PER_FRAME);
    if (this.lateMs >= REJOIN_AFTER_MS) {
      // Bulletins wholly in the missed part did not air (the engine reports the shortfall).
      for (const b of this.placed) if (b.startMs + b.durationMs <= lateBytes / BYTES_PER_MS) b.skipped = true;
      this.replaceMixer(lateBytes / BYTES_PER_MS);
      this.written = lateBytes;
      this.startBytes = lateBytes;
    } else {
      this.endBytes = this.totalBytes - lateBytes;
    }
    this.t0 = performance.now() - leadMs - this.written / BYTES_PER_MS;
    this.tick();
    this.ticker = setInterval(() => this.tick(), TICK_MS);
  }

  /** Swap the pre-rolled mixer for one that starts at `positionMs` of the slot. */
  private replaceMixer(positionMs: number): void {
    const old = this.mixer;
    this.mixer = null; // its exit is then not a failure to recover from
    old?.child.kill('SIGKILL');
    const part = this.parts.pop();
    if (part) rmSync(part.path, { force: true });
    this.spawnMixer(positionMs);
  }

  private markFeedConnected(): void {
    this.feedEverConnected = true;
    const s = this.plan.source!;
    this.emit('feed.connected', { source: s.id, url: s.url ?? s.device ?? s.file ?? '' });
  }

  private tick(): void {
    if (this.phase !== 'on-air' || this.finishing) return;
    const due = Math.round(((performance.now() - this.t0) * BYTES_PER_MS) / BYTES_PER_FRAME) * BYTES_PER_FRAME;
    const end = Math.min(this.endBytes ?? this.totalBytes, this.stopAtBytes ?? Infinity);
    let owed = Math.min(due, end) - this.written;
    if (owed <= 0) {
      if (this.written >= end) void this.finish();
      return;
    }
    // Don't let a long stall (suspended machine) produce one huge write.
    owed = Math.min(owed, Math.round(2000 * BYTES_PER_MS));
    const ms = owed / BYTES_PER_MS;
    const pcm = this.produce(owed, ms);
    if (this.stopAtBytes !== null) {
      const span = this.stopAtBytes - this.stopFadeFrom;
      const g = (b: number) => (span <= 0 ? 0 : Math.max(0, Math.min(1, (this.stopAtBytes! - b) / span)));
      if (this.written + owed > this.stopFadeFrom) fadePcm(pcm, g(Math.max(this.written, this.stopFadeFrom)), g(this.written + owed));
    }
    this.writeToMixer(pcm);
    this.written += owed;
    this.markBulletinsPlayed();
    if (this.written >= end) void this.finish();
  }

  private writeToMixer(pcm: Buffer): void {
    const m = this.mixer;
    if (!m || m.child.stdin.destroyed) return; // a gap while the mixer restarts
    // A mixer that stopped reading (hung sound card) would make us buffer without end.
    if (m.child.stdin.writableLength > MIXER_STALL_MS * BYTES_PER_MS) {
      this.mixerKillReason = 'stalled';
      m.child.kill('SIGKILL');
      return;
    }
    m.child.stdin.write(pcm);
  }

  /** Decide what airs for the next `owed` bytes and return it. */
  private produce(owed: number, ms: number): Buffer {
    const feed = this.feed;
    if (!feed) return Buffer.alloc(owed); // bulletin-only slot: the bulletins ride on silence
    const now = this.now();
    // A returning feed refills part of its jitter buffer before it goes back on air.
    if (this.feedLost && feed.running && feed.bufferedMs >= feed.targetBytes / BYTES_PER_MS / 2) {
      this.feedLost = false;
      this.silenceStartMs = null;
      this.markFeedConnected();
    }
    const chunk = this.feedLost ? Buffer.alloc(0) : feed.take(owed);
    if (chunk.length > 0) {
      if (!this.feedEverConnected) this.markFeedConnected();
      this.trackSilence(rmsDb(chunk), chunk.length / BYTES_PER_MS);
    } else if (!this.feedLost) {
      const since = Math.max(feed.lastDataAt, this.feedWaitSince);
      if (now - since >= (this.plan.feedLostMs ?? 3000)) {
        this.feedLost = true;
        const s = this.plan.source!;
        this.emit('feed.lost', { source: s.id, reason: feed.running ? 'stalled' : feed.lastError || 'not connected' });
      }
    }
    // A decoder that is alive but silent on the wire for long gets restarted.
    if (feed.running && feed.gotData && now - feed.lastDataAt > 3 * (this.plan.feedLostMs ?? 3000)) feed.kick('stalled');

    const wantFallback = this.feedLost || this.deadAir;
    const next: 'feed' | 'fallback' | 'silence' = wantFallback ? (this.fallback ? 'fallback' : 'silence') : 'feed';
    if (next !== this.onAir) this.switchTo(next);
    if (next === 'feed') {
      this.msFeed += ms;
      return chunk.length === owed ? chunk : Buffer.concat([chunk, Buffer.alloc(owed - chunk.length)]);
    }
    if (next === 'fallback') {
      this.msFallback += ms;
      const fb = this.fallback!.take(owed);
      return fb.length === owed ? fb : Buffer.concat([fb, Buffer.alloc(owed - fb.length)]);
    }
    if (this.feedLost) this.msDeadAir += ms; // nothing to air at all
    return Buffer.alloc(owed);
  }

  private switchTo(next: 'feed' | 'fallback' | 'silence'): void {
    const s = this.plan.source!;
    if (this.onAir === 'fallback') {
      this.emit('fallback.ended', { source: s.id, seconds: round1((this.positionMs - this.fallbackSinceMs) / 1000) });
    }
    if (next === 'fallback') {
      this.fallbackSinceMs = this.positionMs;
      this.fallbackReason = this.feedLost ? 'feed-lost' : 'dead-air';
      this.emit('fallback.started', { source: s.id, file: this.plan.source!.fallback!, reason: this.fallbackReason });
    }
    this.onAir = next;
  }

  private trackSilence(db: number, ms: number): void {
    const threshold = this.plan.deadAir?.thresholdDb ?? -40;
    const afterMs = this.plan.deadAir?.afterMs ?? 10_000;
    const pos = this.positionMs;
    if (db < threshold) {
      this.soundRunMs = 0;
      this.silenceStartMs ??= pos;
      if (!this.deadAir && pos + ms - this.silenceStartMs >= afterMs) {
        this.deadAir = true;
        this.emit('deadair.started', { source: this.plan.source!.id, thresholdDb: threshold });
      }
      return;
    }
    this.soundRunMs += ms;
    if (this.soundRunMs < SOUND_RETURN_MS) return;
    if (this.deadAir) this.endDeadAir(pos);
    this.silenceStartMs = null;
  }

  private endDeadAir(pos: number): void {
    const seconds = (pos - (this.silenceStartMs ?? pos)) / 1000;
    this.msDeadAir += seconds * 1000;
    this.deadAir = false;
    this.silenceStartMs = null;
    this.emit('deadair.ended', { source: this.plan.source!.id, seconds: round1(seconds) });
  }

  private markBulletinsPlayed(): void {
    const pos = this.positionMs;
    const from = this.startBytes / BYTES_PER_MS;
    for (const b of this.placed) {
      if (!b.played && !b.skipped && pos >= b.startMs + b.durationMs) this.bulletinPlayed(b, b.startMs + b.durationMs - Math.max(b.startMs, from));
    }
  }

  private bulletinPlayed(b: (typeof this.placed)[number], ms: number): void {
    b.played = true;
    this.emit('insert.played', {
      bulletin: b.id,
      language: b.language,
      mode: b.mode,
      sha256: b.sha256,
      approvedBy: b.approvedBy,
      at: localIso((this.plan.startAtMs ?? this.startedAtMs) + b.startMs, this.plan.timezone),
      seconds: round1(ms / 1000),
    });
  }

  async stop(opts: { fadeMs?: number; reason?: string } = {}): Promise<BroadcastResult> {
    if (this.phase === 'ended' || this.finishing) return this.done;
    if (this.phase !== 'on-air') {
      this.stoppedEarly = true;
      await this.finish();
      return this.done;
    }
    const fade = Math.max(0, opts.fadeMs ?? 500);
    this.stoppedEarly = true;
    this.stopFadeFrom = this.written;
    this.stopAtBytes = Math.min(this.endBytes ?? this.totalBytes, this.written + Math.round((fade * BYTES_PER_MS) / BYTES_PER_FRAME) * BYTES_PER_FRAME);
    return this.done;
  }

  private async finish(): Promise<void> {
    if (this.finishing) return;
    this.finishing = true;
    if (this.ticker) clearInterval(this.ticker);
    if (this.mixerRestartTimer) clearTimeout(this.mixerRestartTimer);
    try {
      const pos = this.positionMs;
      if (this.deadAir) this.endDeadAir(pos);
      if (this.onAir === 'fallback') this.switchTo('silence');
      for (const b of this.placed) {
        const from = Math.max(b.startMs, this.startBytes / BYTES_PER_MS);
        if (!b.played && !b.skipped && pos > from) this.bulletinPlayed(b, Math.min(b.startMs + b.durationMs, pos) - from);
      }
      const m = this.mixer;
      this.mixerRecovered?.(); // a restart shortly before the end still counts
      if (m) {
        m.child.stdin.end();
        const killer = setTimeout(() => m.child.kill('SIGKILL'), 15_000);
        await m.exited;
        clearTimeout(killer);
      }
      const last = this.parts[this.parts.length - 1];
      if (last && last.endMs <= last.startMs) last.endMs = pos;
      await Promise.all([this.feed?.stop(), this.fallback?.stop()]);
      this.phase = 'ended';
      const recording = await this.finishRecording();
      const result: BroadcastResult = {
        slotId: this.plan.slotId,
        startedAtMs: this.startedAtMs,
        lateMs: this.lateMs,
        secondsAired: round1((this.written - this.startBytes) / BYTES_PER_MS / 1000),
        secondsFeed: round1(this.msFeed / 1000),
        secondsFallback: round1(this.msFallback / 1000),
        secondsDeadAir: round1(this.msDeadAir / 1000),
        restarts: this.restarts,
        stoppedEarly: this.stoppedEarly,
        bulletinsPlayed: this.placed.filter((b) => b.played).map((b) => b.id),
        recording,
      };
      this.resolveDone(result);
    } catch (e) {
      this.phase = 'ended';
      this.rejectDone(e);
    }
  }

  /** Join the recording parts (silence for the gaps between them), hash it, announce it. */
  private async finishRecording(): Promise<BroadcastResult['recording']> {
    const rec = this.plan.sinks.recordFile;
    if (!rec) return undefined;
    const parts = this.parts.filter((p) => existsSync(p.path));
    if (this.written === 0) {
      // Never on air (stopped during pre-roll): no evidence file to keep or announce.
      for (const p of parts) rmSync(p.path, { force: true });
      return undefined;
    }
    if (parts.length === 0) return undefined;
    if (parts.length === 1) {
      renameSync(parts[0]!.path, rec);
    } else {
      const cmd = command();
      const labels: string[] = [];
      let cursor = parts[0]!.startMs; // the file begins when the audio began
      let i = 0;
      for (const p of parts) {
        // A killed mixer loses what was inside it (the leveller's look-ahead, pipes): measure
        // each part, and fill to the next part's start so times in the file stay wall times.
        const actualMs = await mediaInfo(p.path).then((i) => i.durationMs, () => 0);
        if (p.startMs - cursor > 1) {
          cmd.input(`anullsrc=r=48000:cl=stereo:d=${((p.startMs - cursor) / 1000).toFixed(3)}`).inputOptions(['-f', 'lavfi']);
          labels.push(`[${i++}:a]`);
        }
        cmd.input(p.path);
        labels.push(`[${i++}:a]`);
        cursor = p.startMs + actualMs;
      }
      const graph = labels.map((l, k) => `${l}aformat=sample_fmts=s16:sample_rates=48000:channel_layouts=stereo[c${k}]`).join(';') +
        ';' + labels.map((_, k) => `[c${k}]`).join('') + `concat=n=${labels.length}:v=0:a=1[out]`;
      cmd.complexFilter(graph).output(rec).outputOptions(['-map', '[out]', ...recordingCodec(rec), '-y']);
      const r = await runTool('ffmpeg', argsOf(cmd), 300_000);
      if (r.code !== 0) throw new LoaxaError('audio.recording.failed', { file: rec, detail: lastErrorLine(r.stderr) }, EXIT.FAULT);
      for (const p of parts) rmSync(p.path, { force: true });
    }
    const sha256 = await sha256File(rec);
    const seconds = round1((await mediaInfo(rec)).durationMs / 1000);
    this.emit('recording.saved', { file: rec, sha256, seconds });
    return { file: rec, sha256, seconds };
  }
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
