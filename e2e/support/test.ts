import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { TRAFFIC_DIR } from './secrets.js';

export { expect } from '@playwright/test';

/**
 * The suite's `test`: Playwright's, plus a recorder of every response the browser sees (status, headers and
 * body), written to TRAFFIC_DIR for the secrets check that runs after the suite. Event streams are recorded by
 * their headers and each event the page received.
 */
export const test = base.extend<{ recordTraffic: undefined }>({
  recordTraffic: [
    async ({ context }, use, testInfo) => {
      const records: string[] = [];
      const pending: Promise<void>[] = [];
      context.on('response', (response) => {
        pending.push(
          (async () => {
            const headers = await response.allHeaders().catch(() => ({}));
            const streaming = (headers as Record<string, string>)['content-type']?.includes(
              'text/event-stream',
            );
            let body = '';
            if (!streaming) {
              body = await Promise.race([
                response.body().then(
                  (buffer) => buffer.toString('utf8'),
                  () => '',
                ),
                new Promise<string>((resolve) => setTimeout(() => resolve(''), 2000)),
              ]);
            }
            records.push(JSON.stringify({ url: response.url(), status: response.status(), headers, body }));
          })(),
        );
      });
      // Event streams never end, so their bodies come from Chromium's own record of each event received.
      const watchStreams = async (page: Page) => {
        const cdp = await context.newCDPSession(page);
        cdp.on('Network.eventSourceMessageReceived', (event) => {
          records.push(JSON.stringify({ url: 'event-stream', event: event.eventName, body: event.data }));
        });
        await cdp.send('Network.enable');
      };
      context.on('page', (page) => {
        pending.push(watchStreams(page).catch(() => undefined));
      });
      await use(undefined);
      await Promise.allSettled(pending);
      mkdirSync(TRAFFIC_DIR, { recursive: true });
      writeFileSync(join(TRAFFIC_DIR, `${testInfo.testId}.jsonl`), records.join('\n'));
    },
    { auto: true },
  ],
});
