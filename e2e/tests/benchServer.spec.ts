import { expect, test } from '@playwright/test';
import { applyPatch, checkPatch, parseStreamEventId, type Snapshot } from '@switchboard/shared';
import { startBenchServer, type StreamProtocol } from '../bench/benchServer.js';

interface StreamEvent {
  id: string;
  event: string;
  data: string;
}

/** The server-sent events of `url`, one at a time; `close` hangs up. */
async function openStream(url: string): Promise<{ next: () => Promise<StreamEvent>; close: () => void }> {
  const controller = new AbortController();
  const res = await fetch(url, { signal: controller.signal });
  if (!res.body) throw new Error('the stream has no body');
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const next = async (): Promise<StreamEvent> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const lines = buffer.slice(0, end).split('\n');
        buffer = buffer.slice(end + 2);
        const field = (name: string) =>
          lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
        if (field('event')) return { id: field('id'), event: field('event'), data: field('data') };
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the stream ended');
      buffer += value;
    }
  };
  return { next, close: () => controller.abort() };
}

// The browser benchmark's server (bench/benchServer.ts), checked with the suite rather than only when the benchmark
// runs: its comparison means something only if both streams carry the same figures, the patch stream, applied as
// the page applies it, making every snapshot the whole stream sends.
for (const protocol of ['whole', 'patch'] as StreamProtocol[]) {
  test(`the bench server's ${protocol} stream carries every snapshot`, async () => {
    const server = await startBenchServer({ queues: 20, agents: 100 }, undefined, { protocol });
    const stream = await openStream(`${server.url}/api/v1/stream`);
    try {
      const first = await stream.next();
      expect(first.event).toBe('snapshot');
      let view = JSON.parse(first.data) as Snapshot;
      // Each event's id names its generation and instance, as the server's stream does.
      expect(parseStreamEventId(first.id)).toMatchObject({
        generation: view.generation,
        instanceId: view.instanceId,
      });
      server.run(50, 2000);
      const apply = async () => {
        const event = await stream.next();
        expect(event.event).toBe(protocol === 'patch' ? 'patch' : 'snapshot');
        const data: unknown = JSON.parse(event.data);
        view = protocol === 'patch' ? applyPatch(view, checkPatch(data)) : (data as Snapshot);
        expect(parseStreamEventId(event.id)).toMatchObject({ generation: view.generation });
      };
      for (let i = 0; i < 5; i++) await apply();
      server.pause();
      // The latest snapshot whole, from the snapshot endpoint: the stream's view once it has caught up with it.
      const latest = (await (await fetch(`${server.url}/api/v1/snapshot`)).json()) as Snapshot;
      while (view.generation < latest.generation) await apply();
      expect(view).toEqual(latest);
      expect(view.agents).toHaveLength(100);
    } finally {
      stream.close();
      await server.close();
    }
  });
}
