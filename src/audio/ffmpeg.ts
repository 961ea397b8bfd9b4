/**
 * The one place that knows where ffmpeg/ffprobe live and how to run them. Command lines are
 * built with fluent-ffmpeg; the process itself is spawned here so the supervisor owns its
 * lifecycle (stdin/stdout pipes, signals, restarts) instead of fluent-ffmpeg's run().
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import ffmpeg from 'fluent-ffmpeg';

export const ffmpegPath = (): string => process.env.FFMPEG_PATH || 'ffmpeg';
export const ffprobePath = (): string => process.env.FFPROBE_PATH || 'ffprobe';

/** PCM exchanged between decoders, the supervisor and the mixer: s16le, 48 kHz, stereo. */
export const SAMPLE_RATE = 48_000;
export const CHANNELS = 2;
export const BYTES_PER_FRAME = 4;
export const BYTES_PER_MS = (SAMPLE_RATE * BYTES_PER_FRAME) / 1000; // 192

/** A fresh fluent-ffmpeg command (only used to build arguments). */
export function command(): ffmpeg.FfmpegCommand {
  return ffmpeg();
}

/**
 * The argument vector fluent-ffmpeg would run, with quiet logging in front: a long-running
 * ffmpeg should only talk when something is wrong (its stderr is kept for error messages).
 */
export function argsOf(cmd: ffmpeg.FfmpegCommand, logLevel: 'warning' | 'info' = 'warning'): string[] {
  return ['-hide_banner', '-nostdin', '-loglevel', logLevel, ...cmd._getArguments()];
}

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or null when killed) and the last stderr lines. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Spawn ffmpeg with the given arguments; stderr is kept (tail) for error messages. */
export function spawnFfmpeg(args: string[], opts: { stdin?: boolean; onStderrLine?: (line: string) => void } = {}): Spawned {
  // -nostdin must go when stdin carries PCM.
  const finalArgs = opts.stdin ? args.filter((a) => a !== '-nostdin') : args;
  const child = spawn(ffmpegPath(), finalArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    tail = (tail + d).slice(-8000);
    if (opts.onStderrLine) {
      const lines = (partial + d).split(/\r|\n/);
      partial = lines.pop() ?? '';
      for (const l of lines) if (l) opts.onStderrLine(l);
    }
  });
  child.stdin.on('error', () => undefined); // EPIPE when ffmpeg dies: handled by the exit path
  child.stdout.on('error', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    child.on('error', (e) => resolve({ code: -1, signal: null, stderr: tail + '\n' + e.message }));
    child.on('close', (code, signal) => resolve({ code, signal, stderr: tail }));
  });
  return { child, exited };
}

/** Run ffmpeg (or ffprobe) to completion, with a timeout; stdout is collected. */
export function runTool(
  tool: 'ffmpeg' | 'ffprobe',
  args: string[],
  timeoutMs = 120_000,
): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const bin = tool === 'ffmpeg' ? ffmpegPath() : ffprobePath();
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-200_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: -1, stdout, stderr: stderr + e.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file)
      .on('data', (d) => h.update(d))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
}

/** Last meaningful ffmpeg error line, for messages a person reads. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split(/\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(size=|frame=|video:|\s*Stream|Input #|Output #|Duration:|Metadata:)/.test(l));
  return lines[lines.length - 1] ?? 'ffmpeg failed';
}
