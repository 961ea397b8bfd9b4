/**
 * The daemon's log lines: coloured with the local time on a terminal; plain lines with a
 * full ISO time when not a TTY (journald, files), so every line stands alone.
 */
import chalk from 'chalk';
import { t } from '../i18n/index.js';
import type { LogLevel, LogSink } from './ports.js';

export function consoleLog(opts: { tty: boolean; timezone: () => string; localIso: (ms: number, tz: string) => string; now?: () => number }): LogSink {
  const now = opts.now ?? Date.now;
  return (level: LogLevel, key, params = {}) => {
    const text = t(key, params);
    const iso = opts.localIso(now(), opts.timezone());
    const stream = level === 'error' ? process.stderr : process.stdout;
    if (!opts.tty) {
      stream.write(`${iso} ${level.toUpperCase().padEnd(5)} ${text}\n`);
      return;
    }
    const time = chalk.dim(iso.slice(11, 19));
    const paint = level === 'error' ? chalk.red : level === 'warn' ? chalk.yellow : level === 'ok' ? chalk.green : (s: string) => s;
    stream.write(`${time} ${paint(text)}\n`);
  };
}
