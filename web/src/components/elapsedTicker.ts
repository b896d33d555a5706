import { subscribe, tickTime } from '../api/clock';
import { describeDuration, formatDuration } from '../format';

/**
 * Every elapsed time on the page ("on this call for 3:05") turns over each second. Re-rendering each
 * component that shows one costs a React render per time per second (hundreds on a large floor), so one
 * listener on the shared clock writes the new text straight into the elements, and only where it changed.
 * React still renders the text whenever the component renders for other reasons.
 */
interface Ticking {
  sinceMs: number;
  text: string;
}

const ticking = new Map<HTMLElement, Ticking>();
let unsubscribe: (() => void) | undefined;

export function elapsedSeconds(sinceMs: number, nowMs: number): number {
  return Math.max(0, (nowMs - sinceMs) / 1000);
}

function write(element: HTMLElement, entry: Ticking, nowMs: number): void {
  const seconds = elapsedSeconds(entry.sinceMs, nowMs);
  const text = formatDuration(seconds);
  if (text === entry.text && element.textContent === text) return;
  entry.text = text;
  // Change the text node React created rather than replacing it, so React's later updates still land.
  const node = element.firstChild;
  if (node && node === element.lastChild && node.nodeType === Node.TEXT_NODE) node.nodeValue = text;
  else element.textContent = text;
  element.setAttribute('aria-label', describeDuration(seconds));
}

function tick(): void {
  const now = tickTime();
  for (const [element, entry] of ticking) write(element, entry, now);
}

/** Keeps `element`'s text the time since `sinceMs`, from now until the returned function is called. */
export function keepElapsed(element: HTMLElement, sinceMs: number): () => void {
  const entry: Ticking = { sinceMs, text: '' };
  ticking.set(element, entry);
  unsubscribe ??= subscribe(tick);
  write(element, entry, tickTime());
  return () => {
    if (ticking.get(element) === entry) ticking.delete(element);
    if (ticking.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
  };
}
