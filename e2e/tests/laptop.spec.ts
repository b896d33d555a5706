import { expect, test } from '@playwright/test';
import type { Snapshot } from '@switchboard/shared';
import { watchForViolations } from '../support/page.js';

test.describe('laptop view', () => {
  test('filters and drill-down live in the URL, so a view can be bookmarked and shared', async ({
    page,
    request,
  }) => {
    const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
    const voiceQueues = snapshot.queues.filter((q) => q.channels.includes('VOICE'));
    const violations = watchForViolations(page);
    await page.goto('/');
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);

    // Channel filter: only queues that serve the channel, and the choice is in the address bar.
    if (voiceQueues.length > 0 && voiceQueues.length < snapshot.queues.length) {
      await page.getByLabel('Channel').selectOption('VOICE');
      await expect(page).toHaveURL(/channel=VOICE/);
      await expect(page.locator('[data-queue-id]')).toHaveCount(voiceQueues.length);
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
    await expect(drill.getByTestId('chart-panel')).toHaveAttribute('data-queue', queue.id);
    await expect(page.locator('[data-queue-id]')).toHaveCount(1);
    await page.goBack();
    await expect(page.locator('[data-queue-id]')).toHaveCount(snapshot.queues.length);

    // The same URL opened afresh shows the same drill-down.
    await page.goto(`/?queue=${queue.id}`);
    await expect(page.getByTestId('drill-down').locator(`[data-queue-id="${queue.id}"]`)).toBeVisible();
    expect(violations).toEqual([]);
  });

  test('finds an agent by name and groups agents by routing profile', async ({ page, request }) => {
    const snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
    test.skip(snapshot.agents.length === 0, 'this server does not serve agents yet');
    const agent = snapshot.agents[Math.floor(snapshot.agents.length / 2)];
    if (!agent) throw new Error('unreachable');
    await page.goto('/');
    await expect(page.locator('[data-agent-id]').first()).toBeVisible();
    await page.getByRole('searchbox', { name: 'Find agent' }).fill(agent.name);
    await expect(page).toHaveURL(/search=/);
    await expect(page.locator(`[data-agent-id="${agent.id}"]`)).toBeVisible();
    const shown = await page
      .locator('[data-agent-id]')
      .evaluateAll((tiles) => tiles.map((tile) => tile.querySelector('.agent-name')?.textContent ?? ''));
    for (const name of shown) expect(name.toLowerCase()).toContain(agent.name.toLowerCase());

    await page.getByLabel('Group agents by').selectOption('routingProfile');
    await expect(page).toHaveURL(/groupBy=routingProfile/);
    await expect(page.locator('.agent-group-header h3').first()).toContainText(
      agent.routingProfile?.name ?? 'No routing profile',
    );
  });
});
