import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

export interface ElementSize {
  width: number;
  height: number;
  /** The root font size in px when the element was measured: tile sizes are set in rem. */
  rem: number;
}

/**
 * The element's content size, kept current with a ResizeObserver (0×0 before layout and in jsdom), and the
 * root font size read at the same moment. Reading the font size during a render would force the browser to
 * recompute styles there and then, on every update; in the observer's callback styles are already fresh. On
 * the wall the font size follows the viewport, which resizes the element too, so one observer covers both.
 * Follows the element if it appears later or is replaced (a chart drawn once its series has come, a list drawn
 * once some agent matches): checked after every render, a comparison.
 */
export function useElementSize(ref: RefObject<HTMLElement | null>): ElementSize {
  const [size, setSize] = useState(() => ({ width: 0, height: 0, rem: remPx() }));
  const watching = useRef<{ element: HTMLElement; stop: () => void } | null>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (watching.current?.element === element) return;
    watching.current?.stop();
    watching.current = null;
    if (!element) return;
    const measure = () => {
      const { width, height } = element.getBoundingClientRect();
      const rem = remPx();
      setSize((old) =>
        Math.abs(old.width - width) < 1 && Math.abs(old.height - height) < 1 && old.rem === rem
          ? old
          : { width, height, rem },
      );
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      watching.current = { element, stop: () => undefined };
      return;
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    watching.current = { element, stop: () => observer.disconnect() };
  });
  useEffect(
    () => () => {
      watching.current?.stop();
      watching.current = null;
    },
    [],
  );
  return size;
}

/** The root font size in px: tile sizes are set in rem and scale with the wall's type. */
export function remPx(): number {
  if (typeof document === 'undefined') return 16;
  const size = parseFloat(getComputedStyle(document.documentElement).fontSize);
  return Number.isFinite(size) && size > 0 ? size : 16;
}
