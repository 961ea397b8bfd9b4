/**
 * Text bulletins spoken by espeak-ng (Debian), then normalised like any recording. Languages
 * without an espeak-ng voice (Khmer, most minority languages) are refused with advice to
 * record the bulletin instead.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXIT, LoaxaError } from '../i18n/index.js';
import { argsOf, command, lastErrorLine, runTool } from './ffmpeg.js';
import { DEFAULT_TARGET_LUFS, normaliseBulletin } from './normalise.js';
import { recordingCodec } from './graph.js';

const espeakPath = () => process.env.ESPEAK_PATH || 'espeak-ng';

function run(bin: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: e.message }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

/** espeak-ng voice for a language code, or null (no voice, or espeak-ng not installed). */
export async function ttsVoice(lang: string): Promise<string | null> {
  const r = await run(espeakPath(), [`--voices=${lang}`]);
  if (r.code !== 0) return null;
  for (const line of r.stdout.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    // Pty Language Age/Gender VoiceName File Other
    if (cols[1] && (cols[1].toLowerCase() === lang.toLowerCase() || cols[1].toLowerCase().startsWith(lang.toLowerCase() + '-'))) return cols[1];
  }
  return null;
}

export async function ttsAvailable(): Promise<boolean> {
  return (await run(espeakPath(), ['--version'])).code === 0;
}

/** Speak `text` in `lang` into `out` (format by extension), normalised to the target. */
export async function synthesiseBulletin(text: string, lang: string, out: string, opts: { targetLufs?: number } = {}) {
  if (!(await ttsAvailable())) throw new LoaxaError('audio.tts.missing', {}, EXIT.FAULT);
  const voice = await ttsVoice(lang);
  if (!voice) throw new LoaxaError('audio.tts.noVoice', { lang }, EXIT.INVALID);
  const dir = mkdtempSync(join(tmpdir(), 'loaxa-tts-'));
  try {
    const raw = join(dir, 'speech.wav');
    // Text on stdin: no length limit from argv, no option injection from the text.
    const r = await run(espeakPath(), ['-v', voice, '-s', '150', '-w', raw, '--stdin'], text);
    if (r.code !== 0) throw new LoaxaError('audio.tts.failed', { detail: r.stderr.trim() }, EXIT.FAULT);
    const norm = await normaliseBulletin(raw, { targetLufs: opts.targetLufs ?? DEFAULT_TARGET_LUFS, out: join(dir, 'normalised.wav') });
    const cmd = command().input(norm.file).output(out).outputOptions([...recordingCodec(out), '-y']);
    const c = await runTool('ffmpeg', argsOf(cmd), 120_000);
    if (c.code !== 0) throw new LoaxaError('audio.render.failed', { file: out, detail: lastErrorLine(c.stderr) }, EXIT.FAULT);
    return { file: out, voice, durationMs: norm.durationMs, lufs: norm.outputLufs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
