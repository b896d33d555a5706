import { cpus, loadavg } from 'node:os';
import { test, type Page } from '@playwright/test';
import { startBenchServer, webDist } from './benchServer.js';
import { setting } from './settings.js';

/**
 * What a changed figure costs Chromium's layout, and whether CSS containment makes it cheaper: the page's own
 * figures (250 queues, 1,500 agents, this checkout's build) are rewritten in place, a forced layout after each
 * rewrite, with and without relayout boundaries (`contain: strict` on a fixed-height box) around each figure
 * and each agent's rows. Prints, per layout: one figure changed, and every figure on screen changed at once (as an
 * update or the once-a-second tick changes them), and that divided by the figures changed.
 *
 * `npx playwright test -c bench -g "text layout"` from e2e/, after `pnpm build`. Settings: BENCH_LAYOUT_ROUNDS
 * (rounds per figure, default 5; each is 200 layouts, the median printed).
 */
const QUEUES = 250;
const AGENTS = 1500;
const ROUNDS = setting('BENCH_LAYOUT_ROUNDS', 5);

/** Styles added to the page for a measurement, each making the figures' boxes relayout boundaries or not. */
const VARIANTS: { name: string; css: string }[] = [
  { name: 'as built', css: '' },
  {
    name: 'a relayout boundary around each figure and agent row',
    css: [
      '.figure dd { contain: strict; height: 1lh; }',
      '.agent-head, .agent-contacts { contain: strict; height: 1lh; }',
    ].join('\n'),
  },
  {
    name: 'the same boundaries without paint containment (nothing clipped)',
    css: [
      '.figure dd { contain: size layout style; height: 1lh; }',
      '.agent-head, .agent-contacts { contain: size layout style; height: 1lh; }',
    ].join('\n'),
  },
];

/** Which figures change: a queue's figure, or an elapsed time on an agent tile. */
const TARGETS = [
  { name: 'queue figures', selector: '[data-queue-id]:not([data-held]) .figure-value' },
  { name: 'elapsed times', selector: '.agent-elapsed, .contact-elapsed' },
];

interface Cost {
  variant: string;
  target: string;
  count: number;
  one: number;
  all: number;
}

async function measure(
  page: Page,
  css: string,
  selector: string,
): Promise<{ count: number; one: number; all: number }> {
  return page.evaluate(
    ({ css, selector, rounds }) => {
      const style = document.createElement('style');
      style.textContent = css;
      document.head.append(style);
      const elements = [...document.querySelectorAll(selector)];
      const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
      const rewrite = (element: Element, i: number) => {
        const node = element.firstChild;
        if (node) node.nodeValue = i % 2 === 0 ? '1:23' : '1:24';
      };
      const time = (targets: Element[]) => {
        const results: number[] = [];
        for (let round = 0; round < rounds; round += 1) {
          void document.body.offsetHeight;
          const start = performance.now();
          for (let i = 0; i < 200; i += 1) {
            for (const element of targets) rewrite(element, i);
            void document.body.offsetHeight;
          }
          results.push((performance.now() - start) / 200);
        }
        return median(results);
      };
      const first = elements[0];
      const result = {
        count: elements.length,
        one: first ? time([first]) : NaN,
        all: elements.length > 0 ? time(elements) : NaN,
      };
      style.remove();
      return result;
    },
    { css, selector, rounds: ROUNDS },
  );
}

test(`text layout: ${QUEUES} queues, ${AGENTS} agents, with and without relayout boundaries`, async ({
  browser,
}) => {
  const bench = await startBenchServer({ queues: QUEUES, agents: AGENTS }, undefined, {
    dist: webDist,
    protocol: 'patch',
  });
  const costs: Cost[] = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    await page.goto(`${bench.url}/?view=laptop`);
    await page.locator('[data-queue-id]').first().waitFor();
    bench.run(2000, 2000);
    await page.waitForTimeout(6000);
    bench.pause();
    await page.waitForTimeout(1000);
    for (const scrolled of [false, true]) {
      if (scrolled) {
        await page.locator('.agent-scroller').scrollIntoViewIfNeeded();
        await page.waitForTimeout(1000);
      }
      for (const target of TARGETS)
        for (const variant of VARIANTS) {
          const { count, one, all } = await measure(page, variant.css, target.selector);
          if (count > 0) costs.push({ variant: variant.name, target: target.name, count, one, all });
        }
    }
    await context.close();
  } finally {
    await bench.close();
  }
  const ms = (n: number) => `${n.toFixed(3)} ms`;
  console.log(
    [
      `\nlayout per change, laptop view, ${QUEUES} queues and ${AGENTS} agents at 1080p; medians of ${ROUNDS} rounds of 200`,
      `machine: ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(1)}`,
      ...costs.map(
        (cost) =>
          `  ${cost.target}, ${cost.variant}: one changed ${ms(cost.one)}; all ${cost.count} on screen changed ${ms(cost.all)}, ${((cost.all / cost.count) * 1000).toFixed(1)} µs each`,
      ),
    ].join('\n'),
  );
});
