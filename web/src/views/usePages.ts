import { useEffect, useRef, useState } from 'react';

/** How many tiles of a given size fit in an area, in whole rows and columns. */
export function tilesThatFit(
  area: { width: number; height: number },
  tile: { minWidth: number; height: number; gap: number },
  rem: number,
): { columns: number; rows: number; perPage: number } {
  const gap = tile.gap * rem;
  const columns = Math.max(1, Math.floor((area.width + gap) / (tile.minWidth * rem + gap)));
  const rows = Math.max(1, Math.floor((area.height + gap) / (tile.height * rem + gap)));
  return { columns, rows, perPage: columns * rows };
}

/** Splits `items` into pages of `perPage`. */
export function paginate<T>(items: readonly T[], perPage: number): T[][] {
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += perPage) pages.push(items.slice(i, i + perPage));
  return pages;
}

/**
 * The page on screen, turning every `seconds` while there is more than one. The turn keeps its beat when the
 * number of pages changes (a stale banner coming and going resizes the area): were it started again at each
 * change, pages changing more often than `seconds` would hold the wall on one page.
 */
export function useRotation(pageCount: number, seconds: number): number {
  const [index, setIndex] = useState(0);
  const count = useRef(pageCount);
  useEffect(() => {
    count.current = pageCount;
  }, [pageCount]);
  const rotating = pageCount > 1;
  useEffect(() => {
    if (!rotating) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % Math.max(1, count.current)), seconds * 1000);
    return () => clearInterval(timer);
  }, [rotating, seconds]);
  return pageCount === 0 ? 0 : index % pageCount;
}
