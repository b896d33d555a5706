import type { ConnectClient } from '@aws-sdk/client-connect';
import type { Queue, SectionName, SectionStatus, Snapshot } from '@switchboard/shared';
import { SECTION_NAMES } from '@switchboard/shared';
import { MAX_QUEUES_PER_REQUEST, chunk, getQueueMetrics, zeroMetrics } from '../connect/currentMetrics.js';
import { listStandardQueues, type QueueRef } from '../connect/queues.js';
import type { Logger } from '../logger.js';
import { SERVER_BUILD } from '../version.js';

export interface PollerOptions {
  client: ConnectClient;
  instanceId: string;
  intervalMs: number;
  staleAfterMs: number;
  logger: Logger;
  clock?: () => number;
  /** Applied to every snapshot before it is published (threshold states, alerts). */
  enrich?: (snapshot: Snapshot) => Snapshot;
}

type Listener = (snapshot: Snapshot) => void;

const emptySection = (): SectionStatus => ({
  fetchedAt: null,
  dataSnapshotTime: null,
  error: null,
  stale: true,
});

/**
 * Polls Connect once per instance, whatever the number of viewers, and keeps the last complete snapshot.
 * A failed cycle never replaces good figures: they stay, marked with their age and the error.
 */
export class Poller {
  private snapshot: Snapshot | null = null;
  private queues: QueueRef[] = [];
  private readonly sections: Record<SectionName, SectionStatus>;
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private generation = 0;
  private readonly clock: () => number;

  constructor(private readonly options: PollerOptions) {
    this.clock = options.clock ?? Date.now;
    this.sections = Object.fromEntries(SECTION_NAMES.map((name) => [name, emptySection()])) as Record<
      SectionName,
      SectionStatus
    >;
  }

  get latest(): Snapshot | null {
    return this.snapshot ? this.withAge(this.snapshot) : null;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.timer);
  }

  private async loop(): Promise<void> {
    if (!this.running) return;
    const started = this.clock();
    await this.cycle();
    if (!this.running) return;
    const elapsed = this.clock() - started;
    this.timer = setTimeout(() => void this.loop(), Math.max(0, this.options.intervalMs - elapsed));
  }

  /** One poll of Connect. Expected failures are recorded on their section, never thrown. */
  async cycle(): Promise<void> {
    const started = this.clock();
    const { client, instanceId, logger } = this.options;
    try {
      this.queues = await listStandardQueues(client, instanceId);
      this.markOk('discovery', null);
    } catch (error) {
      this.markError('discovery', error);
      logger.warn({ op: 'ListQueues', err: describe(error) }, 'queue discovery failed');
      if (this.queues.length === 0) return;
    }
    let queues: Queue[];
    let dataSnapshotTime: Date | null = null;
    try {
      const merged = new Map<string, Queue['realtime']>();
      for (const queueChunk of chunk(this.queues, MAX_QUEUES_PER_REQUEST)) {
        const page = await getQueueMetrics(
          client,
          instanceId,
          queueChunk.map((q) => q.id),
        );
        dataSnapshotTime ??= page.dataSnapshotTime;
        for (const [id, metrics] of page.byQueue) merged.set(id, metrics);
      }
      queues = this.queues.map((q) => ({
        id: q.id,
        arn: q.arn,
        name: q.name,
        channels: [],
        realtime: merged.get(q.id) ?? zeroMetrics(),
        realtimeByChannel: {},
        today: {},
        states: {},
      }));
      this.markOk('queues', dataSnapshotTime);
    } catch (error) {
      this.markError('queues', error);
      logger.warn({ op: 'GetCurrentMetricData', err: describe(error) }, 'queue metrics failed');
      if (this.snapshot) this.publish({ ...this.snapshot, sections: { ...this.sections } });
      return;
    }
    const now = this.clock();
    this.generation += 1;
    this.publish({
      instanceId,
      serverBuild: SERVER_BUILD,
      timeZone: 'UTC',
      generation: this.generation,
      generatedAt: new Date(now).toISOString(),
      serverTime: new Date(now).toISOString(),
      dataSnapshotTime: dataSnapshotTime ? dataSnapshotTime.toISOString() : null,
      stale: false,
      cycleMs: now - started,
      sections: { ...this.sections },
      queues,
      summary: { realtime: {}, today: {}, states: {} },
      agents: [],
      intraday: { intervalMinutes: 30, instance: [], queues: {} },
      alerts: [],
    });
  }

  private publish(snapshot: Snapshot): void {
    this.snapshot = this.options.enrich ? this.options.enrich(snapshot) : snapshot;
    const current = this.withAge(this.snapshot);
    for (const listener of this.listeners) listener(current);
  }

  /** The snapshot as of now: its sections marked stale once their figures are older than the limit. */
  private withAge(snapshot: Snapshot): Snapshot {
    const now = this.clock();
    const sections = Object.fromEntries(
      Object.entries(snapshot.sections).map(([name, section]) => {
        const age = section.fetchedAt ? now - Date.parse(section.fetchedAt) : Infinity;
        return [name, { ...section, stale: age > this.options.staleAfterMs }];
      }),
    ) as Snapshot['sections'];
    return { ...snapshot, serverTime: new Date(now).toISOString(), sections, stale: sections.queues.stale };
  }

  private markOk(section: SectionName, dataSnapshotTime: Date | null): void {
    this.sections[section] = {
      fetchedAt: new Date(this.clock()).toISOString(),
      dataSnapshotTime: dataSnapshotTime ? dataSnapshotTime.toISOString() : null,
      error: null,
      stale: false,
    };
  }

  private markError(section: SectionName, error: unknown): void {
    const { code, message } = describe(error);
    this.sections[section] = {
      ...this.sections[section],
      error: { code, message, at: new Date(this.clock()).toISOString() },
    };
  }
}

/** An error reduced to what may be shown and logged: its name and message, never request details. */
export function describe(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: error.name, message: error.message };
  return { code: 'Unknown', message: String(error) };
}
