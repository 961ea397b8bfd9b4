import { defineConfig } from 'vitest/config';

// Tests drive real ffmpeg, socat ptys and SQLite files: give them room, and keep
// heavy files from fighting over the 2 cores of a station box or CI machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
