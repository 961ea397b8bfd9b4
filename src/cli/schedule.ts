import type { Command } from 'commander';

/** Commands of the schedule concern. Import heavy modules inside actions (start-up speed). */
export function registerSchedule(program: Command): void {
  void program;
}
