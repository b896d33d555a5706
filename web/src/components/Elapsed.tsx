import { use, useLayoutEffect, useRef } from 'react';
import { describeDuration, formatDuration } from '../format';
import { ElapsedClockContext } from './elapsedClock';
import { elapsedSeconds, keepElapsed } from './ticker';

/**
 * Time since `since`, counted to the clock it is under (elapsedClock.ts): live, the server's, ticking every
 * second; in a replay, the moment replayed. The shared ticker rewrites the text as that moment moves; the
 * component itself renders only when `since` or its parent changes.
 */
export function Elapsed({
  since,
  className,
  title,
}: {
  since: string | null;
  className?: string;
  /** What the time is of, shown on hover (the text itself is only the time). */
  title?: string;
}) {
  const element = useRef<HTMLTimeElement>(null);
  const clock = use(ElapsedClockContext);
  const sinceMs = since ? Date.parse(since) : NaN;
  useLayoutEffect(() => {
    if (!element.current || Number.isNaN(sinceMs)) return;
    return keepElapsed(element.current, sinceMs, clock);
  }, [sinceMs, clock]);
  if (!since)
    return (
      <span className={className} title={title}>
        –
      </span>
    );
  const seconds = elapsedSeconds(sinceMs, clock.now());
  return (
    <time
      ref={element}
      className={className}
      dateTime={since}
      title={title}
      aria-label={describeDuration(seconds)}
    >
      {formatDuration(seconds)}
    </time>
  );
}
