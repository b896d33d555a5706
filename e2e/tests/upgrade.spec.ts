import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Snapshot } from '@switchboard/shared';
import { expect, test } from '../support/test.js';

/**
 * A rolling upgrade behind a load balancer: a wall that reloaded for the new version can be given its page by a
 * replica not yet upgraded, and then follow an upgraded replica's stream, whose snapshots (the leader's) no longer
 * change build. The page is another build than the one its stream's replica serves: it loads the page again, once,
 * and then stays. The old build here is today's page under another stylesheet name (the bundler names files by
 * their content), served to the first load only, as the old replica would.
 */
const dist = fileURLToPath(new URL('../../web/dist/', import.meta.url));

test('a wall given an older build of the page by another replica loads the one its stream serves, once', async ({
  page,
  request,
}) => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const stylesheet = /assets\/(index-[\w-]+\.css)/.exec(html)?.[1];
  if (!stylesheet) throw new Error('no stylesheet in the built index.html');
  const oldName = 'index-0ldSty1e.css';
  let documents = 0;
  await page.route('**/assets/index-0ldSty1e.css', (route) =>
    route.fulfill({ path: join(dist, 'assets', stylesheet), contentType: 'text/css' }),
  );
  await page.route(
    (url) => url.pathname === '/',
    async (route) => {
      documents += 1;
      if (documents === 1)
        await route.fulfill({ body: html.replace(stylesheet, oldName), contentType: 'text/html' });
      else await route.continue();
    },
  );
  const before = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;

  await page.goto('/?view=wall');
  await expect.poll(() => documents, { timeout: 15_000 }).toBe(2);
  await expect(page.locator('link[rel="stylesheet"]').first()).toHaveAttribute(
    'href',
    `/assets/${stylesheet}`,
  );
  await expect(page.locator('[data-queue-id]').first()).toBeVisible();
  // And stays on it: no reload more.
  await page.waitForTimeout(5000);
  expect(documents).toBe(2);
  // Nothing but the page's build told it: the server's own build never changed.
  const after = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
  expect(after.serverBuild).toBe(before.serverBuild);
});
