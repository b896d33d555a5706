import { defineConfig } from '@playwright/test';

/**
 * The wallboard's browser benchmark: `npx playwright test -c bench` from e2e/, after `pnpm build`. It prints
 * its figures; it does not fail on them (targets live in the printout and in docs/wallboard.md). Its setup
 * builds the baseline's web app (bench/baseline.ts, cached by commit) to compare the current build against.
 */
export default defineConfig({
  testDir: '.',
  globalSetup: './setup.ts',
  testMatch: '*.bench.ts',
  workers: 1,
  retries: 0,
  reporter: [['list']],
  timeout: 600_000,
  use: {
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--enable-precise-memory-info',
      ],
    },
  },
});
