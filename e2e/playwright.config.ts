import { mkdirSync, rmSync } from 'node:fs';
import { defineConfig } from '@playwright/test';
import { zoneWhereItIs } from '../server/test/support/timeZone.js';
import { FAKE_CREDENTIALS, SERVER_LOG, TRAFFIC_DIR } from './support/secrets.js';
import { baseURL, port, simulatorInstanceId, simulatorPort } from './support/suite.js';

// A fresh record of the browsers' traffic for each run (the config is loaded again in every worker: only the
// runner clears it).
if (process.env.TEST_WORKER_INDEX === undefined) rmSync(TRAFFIC_DIR, { recursive: true, force: true });
mkdirSync(TRAFFIC_DIR, { recursive: true });

// The centre's time zone, for the simulator and the wallboard alike: one where it is mid-morning at any hour of
// the run, so "today" has its series (in the first minutes after midnight there are none yet).
const timeZone = zoneWhereItIs(10);

/** The files that run for minutes of simulated days and hours, each on a server of its own. */
const LONG = /(soak|patches)\.spec\.ts$/;

export default defineConfig({
  testDir: './tests',
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two lanes, each one test at a time: the soak and the hours-long wall, which mostly wait on the simulated
  // clock, beside everything else, in the order it always ran.
  workers: 2,
  reporter: [['list']],
  timeout: 60_000,
  // The machine running the suite is often shared and busy: a first paint may take more than the default 5 s.
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      // Chromium's own background traffic is refused on a closed network; keep it quiet and local.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: [/\.check\.ts$/, LONG], workers: 1 },
    { name: 'long', testMatch: LONG, workers: 1 },
    // After the whole suite: nothing the browsers saw, nor the server's log, holds the AWS credentials.
    { name: 'secrets', testMatch: /\.check\.ts$/, dependencies: ['chromium', 'long'] },
  ],
  webServer: [
    {
      // A busy late morning whatever the hour of the run, so every view has queues and agents to show.
      command: `node ../server/dist/simulator/cli.js --port ${simulatorPort} --instance-id ${simulatorInstanceId} --time-zone ${timeZone} --time-of-day 10:30`,
      port: simulatorPort,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The wallboard as in production: a Connect instance by id and endpoint, credentials from the environment.
      command: `exec node ../server/dist/main.js > ${SERVER_LOG} 2>&1`,
      url: `${baseURL}/readyz`,
      reuseExistingServer: false,
      timeout: 60_000,
      env: {
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        CONNECT_INSTANCE_ID: simulatorInstanceId,
        AWS_REGION: 'us-east-1',
        TIME_ZONE: timeZone,
        CONNECT_ENDPOINT: `http://127.0.0.1:${simulatorPort}`,
        // History (and the alerts it keeps) starts afresh with each run, and so do the screens it knows.
        HISTORY_DIR: `${TRAFFIC_DIR}/history`,
        DATA_DIR: `${TRAFFIC_DIR}/data`,
        ...FAKE_CREDENTIALS,
      },
    },
  ],
});
