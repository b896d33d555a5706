/// <reference lib="webworker" />
import { snapshotChecker, type WorkerRequest } from './parseSnapshot';

// Checks each snapshot against the shared schema away from the page's main thread, and says what changed.
const check = snapshotChecker();
self.addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  const reply = check(event.data);
  const buffers = reply.patch ? Object.values(reply.patch.lists).map((list) => list.keep.buffer) : [];
  self.postMessage(reply, buffers);
});
