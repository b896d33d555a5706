import { describe, expect, it } from 'vitest';
import { AGENT_COUNT_METRICS, CURRENT_METRIC_NAMES, metricLabel } from './metrics.js';

describe('metricLabel', () => {
  it('turns Connect names into the words shown on screen', () => {
    expect(metricLabel('CONTACTS_IN_QUEUE')).toBe('In queue');
    expect(metricLabel('SERVICE_LEVEL_20')).toBe('Service level (20 s)');
  });

  it('falls back to the Connect name for a metric it has no label for', () => {
    expect(metricLabel('SOMETHING_NEW')).toBe('SOMETHING_NEW');
  });

  it('has a label for every current metric', () => {
    for (const name of CURRENT_METRIC_NAMES) expect(metricLabel(name)).not.toBe(name);
    expect(AGENT_COUNT_METRICS.every((name) => CURRENT_METRIC_NAMES.includes(name))).toBe(true);
  });
});
