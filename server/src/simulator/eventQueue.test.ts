import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from './eventQueue.js';

describe('the event queue', () => {
  it('runs events in time order, and events at the same time in the order they were scheduled', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 200 }), (times) => {
        const queue = new EventQueue();
        const ran: [number, number][] = [];
        times.forEach((at, order) => queue.push(at, () => ran.push([at, order])));
        while (queue.size > 0) queue.pop()?.run();
        const expected = times.map((at, order) => [at, order] as [number, number]);
        expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(ran).toEqual(expected);
      }),
    );
  });
});
