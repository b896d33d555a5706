import { alertPlace, metricLabel, SCREEN_ALERT_PREFIX, type AlertEvent } from '@switchboard/shared';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState, type KeyboardEvent } from 'react';
import { serverNow, useClockValue } from '../../api/clock';
import { useQueueName } from '../../api/useSnapshotSlices';
import { useFormat } from '../../format';
import { backoffDelay } from '../../api/backoff';
import { fetchTimeline, TimelineError, type Timeline as TimelineData } from './api';
import { SPEEDS, type Replay } from './useReplay';
import './replay.css';

/** The spans the timeline can cover, ending now. */
const DAY_MS = 24 * 3600_000;

export const SPANS = [
  { label: 'Last hour', ms: 3600_000 },
  { label: 'Last 6 hours', ms: 6 * 3600_000 },
  { label: 'Last 24 hours', ms: 24 * 3600_000 },
  { label: 'Last 3 days', ms: 72 * 3600_000 },
] as const;

/** The span shown until one is chosen, where nothing recorded says a shorter one holds it all. */
const DEFAULT_SPAN = SPANS[2].ms;

/** The shortest span that holds `recordedMs` (how long ago the first moment recorded is), the default at most. */
export function fittingSpan(recordedMs: number): number {
  return Math.min(SPANS.find((span) => span.ms >= recordedMs)?.ms ?? DEFAULT_SPAN, DEFAULT_SPAN);
}

/** How far the moment on a live timeline moves on at a time, for a span: at least a second, at most a minute. */
export function liveStep(spanMs: number): number {
  return Math.min(60_000, Math.max(1000, Math.round(spanMs / 2000 / 1000) * 1000));
}

const EMPTY: TimelineData['buckets'] = [];
const NO_EVENTS: AlertEvent[] = [];

/**
 * Where Play starts from live: the first moment recorded in the last hour (the start of the first bucket with
 * anything in it that ends after `since`, or the first moment recorded at all where that is later in the bucket,
 * `recordedFirst`); null when nothing was, and Play starts an hour back. After a restart, or on a server up for
 * minutes, not in a stretch with nothing recorded.
 */
export function firstRecordedWithin(
  buckets: TimelineData['buckets'],
  bucketMs: number,
  since: number,
  recordedFirst: number | null = null,
): number | null {
  for (const bucket of buckets) {
    const at = Date.parse(bucket.at);
    if (bucket.generations > 0 && at + bucketMs > since)
      return recordedFirst !== null && recordedFirst > at && recordedFirst < at + bucketMs
        ? recordedFirst
        : at;
  }
  return null;
}

/** The first moment the server recorded at all, in ms (the timeline's `recorded.first`), or null. */
function recordedFirst(data: TimelineData | undefined): number | null {
  const first = data?.recorded ? Date.parse(data.recorded.first) : NaN;
  return Number.isFinite(first) ? first : null;
}

const LEVEL_WORDS: Record<AlertEvent['level'], string> = { warn: 'warning', critical: 'critical' };

/** A marker's words: "13:03:02: Oldest contact on Sales 4, warning, raised". */
export function markerTitle(
  event: AlertEvent,
  time: string,
  queueName: (queueId: string | null) => string,
): string {
  const what = event.kind === 'acknowledged' ? `acknowledged by ${event.by ?? 'a supervisor'}` : event.kind;
  const place =
    event.queueId === null
      ? alertPlace(null)
      : event.queueId.startsWith(SCREEN_ALERT_PREFIX)
        ? `on screen ${event.queueId.slice(SCREEN_ALERT_PREFIX.length)}`
        : alertPlace(queueName(event.queueId));
  return `${time}: ${metricLabel(event.metric)} ${place}, ${LEVEL_WORDS[event.level]}, ${what}`;
}

/**
 * Under the header on the laptop: what was recorded over the span (each bucket marked stale or failing where it
 * was), alert raises and clears as markers, a handle to drag to any moment, play at 10× or 60×, and Live.
 */
export function Timeline({ replay, board }: { replay: Replay; board: string | null }) {
  const format = useFormat();
  const queueName = useQueueName();
  // The span chosen from the menu; until one is, the shortest that holds everything recorded (a server up for
  // minutes: the last hour, its markers spread over the track rather than heaped in its last pixels), 24 hours
  // at most.
  const [chosenSpan, setChosenSpan] = useState<number | null>(null);
  const [fittedSpan, setFittedSpan] = useState<number>(DEFAULT_SPAN);
  const span = chosenSpan ?? fittedSpan;
  // Live, the handle moves on about a two-thousandth of the track a step (43 s over 24 hours, under a pixel on a
  // laptop): the timeline redraws then, not on every tick of the clock.
  const step = liveStep(span);
  const now = useClockValue((ms) => Math.floor(ms / step) * step);
  // The span's end is the next whole minute after the clock itself, not after the handle (which may lag a step
  // behind it): what was recorded a moment ago is always inside the span. It moves on a minute at a time, and
  // the timeline is fetched again then, not every second.
  const to = useClockValue((ms) => Math.ceil(ms / 60_000) * 60_000);
  const from = to - span;
  const timeline = useQuery({
    queryKey: ['timeline', board ?? '', from, to],
    queryFn: ({ signal }) => fetchTimeline(board, from, to, signal),
    placeholderData: (previous) => previous,
    staleTime: 30_000,
    // The server out of reach or restarting (the network down, a 5xx, a 429): asked again until it answers, so
    // its error goes as soon as it is back, not when the span next moves on a minute later. Refused for what was
    // asked (another 4xx), three tries as usual.
    retry: (failures, error) =>
      !(error instanceof TimelineError) || error.status >= 500 || error.status === 429 || failures < 3,
    retryDelay: (attempt) => backoffDelay(attempt, { firstMs: 1000, maxMs: 10_000 }),
  });
  // Set as the figures come (React draws again at once, before the screen shows the span before).
  const first = recordedFirst(timeline.data);
  const fitted = first === null ? null : fittingSpan(to - first);
  if (fitted !== null && fitted !== fittedSpan) setFittedSpan(fitted);
  // Kept while the next span loads, but not drawn on another span's scale (the first load asks for 24 hours,
  // then for the span that fits): its buckets would be drawn an hour wide on an hour's track.
  const sameSpan =
    timeline.data !== undefined && Date.parse(timeline.data.to) - Date.parse(timeline.data.from) === span;
  const buckets = sameSpan ? (timeline.data?.buckets ?? EMPTY) : EMPTY;
  const bucketMs = timeline.data?.bucketMs ?? span;
  const events = timeline.data?.alerts ?? NO_EVENTS;
  const left = (ms: number) => `${(((ms - from) / span) * 100).toFixed(3)}%`;
  const markers = useMemo(() => events.filter((event) => event.kind !== 'acknowledged'), [events]);
  const [focusedMarker, setFocusedMarker] = useState(0);
  const moveAmongMarkers = (event: KeyboardEvent<HTMLDivElement>) => {
    const keys: Record<string, number> = {
      ArrowRight: focusedMarker + 1,
      ArrowDown: focusedMarker + 1,
      ArrowLeft: focusedMarker - 1,
      ArrowUp: focusedMarker - 1,
      Home: 0,
      End: markers.length - 1,
    };
    const next = keys[event.key];
    if (next === undefined || markers.length === 0) return;
    event.preventDefault();
    const to = Math.max(0, Math.min(markers.length - 1, next));
    setFocusedMarker(to);
    (event.currentTarget.children[to] as HTMLElement | undefined)?.focus();
  };
  const value = replay.at ?? Math.min(now, to);
  return (
    <section
      className="replay"
      aria-label="Replay"
      data-testid="replay-timeline"
      data-replaying={replay.at !== null}
    >
      <div className="replay-controls">
        <button
          type="button"
          onClick={() => {
            if (replay.playing) replay.pause();
            else
              replay.play(
                firstRecordedWithin(buckets, bucketMs, serverNow() - 3600_000, recordedFirst(timeline.data)),
              );
          }}
          aria-pressed={replay.playing}
          data-testid="replay-play"
        >
          {replay.playing ? 'Pause' : 'Play'}
        </button>
        <span role="group" aria-label="Replay speed" className="replay-speeds">
          {SPEEDS.map((speed) => (
            <button
              key={speed}
              type="button"
              aria-pressed={replay.speed === speed}
              onClick={() => replay.setSpeed(speed)}
            >
              {speed}×
            </button>
          ))}
        </span>
        <select
          aria-label="Timeline span"
          value={span}
          onChange={(event) => setChosenSpan(Number(event.target.value))}
        >
          {SPANS.map((choice) => (
            <option key={choice.ms} value={choice.ms}>
              {choice.label}
            </option>
          ))}
        </select>
        <output className="replay-moment" data-testid="replay-moment">
          {replay.at === null ? 'Live' : `${format.clock(replay.at)}, ${format.day(replay.at)}`}
        </output>
        {replay.at !== null ? (
          <button type="button" className="replay-live" onClick={replay.live} data-testid="replay-live">
            Live
          </button>
        ) : null}
        {timeline.isError || timeline.failureReason ? (
          <span className="replay-problem" role="alert">
            {(timeline.error ?? timeline.failureReason)?.message}
            {timeline.isError ? '' : ' Retrying…'}
          </span>
        ) : null}
      </div>
      <div className="replay-track">
        <div className="replay-buckets" aria-hidden="true">
          {buckets.map((bucket) => {
            const at = Date.parse(bucket.at);
            const kind = bucket.errors.length > 0 ? 'error' : bucket.stale > 0 ? 'stale' : 'recorded';
            return (
              <span
                key={bucket.at}
                className={`replay-bucket replay-bucket-${kind}`}
                data-kind={kind}
                style={{ left: left(at), width: `${((bucketMs / span) * 100).toFixed(3)}%` }}
                title={
                  kind === 'error'
                    ? `${format.clock(at)}: ${bucket.errors.join(', ')} failing`
                    : kind === 'stale'
                      ? `${format.clock(at)}: figures stale`
                      : undefined
                }
              />
            );
          })}
        </div>
        {/* One stop on the Tab key for all the markers, however many a busy day has (the board comes after them):
            the arrow keys move between them, Home and End to the first and last. */}
        <div
          className="replay-markers"
          role="toolbar"
          aria-label="Alerts raised and cleared"
          onKeyDown={moveAmongMarkers}
        >
          {markers.map((event, i) => {
            const at = Date.parse(event.at);
            return (
              <button
                key={`${event.alertId}-${event.kind}-${i}`}
                type="button"
                className={`replay-marker replay-marker-${event.kind} replay-marker-${event.level}`}
                data-kind={event.kind}
                style={{ left: left(at) }}
                title={markerTitle(event, format.clock(at), queueName)}
                aria-label={markerTitle(event, format.clock(at), queueName)}
                tabIndex={i === Math.min(focusedMarker, markers.length - 1) ? 0 : -1}
                onFocus={() => setFocusedMarker(i)}
                onClick={() => replay.seek(at)}
              />
            );
          })}
        </div>
        <input
          type="range"
          className="replay-range"
          aria-label="Moment to replay"
          aria-valuetext={replay.at === null ? 'Live' : format.time(replay.at)}
          min={from}
          max={to}
          step={1000}
          value={value}
          onChange={(event) => replay.seek(Number(event.target.value))}
          data-testid="replay-range"
        />
      </div>
      {/* The span's ends, where the track starts and stops (the range itself says the moment to assistive tech). */}
      <div className="replay-ends" aria-hidden="true" data-testid="replay-ends">
        <span>{span >= DAY_MS ? format.time(from) : format.minute(from)}</span>
        <span>{span >= DAY_MS ? format.time(to) : format.minute(to)}</span>
      </div>
    </section>
  );
}
