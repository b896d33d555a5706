import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// One run over every package's unit and integration tests, so the suite ends with one summary.
export default defineConfig({
  test: {
    projects: ['shared', 'server/vitest.config.ts', 'web/vite.config.ts'],
    // Two files at a time at least. Vitest's default leaves a core free, which on a 2-core machine runs one file at a
    // time, and the longest integration tests mostly wait on the poller's real cycles and Connect's quotas (the
    // whole run took 475 s one at a time, 271 s two at a time).
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
