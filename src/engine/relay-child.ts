/** The relay process (see relay-process.ts): the relay module on its own event loop, timed by the engine's clock. */
import { errorToWire, setLang, type Lang } from '../i18n/index.js';
import { openZones, type RelayEvent, type ZoneController } from '../relay/index.js';
import { SystemClock } from './clock.js';
import type { RelayCall, RelayReply } from './relay-process.js';

const clock = new SystemClock();
const post = (m: RelayReply, then?: () => void) => {
  if (process.connected) process.send!(m, undefined, undefined, then);
};
let zones: ZoneController | null = null;

/** Faults in reports are LoaxaErrors: send them as data. */
const plain = (value: unknown): unknown =>
  Array.isArray(value) ? value.map((r: { fault?: unknown }) => (r && typeof r === 'object' && r.fault ? { ...r, fault: errorToWire(r.fault) } : r)) : value;

async function handle(m: Extract<RelayCall, { kind: 'call' }>): Promise<unknown> {
  const z = zones!;
  switch (m.method) {
    case 'switchOn':
      return z.switchOn(m.args[0] as string[], m.args[1] as never);
    case 'switchOff':
      return z.switchOff(m.args[0] as string[], m.args[1] as never);
    case 'allOff':
      return z.allOff();
    case 'status':
      return z.status();
    case 'cancel':
      return z.cancel(m.args[0] as string);
    case 'close':
      await shutdown();
      return null;
  }
}

let finishing: Promise<void> | null = null;
/** Everything off, ports closed, then this process may end. */
function shutdown(): Promise<void> {
  finishing ??= (async () => {
    await zones?.close().catch(() => undefined);
    clock.dispose();
  })();
  return finishing;
}

process.on('message', (m: RelayCall) => {
  if (m.kind === 'open') {
    setLang(m.lang as Lang);
    openZones(m.schedule, {
      onEvent: (event: RelayEvent) => post({ kind: 'event', event }),
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      exitHandlers: false,
    }).then(
      (opened) => {
        zones = opened;
        post({ kind: 'opened' });
      },
      (e: unknown) => {
        // Let the error reach the daemon before the channel closes.
        post({ kind: 'error', id: null, error: errorToWire(e) }, () => process.disconnect());
      },
    );
    return;
  }
  handle(m).then(
    (value) => post({ kind: 'result', id: m.id, value: plain(value) }),
    (e: unknown) => post({ kind: 'error', id: m.id, error: errorToWire(e) }),
  );
});

// The daemon is gone (closed us, crashed or was killed): leave the speakers in the safe state.
process.on('disconnect', () => void shutdown().then(() => process.exit(0)));
// Signals (Ctrl-C reaches the whole process group, systemd may signal the whole unit) are for
// the daemon: it fades out, then switches off through us in order, then lets us go.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
