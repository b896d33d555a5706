import { figureDescriptor, type IntervalPoint } from '@switchboard/shared';
import {
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { memo, useLayoutEffect, useRef } from 'react';
import type { Formatters } from '../../format';

/** The bars, one per contact count, each in its theme colour (`--chart-queued`, …). */
const VOLUMES = ['queued', 'handled', 'abandoned'] as const;

export interface ServiceLevelChartProps {
  points: readonly IntervalPoint[];
  serviceLevelMetric: string;
  targetPercent: number;
  format: Formatters;
  /** The wall has no pointer: no tooltips there. */
  interactive?: boolean;
}

/**
 * Today per interval: volume as bars (queued, handled, abandoned) and the service level as a line against the
 * target. Animation is off: a wall redraws every few seconds and a chart that re-animates each time distracts.
 */
function ServiceLevelChart({
  points,
  serviceLevelMetric,
  targetPercent,
  format,
  interactive = true,
}: ServiceLevelChartProps) {
  const data = points.map((point) => ({
    start: Date.parse(point.start),
    queued: point.metrics.CONTACTS_QUEUED ?? null,
    handled: point.metrics.CONTACTS_HANDLED ?? null,
    abandoned: point.metrics.CONTACTS_ABANDONED ?? null,
    serviceLevel: point.metrics[serviceLevelMetric] ?? null,
  }));
  const tick = (ms: number) => format.minute(ms);
  // Series names and values as the tiles write them: a bar's name is its metric's, the line's value a percent.
  const metricOf: Record<string, string> = {
    queued: 'CONTACTS_QUEUED',
    handled: 'CONTACTS_HANDLED',
    abandoned: 'CONTACTS_ABANDONED',
    serviceLevel: serviceLevelMetric,
  };
  const name = (key: string) => figureDescriptor(metricOf[key] ?? key).shortLabel;
  const value = (v: unknown, key: string) =>
    format.figure(metricOf[key] ?? key, typeof v === 'number' ? v : null);
  // The axes' room for their tick labels, in the page's type size and for the longest label: fixed in pixels,
  // "1400" and "100%" were cut on a wall, whose type is larger than a laptop's (twice at 4K).
  const rem = Number.parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  const mostVolume = Math.max(0, ...data.flatMap((row) => VOLUMES.map((key) => row[key] ?? 0)));
  const volumeDigits = Math.max(2, String(Math.ceil(mostVolume * 1.1)).length);
  // recharts draws layers into portals, and React listens for focus on each portal's element: Chromium then takes
  // each of those layers into the Tab order, seven stops around nothing. Only the chart itself is one.
  const drawn = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const chart = drawn.current;
    if (!chart) return undefined;
    const untab = () => {
      for (const layer of chart.querySelectorAll('g[class*="recharts-zIndex-layer"]:not([tabindex])'))
        layer.setAttribute('tabindex', '-1');
    };
    untab();
    // The layers come a render after the chart's first: each as it is added.
    const watching = new MutationObserver(untab);
    watching.observe(chart, { childList: true, subtree: true });
    return () => watching.disconnect();
  }, []);
  return (
    <div ref={drawn} className="chart-drawn">
      <ResponsiveContainer width="100%" height="100%">
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          // With a pointer, one stop for the keyboard: the arrow keys move the tooltip from interval to interval.
          accessibilityLayer={interactive}
          title={
            interactive ? 'Service level and contacts per interval: arrow keys for each interval' : undefined
          }
        >
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis dataKey="start" tickFormatter={tick} stroke="var(--muted)" minTickGap={24} />
          <YAxis
            yAxisId="volume"
            stroke="var(--muted)"
            allowDecimals={false}
            width={Math.ceil(rem * (0.65 * volumeDigits + 1))}
          />
          <YAxis
            yAxisId="sl"
            orientation="right"
            domain={[0, 100]}
            stroke="var(--muted)"
            tickFormatter={(v: number) => format.percent(v)}
            width={Math.ceil(rem * 3.6)}
          />
          {interactive ? (
            <Tooltip
              labelFormatter={(ms) => tick(Number(ms))}
              formatter={(v, _name, item) => value(v, String(item.dataKey))}
              contentStyle={{ background: 'var(--tile)', border: '1px solid var(--border)' }}
            />
          ) : null}
          <Legend />
          {VOLUMES.map((key) => (
            <Bar
              key={key}
              yAxisId="volume"
              dataKey={key}
              name={name(key)}
              fill={`var(--chart-${key})`}
              isAnimationActive={false}
            />
          ))}
          <Line
            yAxisId="sl"
            dataKey="serviceLevel"
            name={name('serviceLevel')}
            stroke="var(--chart-sl)"
            strokeWidth={3}
            dot={false}
            connectNulls={false}
            isAnimationActive={false}
          />
          <ReferenceLine
            yAxisId="sl"
            y={targetPercent}
            stroke="var(--chart-target)"
            strokeDasharray="6 4"
            label={{
              value: `Target ${format.percent(targetPercent)}`,
              fill: 'var(--text)',
              position: 'insideTopLeft',
            }}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

// recharts measures its line's path on every render (a forced layout of the whole page): draw again only when
// the intervals change, not on every snapshot.
export default memo(ServiceLevelChart);
