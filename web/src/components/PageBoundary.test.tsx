import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PAGE_RELOAD_MS, PageBoundary } from './PageBoundary';

function Broken(): never {
  throw new Error('a header that cannot be drawn');
}

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('PageBoundary', () => {
  it('says the page failed, instead of a blank screen, and loads it again a while later', () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const reload = vi.fn();
    render(
      <PageBoundary reload={reload}>
        <Broken />
      </PageBoundary>,
    );
    expect(screen.getByTestId('page-error').textContent).toMatch(/could not draw this page/);
    act(() => vi.advanceTimersByTime(PAGE_RELOAD_MS - 1));
    expect(reload).not.toHaveBeenCalled();
    act(() => vi.advanceTimersByTime(1));
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('draws the page as it is while nothing fails', () => {
    render(
      <PageBoundary reload={() => undefined}>
        <p>figures</p>
      </PageBoundary>,
    );
    expect(screen.getByText('figures')).toBeTruthy();
  });
});
