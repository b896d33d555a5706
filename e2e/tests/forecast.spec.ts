import { expect, test } from '../support/test.js';
import {
  figureFormatter,
  forecastAdvice,
  forecastShortfall,
  forecastShortfallText,
  type Snapshot,
} from '@switchboard/shared';
import { watchForViolations } from '../support/page.js';

const plain = (text: string | null) => (text ?? '').replace(/[\u00a0\u202f]/g, ' ');
const format = figureFormatter('en-GB');

test.describe('the forecast', () => {
  test("the drill-down gives a queue's staffing advice and its inputs, and the summary the centre's shortfall", async ({
    page,
    request,
  }) => {
    // The forecast needs today's intervals: wait for a queue with contacts coming in.
    let snapshot: Snapshot | undefined;
    await expect
      .poll(
        async () => {
          snapshot = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
          return snapshot.queues.some((q) => (q.forecast?.arrivalsPerHour ?? 0) > 0);
        },
        { timeout: 45_000 },
      )
      .toBe(true);
    const queue = snapshot?.queues.find((q) => (q.forecast?.arrivalsPerHour ?? 0) > 0);
    if (!queue) throw new Error('no queue has a forecast');
    const violations = await watchForViolations(page);
    await page.goto(`/?queue=${queue.id}`);
    const advice = page.getByTestId('drill-down').getByRole('region', { name: 'Forecast (estimate)' });
    await expect(advice).toBeVisible();
    await expect(advice).toContainText('estimate');
    // The advice reads as the server's figures say, checked against the snapshot of the same moment.
    await expect
      .poll(
        async () => {
          const latest = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
          const forecast = latest.queues.find((q) => q.id === queue.id)?.forecast;
          const shown = plain(await advice.getByTestId('forecast-advice-text').textContent());
          return forecast ? shown === forecastAdvice(forecast, format) : false;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    await expect(advice.getByTestId('forecast-advice-text')).toHaveText(
      /^(Needs \d+ more agents? for 80% in 20 s|Enough agents for 80% in 20 s \(\d+ needed\)): [\d,]+ contacts\/h, \d+:\d\d handle time( \(assumed: too few contacts handled today\))?, \d+ staffed$/,
    );

    // The summary strip: the centre's forecast and the agents it is short, as the snapshot says.
    const summary = page.getByTestId('forecast-summary');
    await expect(summary).toContainText('est.');
    await expect
      .poll(
        async () => {
          const latest = (await (await request.get('/api/v1/snapshot')).json()) as Snapshot;
          const centre = latest.summary.forecast;
          if (!centre) return false;
          // Where the centre is short: on how many of its queues.
          const queuesShort = latest.queues.filter((q) => (forecastShortfall(q.forecast) ?? 0) > 0).length;
          const expected = forecastShortfallText(centre, format, queuesShort) ?? 'enough agents for 80%';
          return plain(await page.getByTestId('forecast-shortfall').textContent()) === expected;
        },
        { timeout: 20_000 },
      )
      .toBe(true);
    expect(violations).toEqual([]);
  });
});
