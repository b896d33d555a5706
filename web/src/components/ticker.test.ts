import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { observeServerTime } from '../api/clock';
import { StillClock } from './elapsedClock';
import { keepClock, keepElapsed } from './ticker';

const START = Date.parse('2026-03-02T10:00:00.000Z');

beforeEach(() => {
  // This browser's clocks, wall and monotonic, start at START, and so does the server's.
  vi.useFakeTimers({ now: START });
  observeServerTime(new Date(START).toISOString());
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

describe('the header clock on the shared ticker', () => {
  it('reads the time now as formatted, and turns over with every second', () => {
    const element = document.createElement('time');
    element.textContent = '';
    const format = (ms: number) => new Date(ms).toISOString().slice(11, 19);
    const stop = keepClock(element, format);
    expect(element.textContent).toBe('10:00:00');
    expect(element.dateTime).toBe('2026-03-02T10:00:00.000Z');
    vi.advanceTimersByTime(3_010);
    expect(element.textContent).toBe('10:00:03');
    expect(element.dateTime.slice(0, 19)).toBe('2026-03-02T10:00:03');
    stop();
    vi.advanceTimersByTime(2_000);
    expect(element.textContent).toBe('10:00:03');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('ticks alongside elapsed times, and each stops on its own', () => {
    const clock = document.createElement('time');
    const call = timeElement('');
    const stopClock = keepClock(clock, (ms) => String(Math.floor(ms / 1000) % 60));
    const stopCall = keepElapsed(call, START);
    vi.advanceTimersByTime(1_010);
    expect(clock.textContent).toBe('1');
    expect(call.textContent).toBe('0:01');
    stopClock();
    vi.advanceTimersByTime(1_000);
    expect(clock.textContent).toBe('1');
    expect(call.textContent).toBe('0:02');
    stopCall();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("elapsed times on a replay's still clock", () => {
  it('stand at its moment while the page ticks, and move in place only when it moves', () => {
    let moment = START - 3_600_000;
    const replayed = new StillClock(() => moment);
    const past = timeElement('0:00');
    const node = past.firstChild;
    const live = timeElement('');
    const stopPast = keepElapsed(past, moment - 65_000, replayed);
    const stopLive = keepElapsed(live, START - 65_000);
    expect(past.textContent).toBe('1:05');
    vi.advanceTimersByTime(3_010);
    expect(live.textContent).toBe('1:08');
    expect(past.textContent).toBe('1:05');
    // The replay moves on half a minute (playing at 10×, three steps).
    moment += 30_000;
    replayed.moved();
    expect(past.textContent).toBe('1:35');
    expect(past.getAttribute('aria-label')).toBe('1 minute 35 seconds');
    expect(past.firstChild).toBe(node);
    expect(live.textContent).toBe('1:08');
    stopPast();
    stopLive();
    expect(vi.getTimerCount()).toBe(0);
  });
});
