import type { FigureState, Queue } from '@switchboard/shared';
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { QueueRows } from './QueueRows';

afterEach(cleanup);

const atRisk = (queue: Queue): Queue => ({
  ...queue,
  forecast: {
    model: 'erlang-c',
    arrivalsPerHour: 120,
    handleTimeSeconds: 240,
    agentsStaffed: 4,
    serviceLevelSeconds: 20,
    targetPercent: 80,
    predictedServiceLevel: 61,
    agentsRequired: 6,
  },
});

describe('QueueRows', () => {
  it("marks the forecast's At risk on the service level, not beside the name, where the figures are fine", () => {
    const [fine, bad, calm] = makeSnapshot({ queues: 3 }).queues;
    if (!fine || !bad || !calm) throw new Error('three queues');
    const queues = [atRisk(fine), atRisk(bad), { ...calm, forecast: undefined }];
    render(
      <QueueRows
        queues={queues}
        statesOf={(queue): Record<string, FigureState> =>
          queue.id === bad.id ? { CONTACTS_IN_QUEUE: 'critical' } : {}
        }
        columns={1}
      />,
    );
    const cell = (queue: Queue) =>
      document.querySelector<HTMLElement>(`[data-queue-id="${queue.id}"] td[data-metric^="SERVICE_LEVEL_"]`);
    expect(cell(fine)?.dataset.atRisk).toBe('true');
    expect(cell(fine)?.title).toBe('At risk. Forecast (estimate): 61% against the 80% target');
    expect(cell(fine)?.textContent).toMatch(/, at risk by the forecast$/);
    // A line whose figures are already out of bounds says that; one with no forecast at risk says nothing.
    expect(cell(bad)?.dataset.atRisk).toBeUndefined();
    expect(cell(calm)?.dataset.atRisk).toBeUndefined();
    // The name keeps all its room.
    expect(document.querySelectorAll('.queue-row th .at-risk-mark')).toHaveLength(0);
  });
});
