/**
 * Render the same graph the supervisor airs, as fast as ffmpeg goes, into a file: used by
 * `play --out` to check a bulletin (or a slot) before it airs.
 */
import { dirname } from 'node:path';
import { EXIT, LoaxaError, makeFolders } from '../i18n/index.js';
import { lastErrorLine, runTool, sha256File } from './ffmpeg.js';
import { mixerArgs, placeBulletins } from './graph.js';
import { DEFAULT_TARGET_LUFS, mediaInfo, normaliseBulletin } from './normalise.js';
import { checkSourceUrl } from './sources.js';
import type { BroadcastBulletin } from './types.js';

export interface RenderOptions {
  out: string;
  bulletins: BroadcastBulletin[];
  /** Programme under the bulletins: a media file or an http(s) URL; silence when absent. */
  source?: string;
  /** Length; defaults to the end of the last bulletin. */
  durationMs?: number;
  targetLufs?: number;
  fadeMs?: number;
  duckDb?: number;
  sequenceGapMs?: number;
  cacheDir?: string;
}

export interface RenderResult {
  file: string;
  sha256: string;
  seconds: number;
  bulletins: Array<{ id: string; sha256: string; startMs: number; durationMs: number; language: string; approvedBy: string; mode: string }>;
}

export async function renderToFile(o: RenderOptions): Promise<RenderResult> {
  const target = o.targetLufs ?? DEFAULT_TARGET_LUFS;
  const prepared = [];
  for (const b of o.bulletins) {
    const n = await normaliseBulletin(b.file, { targetLufs: target, cacheDir: o.cacheDir, sha256: b.sha256 });
    prepared.push({ ...b, normalised: n.file, sha256: n.sha256, durationMs: n.durationMs });
  }
  const placed = placeBulletins(prepared, o.sequenceGapMs ?? 0);
  const lastEnd = placed.reduce((m, b) => Math.max(m, b.startMs + b.durationMs), 0);
  if (o.source && /^[a-z]+:/i.test(o.source)) await checkSourceUrl(o.source);
  const durationMs = o.durationMs ?? (lastEnd || (o.source ? (await mediaInfo(o.source)).durationMs : 0));
  makeFolders(dirname(o.out));
  const args = mixerArgs({
    program: o.source ? { kind: 'file', file: o.source } : { kind: 'silence' },
    bulletins: placed.map((b) => ({ id: b.id, file: b.normalised, mode: b.mode, startMs: b.startMs, durationMs: b.durationMs })),
    durationMs,
    fadeMs: o.fadeMs,
    duckDb: o.duckDb,
    sinks: [{ kind: 'file', path: o.out }],
  });
  const r = await runTool('ffmpeg', args, Math.max(120_000, durationMs * 2));
  if (r.code !== 0) throw new LoaxaError('audio.render.failed', { file: o.out, detail: lastErrorLine(r.stderr) }, EXIT.FAULT);
  return {
    file: o.out,
    sha256: await sha256File(o.out),
    seconds: Math.round((await mediaInfo(o.out)).durationMs / 100) / 10,
    bulletins: placed.map((b) => ({ id: b.id, sha256: b.sha256, startMs: b.startMs, durationMs: b.durationMs, language: b.language, approvedBy: b.approvedBy, mode: b.mode })),
  };
}
