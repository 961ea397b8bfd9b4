import type { Command } from 'commander';

/** Commands of the journal concern. Import heavy modules inside actions (start-up speed). */
export function registerJournal(program: Command): void {
  void program;
}
