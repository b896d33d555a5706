/** The CSS animation that makes critical figures pulse (components/figure.css). */
export const PULSE_ANIMATION = 'pulse';

/**
 * The types React listens for. Not `animationcancel`: the browser makes an event only for a type someone listens
 * for, and a listener here would make one for every pulsing figure that leaves the page or calms down.
 */
export const PULSE_EVENT_TYPES = ['animationstart', 'animationiteration', 'animationend'] as const;

/**
 * Each pulse of each critical figure dispatches an animation event, and React listens for every event type at
 * its root: a board with twenty critical figures ran React's event dispatch a dozen times a second for nothing
 * (about a tenth of a millisecond each). Nothing listens for the pulse, so its events stop at the window,
 * before they reach React. Returns the function that removes the listeners.
 */
export function stopPulseEvents(target: Window = window): () => void {
  const stop = (event: Event) => {
    if ((event as AnimationEvent).animationName === PULSE_ANIMATION) event.stopPropagation();
  };
  for (const type of PULSE_EVENT_TYPES) target.addEventListener(type, stop, { capture: true });
  return () => {
    for (const type of PULSE_EVENT_TYPES) target.removeEventListener(type, stop, { capture: true });
  };
}
