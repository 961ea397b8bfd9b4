import type { Command } from 'commander';

/** Commands of the audit concern. Import heavy modules inside actions (start-up speed). */
export function registerAudit(program: Command): void {
  void program;
}
