import type { Forecast } from '@switchboard/shared';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { QueueTile } from '../../features/queues/QueueTile';
import { SummaryStrip } from '../../features/summary/SummaryStrip';
import { ForecastAdvice } from './Forecast';

afterEach(cleanup);

const plain = (text: string | null | undefined) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');

const short: Forecast = {
  model: 'erlang-c',
  arrivalsPerHour: 240,
  handleTimeSeconds: 250,
  agentsStaffed: 14,
  serviceLevelSeconds: 20,
  targetPercent: 80,
  predictedServiceLevel: 62.4,
  agentsRequired: 17,
};

function aQueue() {
  const queue = makeSnapshot({ queues: 1 }).queues[0];
  if (!queue) throw new Error('fixture has no queue');
  return queue;
}

describe('ForecastAdvice', () => {
  it('gives the advice and the figures it rests on, labelled an estimate', () => {
    render(<ForecastAdvice forecast={short} />);
    const advice = screen.getByRole('region', { name: 'Forecast (estimate)' });
    expect(advice.textContent).toContain('estimate');
    expect(plain(screen.getByTestId('forecast-advice-text').textContent)).toBe(
      'Needs 3 more agents for 80% in 20 s: 240 contacts/h, 4:10 handle time, 14 staffed',
    );
    expect(plain(advice.textContent)).toContain('62.4% predicted in 20 s');
    expect(advice.dataset.atRisk).toBe('true');
    expect(screen.getByTestId('forecast-note').textContent).toContain('every agent who can take the queue');
  });

  it('says an uncorrected forecast is so, and where today belies it, says that beside it', () => {
    const enough: Forecast = { ...short, predictedServiceLevel: 100, agentsRequired: 10 };
    render(<ForecastAdvice forecast={enough} today={{ SERVICE_LEVEL_20: 23 }} />);
    const advice = screen.getByRole('region', { name: 'Forecast (estimate)' });
    expect(advice.querySelector('.forecast-estimate')?.textContent).toBe('estimate, uncorrected');
    expect(plain(screen.getByTestId('forecast-belied').textContent)).toBe(
      'Today so far this queue has answered 23% in 20 s, far below this forecast. It is not yet corrected on ' +
        "today's intervals, so it counts every agent who can take the queue as this queue's alone; it corrects " +
        'itself once an interval the wallboard watched has closed.',
    );
    cleanup();
    // Within 20 points, with no figure of today, or once corrected: nothing more said.
    for (const [forecast, today] of [
      [enough, { SERVICE_LEVEL_20: 81 }],
      [enough, {}],
      [{ ...enough, model: 'erlang-c-blend' }, { SERVICE_LEVEL_20: 23 }],
    ] as const) {
      render(<ForecastAdvice forecast={forecast} today={today} />);
      expect(screen.queryByTestId('forecast-belied')).toBeNull();
      cleanup();
    }
    render(
      <ForecastAdvice forecast={{ ...enough, model: 'erlang-c-fitted' }} today={{ SERVICE_LEVEL_20: 23 }} />,
    );
    expect(document.querySelector('.forecast-estimate')?.textContent).toBe('estimate');
  });

  it("says what the corrected model rests on: today's intervals and the last one's service level", () => {
    render(<ForecastAdvice forecast={{ ...short, model: 'erlang-c-blend' }} />);
    const note = screen.getByTestId('forecast-note').textContent;
    expect(note).toContain("corrected on today's intervals");
    expect(note).toContain("the last interval's service level");
    expect(note).not.toContain('every agent who can take the queue');
  });

  it('says why no service level is predicted: no contacts, no count of agents, or figures out of reach', () => {
    const predicted = () =>
      screen.getByTestId('forecast-advice').querySelector('.forecast-predicted')?.textContent;
    render(<ForecastAdvice forecast={{ ...short, arrivalsPerHour: 0, predictedServiceLevel: null }} />);
    expect(predicted()).toBe('No service level to predict: no contacts are coming in.');
    cleanup();
    render(<ForecastAdvice forecast={{ ...short, agentsStaffed: null, predictedServiceLevel: null }} />);
    expect(predicted()).toContain('no count of the agents staffed yet');
    expect(predicted()).not.toContain('no contacts');
    cleanup();
    render(<ForecastAdvice forecast={{ ...short, predictedServiceLevel: null, agentsRequired: null }} />);
    expect(predicted()).toContain('beyond what the forecast can reason about');
  });

  it('says when there is too little of today to forecast, and nothing without a forecast', () => {
    render(<ForecastAdvice forecast={{ ...short, arrivalsPerHour: null, predictedServiceLevel: null }} />);
    expect(screen.getByTestId('forecast-advice').textContent).toContain('Too little of today');
    cleanup();
    // Today's intervals out of date: said so, not "too little of today".
    render(
      <ForecastAdvice
        forecast={{ ...short, arrivalsPerHour: null, predictedServiceLevel: null, intervalsStale: true }}
      />,
    );
    expect(screen.getByTestId('forecast-advice').textContent).toContain(
      "today's intervals from Connect are out of date",
    );
    cleanup();
    // A handle time that is the configured default is marked assumed.
    render(<ForecastAdvice forecast={{ ...short, handleTimeAssumed: true }} />);
    expect(plain(screen.getByTestId('forecast-advice').textContent)).toContain('4:10 (assumed)');
    cleanup();
    const { container } = render(<ForecastAdvice forecast={undefined} />);
    expect(container.textContent).toBe('');
  });
});

describe('the at-risk mark on a tile', () => {
  it('marks a tile whose forecast misses the target while its figures are fine, without an alert state', () => {
    render(<QueueTile queue={{ ...aQueue(), forecast: short }} states={{ CONTACTS_IN_QUEUE: 'ok' }} />);
    const mark = screen.getByTestId('at-risk');
    expect(mark.textContent).toContain('At risk');
    expect(plain(mark.title)).toBe('Forecast (estimate): 62.4% against the 80% target');
    expect(mark.className).toBe('at-risk-mark');
    const tile = screen.getByRole('article');
    expect(tile.dataset.worst).toBeUndefined();
  });

  it('leaves the mark off when the figures already say so, or the forecast is on target', () => {
    render(<QueueTile queue={{ ...aQueue(), forecast: short }} states={{ CONTACTS_IN_QUEUE: 'warn' }} />);
    expect(screen.queryByTestId('at-risk')).toBeNull();
    cleanup();
    render(
      <QueueTile queue={{ ...aQueue(), forecast: { ...short, predictedServiceLevel: 85 } }} states={{}} />,
    );
    expect(screen.queryByTestId('at-risk')).toBeNull();
  });
});

describe('the summary strip', () => {
  it("shows the centre's forecast and its shortfall", () => {
    const { summary } = makeSnapshot({ queues: 2 });
    render(
      <SummaryStrip
        summary={{ ...summary, forecast: { ...short, agentsStaffed: 40, agentsRequired: 47 } }}
      />,
    );
    const cell = screen.getByTestId('forecast-summary');
    expect(plain(cell.textContent)).toContain('62.4%');
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe(
      'Short 7 agents for 80% in 20 s',
    );
    expect(cell.textContent).toContain('est.');
  });

  it('says on how many queues the centre is short, its shortfall being theirs', () => {
    const { summary } = makeSnapshot({ queues: 2 });
    render(
      <SummaryStrip
        summary={{
          ...summary,
          forecast: { ...short, predictedServiceLevel: 98.3, agentsStaffed: 40, agentsRequired: 42 },
        }}
        queuesShort={1}
      />,
    );
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe(
      'Short 2 agents on 1 queue for 80% in 20 s',
    );
  });

  it('says there are enough agents when there is no shortfall', () => {
    const { summary } = makeSnapshot({ queues: 2 });
    render(
      <SummaryStrip
        summary={{ ...summary, forecast: { ...short, predictedServiceLevel: 88, agentsRequired: 12 } }}
      />,
    );
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe('enough agents for 80%');
  });

  it('says on the figure when the forecast is plain Erlang C, not yet corrected on the day', () => {
    const { summary } = makeSnapshot({ queues: 2 });
    const { rerender } = render(
      <SummaryStrip summary={{ ...summary, forecast: { ...short, model: 'erlang-c' } }} />,
    );
    expect(screen.getByTestId('forecast-estimate').textContent).toBe('est., uncorrected');
    rerender(<SummaryStrip summary={{ ...summary, forecast: { ...short, model: 'erlang-c-blend' } }} />);
    expect(screen.getByTestId('forecast-estimate').textContent).toBe('est.');
  });

  it('says what today says instead of "enough agents" where an uncorrected forecast is far above it', () => {
    const { summary } = makeSnapshot({ queues: 2 });
    const enough = { ...short, predictedServiceLevel: 100, agentsRequired: 10 };
    const today = (sl: number) => ({ ...summary.today, SERVICE_LEVEL_20: sl });
    const { rerender } = render(
      <SummaryStrip summary={{ ...summary, today: today(41.2), forecast: enough }} />,
    );
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe(
      'not yet corrected: today so far 41.2%',
    );
    // Corrected, or within 20 points: the advice as ever.
    rerender(
      <SummaryStrip
        summary={{ ...summary, today: today(41.2), forecast: { ...enough, model: 'erlang-c-blend' } }}
      />,
    );
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe('enough agents for 80%');
    rerender(<SummaryStrip summary={{ ...summary, today: today(85), forecast: enough }} />);
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe('enough agents for 80%');
  });

  it('does not say "enough agents" beside a forecast below target', () => {
    const { summary } = makeSnapshot({ queues: 2 });
    render(
      <SummaryStrip
        summary={{ ...summary, forecast: { ...short, predictedServiceLevel: 51.2, agentsRequired: 12 } }}
      />,
    );
    expect(plain(screen.getByTestId('forecast-shortfall').textContent)).toBe('staffed for 80% by the model');
  });
});
