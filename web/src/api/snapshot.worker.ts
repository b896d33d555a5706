/// <reference lib="webworker" />
import { serveChecker, type ToWorker } from './checkerWorker';
import type { EventSourceLike } from './stream';

// Holds the push stream and checks each snapshot against the shared schema away from the page's main thread,
// and says what changed (checkerWorker.ts).
const serve = serveChecker(
  // Posted once the task that delivered the snapshot is over: the EventSource's own work after each event
  // (several milliseconds for a large one) then runs before the page builds and draws, not alongside it,
  // which on a two-core machine slowed the page's drawing by as much.
  (message, transfer) => setTimeout(() => self.postMessage(message, transfer), 0),
  typeof EventSource === 'undefined' ? null : (url) => new EventSource(url) as unknown as EventSourceLike,
);
self.addEventListener('message', (event: MessageEvent<ToWorker>) => serve(event.data));
