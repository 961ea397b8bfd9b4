/**
 * Measure a recorded file the way an engineer would with ffmpeg: the level of one test tone
 * (band-passed) or of everything, in a time window.
 */
import { spawn } from 'node:child_process';

function ffmpegStderr(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-nostats', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', () => resolve(err));
  });
}

/** Mean level (dBFS) in [startS, startS+durS) of the tone at `freq` Hz (narrow band-pass), or of everything when freq is omitted. */
export async function levelDb(file: string, startS: number, durS: number, freq?: number): Promise<number> {
  const filters = freq ? `bandpass=f=${freq}:width_type=q:w=8,bandpass=f=${freq}:width_type=q:w=8,volumedetect` : 'volumedetect';
  const err = await ffmpegStderr(['-ss', String(startS), '-t', String(durS), '-i', file, '-af', filters, '-f', 'null', '-']);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(err);
  if (!m) return -Infinity;
  return m[1] === '-inf' ? -Infinity : Number(m[1]);
}

/** Integrated loudness (LUFS) of a window. */
export async function lufs(file: string, startS?: number, durS?: number): Promise<number> {
  const args: string[] = [];
  if (startS !== undefined) args.push('-ss', String(startS));
  if (durS !== undefined) args.push('-t', String(durS));
  const err = await ffmpegStderr([...args, '-i', file, '-af', 'ebur128', '-f', 'null', '-']);
  const m = /Integrated loudness:\s*\n\s*I:\s*(-?[\d.]+)\s*LUFS/.exec(err);
  return m ? Number(m[1]) : -Infinity;
}

/** Duration in seconds (ffprobe). */
export function durationS(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(Number(out.trim())));
  });
}

/** Which of the tones dominates each window of `stepS` seconds (for timelines in failure messages). */
export async function toneTimeline(file: string, tones: Record<string, number>, totalS: number, stepS = 0.5): Promise<string[]> {
  const out: string[] = [];
  for (let t = 0; t + stepS <= totalS + 1e-9; t += stepS) {
    let best = 'silence';
    let bestDb = -45;
    for (const [name, f] of Object.entries(tones)) {
      const db = await levelDb(file, t, stepS, f);
      if (db > bestDb) {
        bestDb = db;
        best = name;
      }
    }
    out.push(best);
  }
  return out;
}
