import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observeServerTime } from '../api/clock';
import { keepElapsed } from './elapsedTicker';

const START = Date.parse('2026-03-02T10:00:00.000Z');

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(START);
  observeServerTime(new Date(START).toISOString(), START);
});
afterEach(() => {
  vi.useRealTimers();
});

function timeElement(text: string): HTMLElement {
  const element = document.createElement('time');
  element.textContent = text;
  return element;
}

describe('the shared elapsed-time ticker', () => {
  it('writes the time since each start at once and on every second, in digits and in words', () => {
    const call = timeElement('stale');
    const status = timeElement('');
    const stopCall = keepElapsed(call, START - 65_000);
    const stopStatus = keepElapsed(status, START - 3_600_000);
    expect(call.textContent).toBe('1:05');
    expect(call.getAttribute('aria-label')).toBe('1 minute 5 seconds');
    expect(status.textContent).toBe('1:00:00');
    // Ticks land just after each whole second.
    vi.advanceTimersByTime(2_010);
    expect(call.textContent).toBe('1:07');
    expect(status.textContent).toBe('1:00:02');
    stopCall();
    stopStatus();
  });

  it('changes the text node React drew rather than replacing it', () => {
    const element = timeElement('0:00');
    const node = element.firstChild;
    const stop = keepElapsed(element, START - 5_000);
    vi.advanceTimersByTime(1_010);
    expect(element.firstChild).toBe(node);
    expect(node?.nodeValue).toBe('0:06');
    stop();
  });

  it('stops writing to an element once released, and stops ticking when nothing is left', () => {
    const element = timeElement('');
    const stop = keepElapsed(element, START);
    expect(element.textContent).toBe('0:00');
    stop();
    vi.advanceTimersByTime(3_000);
    expect(element.textContent).toBe('0:00');
    expect(vi.getTimerCount()).toBe(0);
  });
});
