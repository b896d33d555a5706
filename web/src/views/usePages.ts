import { useEffect, useState } from 'react';

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

/** The page on screen, turning every `seconds` while there is more than one. */
export function useRotation(pageCount: number, seconds: number): number {
  const [index, setIndex] = useState(0);
  useEffect(() => {
    if (pageCount <= 1) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % pageCount), seconds * 1000);
    return () => clearInterval(timer);
  }, [pageCount, seconds]);
  return pageCount === 0 ? 0 : index % pageCount;
}
