/** Small helpers every command shares: output, colour, exit handling. */
import chalk from 'chalk';
import { EXIT, LoaxaError, isLoaxaError, t, type ExitCode } from '../i18n/index.js';

/** No colour when NO_COLOR is set or stdout is not a terminal (journald, pipes, CI). */
export function configureColour(stream: NodeJS.WriteStream = process.stdout): void {
  if ('NO_COLOR' in process.env || !stream.isTTY) chalk.level = 0;
}

const gone = new Set<NodeJS.WriteStream>();

/**
 * A reader that went away (`loaxa log | head`, a closed terminal) must neither crash the
 * command with a stack trace nor stop its work half done (an import, the station itself):
 * what would have been printed after is dropped. Any other output fault is a fault (exit 3).
 */
export function tolerateClosedOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      gone.add(stream);
      if (e.code !== 'EPIPE') process.exitCode = EXIT.FAULT;
    });
  }
}

export function out(line = ''): void {
  if (!gone.has(process.stdout)) process.stdout.write(line + '\n');
}

export function err(line: string): void {
  if (!gone.has(process.stderr)) process.stderr.write(line + '\n');
}

/** Print an error the way a person should see it — never a stack trace — and return its exit code. */
export function reportError(e: unknown): ExitCode {
  if (isLoaxaError(e)) {
    err(chalk.red(e.render()));
    return e.exitCode;
  }
  const detail = e instanceof Error ? e.message : String(e);
  err(chalk.red(t('cli.internal', { detail })));
  if (process.env.LOAXA_DEBUG && e instanceof Error && e.stack) err(e.stack);
  return EXIT.FAULT;
}

/**
 * Wrap a command action: run it, set the process exit code from its result or error.
 * Actions return an exit code (or nothing for OK) so tests and scripts get 0/1/2/3.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<ExitCode | void> | ExitCode | void) {
  return async (...args: A): Promise<void> => {
    try {
      const code = await fn(...args);
      process.exitCode = code ?? EXIT.OK;
    } catch (e) {
      process.exitCode = reportError(e);
    }
  };
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Validate a YYYY-MM-DD option value (a real calendar date). */
export function parseDateOption(value: string): string {
  const m = DATE_RE.test(value) ? new Date(value + 'T00:00:00Z') : null;
  if (!m || Number.isNaN(m.getTime()) || m.toISOString().slice(0, 10) !== value) {
    throw new LoaxaError('cli.date.invalid', { value }, EXIT.USAGE);
  }
  return value;
}

export function checkRange(from: string, to: string): void {
  if (from > to) throw new LoaxaError('cli.range.reversed', { from, to }, EXIT.USAGE);
}
