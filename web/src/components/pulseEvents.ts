/** The CSS animation that makes critical figures pulse (styles.css). */
export const PULSE_ANIMATION = 'pulse';

const TYPES = ['animationstart', 'animationiteration', 'animationend', 'animationcancel'] as const;

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
  for (const type of TYPES) target.addEventListener(type, stop, { capture: true });
  return () => {
    for (const type of TYPES) target.removeEventListener(type, stop, { capture: true });
  };
}
