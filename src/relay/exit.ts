/**
 * Safe state on the way out: every open controller switches its relays off when the
 * process is interrupted (SIGINT, SIGTERM) or exits (including on an uncaught error).
 */

export interface ExitGuard {
  remove(): void;
}

interface Guarded {
  /** Switch off and close, the normal way (the event loop still runs). */
  offAsync(): Promise<void>;
  /** Write the off frames synchronously: the event loop will not run again. */
  offSync(): void;
}

const guarded = new Set<Guarded>();
/** Longest a signal waits for the boards before the process goes on exiting. */
const SIGNAL_DEADLINE_MS = 3000;
let installed = false;

async function onSignal(signal: NodeJS.Signals): Promise<void> {
  // Counted first: closing the controllers removes our own listener.
  const nobodyElse = process.listenerCount(signal) === 1;
  const pending = Promise.allSettled([...guarded].map((g) => g.offAsync()));
  await Promise.race([pending, new Promise((r) => setTimeout(r, SIGNAL_DEADLINE_MS).unref())]);
  // If nobody else handles the signal, exit the way the process would have without us.
  if (nobodyElse) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

const onSigint = () => void onSignal('SIGINT');
const onSigterm = () => void onSignal('SIGTERM');
const onExit = () => {
  for (const g of guarded) g.offSync();
  guarded.clear();
};

function install(): void {
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);
  process.on('exit', onExit);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  process.off('exit', onExit);
}

export function registerExitGuard(g: Guarded): ExitGuard {
  guarded.add(g);
  install();
  return {
    remove() {
      guarded.delete(g);
      if (guarded.size === 0) uninstall();
    },
  };
}
