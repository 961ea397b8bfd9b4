/**
 * The mixer graph (one ffmpeg): programme PCM (or a file/silence when rendering) + the
 * normalised bulletins → fades/ducking by volume automation → sum → limiter → every sink.
 * Pure: builds the argument vector; the supervisor runs it.
 */
import { extname } from 'node:path';
import { argsOf, command } from './ffmpeg.js';
import { alsaDevice } from './sources.js';
import type { BulletinMode } from './types.js';

export interface PlacedBulletin {
  id: string;
  /** Normalised WAV. */
  file: string;
  mode: BulletinMode;
  /** Position in the slot where it starts, and its length. */
  startMs: number;
  durationMs: number;
}

export type Sink = { kind: 'file'; path: string } | { kind: 'alsa'; device: string } | { kind: 'icecast'; url: string };

export function sinksOf(s: { device?: string; recordFile?: string; icecast?: string }, recordPath?: string): Sink[] {
  const out: Sink[] = [];
  if (recordPath ?? s.recordFile) out.push({ kind: 'file', path: (recordPath ?? s.recordFile)! });
  if (s.device) out.push({ kind: 'alsa', device: s.device });
  if (s.icecast) out.push({ kind: 'icecast', url: s.icecast });
  return out;
}

/**
 * Place bulletins on the slot timeline in offset order; one that would start before the
 * previous has finished waits for it (plus the sequence gap) — a sequence never overlaps.
 */
export function placeBulletins<T extends { offsetMs: number; durationMs: number }>(items: T[], gapMs = 0): Array<T & { startMs: number }> {
  let end = -Infinity;
  return [...items]
    .sort((a, b) => a.offsetMs - b.offsetMs)
    .map((b) => {
      const startMs = Math.max(b.offsetMs, end === -Infinity ? b.offsetMs : end + gapMs);
      end = startMs + b.durationMs;
      return { ...b, startMs };
    });
}

const sec = (ms: number) => (ms / 1000).toFixed(3);

/**
 * Gain of the programme at time t (seconds on the mixer timeline) as an ffmpeg expression:
 * for each bulletin a trapezoid window (fade over fadeMs outside the bulletin) that pulls
 * the programme down to 0 (insert/alone) or to −duckDb (duck).
 */
export function programGainExpr(windows: Array<{ startMs: number; endMs: number; mode: BulletinMode }>, fadeMs: number, duckDb: number): string | null {
  if (windows.length === 0) return null;
  const f = Math.max(fadeMs, 10) / 1000;
  const duckGain = Math.pow(10, -duckDb / 20);
  const terms = windows.map((w) => {
    const a = w.startMs / 1000;
    const b = w.endMs / 1000;
    const depth = w.mode === 'duck' ? 1 - duckGain : 1;
    const trap = `clip((t-${(a - f).toFixed(3)})/${f},0,1)*clip((${(b + f).toFixed(3)}-t)/${f},0,1)`;
    return `(1-${depth.toFixed(4)}*${trap})`;
  });
  return terms.join('*');
}

export interface MixerOptions {
  /** Where the programme comes from: PCM on stdin (live), a media file, or silence. */
  program: { kind: 'pcm' } | { kind: 'file'; file: string } | { kind: 'silence' };
  bulletins: PlacedBulletin[];
  /** Slot position at which this mixer's timeline starts (after a restart). */
  positionMs?: number;
  /** Length to render (render mode; live mode ends when stdin closes). */
  durationMs?: number;
  fadeMs?: number;
  duckDb?: number;
  /** Level the programme (feed) with a dynamic normaliser aimed near the bulletin target. */
  levelProgram?: boolean;
  sinks: Sink[];
}

/** Encoder options for a recording, chosen by its extension. */
export function recordingCodec(path: string): string[] {
  switch (extname(path).toLowerCase()) {
    case '.mp3':
      return ['-c:a', 'libmp3lame', '-b:a', '128k'];
    case '.ogg':
    case '.oga':
      return ['-c:a', 'libvorbis', '-q:a', '4'];
    case '.flac':
      return ['-c:a', 'flac'];
    case '.m4a':
    case '.aac':
      return ['-c:a', 'aac', '-b:a', '128k'];
    default:
      return ['-c:a', 'pcm_s16le', '-f', 'wav'];
  }
}

/** Escape tee's own separators inside a slave name. */
function teeEscape(name: string): string {
  return name.replace(/([\\|\[\]])/g, '\\$1');
}

export function mixerArgs(o: MixerOptions): string[] {
  const pos = o.positionMs ?? 0;
  const fadeMs = o.fadeMs ?? 300;
  const cmd = command();
  if (o.program.kind === 'pcm') {
    // Raw PCM needs no probing; without these ffmpeg buffers ~1 s before the first output.
    cmd.input('pipe:0').inputOptions(['-f', 's16le', '-ar', '48000', '-ac', '2', '-probesize', '32', '-analyzeduration', '0', '-fflags', '+nobuffer']);
  } else if (o.program.kind === 'file') {
    cmd.input(o.program.file).inputOptions(pos ? ['-ss', sec(pos)] : []);
  } else {
    cmd.input('anullsrc=r=48000:cl=stereo').inputOptions(['-f', 'lavfi']);
  }
  const live = o.bulletins.filter((b) => b.startMs + b.durationMs > pos);
  const chains: string[] = [];
  const labels: string[] = [];
  live.forEach((b, i) => {
    const into = Math.max(0, pos - b.startMs);
    cmd.input(b.file).inputOptions(into > 0 ? ['-ss', sec(into)] : []);
    const delay = Math.max(0, b.startMs - pos);
    chains.push(`[${i + 1}:a]aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo,adelay=delays=${Math.round(delay)}:all=1[b${i}]`);
    labels.push(`[b${i}]`);
  });
  const prog: string[] = ['aformat=sample_fmts=fltp:sample_rates=48000:channel_layouts=stereo'];
  if (o.levelProgram) prog.push('dynaudnorm=f=100:g=5:p=0.9:m=4:r=0.11:t=0.01');
  const gain = programGainExpr(
    live.map((b) => ({ startMs: b.startMs - pos, endMs: b.startMs + b.durationMs - pos, mode: b.mode })),
    fadeMs,
    o.duckDb ?? 15,
  );
  if (gain) prog.push(`volume=volume='${gain}':eval=frame`);
  const n = o.sinks.length;
  const outs = o.sinks.map((_, i) => `[o${i}]`).join('');
  const tail = `alimiter=limit=0.944:level=false,asplit=${n}${outs}`;
  let graph: string;
  if (labels.length === 0) {
    graph = `[0:a]${prog.join(',')},${tail}`;
  } else {
    chains.unshift(`[0:a]${prog.join(',')}[prog]`);
    graph = `${chains.join(';')};[prog]${labels.join('')}amix=inputs=${labels.length + 1}:duration=first:normalize=0:dropout_transition=0,${tail}`;
  }
  cmd.complexFilter(graph);
  o.sinks.forEach((s, i) => {
    const common = ['-map', `[o${i}]`];
    if (o.durationMs !== undefined) common.push('-t', sec(o.durationMs - pos));
    if (s.kind === 'file') {
      cmd.output(s.path).outputOptions([...common, ...recordingCodec(s.path), '-ar', '48000', '-ac', '2', '-flush_packets', '1', '-y']);
    } else if (s.kind === 'alsa') {
      // Through tee with a null companion and onfail=ignore: a missing or unplugged sound
      // card must not take the off-air recording (or the Icecast mount) down with it.
      cmd.output(`[f=alsa:onfail=ignore]${teeEscape(alsaDevice(s.device))}|[f=null]-`).outputOptions([...common, '-c:a', 'pcm_s16le', '-f', 'tee']);
    } else {
      // icecast:// sends Content-Type audio/mpeg by default.
      cmd.output(`[f=mp3:onfail=ignore]${teeEscape(s.url)}|[f=null]-`).outputOptions([...common, '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'tee']);
    }
  });
  // No progress lines: nobody reads them and they cost a pipe wake-up every half second.
  return ['-nostats', ...argsOf(cmd)];
}
