/**
 * `loaxa play`: a bulletin now — on the speakers (zones switched through the relay concern,
 * every step journalled) or rendered to a file for checking. One function so the engine can
 * route it through its control socket when a daemon runs.
 */
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Schedule } from '../schedule/index.js';
import { EXIT, LoaxaError, makeFolders } from '../i18n/index.js';
import { startBroadcast } from './broadcast.js';
import { normaliseBulletin } from './normalise.js';
import { renderToFile } from './render.js';
import { recordingFileName } from './time.js';
import type { AudioEvent, BroadcastBulletin, BroadcastResult } from './types.js';

export interface PlayOptions {
  zones?: string[];
  out?: string;
  user?: string;
  /** The command line as typed, for the operator.action row. */
  args?: string[];
  /** Called when audio begins (CLI prints a line). */
  onStart?: (info: { bulletin: string; seconds: number; zones: string[] }) => void;
  /** Lets the caller stop playback early (e.g. on Ctrl-C). */
  signal?: AbortSignal;
  now?: () => number;
}

export type PlayResult =
  | { kind: 'rendered'; bulletin: string; file: string; sha256: string; seconds: number }
  | { kind: 'played'; bulletin: string; zones: string[]; result: BroadcastResult };

/** A bulletin id of the schedule, or a path to an audio file (resolved against the cwd). */
export function resolveBulletin(schedule: Schedule, what: string): BroadcastBulletin & { title: string } {
  const b = schedule.bulletins[what];
  if (b) {
    if (!b.file) throw new LoaxaError('audio.play.text', { id: b.id }, EXIT.INVALID);
    return { id: b.id, title: b.title ?? b.id, file: b.file, language: b.language, approvedBy: b.approvedBy, mode: 'alone', offsetMs: 0 };
  }
  const file = resolve(what);
  if (existsSync(file)) {
    return { id: basename(file, extname(file)), title: basename(file), file, language: 'und', approvedBy: '', mode: 'alone', offsetMs: 0 };
  }
  throw new LoaxaError('audio.play.unknown', { what }, EXIT.INVALID);
}

export async function playNow(schedule: Schedule, what: string, opts: PlayOptions = {}): Promise<PlayResult> {
  const bulletin = resolveBulletin(schedule, what);
  if (opts.out) {
    const r = await renderToFile({ out: resolve(opts.out), bulletins: [bulletin] });
    return { kind: 'rendered', bulletin: bulletin.id, file: r.file, sha256: r.sha256, seconds: r.seconds };
  }
  const zones = opts.zones?.length ? opts.zones : Object.keys(schedule.zones);
  for (const z of zones) {
    if (!schedule.zones[z]) throw new LoaxaError('audio.play.unknownZone', { zone: z, known: Object.keys(schedule.zones).join(', ') }, EXIT.INVALID);
  }
  if (!schedule.output.device && !schedule.output.recordDir && !schedule.output.icecast) {
    throw new LoaxaError('audio.play.noSpeakers', {}, EXIT.INVALID);
  }
  const now = opts.now ?? Date.now;
  const { openJournal } = await import('../journal/index.js');
  const journal = openJournal(schedule.journalPath, { station: schedule.station.id, timezone: schedule.station.timezone, now });
  try {
    const user = opts.user ?? safeUser();
    journal.append('operator.action', { user, command: 'play', args: opts.args ?? [what, ...zones] });
    const n = await normaliseBulletin(bulletin.file);
    let recordFile: string | undefined;
    if (schedule.output.recordDir) {
      makeFolders(schedule.output.recordDir);
      recordFile = join(schedule.output.recordDir, recordingFileName({ station: schedule.station.id, program: `play-${bulletin.id}`, startMs: now(), timezone: schedule.station.timezone }));
    }
    const controller =
      zones.length && Object.keys(schedule.relays).length
        ? await (await import('../relay/index.js')).openZones(schedule, {
            now,
            onEvent: (ev) => {
              const { type, ...payload } = ev;
              journal.append(type, payload as never);
            },
          })
        : null;
    try {
      if (controller) await controller.switchOn(zones);
      const handle = startBroadcast({
        bulletins: [{ ...bulletin, sha256: n.sha256 }],
        durationMs: n.durationMs + 300,
        sinks: { device: schedule.output.device, recordFile, icecast: schedule.output.icecast },
        timezone: schedule.station.timezone,
        now,
      });
      handle.onEvent((e: AudioEvent) => journal.append(e.type, e.payload as never, e.atMs));
      const onAbort = () => void handle.stop({ fadeMs: 300 });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      await handle.start();
      opts.onStart?.({ bulletin: bulletin.id, seconds: Math.round(n.durationMs / 100) / 10, zones });
      const result = await handle.done;
      opts.signal?.removeEventListener('abort', onAbort);
      return { kind: 'played', bulletin: bulletin.id, zones, result };
    } finally {
      if (controller) {
        await controller.switchOff(zones).catch(() => undefined);
        await controller.close().catch(() => undefined);
      }
    }
  } finally {
    journal.close();
  }
}

function safeUser(): string {
  try {
    return process.env.SUDO_USER || userInfo().username;
  } catch {
    return 'unknown';
  }
}
