import { isTodayFigure } from '@switchboard/shared';
import { describe, expect, it } from 'vitest';
import { HISTORICAL_AVERAGES, HISTORICAL_COUNTS, serviceLevelKey } from './historical.js';

describe("today's figures as the screens know them", () => {
  it('are every figure the poller asks GetMetricData for, so each goes stale with the today section', () => {
    for (const metric of [...HISTORICAL_COUNTS, ...HISTORICAL_AVERAGES, 'OCCUPANCY', serviceLevelKey(20)])
      expect(isTodayFigure(metric), metric).toBe(true);
  });
});
