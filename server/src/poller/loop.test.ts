import { afterEach, describe, expect, it } from 'vitest';
import { Loop } from './loop.js';

const loops: Loop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) loop.stop();
});

function started(task: () => Promise<number>, retry?: () => { firstMs: number; maxMs: number }): Loop {
  const loop = new Loop('test', task, retry);
  loops.push(loop);
  loop.start();
  return loop;
}

describe('Loop', () => {
  it('backs off a failing task, doubling from the first wait up to the cap, then runs on its own cadence', async () => {
    const at: number[] = [];
    const t0 = performance.now();
    started(
      async () => {
        at.push(performance.now() - t0);
        if (at.length <= 4) throw new Error('down');
        return 60_000;
      },
      () => ({ firstMs: 40, maxMs: 100 }),
    );
    await expect.poll(() => at.length, { timeout: 3000 }).toBe(5);
    const waits = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    // 40, 80, then capped at 100.
    expect(waits[0]).toBeGreaterThanOrEqual(35);
    expect(waits[1]).toBeGreaterThanOrEqual(75);
    expect(waits[2]).toBeGreaterThanOrEqual(95);
    expect(waits[3]).toBeGreaterThanOrEqual(95);
    expect(waits[3]).toBeLessThan(400);
  });

  it('runs at once when poked during a backoff', async () => {
    let runs = 0;
    const loop = started(
      async () => {
        runs += 1;
        throw new Error('down');
      },
      () => ({ firstMs: 60_000, maxMs: 60_000 }),
    );
    await expect.poll(() => runs).toBe(1);
    loop.poke();
    await expect.poll(() => runs, { timeout: 1000 }).toBe(2);
  });

  it('sends nothing more once stopped during a backoff', async () => {
    let runs = 0;
    const loop = started(
      async () => {
        runs += 1;
        throw new Error('down');
      },
      () => ({ firstMs: 30, maxMs: 30 }),
    );
    await expect.poll(() => runs).toBe(1);
    loop.stop();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(runs).toBe(1);
  });
});
