import { defineConfig } from 'vitest/config';

// One run over every package's unit and integration tests, so the suite ends with one summary.
export default defineConfig({
  test: {
    projects: ['shared', 'server/vitest.config.ts', 'web/vite.config.ts'],
  },
});
