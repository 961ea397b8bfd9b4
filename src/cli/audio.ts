import type { Command } from 'commander';

/** Commands of the audio concern. Import heavy modules inside actions (start-up speed). */
export function registerAudio(program: Command): void {
  void program;
}
