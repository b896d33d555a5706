/**
 * The id of each view and patch on the stream, which the browser sends back to resume (EventSource's
 * Last-Event-ID, or `?since=` on a connection the page opens itself): the generation the page holds, the Connect
 * instance it holds it of, and what the board's configuration gave its view (its revision, none for the whole
 * instance). Generations count on their own in each instance (and start near one another: every poller seeds them
 * from the clock), so a bare number from a page that held another instance's view (a board moved from one
 * instance to another) could name a generation this instance has too, and patches of this instance would be
 * applied to a view of the other. Likewise a generation projected under another configuration of its board (an
 * edit reached this replica, or only another one) is another view of it: patches from this one's would leave the
 * page with a queue the board no longer shows, or without one it now does. A resume point is good only where it
 * was sent, under the configuration it was sent under.
 */
export function streamEventId(view: { generation: number; instanceId: string }, revision = ''): string {
  return `${view.generation}@${view.instanceId}${revision ? `~${revision}` : ''}`;
}

/**
 * The header GET /api/v1/snapshot names its view's stream event id in: a page that polled while its stream was
 * away resumes from it (`?since=`), under the board's revision that view was projected under.
 */
export const STREAM_EVENT_ID_HEADER = 'X-Stream-Event-Id';

/** The shape of an event id: a generation, `@`, an instance id (no spaces or line breaks), `~` and a revision. */
const EVENT_ID = /^(\d{1,16})@([^\s@~]{1,200})(?:~([\w-]{1,64}))?$/;

/** Whether a resume point (`?since=`) is well formed; a bare generation is too, from a page of an older build. */
export function isResumePoint(text: string): boolean {
  return EVENT_ID.test(text) || /^\d{1,16}$/.test(text);
}

/** What an event id names: its generation, instance and revision (empty when none); null if it is not one. */
export function parseStreamEventId(
  id: string,
): { generation: number; instanceId: string; revision: string } | null {
  const match = EVENT_ID.exec(id);
  if (!match?.[1] || !match[2]) return null;
  const generation = Number(match[1]);
  return Number.isSafeInteger(generation)
    ? { generation, instanceId: match[2], revision: match[3] ?? '' }
    : null;
}

/**
 * The generation a page holds of `instanceId` under `revision`, from the event id it sent back; null when it
 * names another instance or revision, no instance (a page of an older build), or is not an event id at all.
 * Null means: send the view whole.
 */
export function resumedGeneration(id: string, instanceId: string, revision = ''): number | null {
  const parsed = parseStreamEventId(id);
  return parsed && parsed.instanceId === instanceId && parsed.revision === revision
    ? parsed.generation
    : null;
}
