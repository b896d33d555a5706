/**
 * A binary min-heap of timed events. Ties break on insertion order, so the simulation replays identically for
 * a seed however often (or rarely) it is advanced.
 */
export interface SimEvent {
  at: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  private readonly heap: SimEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  peekTime(): number {
    return this.heap[0]?.at ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, run: () => void): void {
    const event = { at, seq: (this.seq += 1), run };
    const heap = this.heap;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex];
      if (!parent || !before(event, parent)) break;
      heap[i] = parent;
      i = parentIndex;
    }
    heap[i] = event;
  }

  pop(): SimEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const leftEvent = heap[left];
      const rightEvent = heap[left + 1];
      let child = left;
      let childEvent = leftEvent;
      if (rightEvent && leftEvent && before(rightEvent, leftEvent)) {
        child = left + 1;
        childEvent = rightEvent;
      }
      if (!childEvent || !before(childEvent, last)) break;
      heap[i] = childEvent;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
