/**
 * `loaxa run`: the station's always-on daemon. Wires the real schedule, journal, relay
 * and audio modules to the engine's ports, serves the control socket, watches the
 * schedule file, and shuts down cleanly on SIGTERM/SIGINT or after `--for`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hostname, userInfo } from 'node:os';
import { createRequire } from 'node:module';
import { EXIT, LoaxaError, isLoaxaError, t, makeFolders } from '../i18n/index.js';
import type { EventPayloads, EventType } from '../journal/events.js';
import type { Schedule } from '../schedule/types.js';
import { SystemClock, type Clock, type Timer } from './clock.js';
import { Engine } from './engine.js';
import { listenControl, socketPath, type ControlRequest, type ControlServer } from './control.js';
import type { AudioPort, BroadcastHandle, BroadcastRequest, JournalPort, LogSink, RelayPort } from './ports.js';
import type { RelayControl } from './relay-process.js';
import { readClockStatus, watchClockStatus, type ClockStatus } from './system.js';

export interface DaemonOptions {
  scheduleFile: string;
  db?: string;
  /** Stop cleanly after this long. */
  forMs?: number;
  log: LogSink;
  /** Printed verbatim (diagnostics of a rejected schedule). */
  print?: (line: string) => void;
  clock?: Clock;
  /** Where the control socket's /run fallback lives (tests point it elsewhere). */
  runDir?: string;
  /** Recording format (extension), default mp3. */
  recordExt?: string;
  prerollMs?: number;
}

export interface Daemon {
  engine: Engine;
  socket: ControlServer;
  /** Resolves with the exit code once the daemon has stopped. */
  finished: Promise<number>;
  stop(reason: string): Promise<void>;
}

function version(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

/**
 * The clock line the officer reads: the offset only when the source gives one (timedatectl
 * does not), and a plain sentence when neither chronyc nor timedatectl answered.
 */
function logClock(log: LogSink, cs: ClockStatus): void {
  const level = cs.synchronised === false ? 'warn' : 'info';
  const sync = t(`engine.clock.${String(cs.synchronised)}`);
  if (cs.source === 'none') log(level, 'engine.log.clockNoSource');
  else if (cs.offsetMs === null) log(level, 'engine.log.clockNoOffset', { sync, source: cs.source });
  else log(level, 'engine.log.clock', { sync, source: cs.source, offset: cs.offsetMs });
}

/** How often the schedule file is looked at besides change notifications (see startDaemon). */
const SCHEDULE_POLL_MS = 2000;

export async function startDaemon(o: DaemonOptions): Promise<Daemon> {
  const clock = o.clock ?? new SystemClock();
  const { loadSchedule, expand, localIso, localDate, zonedTimeToEpoch } = await import('../schedule/index.js');
  const journalMod = await import('../journal/index.js');
  const scheduleFile = resolve(o.scheduleFile);
  let schedule: Schedule = await loadSchedule(scheduleFile);
  const dbPath = o.db ? resolve(o.db) : schedule.journalPath;
  const journal = journalMod.openJournal(dbPath, { station: schedule.station.id, timezone: schedule.station.timezone, now: () => clock.now() });
  const log = o.log;

  // Keys: seal daily when the station has them; without, run unsealed and say so once.
  let keys: ReturnType<typeof journalMod.loadStationKeys> | null = null;
  try {
    keys = journalMod.loadStationKeys(schedule.keysDir);
  } catch (e) {
    if (isLoaxaError(e) && e.key === 'journal.keys.missing') log('warn', 'engine.log.noKeys', { dir: schedule.keysDir });
    else log('error', 'engine.log.sealFailed', { date: '-', detail: isLoaxaError(e) ? e.render() : String(e) });
  }

  const journalPort: JournalPort = {
    append: (type, payload, atMs) => journal.append(type, payload, atMs),
    events: (q) => journal.events(q),
    sealDay: keys
      ? (date: string) => {
          journalMod.sealDay(journal, keys!, date);
        }
      : undefined,
    close: () => journal.close(),
    reason: journalMod.slotReason,
    describe: (type, payload) => journalMod.describeEvent({ type, payload } as never),
  };

  journal.append('station.start', { version: version(), pid: process.pid, host: hostname(), user: osUser(), schedule: scheduleFile });
  log('info', 'engine.log.started', { station: schedule.station.id, file: scheduleFile, db: dbPath });

  if (keys) {
    for (const seal of journalMod.sealPendingDays(journal, keys, localDate(clock.now(), schedule.station.timezone))) {
      log('ok', 'engine.log.sealed', { date: (seal.payload as EventPayloads['seal']).date });
    }
  }

  const cs = await readClockStatus();
  journal.append('clock.status', cs);
  logClock(log, cs);
  if (cs.synchronised === false) log('warn', 'engine.log.clockUnsynced');

  let engine: Engine | null = null;
  const relays = await openRelays(() => schedule, clock, journalPort, log, (type, payload) => engine?.noteRelayEvent(type, payload));
  // MP3 keeps a year of evidence small; LOAXA_RECORD_FORMAT=wav (or flac) for bit-exact recordings.
  const recordExt = o.recordExt ?? (process.env.LOAXA_RECORD_FORMAT || 'mp3').replace(/^\./, '');
  const audio = await makeAudioPort(() => schedule, clock, recordExt);

  engine = new Engine({
    clock,
    journal: journalPort,
    relays,
    audio,
    planner: { expand, localIso, localDate, zonedTimeToEpoch },
    schedule,
    log,
    prerollMs: o.prerollMs,
  });
  await engine.start();
  const eng = engine;

  const socket = await listenControl(socketPath(schedule.dir, schedule.station.id, o.runDir), async (req: ControlRequest) => {
    if (req.cmd === 'status') {
      const st = eng.status();
      const relayStatus = relays ? await Promise.race([relays.status().catch(() => null), clock.sleep(3000).then(() => null)]) : null;
      return { ...st, relays: relayStatus };
    }
    if (req.cmd === 'play') return eng.play({ bulletin: req.bulletin, priority: req.priority, zones: req.zones, user: req.user });
    throw new LoaxaError('engine.socket.badRequest', {}, EXIT.USAGE);
  });
  log('info', 'engine.log.socket', { path: socket.path });

  // Hot reload: editors replace the file (rename), so watch the folder and debounce.
  let watcher: FSWatcher | null = null;
  let debounce: NodeJS.Timeout | null = null;
  let lastSha = schedule.sha256;
  /** The schedule file's SHA-256 now, or null while it cannot be read (mid-save). */
  const currentSha = (): string | null => {
    try {
      return createHash('sha256').update(readFileSync(scheduleFile)).digest('hex');
    } catch {
      return null;
    }
  };
  const reload = async () => {
    const sha = currentSha();
    if (sha === null || sha === lastSha) return; // mid-save (the next event will come), or unchanged
    lastSha = sha;
    try {
      const next = await loadSchedule(scheduleFile);
      schedule = next;
      eng.reload(next);
    } catch (e) {
      const lines = isLoaxaError(e) ? e.render().split('\n').filter(Boolean) : [String(e)];
      o.print?.(t('engine.run.reloadErrors'));
      for (const l of lines) o.print?.('  ' + l);
      eng.rejected(scheduleFile, sha, lines);
    }
  };
  const changed = () => {
    if (debounce) clearTimeout(debounce);
    debounce = setTimeout(() => void reload(), 300);
  };
  try {
    watcher = watch(dirname(scheduleFile), (_event, name) => {
      if (name && name.toString() !== basename(scheduleFile)) return;
      changed();
    });
    watcher.on('error', () => watcher?.close());
  } catch {
    watcher = null;
  }
  // And the file's bytes every few seconds: a change notification can be missed (a schedule on
  // a network folder, inotify's limits spent, one seen lost under load in CI), and a missed edit
  // would leave the station on the old plan without a word. The bytes, not fs.watchFile's size
  // and time: watchFile takes its first stat on the thread pool after it is called, so on a busy
  // machine an edit made just after start became its baseline and was never seen (a CI failure).
  // Hashing a few kilobytes every 2 s costs nothing; an edit seen both ways is loaded once.
  const poll = setInterval(() => {
    const sha = currentSha();
    if (sha !== null && sha !== lastSha) changed();
  }, SCHEDULE_POLL_MS);
  poll.unref();

  let resolveFinished!: (code: number) => void;
  const finished = new Promise<number>((r) => (resolveFinished = r));
  let stopping: Promise<void> | null = null;
  let clockWatch: Timer | null = null;
  /** `reason` is journalled as is; `label` is what the officer reads. */
  const stop = (reason: string, label: string = reason): Promise<void> => {
    if (stopping) return stopping;
    stopping = (async () => {
      log('info', 'engine.log.stopping', { reason: label });
      watcher?.close();
      clearInterval(poll);
      if (debounce) clearTimeout(debounce);
      forTimer?.cancel();
      clockWatch?.cancel();
      await eng.stop(reason);
      log('info', 'engine.log.stopped', { reason: label });
      await socket.close();
      if (relays) await relays.close().catch(() => undefined);
      journal.close();
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      if (clock instanceof SystemClock) clock.dispose();
      resolveFinished(EXIT.OK);
    })();
    return stopping;
  };
  const onTerm = () => void stop('SIGTERM', t('engine.reason.signal', { signal: 'SIGTERM' }));
  const onInt = () => void stop('SIGINT', t('engine.reason.signal', { signal: 'SIGINT' }));
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onInt);
  // A bug must not leave the amplifier on: close the slot, switch off, exit 3 (systemd restarts us).
  const onCrash = (e: unknown) => {
    const detail = e instanceof Error ? e.message : String(e);
    log('error', 'cli.internal', { detail });
    if (process.env.LOAXA_DEBUG && e instanceof Error && e.stack) o.print?.(e.stack);
    const deadline = setTimeout(() => process.exit(EXIT.FAULT), 10_000);
    deadline.unref();
    void stop(`internal error: ${detail}`).finally(() => process.exit(EXIT.FAULT));
  };
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  const forTimer = o.forMs ? clock.setTimer(clock.now() + o.forMs, () => void stop(`--for ${Math.round(o.forMs! / 1000)}s elapsed`, t('engine.reason.for', { seconds: Math.round(o.forMs! / 1000) }))) : null;

  // Then the clock hourly, into the journal (armed last: a start that fails leaves no timer).
  // The officer reads a line only when the synchronisation changes.
  let lastSync = cs.synchronised;
  clockWatch = watchClockStatus(clock, (now) => {
    journal.append('clock.status', now);
    if (now.synchronised === lastSync) return;
    lastSync = now.synchronised;
    logClock(log, now);
    if (now.synchronised === false) log('warn', 'engine.log.clockUnsynced');
  });

  return { engine: eng, socket, finished, stop };
}

/**
 * The relay port. A board that cannot be opened at start (unplugged adapter) does not
 * stop the station: audio goes on, the outage is journalled per zone and the boards are
 * opened again every few seconds.
 */
async function openRelays(
  getSchedule: () => Schedule,
  clock: Clock,
  journal: JournalPort,
  log: LogSink,
  note: (type: 'relay.action' | 'relay.outage', payload: Record<string, unknown>) => void,
): Promise<RelayPort | null> {
  const schedule = getSchedule();
  if (Object.keys(schedule.relays).length === 0) return null;
  const { openZones } = await import('../relay/index.js');
  const { openRelayProcess } = await import('./relay-process.js');
  const { localIso } = await import('../schedule/index.js');
  const { keyedReasonText, describeEvent } = await import('../journal/index.js');
  // Station-local times, as every other row and the relay module's own outage rows have them.
  const local = (ms: number) => localIso(ms, getSchedule().station.timezone);
  let ctl: RelayControl | null = null;
  let wanted = new Set<string>();
  const onEvent = (e: { type: 'relay.action' | 'relay.outage' } & Record<string, unknown>) => {
    const { type, ...payload } = e;
    journal.append(type, payload as never);
    note(type, payload);
    if (type === 'relay.outage') {
      if (payload.endedAt) log('ok', 'engine.log.relayBack', { board: String(payload.board), port: String(payload.port), seconds: String(payload.seconds ?? '?') });
      else {
        // The journal keeps the reason in English with its sentence key: the officer reads it in their language.
        const reason = keyedReasonText(payload.reasonKey as string | undefined, payload.reasonParams as Record<string, string | number> | undefined) ?? String(payload.reason);
        log('warn', 'engine.log.relayOutage', { board: String(payload.board), port: String(payload.port), reason, zones: (payload.zones as string[]).join(', ') });
      }
    } else if (payload.fault || payload.confirmed === 'mismatch') {
      // As `loaxa log` tells it, in the officer's language (a fault or a mismatch is always told).
      log('warn', 'engine.log.journalEvent', { text: describeEvent({ type, payload } as never)! });
    }
  };
  // The relay process ended under us (a crash): an outage like an unplugged board, opened again.
  const relaysEnded = (why: LoaxaError) => {
    ctl = null;
    outageStarted = clock.now();
    outage(why);
    retryLater();
  };
  const tryOpen = async (): Promise<boolean> => {
    try {
      // On the wall clock the boards get a process of their own (timing); a test's fake clock cannot cross over.
      if (clock instanceof SystemClock) {
        const opened = await openRelayProcess(getSchedule(), onEvent as never, relaysEnded);
        if (opened.nice !== null) log('info', 'engine.log.relayPriority', { nice: opened.nice });
        else log('info', 'engine.log.relayPriorityNormal');
        ctl = opened;
      } else {
        ctl = await openZones(getSchedule(), { onEvent: onEvent as never, now: () => clock.now(), sleep: (ms) => clock.sleep(ms), exitHandlers: false });
      }
      return true;
    } catch (e) {
      return Promise.reject(e);
    }
  };
  let retry: NodeJS.Timeout | null = null;
  let outageStarted: number | null = null;
  const outage = (why: unknown) => {
    const s = getSchedule();
    // The record keeps English text, and the sentence's key and values for a reader's language.
    const reason = isLoaxaError(why)
      ? { reason: t(why.key, why.params, 'en'), reasonKey: why.key, reasonParams: why.params as Record<string, string | number> }
      : { reason: String(why) };
    for (const board of Object.values(s.relays)) {
      const zones = Object.values(s.zones).filter((z) => z.relay === board.id).map((z) => z.id);
      const startedAtMs = outageStarted ?? clock.now();
      onEvent({ type: 'relay.outage', board: board.id, port: board.port, zones, startedAt: local(startedAtMs), startedAtMs, ...reason });
    }
  };
  const retryLater = () => {
    retry = setTimeout(async () => {
      try {
        await tryOpen();
        retry = null;
        if (outageStarted !== null) {
          const s = getSchedule();
          for (const board of Object.values(s.relays)) {
            const zones = Object.values(s.zones).filter((z) => z.relay === board.id).map((z) => z.id);
            const endedAtMs = clock.now();
            onEvent({
              type: 'relay.outage', board: board.id, port: board.port, zones, startedAt: local(outageStarted), startedAtMs: outageStarted,
              endedAt: local(endedAtMs), endedAtMs, seconds: Math.round((endedAtMs - outageStarted) / 1000), reason: 'opened after retry',
            });
          }
          outageStarted = null;
        }
        if (wanted.size) await ctl!.switchOn([...wanted]);
      } catch {
        retryLater();
      }
    }, 5000);
  };
  try {
    await tryOpen();
  } catch (e) {
    outageStarted = clock.now();
    outage(e);
    retryLater();
  }
  return {
    switchOn: async (zones, opts) => {
      for (const z of zones) wanted.add(z);
      return ctl ? ctl.switchOn(zones, opts) : [];
    },
    switchOff: async (zones, opts) => {
      for (const z of zones) wanted.delete(z);
      return ctl ? ctl.switchOff(zones, opts) : [];
    },
    allOff: async () => {
      wanted = new Set();
      return ctl ? ctl.allOff() : [];
    },
    cancel: async (ticket) => (ctl ? ctl.cancel(ticket) : false),
    status: async () => (ctl ? ctl.status() : null),
    close: async () => {
      if (retry) clearTimeout(retry);
      await ctl?.close();
    },
  };
}

/** The audio port over the audio module's startBroadcast. */
async function makeAudioPort(getSchedule: () => Schedule, clock: Clock, recordExt: string): Promise<AudioPort> {
  const audio = await import('../audio/index.js');
  return {
    startBroadcast(req: BroadcastRequest, onEvent: (type: EventType, payload: Record<string, unknown>) => void): BroadcastHandle {
      const s = getSchedule();
      const src = req.source ? s.sources[req.source] : undefined;
      const recordDir = s.output.recordDir;
      if (recordDir) makeFolders(recordDir);
      const recordFile = recordDir
        ? join(recordDir, audio.recordingFileName({ station: s.station.id, program: req.program, startMs: req.plannedStartMs, timezone: s.station.timezone, ext: recordExt }))
        : undefined;
      const handle = audio.startBroadcast({
        slotId: req.slotId,
        source: src ? { id: src.id, url: src.url, device: src.device, fallback: src.fallback } : undefined,
        bulletins: req.bulletins,
        durationMs: req.durationMs,
        startAtMs: req.startAtMs,
        sinks: { device: s.output.device, recordFile, icecast: s.output.icecast },
        deadAir: { thresholdDb: -40, afterMs: 10_000 },
        loudness: { targetLufs: -16 },
        timezone: s.station.timezone,
        now: () => clock.now(),
      });
      handle.onEvent((e) => onEvent(e.type, e.payload as unknown as Record<string, unknown>));
      return {
        preroll: () => handle.preroll(),
        start: () => handle.start(),
        stop: async (opts) => {
          await handle.stop({ fadeMs: opts?.fadeMs });
        },
        done: handle.done.then((r) => ({
          secondsAired: r.secondsAired,
          secondsFallback: r.secondsFallback,
          secondsDeadAir: r.secondsDeadAir,
          recording: r.recording ?? null,
        })),
      };
    },
    async mediaDurationMs(file: string): Promise<number | null> {
      try {
        const info = await audio.mediaInfo(file);
        return info.durationMs || null;
      } catch {
        return null;
      }
    },
  };
}
