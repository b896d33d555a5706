import {
  forecastAdvice,
  forecastAtRisk,
  forecastShortfallText,
  formatDuration,
  type Forecast,
  type TodayMetrics,
} from '@switchboard/shared';
import { memo } from 'react';
import { serviceLevelMetric } from '../../api/selectors';
import { useFormat } from '../../format';
import './forecast.css';

/** What each model assumes, in a line under the figures (docs/forecast.md). */
const MODEL_NOTES: Record<Forecast['model'], string> = {
  'erlang-c':
    'Erlang C: arrivals at the recent rate, no caller abandoning, and every agent who can take the queue counted for it.',
  'erlang-c-fitted':
    "Erlang C corrected on today's intervals: arrivals at the recent rate, no caller abandoning, and the share of the agents staffed that matched the service level realised lately.",
  'erlang-c-blend':
    "Half Erlang C corrected on today's intervals (the share of the agents staffed that matched the service level realised lately), half the last interval's service level; arrivals at the recent rate.",
};

/** How far (percentage points) today's service level may fall below an uncorrected forecast before it is said. */
const BELIED_POINTS = 20;

/**
 * Plain Erlang C (not yet corrected on today's intervals) counts each agent whole for every queue they can take:
 * on agents shared between queues it reads far above what the queues get. The service level today so far at the
 * forecast's threshold, where today's figures (`today`) say it is BELIED_POINTS or more below the forecast;
 * else null.
 */
function beliedByToday(forecast: Forecast, today: TodayMetrics | undefined): number | null {
  const realised = today?.[serviceLevelMetric(forecast.serviceLevelSeconds)];
  return forecast.model === 'erlang-c' &&
    forecast.predictedServiceLevel !== null &&
    typeof realised === 'number' &&
    forecast.predictedServiceLevel - realised >= BELIED_POINTS
    ? realised
    : null;
}

/** Why there is no predicted service level, where the forecast has arrivals to advise on. */
function noPrediction(forecast: Forecast): string {
  if (forecast.arrivalsPerHour === 0) return 'No service level to predict: no contacts are coming in.';
  if (forecast.agentsStaffed === null)
    return 'No service level to predict: Connect has given no count of the agents staffed yet.';
  return 'No service level to predict: the figures are beyond what the forecast can reason about.';
}

/**
 * What happens next on one queue, for the laptop's drill-down: the predicted service level with the agents
 * staffed now, the advice, and the figures it rests on, so a supervisor can see why. Labelled an estimate.
 */
export const ForecastAdvice = memo(function ForecastAdvice({
  forecast,
  today,
}: {
  forecast: Forecast | undefined;
  /** The queue's figures today so far, where the view has them: its service level tells an uncorrected forecast. */
  today?: TodayMetrics | undefined;
}) {
  const format = useFormat();
  if (!forecast) return null;
  const advice = forecastAdvice(forecast, format);
  const atRisk = forecastAtRisk(forecast);
  const uncorrected = forecast.model === 'erlang-c';
  // Where today's service level belies the forecast, the card says so beside it.
  const belied = beliedByToday(forecast, today);
  return (
    <section
      className="forecast-advice"
      aria-label="Forecast (estimate)"
      data-testid="forecast-advice"
      data-at-risk={atRisk || undefined}
    >
      <h3>
        Forecast{' '}
        <span className="forecast-estimate">{uncorrected ? 'estimate, uncorrected' : 'estimate'}</span>
      </h3>
      {advice === null ? (
        <p className="forecast-text">
          {forecast.intervalsStale
            ? "No forecast: today's intervals from Connect are out of date, so there is no recent arrival rate."
            : 'Too little of today yet to forecast this queue.'}
        </p>
      ) : (
        <>
          <p className="forecast-predicted">
            {forecast.predictedServiceLevel === null
              ? noPrediction(forecast)
              : `${format.percent(forecast.predictedServiceLevel)} predicted in ${format.count(forecast.serviceLevelSeconds)} s with the agents staffed now`}
          </p>
          <p className="forecast-text" data-testid="forecast-advice-text">
            {advice}
          </p>
          <dl className="forecast-inputs">
            <div>
              <dt>Arrivals</dt>
              <dd>{format.count(forecast.arrivalsPerHour)} contacts/h</dd>
            </div>
            <div>
              <dt>Handle time</dt>
              <dd>
                {formatDuration(forecast.handleTimeSeconds)}
                {forecast.handleTimeAssumed ? ' (assumed)' : ''}
              </dd>
            </div>
            <div>
              <dt>Staffed</dt>
              <dd>{format.count(forecast.agentsStaffed)}</dd>
            </div>
            <div>
              <dt>Needed</dt>
              <dd>{format.count(forecast.agentsRequired)}</dd>
            </div>
          </dl>
          {belied !== null ? (
            <p className="forecast-belied" role="note" data-testid="forecast-belied">
              Today so far this queue has answered {format.percent(belied)} in{' '}
              {format.count(forecast.serviceLevelSeconds)} s, far below this forecast. It is not yet corrected
              on today&apos;s intervals, so it counts every agent who can take the queue as this queue&apos;s
              alone; it corrects itself once an interval the wallboard watched has closed.
            </p>
          ) : null}
          <p className="forecast-note" data-testid="forecast-note">
            {MODEL_NOTES[forecast.model]}
          </p>
        </>
      )}
    </section>
  );
});

/**
 * A tile's "at risk" mark: its forecast is below target while its current figures are still fine. Not an
 * alert colour, and still: it says what is coming, not what is wrong.
 */
export const AtRiskMark = memo(function AtRiskMark({
  forecast,
  figuresFine,
}: {
  forecast: Forecast | undefined;
  figuresFine: boolean;
}) {
  const format = useFormat();
  if (!figuresFine || !forecastAtRisk(forecast) || !forecast) return null;
  const title = `Forecast (estimate): ${format.percent(forecast.predictedServiceLevel)} against the ${format.percent(forecast.targetPercent)} target`;
  return (
    <span className="at-risk-mark" data-testid="at-risk" title={title}>
      At risk<span className="sr-only">. {title}</span>
    </span>
  );
});

/** The centre's forecast in the summary strip: its predicted service level and the agents it is short. */
export const ForecastSummary = memo(function ForecastSummary({
  forecast,
  queuesShort,
  today,
}: {
  forecast: Forecast | undefined;
  /** How many of the queues under it are short of agents (their shortfalls are its). */
  queuesShort?: number | undefined;
  /** The figures today so far, where the view has them: their service level tells an uncorrected forecast. */
  today?: TodayMetrics | undefined;
}) {
  const format = useFormat();
  if (!forecast) return null;
  const shortfall = forecastShortfallText(forecast, format, queuesShort);
  // Not "enough agents" in big type over a service level far below it: what today says instead.
  const belied = beliedByToday(forecast, today);
  return (
    <div
      className="figure forecast-summary"
      data-metric="FORECAST_SERVICE_LEVEL"
      data-testid="forecast-summary"
      data-at-risk={forecastAtRisk(forecast) || undefined}
      title={
        forecast.model === 'erlang-c'
          ? "Forecast (estimate) by Erlang C from today's arrivals, handle time and agents staffed"
          : "Forecast (estimate) by Erlang C from today's arrivals, handle time and agents staffed, corrected on today's intervals"
      }
    >
      <dt>
        Forecast{' '}
        <span className="forecast-estimate" data-testid="forecast-estimate">
          {/* Plain Erlang C, after a restart or first thing in the morning, reads higher than the corrected
              model: said on the figure itself, where a wall's viewer sees it, not only in its title. */}
          {forecast.model === 'erlang-c' ? 'est., uncorrected' : 'est.'}
        </span>
      </dt>
      <dd>
        <span className="figure-value">{format.percent(forecast.predictedServiceLevel)}</span>
        <span className="figure-detail" data-testid="forecast-shortfall">
          {belied !== null
            ? `not yet corrected: today so far ${format.percent(belied)}`
            : forecast.agentsRequired === null || forecast.agentsStaffed === null
              ? 'no advice yet'
              : (shortfall ??
                (forecastAtRisk(forecast)
                  ? `staffed for ${format.percent(forecast.targetPercent)} by the model`
                  : `enough agents for ${format.percent(forecast.targetPercent)}`))}
        </span>
      </dd>
    </div>
  );
});
