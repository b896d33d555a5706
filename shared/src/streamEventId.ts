/**
 * The id of each view and patch on the stream, which the browser sends back to resume (EventSource's
 * Last-Event-ID, or `?since=` on a connection the page opens itself): the generation the page holds, and the
 * Connect instance it holds it of. Generations count on their own in each instance (and start near one another:
 * every poller seeds them from the clock), so a bare number from a page that held another instance's view (a
 * board moved from one instance to another) could name a generation this instance has too, and patches of this
 * instance would be applied to a view of the other. The instance makes a resume point good only where it was
 * sent.
 */
export function streamEventId(view: { generation: number; instanceId: string }): string {
  return `${view.generation}@${view.instanceId}`;
}

/** The shape of an event id: a generation, `@`, an instance id (no spaces or line breaks). */
const EVENT_ID = /^(\d{1,16})@([^\s@]{1,200})$/;

/** Whether a resume point (`?since=`) is well formed; a bare generation is too, from a page of an older build. */
export function isResumePoint(text: string): boolean {
  return EVENT_ID.test(text) || /^\d{1,16}$/.test(text);
}

/**
 * The generation a page holds of `instanceId`, from the event id it sent back; null when it names another
 * instance, no instance (a page of an older build), or is not an event id at all. Null means: send the view whole.
 */
export function resumedGeneration(id: string, instanceId: string): number | null {
  const match = EVENT_ID.exec(id);
  if (!match || match[2] !== instanceId) return null;
  const generation = Number(match[1]);
  return Number.isSafeInteger(generation) ? generation : null;
}
