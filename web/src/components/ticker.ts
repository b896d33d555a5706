import { describeDuration, formatDuration } from '../format';
import { liveClock, type ElapsedClock } from './elapsedClock';

/**
 * Every elapsed time on the page ("on this call for 3:05") turns over each second. Re-rendering each
 * component that shows one costs a React render per time per second (hundreds on a large floor), so one
 * listener on the shared clock writes the new text straight into the elements, and only where it changed.
 * React still renders the text whenever the component renders for other reasons. The header's clock ticks
 * the same way. Each element is kept on a clock (elapsedClock.ts): the live one ticks each second; a replay's
 * stands at the moment replayed and moves the times on it, in the same way, when that moment moves.
 */

/** Brings one element up to the given moment; each writes only what changed. */
type Writer = (nowMs: number) => void;

/** Per clock, the elements kept on it, and the way to stop listening to it once none are. */
const ticking = new Map<ElapsedClock, { writers: Map<HTMLElement, Writer>; unsubscribe: () => void }>();

export function elapsedSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, (nowMs - sinceMs) / 1000);
}

/** Changes the text node React created rather than replacing it, so React's later updates still land. */
function setText(element: HTMLElement, text: string): void {
  const node = element.firstChild;
  if (node && node === element.lastChild && node.nodeType === Node.TEXT_NODE) node.nodeValue = text;
  else element.textContent = text;
}

function keep(clock: ElapsedClock, element: HTMLElement, write: Writer): () => void {
  let kept = ticking.get(clock);
  if (!kept) {
    const writers = new Map<HTMLElement, Writer>();
    const tick = () => {
      const now = clock.now();
      for (const writer of writers.values()) writer(now);
    };
    kept = { writers, unsubscribe: clock.subscribe(tick) };
    ticking.set(clock, kept);
  }
  const { writers } = kept;
  writers.set(element, write);
  write(clock.now());
  return () => {
    if (writers.get(element) === write) writers.delete(element);
    if (writers.size === 0 && ticking.get(clock) === kept) {
      kept.unsubscribe();
      ticking.delete(clock);
    }
  };
}

/** Keeps `element`'s text the time since `sinceMs` on `clock`, until the returned function is called. */
export function keepElapsed(
  element: HTMLElement,
  sinceMs: number,
  clock: ElapsedClock = liveClock,
): () => void {
  let shown = '';
  return keep(clock, element, (nowMs) => {
    const seconds = elapsedSeconds(sinceMs, nowMs);
    const text = formatDuration(seconds);
    if (text === shown && element.textContent === text) return;
    shown = text;
    setText(element, text);
    element.setAttribute('aria-label', describeDuration(seconds));
  });
}

/**
 * Keeps a `<time>` element reading the time now, as `format` writes it: the header's clock turns over each
 * second without a React render of the header.
 */
export function keepClock(element: HTMLTimeElement, format: (ms: number) => string): () => void {
  let shown = '';
  return keep(liveClock, element, (nowMs) => {
    const text = format(nowMs);
    if (text === shown && element.textContent === text) return;
    shown = text;
    setText(element, text);
    element.dateTime = new Date(nowMs).toISOString();
  });
}
