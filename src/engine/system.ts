/**
 * What the engine asks of the host: is the clock synchronised (timedatectl / chronyc),
 * and the systemd unit that keeps the daemon running.
 */
import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import type { Clock, Timer } from './clock.js';

export interface ClockStatus {
  synchronised: boolean | 'unknown';
  offsetMs: number | null;
  source: string;
}

function run(cmd: string, args: string[], timeoutMs = 3000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => resolve(err ? null : stdout));
  });
}

/** Parse `chronyc tracking`: "System time : 0.000012345 seconds fast of NTP time", "Leap status : Normal". */
export function parseChrony(text: string): ClockStatus | null {
  const sys = /System time\s*:\s*([\d.]+)\s+seconds\s+(fast|slow)/i.exec(text);
  const leap = /Leap status\s*:\s*(.+)/i.exec(text);
  if (!sys && !leap) return null;
  const offset = sys ? Number(sys[1]) * 1000 * (sys[2]!.toLowerCase() === 'fast' ? 1 : -1) : null;
  const synchronised = leap ? !/not synchronised/i.test(leap[1]!) : 'unknown';
  return { synchronised, offsetMs: offset === null ? null : Math.round(offset * 1000) / 1000, source: 'chronyc' };
}

/** Ask chrony first (it knows the offset), then systemd-timesyncd via timedatectl, else "unknown". */
export async function readClockStatus(): Promise<ClockStatus> {
  const chrony = await run('chronyc', ['tracking']);
  const parsed = chrony ? parseChrony(chrony) : null;
  if (parsed) return parsed;
  const td = await run('timedatectl', ['show', '-p', 'NTPSynchronized', '--value']);
  if (td !== null && /^(yes|no)\s*$/.test(td)) return { synchronised: td.trim() === 'yes', offsetMs: null, source: 'timedatectl' };
  return { synchronised: 'unknown', offsetMs: null, source: 'none' };
}

/**
 * How often the daemon reads the clock while it runs. A station runs for weeks between
 * restarts, and the inspector's report counts clock checks and problems per day: a reading at
 * start only would leave most days unchecked.
 */
export const CLOCK_CHECK_EVERY_MS = 3_600_000;

/**
 * Read the clock status every `everyMs` on `clock` — the first one period from now (the daemon
 * reads once at start itself) — and hand each reading to `onReading`, until cancelled. A
 * reading still under way when cancelled is dropped.
 */
export function watchClockStatus(clock: Clock, onReading: (status: ClockStatus) => void, everyMs = CLOCK_CHECK_EVERY_MS): Timer {
  let timer: Timer | null = null;
  let cancelled = false;
  const arm = (atMs: number) => {
    timer = clock.setTimer(atMs, () => {
      // The next one is armed from this one's due time, not from when the reading came back.
      arm(atMs + everyMs);
      void readClockStatus().then((status) => {
        if (!cancelled) onReading(status);
      });
    });
  };
  arm(clock.now() + everyMs);
  return {
    cancel: () => {
      cancelled = true;
      timer?.cancel();
    },
  };
}

export interface UnitOptions {
  station: string;
  stationName: string;
  scheduleFile: string;
  stationDir: string;
  user: string;
  group?: string;
  nodePath: string;
  binPath: string;
  db?: string;
}

/** Quote one word for systemd's ExecStart (it splits on spaces and honours double quotes). */
function sdQuote(word: string): string {
  return /[\s"'\\$%;]/.test(word) ? `"${word.replace(/(["\\])/g, '\\$1').replace(/\$/g, '$$$$').replace(/%/g, '%%')}"` : word;
}

/** A systemd unit keeping `loaxa run` alive on the station box. */
export function systemdUnit(o: UnitOptions): string {
  const exec = [o.nodePath, o.binPath, 'run', o.scheduleFile, ...(o.db ? ['--db', o.db] : [])].map(sdQuote).join(' ');
  return [
    '[Unit]',
    `Description=loaxa broadcast daemon — ${o.stationName} (${o.station})`,
    `Documentation=file://${o.binPath.replace(/bin\/loaxa$/, 'README.md')}`,
    'After=network-online.target sound.target time-sync.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `User=${o.user}`,
    ...(o.group ? [`Group=${o.group}`] : []),
    'SupplementaryGroups=dialout audio',
    // Lets loaxa give its relay process a higher priority (nice −10): switches on their millisecond on a busy box.
    'AmbientCapabilities=CAP_SYS_NICE',
    `WorkingDirectory=${o.stationDir}`,
    `ExecStart=${exec}`,
    'Restart=always',
    'RestartSec=2',
    // SIGTERM lets loaxa fade out, switch the amplifier and zones off and close the slot.
    'KillSignal=SIGTERM',
    // To the daemon only: it closes its relay process itself, after the switch-off.
    'KillMode=mixed',
    'TimeoutStopSec=30',
    // /run/loaxa holds the control socket (mode 0660, group of the service).
    'RuntimeDirectory=loaxa',
    'RuntimeDirectoryMode=0770',
    'RuntimeDirectoryPreserve=yes',
    'Environment=NODE_ENV=production',
    `SyslogIdentifier=loaxa-${o.station}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function unitName(station: string): string {
  return `loaxa-${basename(station).replace(/[^A-Za-z0-9:_.\\-]/g, '-')}.service`;
}
