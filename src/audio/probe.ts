/**
 * `feed check`: is a source usable? ffprobe for what it is, then a short real sample through
 * ebur128 (loudness) and silencedetect (−40 dBFS), and a verdict.
 */
import { EXIT, LoaxaError } from '../i18n/index.js';
import { lastErrorLine, runTool } from './ffmpeg.js';
import { alsaDevice, checkSourceUrl, FFMPEG_PROTOCOLS, type SourceSpec } from './sources.js';
import type { FeedProbe } from './types.js';

export interface ProbeOptions {
  sampleSeconds?: number;
  thresholdDb?: number;
  /** Share of the sample that may be silent before the feed counts as silent (default 0.9). */
  silentShare?: number;
  onStage?: (stage: 'connect' | 'sample') => void;
}

function inputArgs(src: SourceSpec): string[] {
  if (src.kind === 'url') return ['-protocol_whitelist', FFMPEG_PROTOCOLS, '-rw_timeout', '5000000', '-i', src.url];
  if (src.kind === 'device') return ['-f', 'alsa', '-i', alsaDevice(src.device)];
  return ['-i', src.file];
}

/** Accepts a URL string or a source spec. Throws LoaxaError (exit 1) for a forbidden URL. */
export async function probeFeed(source: string | SourceSpec, opts: ProbeOptions = {}): Promise<FeedProbe> {
  const src: SourceSpec = typeof source === 'string' ? (/^alsa:/.test(source) ? { kind: 'device', device: source } : { kind: 'url', url: source }) : source;
  if (src.kind === 'url') {
    try {
      await checkSourceUrl(src.url);
    } catch (e) {
      // A playlist that cannot be fetched is an unreachable feed (exit 3), not a bad URL.
      if (e instanceof LoaxaError && e.key === 'audio.url.playlistUnreadable') {
        return { reachable: false, verdict: 'unusable', reason: 'audio.probe.unreachable', detail: src.url };
      }
      throw e;
    }
  }
  const sampleSeconds = opts.sampleSeconds ?? 10;
  const threshold = opts.thresholdDb ?? -40;
  opts.onStage?.('connect');
  let info: FeedProbe = { reachable: false, verdict: 'unusable' };
  if (src.kind !== 'device') {
    const r = await runTool('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', '-select_streams', 'a', ...inputArgs(src).filter((a) => a !== '-i')], 20_000);
    let parsed: { streams?: Array<{ codec_name?: string; sample_rate?: string; channels?: number; bit_rate?: string }>; format?: { bit_rate?: string } } = {};
    try {
      parsed = JSON.parse(r.stdout || '{}');
    } catch {
      /* unreachable below */
    }
    if (r.code !== 0 || r.timedOut) {
      return { reachable: false, verdict: 'unusable', reason: 'audio.probe.unreachable', detail: r.timedOut ? 'timeout' : lastErrorLine(r.stderr) };
    }
    const s = parsed.streams?.[0];
    if (!s) return { reachable: true, verdict: 'unusable', reason: 'audio.probe.noAudio' };
    const bitrate = Number(s.bit_rate ?? parsed.format?.bit_rate);
    info = {
      reachable: true,
      codec: s.codec_name,
      sampleRate: s.sample_rate ? Number(s.sample_rate) : undefined,
      channels: s.channels,
      bitrate: Number.isFinite(bitrate) && bitrate > 0 ? bitrate : undefined,
      verdict: 'unusable',
    };
  }
  opts.onStage?.('sample');
  const r = await runTool(
    'ffmpeg',
    ['-hide_banner', '-nostats', ...inputArgs(src), '-t', String(sampleSeconds), '-vn', '-af', `silencedetect=n=${threshold}dB:d=0.5,ebur128`, '-f', 'null', '-'],
    (sampleSeconds + 30) * 1000,
  );
  const durations = [...r.stderr.matchAll(/time=(\d+):(\d+):([\d.]+)/g)];
  const lastTime = durations.length ? durations[durations.length - 1]! : null;
  const sampled = lastTime ? +lastTime[1]! * 3600 + +lastTime[2]! * 60 + +lastTime[3]! : 0;
  const lufsMatch = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+|-inf)\s*LUFS/.exec(r.stderr);
  if (r.code !== 0 || !lufsMatch) {
    if (!info.reachable) return { ...info, reason: 'audio.probe.unreachable', detail: lastErrorLine(r.stderr) };
    return { ...info, reason: 'audio.probe.noAudio', detail: lastErrorLine(r.stderr) };
  }
  info.reachable = true;
  const lufs = lufsMatch[1] === '-inf' ? -70 : Number(lufsMatch[1]);
  // Silence: closed intervals plus one still open at the end of the sample.
  let silent = 0;
  let openStart: number | null = null;
  for (const m of r.stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    if (m[1] === 'start') openStart = Number(m[2]);
    else if (openStart !== null) {
      silent += Number(m[2]) - openStart;
      openStart = null;
    }
  }
  const total = sampled || sampleSeconds;
  if (openStart !== null) silent += Math.max(0, total - openStart);
  const result: FeedProbe = { ...info, lufs, silentSeconds: Math.round(silent * 10) / 10, sampledSeconds: Math.round(total * 10) / 10, verdict: 'usable' };
  if (total < 0.5) return { ...result, verdict: 'unusable', reason: 'audio.probe.noAudio' };
  if (silent >= total * (opts.silentShare ?? 0.9) || lufs <= -60) return { ...result, verdict: 'unusable', reason: 'audio.probe.silent' };
  return result;
}

export function assertUsable(p: FeedProbe): void {
  if (p.verdict !== 'usable') throw new LoaxaError(p.reason ?? 'audio.probe.unreachable', { detail: p.detail ?? '' }, EXIT.FAULT);
}
