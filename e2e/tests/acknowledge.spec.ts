import type { APIRequestContext } from '@playwright/test';
import type { Alert } from '@switchboard/shared';
import { freePort, startTokensServer, type TestServer } from '../support/server.js';
import { expect, test } from '../support/test.js';

/**
 * Acknowledging an alert, signed in as a supervisor: the wallboard's own page does it; a page of another origin
 * on the same host (another port, as another intranet app would be) cannot, though the browser sends it the
 * supervisor's cookie, whether by a self-submitting form or by a no-cors fetch.
 */

const supervisorToken = 'e2e-supervisor-token-with-enough-entropy-000001';
let server: TestServer;
test.beforeAll(async () => {
  // A rule that fires at once on every queue, so there is always an alert to acknowledge.
  server = await startTokensServer(
    'ack',
    'alerts:\n  - id: anything\n    metric: CONTACTS_IN_QUEUE\n    value: 0\n',
    [{ token: supervisorToken, entry: 'id: dana, role: supervisor, name: Dana Scully' }],
  );
});
test.afterAll(async () => {
  await server?.stop();
});

async function openAlerts(request: APIRequestContext): Promise<string[]> {
  const response = await request.get(`${server.url}/api/v1/alerts`);
  expect(response.status()).toBe(200);
  const { alerts } = (await response.json()) as { alerts: Alert[] };
  return alerts.filter((alert) => alert.acknowledgedAt === null).map((alert) => alert.id);
}

test('a page of another origin on the same host cannot acknowledge; the wallboard itself can', async ({
  page,
}) => {
  // Signed in as a supervisor; page.request shares the browser's cookies.
  await page.goto(`${server.url}/?token=${supervisorToken}&view=laptop`);
  await expect
    .poll(async () => (await openAlerts(page.request)).length, { timeout: 30_000 })
    .toBeGreaterThan(1);
  const [target] = await openAlerts(page.request);
  if (!target) throw new Error('no alert');
  const endpoint = `${server.url}/api/v1/alerts/${encodeURIComponent(target)}/acknowledge`;

  // Another origin of the same host: the same site to the browser, so even a SameSite cookie goes along.
  const elsewhere = `http://127.0.0.1:${await freePort()}/attack`;
  await page.route(elsewhere, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><form method="POST" enctype="text/plain" action="${endpoint}">
        <input name='{"by":"Mallory","x":"' value='"}'></form>`,
    }),
  );
  await page.goto(elsewhere);
  // The answer is opaque to the page (and then refused by our Cross-Origin-Resource-Policy), but the request is
  // sent, and the fetch settles only once the server has answered it.
  await Promise.all([
    page.waitForRequest(endpoint),
    page.evaluate(async (url) => {
      await fetch(url, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: '{"by":"Mallory"}',
      }).catch(() => undefined);
    }, endpoint),
  ]);
  expect(await openAlerts(page.request)).toContain(target);
  const [formAnswer] = await Promise.all([
    page.waitForResponse(endpoint),
    page.evaluate(() => document.querySelector('form')?.submit()),
  ]);
  expect(formAnswer.status()).toBe(403);
  // The form navigated the page to the refusal: let that navigation finish before the next one starts.
  await page.waitForURL(endpoint, { waitUntil: 'load' });
  expect(await openAlerts(page.request)).toContain(target);

  // The wallboard's own laptop view acknowledges, under the supervisor's name.
  await page.goto(`${server.url}/?view=laptop`);
  const item = page.getByTestId('alerts-panel').locator(`[data-alert-id="${target}"]`);
  await item.getByRole('button', { name: /Acknowledge/ }).click();
  await expect(item).toContainText('Acknowledged by Dana Scully');
  expect(await openAlerts(page.request)).not.toContain(target);
});
