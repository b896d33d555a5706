import { subscribe, tickTime } from '../api/clock';
import { describeDuration, formatDuration } from '../format';

/**
 * Every elapsed time on the page ("on this call for 3:05") turns over each second. Re-rendering each
 * component that shows one costs a React render per time per second (hundreds on a large floor), so one
 * listener on the shared clock writes the new text straight into the elements, and only where it changed.
 * React still renders the text whenever the component renders for other reasons. The header's clock ticks
 * the same way.
 */

/** Brings one element up to the given moment; each writes only what changed. */
type Writer = (nowMs: number) => void;

const ticking = new Map<HTMLElement, Writer>();
let unsubscribe: (() => void) | undefined;

export function elapsedSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, (nowMs - sinceMs) / 1000);
}

/** Changes the text node React created rather than replacing it, so React's later updates still land. */
function setText(element: HTMLElement, text: string): void {
  const node = element.firstChild;
  if (node && node === element.lastChild && node.nodeType === Node.TEXT_NODE) node.nodeValue = text;
  else element.textContent = text;
}

function tick(): void {
  const now = tickTime();
  for (const write of ticking.values()) write(now);
}

function keep(element: HTMLElement, write: Writer): () => void {
  ticking.set(element, write);
  unsubscribe ??= subscribe(tick);
  write(tickTime());
  return () => {
    if (ticking.get(element) === write) ticking.delete(element);
    if (ticking.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
  };
}

/** Keeps `element`'s text the time since `sinceMs`, from now until the returned function is called. */
export function keepElapsed(element: HTMLElement, sinceMs: number): () => void {
  let shown = '';
  return keep(element, (nowMs) => {
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
  return keep(element, (nowMs) => {
    const text = format(nowMs);
    if (text === shown && element.textContent === text) return;
    shown = text;
    setText(element, text);
    element.dateTime = new Date(nowMs).toISOString();
  });
}
