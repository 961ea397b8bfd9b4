import type { Command } from 'commander';

/** Commands of the engine concern. Import heavy modules inside actions (start-up speed). */
export function registerEngine(program: Command): void {
  void program;
}
