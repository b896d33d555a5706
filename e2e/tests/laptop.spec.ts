import { expect, test } from '../support/test.js';
import type { Snapshot } from '@switchboard/shared';
import { watchForViolations } from '../support/page.js';

test.describe('laptop view', () => {
  test('filters and drill-down live in the URL, so a view can be bookmarked and shared', async ({
    page,
    request,
  }) => {
    const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
    const voiceQueues = snapshot.queues.filter((q) => q.channels.includes('VOICE'));
    const violations = await watchForViolations(page);
    await page.goto('/');
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);

    // Channel filter: only queues that serve the channel, and the choice is in the address bar.
    if (voiceQueues.length > 0 && voiceQueues.length < snapshot.queues.length) {
      await expect(page.getByTestId('summary-note')).toHaveCount(0);
      await page.getByLabel('Channel').selectOption('VOICE');
      await expect(page).toHaveURL(/channel=VOICE/);
      await expect(page.locator('[data-queue-id]')).toHaveCount(voiceQueues.length);
      // The totals above stay the board's, and say so: not the sums of the tiles filtered below.
      await expect(page.getByTestId('summary-note')).toHaveText(
        'Totals of the whole board, every queue: the filters apply to the queues and agents below.',
      );
      await page.getByLabel('Channel').selectOption('');
    }

    // Drill into a queue with the keyboard: its tile and its chart, and Back returns to the grid.
    const queue = snapshot.queues[1] ?? snapshot.queues[0];
    if (!queue) throw new Error('the simulator serves no queue');
    const open = page.getByRole('button', { name: queue.name, exact: true });
    await open.focus();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(new RegExp(`queue=${queue.id}`));
    const drill = page.getByTestId('drill-down');
    await expect(drill.locator(`[data-queue-id="${queue.id}"]`)).toBeVisible();
    // The keyboard is on the queue opened, not back at the top of the page.
    await expect(drill.getByRole('heading', { name: queue.name, exact: true })).toBeFocused();
    await expect(drill.getByTestId('chart-panel')).toHaveAttribute('data-queue', queue.id);
    await expect(page.locator('[data-queue-id]')).toHaveCount(1);
    await expect(page.getByTestId('summary-note')).toBeVisible();
    await page.goBack();
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);
    // Back, the keyboard is on the queue it opened, not at the top of the page; and again with the drill-down's own
    // button.
    await expect(open).toBeFocused();
    await page.keyboard.press('Enter');
    // The button goes back in the history, as the browser's Back does: no entry that opens the queue again.
    const entries = await page.evaluate(() => window.history.length);
    await page.getByRole('button', { name: 'Back to all queues' }).press('Enter');
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);
    await expect(open).toBeFocused();
    expect(await page.evaluate(() => window.history.length)).toBe(entries);
    await expect(page).not.toHaveURL(/queue=/);
    // Escape leaves the queue too.
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('drill-down')).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);
    await expect(open).toBeFocused();

    // Past every queue tile to the agents, with one key.
    const skip = page.getByRole('link', { name: 'Skip to the agents' });
    await skip.focus();
    await expect(skip).toBeInViewport();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('region', { name: 'Agents', exact: true })).toBeFocused();
    await expect(page).not.toHaveURL(/#/);

    // The Screens page and back keep the board, the filters and the theme.
    await page.goto('/?channel=VOICE&theme=dark');
    await page.getByRole('link', { name: 'Screens' }).click();
    await expect(page).toHaveURL(/\?channel=VOICE&theme=dark&view=screens$/);
    await page.getByRole('link', { name: 'Back to the wallboard' }).click();
    await expect(page).toHaveURL(/\?channel=VOICE&theme=dark$/);
    await expect(page.getByLabel('Channel')).toHaveValue('VOICE');

    // The chart is one stop for the keyboard, not one for each of its layers.
    const chart = page.getByRole('application', { name: /Service level and contacts per interval/ });
    await chart.focus();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('svg') ?? null)).toBeNull();

    // The same URL opened afresh shows the same drill-down.
    await page.goto(`/?queue=${queue.id}`);
    await expect(page.getByTestId('drill-down').locator(`[data-queue-id="${queue.id}"]`)).toBeVisible();
    await expect(page.getByTestId('not-on-board')).toHaveCount(0);

    // An address naming queues the board does not have says so, and takes them out on request.
    await page.goto(`/?queues=${queue.id},no-such-queue&queue=gone-queue`);
    const note = page.getByTestId('not-on-board');
    await expect(note).toContainText('Not on this board, so not shown: “gone-queue”, “no-such-queue”.');
    await expect(page.locator('[data-queue-id]')).toHaveCount(1);
    await note.getByRole('button', { name: 'Take them out of the address' }).click();
    await expect(note).toHaveCount(0);
    await expect(page).toHaveURL(new RegExp(`\\?queues=${queue.id}$`));
    expect(violations).toEqual([]);
  });

  test('filters by email: agents on an email contact, each with the email icon', async ({
    page,
    request,
  }) => {
    // The simulator's centre has email queues: wait for an agent working an email.
    await expect
      .poll(
        async () => {
          const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
          return snapshot.agents.some((a) => a.contacts.some((c) => c.channel === 'EMAIL'));
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await page.goto('/');
    await page.getByLabel('Channel').selectOption('EMAIL');
    await expect(page).toHaveURL(/channel=EMAIL/);
    await page.locator('.agent-scroller').scrollIntoViewIfNeeded();
    const agents = page.locator('[data-agent-id]');
    await expect(agents.first()).toBeVisible();
    for (const tile of await agents.all()) {
      await expect(tile.locator('.channel-icon[data-channel="EMAIL"]')).not.toHaveCount(0);
    }
    await expect(agents.first().locator('.channel-icon[data-channel="EMAIL"]').first()).toHaveAttribute(
      'title',
      'Email',
    );
  });

  test('the totals keep every figure inside the strip at 1366 wide, a critical service level with its badge too', async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('/');
    const strip = page.getByTestId('summary');
    await expect(strip.locator('[data-metric^="SERVICE_LEVEL_"] .figure-value')).toBeVisible();
    // The widest the service level is drawn: 100.0% and the critical badge (the page draws them so on a centre
    // under pressure; set here so the test does not wait for one).
    const outside = await strip.evaluate((el) => {
      const figure = el.querySelector('[data-metric^="SERVICE_LEVEL_"]');
      const value = figure?.querySelector('.figure-value');
      if (!figure || !value) throw new Error('no service level in the strip');
      value.textContent = '100.0%';
      const badge = document.createElement('span');
      badge.className = 'state-badge';
      badge.textContent = '!!';
      value.after(badge);
      figure.setAttribute('data-state', 'critical');
      const edge = el.getBoundingClientRect().right;
      return [...el.querySelectorAll('.figure *')]
        .filter((child) => child.getBoundingClientRect().right > edge + 0.5)
        .map((child) => child.textContent);
    });
    expect(outside).toEqual([]);
  });

  test('finds an agent by name and groups agents by routing profile', async ({ page, request }) => {
    // Names arrive as the server describes its users (DescribeUser, a few per round): pick one it has named.
    let agent: Snapshot['agents'][number] | undefined;
    await expect
      .poll(
        async () => {
          const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
          const named = snapshot.agents.filter((candidate) => candidate.name !== candidate.username);
          agent = named[Math.floor(named.length / 2)];
          return agent !== undefined;
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    if (!agent) throw new Error('unreachable');
    await page.goto('/');
    // The agent list is below the queues: it draws its tiles once scrolled to.
    await page.locator('.agent-scroller').scrollIntoViewIfNeeded();
    await expect(page.locator('[data-agent-id]').first()).toBeVisible();
    await page.getByRole('searchbox', { name: 'Find agent' }).fill(agent.name);
    await page.locator('.agent-scroller').scrollIntoViewIfNeeded();
    await expect(page).toHaveURL(/search=/);
    await expect(page.locator(`[data-agent-id="${agent.id}"]`)).toBeVisible();
    const wanted = agent.name.toLowerCase();
    await expect
      .poll(async () =>
        (await page.locator('[data-agent-id] .agent-name').allTextContents()).filter(
          (name) => !name.toLowerCase().includes(wanted),
        ),
      )
      .toEqual([]);

    await page.getByLabel('Group agents by').selectOption('routingProfile');
    await expect(page).toHaveURL(/groupBy=routingProfile/);
    // Several agents may share the name searched for; the agent's own profile is one of the groups.
    await expect(
      page.locator('.agent-group-header h3', { hasText: agent.routingProfile?.name ?? 'No routing profile' }),
    ).not.toHaveCount(0);
  });
});

test('on a phone’s width the laptop view, a queue drilled into and the Screens page do not scroll sideways', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const pages = [
    // The chart's table for screen readers (drawn once there are intervals) is as wide as its columns.
    { address: '/?view=laptop', drawn: '.chart-panel table' },
    { address: '/?view=laptop&queue=none', drawn: '.chart-panel table' },
    // This page lists itself once it has reported.
    { address: '/?view=screens', drawn: '.screens-table tbody tr' },
  ];
  for (const { address, drawn } of pages) {
    await page.goto(address);
    await expect(page.locator(drawn).first()).toBeAttached({ timeout: 15_000 });
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: document.documentElement.clientWidth,
    }));
    expect(widths.page, address).toBeLessThanOrEqual(widths.screen);
  }
});

test('queue tiles show every label and figure whole: a laptop’s, and an embed’s in a small iframe', async ({
  page,
}) => {
  const cut = () =>
    page.evaluate(() => {
      // The large figures at their widest, whatever the hour: critical (bold, underlined, with the badge), a
      // queue of a hundred and more, an oldest contact of minutes.
      for (const [metric, value] of [
        ['CONTACTS_IN_QUEUE', '123'],
        ['OLDEST_CONTACT_AGE', '12:34'],
      ] as const) {
        for (const figure of document.querySelectorAll<HTMLElement>(
          `.queue-tile:not([data-held]) .figures-now [data-metric="${metric}"]`,
        )) {
          figure.dataset.state = 'critical';
          const shown = figure.querySelector('.figure-value');
          if (shown) shown.textContent = value;
          if (!figure.querySelector('.state-badge')) {
            const badge = document.createElement('span');
            badge.className = 'state-badge';
            badge.textContent = '!!';
            shown?.after(badge);
          }
        }
      }
      const found: { labels: string[]; figures: string[] } = { labels: [], figures: [] };
      for (const element of document.querySelectorAll<HTMLElement>(
        '.queue-tile:not([data-held]) dt, .queue-tile:not([data-held]) dd',
      )) {
        if (element.scrollWidth <= element.clientWidth) continue;
        const what = `${element.closest<HTMLElement>('[data-metric]')?.dataset.metric}: ${element.textContent}`;
        (element.tagName === 'DT' ? found.labels : found.figures).push(what);
      }
      return found;
    });
  // A laptop's tiles (a quarter of one was too narrow for "On contact"), and an embed in a small iframe.
  for (const { address, width, height } of [
    { address: '/?view=laptop', width: 1920, height: 1080 },
    { address: '/?view=laptop', width: 1366, height: 768 },
    { address: '/?view=embed', width: 800, height: 600 },
    // The embed's narrowest tiles, 14rem: eight across 1080p, two across a 480-pixel frame.
    { address: '/?view=embed', width: 1920, height: 1080 },
    { address: '/?view=embed', width: 480, height: 320 },
  ]) {
    await page.setViewportSize({ width, height });
    await page.goto(address);
    await expect(page.locator('.queue-tile:not([data-held]) dd').first()).toBeVisible();
    expect(await cut(), `${address} at ${width}×${height}`).toEqual({ labels: [], figures: [] });
  }
});
