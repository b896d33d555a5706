import { afterEach, describe, expect, it } from 'vitest';
import { PULSE_ANIMATION, PULSE_EVENT_TYPES, stopPulseEvents } from './pulseEvents';

function animationEvent(type: string, animationName: string): Event {
  const event = new Event(type, { bubbles: true });
  Object.defineProperty(event, 'animationName', { value: animationName });
  return event;
}

let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  document.body.innerHTML = '';
});

describe('stopPulseEvents', () => {
  it('keeps the pulse’s animation events from reaching the page, and lets every other one through', () => {
    const root = document.createElement('div');
    const figure = document.createElement('span');
    root.append(figure);
    document.body.append(root);
    const heard: string[] = [];
    for (const type of ['animationstart', 'animationiteration', 'animationend']) {
      root.addEventListener(type, (event) =>
        heard.push(`${type}:${(event as AnimationEvent).animationName}`),
      );
    }
    stop = stopPulseEvents(window);
    figure.dispatchEvent(animationEvent('animationiteration', PULSE_ANIMATION));
    figure.dispatchEvent(animationEvent('animationstart', PULSE_ANIMATION));
    figure.dispatchEvent(animationEvent('animationend', 'fade'));
    expect(heard).toEqual(['animationend:fade']);
    stop();
    stop = undefined;
    figure.dispatchEvent(animationEvent('animationiteration', PULSE_ANIMATION));
    expect(heard).toEqual(['animationend:fade', `animationiteration:${PULSE_ANIMATION}`]);
  });

  it('listens for no animation event type React does not listen for, so the browser makes no extra events', () => {
    const types: string[] = [];
    const target = {
      addEventListener: (type: string) => types.push(type),
      removeEventListener: () => undefined,
    } as unknown as Window;
    stopPulseEvents(target)();
    expect(types.sort()).toEqual([...PULSE_EVENT_TYPES].sort());
    expect(types).not.toContain('animationcancel');
  });
});
