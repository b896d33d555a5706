import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';

/**
 * How far beyond the screen's top and bottom a tile still counts as on screen: about a row of queue tiles,
 * so a tile scrolled into view has almost always been drawn before it gets there.
 */
export const NEAR_MARGIN = '240px 0px';

const NOTHING_FAR: ReadonlyMap<string, number> = new Map();

/**
 * The children of `container` matching `selector` that are off screen (further than NEAR_MARGIN), each with
 * its height when it went off screen, keyed by `idOf` (a function defined once, outside any component). A laptop
 * of 250 queue tiles shows a dozen or so: the rest stand in at their size, without figures, instead of redrawing
 * every update for nobody. Before
 * the browser has said anything (the first render, and where there is no IntersectionObserver) nothing is far.
 */
export function useFarChildren(
  container: RefObject<HTMLElement | null>,
  selector: string,
  idOf: (element: HTMLElement) => string | undefined,
): ReadonlyMap<string, number> {
  const [far, setFar] = useState(NOTHING_FAR);
  const observer = useRef<IntersectionObserver | null>(null);
  const observed = useRef(new Set<HTMLElement>());
  useLayoutEffect(() => {
    if (typeof IntersectionObserver === 'undefined') return;
    const watching = new IntersectionObserver(
      (entries) =>
        setFar((current) => {
          let next: Map<string, number> | null = null;
          for (const entry of entries) {
            const id = idOf(entry.target as HTMLElement);
            if (id === undefined) continue;
            const isFar = !entry.isIntersecting;
            if (isFar === current.has(id)) continue;
            next ??= new Map(current);
            if (isFar) next.set(id, entry.boundingClientRect.height);
            else next.delete(id);
          }
          return next ?? current;
        }),
      { rootMargin: NEAR_MARGIN },
    );
    observer.current = watching;
    observed.current = new Set();
    return () => {
      watching.disconnect();
      observer.current = null;
    };
  }, [idOf]);
  // After every render: a tile that switches between its held and its whole self is a new element.
  useLayoutEffect(() => {
    const watching = observer.current;
    const root = container.current;
    if (!watching || !root) return;
    const now = new Set(root.querySelectorAll<HTMLElement>(selector));
    for (const element of now) if (!observed.current.has(element)) watching.observe(element);
    for (const element of observed.current) if (!now.has(element)) watching.unobserve(element);
    observed.current = now;
  });
  return far;
}

/**
 * Whether `element` is on screen or within NEAR_MARGIN of it. True until the browser says otherwise, and
 * where there is no IntersectionObserver. Follows the element if it is replaced or appears later.
 */
export function useNearViewport(element: RefObject<HTMLElement | null>): boolean {
  const [near, setNear] = useState(true);
  const watching = useRef<{ target: HTMLElement; observer: IntersectionObserver } | null>(null);
  useLayoutEffect(() => {
    const target = element.current;
    if (watching.current?.target === target) return;
    watching.current?.observer.disconnect();
    watching.current = null;
    if (!target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver(
      (entries) => {
        const last = entries[entries.length - 1];
        if (last) setNear(last.isIntersecting);
      },
      { rootMargin: NEAR_MARGIN },
    );
    observer.observe(target);
    watching.current = { target, observer };
  });
  useEffect(
    () => () => {
      watching.current?.observer.disconnect();
      watching.current = null;
    },
    [],
  );
  return near;
}
