/**
 * Loudness: bulletins are normalised to one EBU R128 target (default −16 LUFS integrated,
 * −1.5 dBTP) with ffmpeg's two-pass loudnorm, so a quiet phone recording and a loud studio
 * file air at the same level. Results are cached by source hash and target.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, LoaxaError, makeFolders } from '../i18n/index.js';
import { argsOf, command, lastErrorLine, runTool, sha256File } from './ffmpeg.js';
import type { NormalisedBulletin } from './types.js';

export const DEFAULT_TARGET_LUFS = -16;
export const TRUE_PEAK_DB = -1.5;
export const LOUDNESS_RANGE = 11;

export function defaultCacheDir(): string {
  return join(tmpdir(), 'loaxa-audio-cache');
}

/** Duration of a media file in ms (ffprobe), or a LoaxaError when it is not audio. */
export async function mediaInfo(file: string): Promise<{ durationMs: number; codec?: string; sampleRate?: number; channels?: number }> {
  if (!existsSync(file)) throw new LoaxaError('audio.media.missing', { file }, EXIT.INVALID);
  const r = await runTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-select_streams', 'a', file], 30_000);
  let info: { format?: { duration?: string }; streams?: Array<{ codec_name?: string; sample_rate?: string; channels?: number; duration?: string }> } = {};
  try {
    info = JSON.parse(r.stdout || '{}');
  } catch {
    /* handled below */
  }
  const stream = info.streams?.[0];
  if (r.code !== 0 || !stream) throw new LoaxaError('audio.media.notAudio', { file, detail: lastErrorLine(r.stderr) }, EXIT.INVALID);
  const seconds = Number(stream.duration ?? info.format?.duration);
  return {
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : 0,
    codec: stream.codec_name,
    sampleRate: stream.sample_rate ? Number(stream.sample_rate) : undefined,
    channels: stream.channels,
  };
}

interface LoudnormStats {
  input_i: string;
  input_tp: string;
  input_lra: string;
  input_thresh: string;
  output_i: string;
  target_offset: string;
}

function parseLoudnormJson(stderr: string): LoudnormStats | null {
  const start = stderr.lastIndexOf('{');
  const end = stderr.lastIndexOf('}');
  if (start < 0 || end < start) return null;
  try {
    return JSON.parse(stderr.slice(start, end + 1)) as LoudnormStats;
  } catch {
    return null;
  }
}

/** Integrated loudness (LUFS) of a file or a window of it, via ebur128. */
export async function measureLufs(file: string, opts: { startMs?: number; durationMs?: number } = {}): Promise<number> {
  const args = ['-hide_banner', '-nostats'];
  if (opts.startMs) args.push('-ss', String(opts.startMs / 1000));
  if (opts.durationMs) args.push('-t', String(opts.durationMs / 1000));
  args.push('-i', file, '-af', 'ebur128', '-f', 'null', '-');
  const r = await runTool('ffmpeg', args, 120_000);
  const m = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS/.exec(r.stderr);
  if (!m) throw new LoaxaError('audio.media.notAudio', { file, detail: lastErrorLine(r.stderr) }, EXIT.INVALID);
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}

/**
 * Normalise one bulletin to `targetLufs` (two-pass loudnorm; linear gain when the true-peak
 * allows, otherwise loudnorm's dynamic mode) into a 48 kHz stereo WAV.
 */
export async function normaliseBulletin(
  file: string,
  opts: { targetLufs?: number; cacheDir?: string; out?: string; sha256?: string } = {},
): Promise<NormalisedBulletin> {
  const targetLufs = opts.targetLufs ?? DEFAULT_TARGET_LUFS;
  const info = await mediaInfo(file);
  const sha256 = opts.sha256 ?? (await sha256File(file));
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  makeFolders(cacheDir);
  const out = opts.out ?? join(cacheDir, `${sha256.slice(0, 24)}_${String(targetLufs).replace('-', 'm')}.wav`);
  const target = `I=${targetLufs}:TP=${TRUE_PEAK_DB}:LRA=${LOUDNESS_RANGE}`;
  const sidecar = out + '.json';
  if (!opts.out && existsSync(out) && existsSync(sidecar)) {
    try {
      return JSON.parse(readFileSync(sidecar, 'utf8')) as NormalisedBulletin;
    } catch {
      /* redo it */
    }
  }

  const pass1 = command().input(file).noVideo().audioFilters(`loudnorm=${target}:print_format=json`).format('null').output('-');
  const r1 = await runTool('ffmpeg', ['-hide_banner', '-nostats', ...pass1._getArguments()], 300_000);
  const stats = parseLoudnormJson(r1.stderr);
  if (r1.code !== 0 || !stats) throw new LoaxaError('audio.media.notAudio', { file, detail: lastErrorLine(r1.stderr) }, EXIT.INVALID);
  const inputLufs = Number(stats.input_i);
  if (!Number.isFinite(inputLufs) || inputLufs < -70) throw new LoaxaError('audio.media.silent', { file }, EXIT.INVALID);

  const measured = `measured_I=${stats.input_i}:measured_TP=${stats.input_tp}:measured_LRA=${stats.input_lra}:measured_thresh=${stats.input_thresh}:offset=${stats.target_offset}`;
  const tmp = `${out}.${process.pid}.${Date.now()}.tmp.wav`; // two processes may normalise the same file at once
  const pass2 = command()
    .input(file)
    .noVideo()
    // loudnorm works at 192 kHz internally; bring it back to the broadcast rate.
    .audioFilters([`loudnorm=${target}:${measured}:linear=true:print_format=json`, 'aresample=48000'])
    .audioCodec('pcm_s16le')
    .audioFrequency(48_000)
    .audioChannels(2)
    .format('wav')
    .output(tmp);
  const r2 = await runTool('ffmpeg', ['-y', ...argsOf(pass2, 'info')], 300_000); // loudnorm prints its JSON at info level
  const after = parseLoudnormJson(r2.stderr);
  if (r2.code !== 0) {
    rmSync(tmp, { force: true });
    throw new LoaxaError('audio.media.notAudio', { file, detail: lastErrorLine(r2.stderr) }, EXIT.INVALID);
  }
  renameSync(tmp, out);
  const result: NormalisedBulletin = {
    source: file,
    sha256,
    file: out,
    durationMs: (await mediaInfo(out)).durationMs,
    inputLufs,
    outputLufs: after ? Number(after.output_i) : targetLufs,
    targetLufs,
  };
  if (!opts.out) {
    writeFileSync(`${sidecar}.${process.pid}`, JSON.stringify(result));
    renameSync(`${sidecar}.${process.pid}`, sidecar);
  }
  return result;
}
