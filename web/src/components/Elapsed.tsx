import { useNow } from '../api/clock';
import { describeDuration, formatDuration } from '../format';

/** Time since `since`, ticking every second on the server's clock. Only this text re-renders each second. */
export function Elapsed({ since, className }: { since: string | null; className?: string }) {
  const now = useNow();
  if (!since) return <span className={className}>–</span>;
  const seconds = Math.max(0, (now - Date.parse(since)) / 1000);
  return (
    <time className={className} dateTime={since} aria-label={describeDuration(seconds)}>
      {formatDuration(seconds)}
    </time>
  );
}
