import { figureDescriptor } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from './schema.js';

describe('the default thresholds', () => {
  it("look the way each figure's descriptor says is bad", () => {
    for (const [metric, threshold] of Object.entries(DEFAULT_THRESHOLDS)) {
      expect(threshold.direction, metric).toBe(figureDescriptor(metric).bad);
    }
  });
});
