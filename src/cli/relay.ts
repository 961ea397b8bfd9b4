import type { Command } from 'commander';

/** Commands of the relay concern. Import heavy modules inside actions (start-up speed). */
export function registerRelay(program: Command): void {
  void program;
}
