import { cleanup, render, screen } from '@testing-library/react';
import { useRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubResizeObserver } from '../testing/stubResizeObserver';
import { useElementSize } from './useElementSize';

/** Draws the measured box only when `shown`, as the chart (once its series has come) and the agent list do. */
function Measured({ shown }: { shown: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const { width, height } = useElementSize(box);
  return (
    <>
      <output data-testid="size">{`${width}x${height}`}</output>
      {shown ? <div ref={box} /> : null}
    </>
  );
}

beforeEach(() => {
  stubResizeObserver();
  vi.spyOn(Element.prototype, 'getBoundingClientRect').mockReturnValue({
    x: 0,
    y: 0,
    top: 0,
    left: 0,
    right: 800,
    bottom: 300,
    width: 800,
    height: 300,
    toJSON: () => ({}),
  } as DOMRect);
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('useElementSize', () => {
  it('measures a box drawn only after the first render, and one drawn again after it was gone', () => {
    const { rerender } = render(<Measured shown={false} />);
    expect(screen.getByTestId('size').textContent).toBe('0x0');
    rerender(<Measured shown />);
    expect(screen.getByTestId('size').textContent).toBe('800x300');
    rerender(<Measured shown={false} />);
    rerender(<Measured shown />);
    expect(screen.getByTestId('size').textContent).toBe('800x300');
  });
});
