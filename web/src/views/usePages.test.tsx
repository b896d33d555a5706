import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useRotation } from './usePages';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('the wall turning its pages', () => {
  it('turns every interval while there is more than one page', () => {
    const { result } = renderHook(() => useRotation(3, 11));
    expect(result.current).toBe(0);
    act(() => vi.advanceTimersByTime(11_000));
    expect(result.current).toBe(1);
    act(() => vi.advanceTimersByTime(22_000));
    expect(result.current).toBe(0);
  });

  it('keeps turning while the number of pages changes more often than a page lasts', () => {
    // A stale banner coming and going every 5 s resizes the area: 3 pages, then 4, then 3…
    const { result, rerender } = renderHook(({ pages }) => useRotation(pages, 11), {
      initialProps: { pages: 3 },
    });
    for (let second = 5; second <= 30; second += 5) {
      act(() => vi.advanceTimersByTime(5000));
      rerender({ pages: second % 10 === 0 ? 3 : 4 });
    }
    // 30 s: two turns of 11 s.
    expect(result.current).toBe(2);
  });

  it('stays on the only page there is', () => {
    const { result } = renderHook(() => useRotation(1, 11));
    act(() => vi.advanceTimersByTime(60_000));
    expect(result.current).toBe(0);
  });
});
