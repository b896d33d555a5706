import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      {
        find: /^@switchboard\/shared\/timeZone$/,
        replacement: fileURLToPath(new URL('../shared/src/timeZone.ts', import.meta.url)),
      },
      {
        find: /^@switchboard\/shared\/noEval$/,
        replacement: fileURLToPath(new URL('../shared/src/noEval.ts', import.meta.url)),
      },
      {
        find: /^@switchboard\/shared$/,
        replacement: fileURLToPath(new URL('../shared/src/index.ts', import.meta.url)),
      },
    ],
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  build: {
    sourcemap: true,
  },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/testing/setup.ts'],
  },
});
