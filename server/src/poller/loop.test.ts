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

  it('runs again as soon as a run under way ends when poked, and leaves that run to schedule the next when only woken', async () => {
    const gate: { open: () => void } = { open: () => undefined };
    const at: number[] = [];
    const loop = started(async () => {
      at.push(performance.now());
      if (at.length === 1 || at.length === 3) await new Promise<void>((resolve) => (gate.open = resolve));
      return 60_000;
    });
    await expect.poll(() => at.length).toBe(1);
    // Poked mid-run: what it started from may be out of date, so it runs again at once.
    loop.poke();
    gate.open();
    await expect.poll(() => at.length, { timeout: 1000 }).toBe(2);
    // Woken while waiting out its minute: runs now.
    loop.wakeIfWaiting();
    await expect.poll(() => at.length, { timeout: 1000 }).toBe(3);
    // Woken mid-run: the run ends, and the next waits its minute.
    loop.wakeIfWaiting();
    gate.open();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(at).toHaveLength(3);
  });

  it('runs a failing task again as soon as it ends when poked while it ran, not after its backoff', async () => {
    const gate: { open: () => void } = { open: () => undefined };
    let runs = 0;
    const loop = started(
      async () => {
        runs += 1;
        if (runs === 1) await new Promise<void>((resolve) => (gate.open = resolve));
        throw new Error('down');
      },
      () => ({ firstMs: 60_000, maxMs: 60_000 }),
    );
    await expect.poll(() => runs).toBe(1);
    loop.poke();
    gate.open();
    await expect.poll(() => runs, { timeout: 1000 }).toBe(2);
  });

  it('tries a failing run again at once when woken while it ran, and keeps a succeeding run’s own schedule', async () => {
    const gate: { open: () => void } = { open: () => undefined };
    let runs = 0;
    const loop = started(
      async () => {
        runs += 1;
        if (runs === 1) {
          await new Promise<void>((resolve) => (gate.open = resolve));
          throw new Error('down');
        }
        return 60_000;
      },
      () => ({ firstMs: 60_000, maxMs: 60_000 }),
    );
    await expect.poll(() => runs).toBe(1);
    loop.wakeIfWaiting();
    gate.open();
    await expect.poll(() => runs, { timeout: 1000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(runs).toBe(2);
  });
});
