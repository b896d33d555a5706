import type { EventSourceLike } from '../api/stream';

/** An EventSource a test drives: it opens, fails and delivers events when told to. */
export class FakeSource implements EventSourceLike {
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  private readonly listeners = new Map<string, ((event: MessageEvent<string>) => void)[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: (event: MessageEvent<string>) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** Delivers an event; `lastEventId`, the id it names (EventSource keeps the last one given). */
  emit(type: string, data: string, lastEventId = '') {
    for (const listener of this.listeners.get(type) ?? [])
      listener(new MessageEvent(type, { data, lastEventId }));
  }
  fail(closed: boolean) {
    this.readyState = closed ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

/** A factory of FakeSources, and every source it made, in order. */
export function fakeSources(): { sources: FakeSource[]; create: (url: string) => FakeSource } {
  const sources: FakeSource[] = [];
  return {
    sources,
    create: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
  };
}
