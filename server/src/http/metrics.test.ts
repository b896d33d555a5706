import { describe, expect, it } from 'vitest';
import { ServerMetrics } from './metrics.js';

const unknownValueLines = async (metrics: ServerMetrics) =>
  (await metrics.registry.metrics())
    .split('\n')
    .filter((line) => line.startsWith('switchboard_connect_unknown_values_total{'));

describe('unknown enum values in /metrics', () => {
  it('counts each value by field, and the values past 20 a field together, so Connect cannot grow the series', async () => {
    const metrics = new ServerMetrics({ instances: () => [] });
    const field = 'GetCurrentUserData.Contacts.Channel';
    metrics.recordUnknownValue('i-1', field, 'VIDEO');
    metrics.recordUnknownValue('i-1', field, 'VIDEO');
    for (let n = 0; n < 30; n += 1) metrics.recordUnknownValue('i-1', field, `NEW_${n}`);
    const lines = await unknownValueLines(metrics);
    expect(lines).toContain(
      `switchboard_connect_unknown_values_total{instance="i-1",field="${field}",value="VIDEO"} 2`,
    );
    // VIDEO and 19 others have a label each; the 11 after them share one.
    expect(lines).toHaveLength(21);
    expect(lines).toContain(
      `switchboard_connect_unknown_values_total{instance="i-1",field="${field}",value="_other"} 11`,
    );
  });
});
