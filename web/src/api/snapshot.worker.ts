/// <reference lib="webworker" />
import { checkSnapshot, type WorkerReply } from './parseSnapshot';

// Checks each snapshot against the shared schema away from the page's main thread.
self.addEventListener('message', (event: MessageEvent<{ id: number; text: string }>) => {
  let error: string | null = null;
  try {
    checkSnapshot(JSON.parse(event.data.text));
  } catch (failure) {
    error = failure instanceof Error ? failure.message : String(failure);
  }
  const reply: WorkerReply = { id: event.data.id, error };
  self.postMessage(reply);
});
