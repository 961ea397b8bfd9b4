/**
 * The station's relay boards driven from a process of their own. Why: a scheduled switch must
 * reach the wire on its millisecond, and the daemon's thread is busy at times (starting ffmpeg
 * for a pre-roll, a journal fsync, the audio loop). The engine hands timed switches over ahead
 * of time; the relay process waits for the exact moment on its own event loop.
 * A process, not a worker thread: serialport's native poller crashes Node when it reads in a
 * worker thread (serialport/node-serialport#2748, open).
 * If the daemon dies (SIGKILL, a crash), the relay process sees its channel close and switches
 * everything off before it exits: the amplifier is not left on over an empty programme.
 */
import { fork } from 'node:child_process';
import { setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { EXIT, LoaxaError, errorFromWire, getLang, type WireError } from '../i18n/index.js';
import type { RelayEvent, SwitchOffOptions, SwitchOnOptions, ZoneReport, ZoneStatus } from '../relay/index.js';
import type { Schedule } from '../schedule/types.js';

/** What the daemon uses of the relay module's ZoneController, across the process boundary. */
export interface RelayControl {
  switchOn(zones: string[], opts?: SwitchOnOptions): Promise<ZoneReport[]>;
  switchOff(zones: string[], opts?: SwitchOffOptions): Promise<ZoneReport[]>;
  allOff(): Promise<ZoneReport[]>;
  status(): Promise<ZoneStatus[]>;
  /** In the daemon's own thread (a test's fake clock) the answer comes at once. */
  cancel(ticket: string): Promise<boolean> | boolean;
  close(): Promise<void>;
}

export interface RelayProcess extends RelayControl {
  pid: number;
  /** Its raised priority (nice value), or null when it runs at the normal one. */
  nice: number | null;
}

/**
 * The relay process asks the kernel for a higher priority than the rest of the station box, so
 * a busy CPU (three ffmpeg, an officer's browser) delays its wake-up as little as possible. It
 * needs CAP_SYS_NICE (the systemd unit grants it) or root; without, it runs at the normal one.
 */
const RELAY_NICE = -10;

export type RelayCall =
  | { kind: 'open'; schedule: Schedule; lang: string }
  | { kind: 'call'; id: number; method: 'switchOn' | 'switchOff' | 'allOff' | 'status' | 'cancel' | 'close'; args: unknown[] };
export type RelayReply =
  | { kind: 'opened' }
  | { kind: 'event'; event: RelayEvent }
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number | null; error: WireError };

/** Reports and statuses carry LoaxaErrors; they cross as plain data and are revived here. */
function revived<T>(value: T): T {
  if (!Array.isArray(value)) return value;
  return value.map((r: { fault?: unknown }) => (r && typeof r === 'object' && r.fault ? { ...r, fault: errorFromWire(r.fault as WireError) } : r)) as T;
}

/**
 * Start the relay process and open the boards in it. `onExit` is told when it ends without
 * being closed (a crash): the daemon then treats the boards as an outage and opens them again.
 */
export function openRelayProcess(schedule: Schedule, onEvent: (event: RelayEvent) => void, onExit: (why: LoaxaError) => void = () => undefined): Promise<RelayProcess> {
  const child = fork(fileURLToPath(new URL('./relay-child.js', import.meta.url)), [], {
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let nice: number | null = RELAY_NICE;
  try {
    setPriority(child.pid!, RELAY_NICE);
  } catch {
    nice = null;
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  let next = 0;
  let closing = false;
  let opened = false;
  const send = (m: RelayCall) => child.send(m);
  const call = <T>(method: Extract<RelayCall, { kind: 'call' }>['method'], ...args: unknown[]): Promise<T> => {
    if (child.exitCode !== null || child.signalCode !== null || !child.connected) return Promise.reject(new LoaxaError('engine.relay.processEnded', { detail: 'closed' }, EXIT.FAULT));
    const id = ++next;
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send({ kind: 'call', id, method, args });
    });
  };
  return new Promise<RelayProcess>((resolve, reject) => {
    const ended = (why: string) => {
      const last = stderr.trim().split('\n').at(-1);
      const e = new LoaxaError('engine.relay.processEnded', { detail: last ? `${why}: ${last}` : why }, EXIT.FAULT);
      for (const w of waiting.values()) w.reject(e);
      waiting.clear();
      reject(e);
      if (opened && !closing) onExit(e);
    };
    child.on('error', (e) => ended(e.message));
    child.on('exit', (code, signal) => ended(signal ?? `exit ${code}`));
    child.on('message', (m: RelayReply) => {
      if (m.kind === 'event') onEvent(m.event);
      else if (m.kind === 'opened') {
        opened = true;
        resolve({
          switchOn: (zones, opts) => call<ZoneReport[]>('switchOn', zones, opts).then(revived),
          switchOff: (zones, opts) => call<ZoneReport[]>('switchOff', zones, opts).then(revived),
          allOff: () => call<ZoneReport[]>('allOff').then(revived),
          status: () => call<ZoneStatus[]>('status').then(revived),
          cancel: (ticket) => call<boolean>('cancel', ticket),
          pid: child.pid!,
          nice,
          close: async () => {
            closing = true;
            if (child.exitCode !== null || child.signalCode !== null) return;
            const exited = new Promise((r) => child.once('exit', r));
            await call('close').catch(() => undefined);
            child.disconnect();
            await exited;
          },
        });
      } else if (m.kind === 'result') {
        waiting.get(m.id)?.resolve(m.value);
        waiting.delete(m.id);
      } else if (m.id === null) {
        // Opening failed: the process ends itself.
        closing = true;
        reject(errorFromWire(m.error));
      } else {
        waiting.get(m.id)?.reject(errorFromWire(m.error));
        waiting.delete(m.id);
      }
    });
    send({ kind: 'open', schedule, lang: getLang() });
  });
}
