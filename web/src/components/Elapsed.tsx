import { useLayoutEffect, useRef } from 'react';
import { tickTime } from '../api/clock';
import { describeDuration, formatDuration } from '../format';
import { elapsedSeconds, keepElapsed } from './ticker';

/**
 * Time since `since`, ticking every second on the server's clock. The shared ticker rewrites the text each
 * second; the component itself renders only when `since` or its parent changes.
 */
export function Elapsed({ since, className }: { since: string | null; className?: string }) {
  const element = useRef<HTMLTimeElement>(null);
  const sinceMs = since ? Date.parse(since) : NaN;
  useLayoutEffect(() => {
    if (!element.current || Number.isNaN(sinceMs)) return;
    return keepElapsed(element.current, sinceMs);
  }, [sinceMs]);
  if (!since) return <span className={className}>–</span>;
  const seconds = elapsedSeconds(sinceMs, tickTime());
  return (
    <time ref={element} className={className} dateTime={since} aria-label={describeDuration(seconds)}>
      {formatDuration(seconds)}
    </time>
  );
}
