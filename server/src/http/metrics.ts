import { Router, type Request } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Snapshot } from '@switchboard/shared';
import { UnauthorizedError } from '../errors.js';

/** Distinct unknown values a field keeps as labels, and the longest label kept. */
const MAX_UNKNOWN_VALUE_LABELS = 20;
const MAX_UNKNOWN_VALUE_LENGTH = 64;
const OVERFLOW_VALUE = '_other';

export interface MetricsInstance {
  id: string;
  latest: () => Snapshot | null;
  viewers: () => number;
  /** The stream's totals since start: views sent whole, patches, and their bytes on the wire. */
  streamTotals?: () => { snapshot: number; patch: number; bytes: number };
}

export interface MetricsSources {
  /** The Connect instances watched, each with its snapshot and viewers. */
  instances: () => readonly MetricsInstance[];
  /** How many screens are in each state (displays/registry.ts). */
  screens?: () => Readonly<Record<string, number>>;
  clock?: () => number;
}

/**
 * Prometheus metrics at GET /metrics: Connect calls by operation and outcome, throttles, cycle times, snapshot
 * age and connected viewers. A registry per server, so several in one process (tests) never collide.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly calls: Counter<'instance' | 'operation' | 'outcome'>;
  private readonly throttles: Counter<'instance'>;
  private readonly callSeconds: Histogram<'instance' | 'operation'>;
  private readonly cycleSeconds: Histogram<'instance' | 'section' | 'outcome'>;
  private readonly unknownValues: Counter<'instance' | 'field' | 'value'>;
  private readonly historyDropped: Counter<'reason'>;
  private readonly historyWritten: Counter;
  private readonly connectionsRefused: Counter;
  /** Values given a label of their own, per field: Connect's data must not grow the series without bound. */
  private readonly unknownValueLabels = new Map<string, Set<string>>();

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    const clock = sources.clock ?? Date.now;
    collectDefaultMetrics({ register: this.registry });
    this.calls = new Counter({
      name: 'switchboard_connect_calls_total',
      help: 'Amazon Connect API calls by operation and outcome (ok, throttled, error).',
      labelNames: ['instance', 'operation', 'outcome'],
      registers,
    });
    this.connectionsRefused = new Counter({
      name: 'switchboard_connections_refused_total',
      help: 'Connections closed on arrival: their client address already held CONNECTIONS_PER_ADDRESS open.',
      registers,
    });
    this.throttles = new Counter({
      name: 'switchboard_connect_throttles_total',
      help: 'ThrottlingException answers from Amazon Connect (each slows the rate budget down).',
      labelNames: ['instance'],
      registers,
    });
    this.callSeconds = new Histogram({
      name: 'switchboard_connect_call_seconds',
      help: 'Duration of Amazon Connect API calls.',
      labelNames: ['instance', 'operation'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5],
      registers,
    });
    this.cycleSeconds = new Histogram({
      name: 'switchboard_cycle_seconds',
      help: 'Duration of a polling cycle by section (queues, agents, today, intraday, discovery) and outcome.',
      labelNames: ['instance', 'section', 'outcome'],
      buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20, 60],
      registers,
    });
    this.unknownValues = new Counter({
      name: 'switchboard_connect_unknown_values_total',
      help:
        'Enum values from Amazon Connect this build does not know (a new channel or contact state), by field and ' +
        `value; past ${MAX_UNKNOWN_VALUE_LABELS} values a field counts the rest under value="${OVERFLOW_VALUE}".`,
      labelNames: ['instance', 'field', 'value'],
      registers,
    });
    new Gauge({
      name: 'switchboard_snapshot_age_seconds',
      help: 'Age of the snapshot being served, from when it was generated.',
      labelNames: ['instance'],
      registers,
      collect() {
        for (const instance of sources.instances()) {
          const latest = instance.latest();
          this.set(
            { instance: instance.id },
            latest ? (clock() - Date.parse(latest.generatedAt)) / 1000 : -1,
          );
        }
      },
    });
    new Gauge({
      name: 'switchboard_snapshot_generation',
      help: 'Generation of the snapshot being served.',
      labelNames: ['instance'],
      registers,
      collect() {
        for (const instance of sources.instances()) {
          this.set({ instance: instance.id }, instance.latest()?.generation ?? 0);
        }
      },
    });
    new Gauge({
      name: 'switchboard_cycle_target_seconds',
      help: 'The real-time cycle the rate budget allows, as reported in the snapshot (cycleMs).',
      labelNames: ['instance'],
      registers,
      collect() {
        for (const instance of sources.instances()) {
          this.set({ instance: instance.id }, (instance.latest()?.cycleMs ?? 0) / 1000);
        }
      },
    });
    new Gauge({
      name: 'switchboard_stream_viewers',
      help: 'Browsers connected to the snapshot stream.',
      labelNames: ['instance'],
      registers,
      collect() {
        for (const instance of sources.instances()) this.set({ instance: instance.id }, instance.viewers());
      },
    });
    this.historyDropped = new Counter({
      name: 'switchboard_history_dropped_total',
      help:
        'Generations the history store did not record (queue_full, disk_slow, write_failed, in_use: another ' +
        'wallboard records into its file, disk_low: under HISTORY_MIN_FREE_MB free): the screens were ' +
        'unaffected, the replay of those moments is.',
      labelNames: ['reason'],
      registers,
    });
    this.historyWritten = new Counter({
      name: 'switchboard_history_written_total',
      help: 'Generations written to the history store.',
      registers,
    });
    new Gauge({
      name: 'switchboard_screens',
      help: 'Screens the wallboard feeds, by state (healthy, stale, old-build, memory, errors, frozen, disconnected).',
      labelNames: ['state'],
      registers,
      collect() {
        for (const [state, count] of Object.entries(sources.screens?.() ?? {})) this.set({ state }, count);
      },
    });
    this.streamCounters(registers, sources);
  }

  recordConnectionRefused(): void {
    this.connectionsRefused.inc();
  }

  recordHistoryDropped(reason: string, generations: number): void {
    this.historyDropped.inc({ reason }, generations);
  }

  recordHistoryWritten(generations: number): void {
    this.historyWritten.inc(generations);
  }

  private streamCounters(registers: Registry[], sources: MetricsSources): void {
    new Counter({
      name: 'switchboard_stream_events_total',
      help: 'Events written to stream viewers: views whole (snapshot) and patches.',
      labelNames: ['instance', 'event'],
      registers,
      collect() {
        this.reset();
        for (const instance of sources.instances()) {
          const totals = instance.streamTotals?.();
          if (!totals) continue;
          this.inc({ instance: instance.id, event: 'snapshot' }, totals.snapshot);
          this.inc({ instance: instance.id, event: 'patch' }, totals.patch);
        }
      },
    });
    new Counter({
      name: 'switchboard_stream_bytes_total',
      help: 'Bytes written to stream viewers, as they went on the wire (gzip where the viewer asked for it).',
      labelNames: ['instance'],
      registers,
      collect() {
        this.reset();
        for (const instance of sources.instances()) {
          const totals = instance.streamTotals?.();
          if (totals) this.inc({ instance: instance.id }, totals.bytes);
        }
      },
    });
  }

  recordCall(instance: string, operation: string, outcome: string, durationMs: number): void {
    this.calls.inc({ instance, operation, outcome });
    if (outcome === 'throttled') this.throttles.inc({ instance });
    this.callSeconds.observe({ instance, operation }, durationMs / 1000);
  }

  recordCycle(instance: string, section: string, durationMs: number, ok: boolean): void {
    this.cycleSeconds.observe({ instance, section, outcome: ok ? 'ok' : 'error' }, durationMs / 1000);
  }

  recordUnknownValue(instance: string, field: string, value: string): void {
    const labels = this.unknownValueLabels.get(field) ?? new Set<string>();
    this.unknownValueLabels.set(field, labels);
    if (!labels.has(value) && labels.size < MAX_UNKNOWN_VALUE_LABELS) labels.add(value);
    const label = labels.has(value) ? value.slice(0, MAX_UNKNOWN_VALUE_LENGTH) : OVERFLOW_VALUE;
    this.unknownValues.inc({ instance, field, value: label });
  }

  /** GET /metrics, to the requests `mayScrape` allows (METRICS_ACCESS); others get 401. */
  router(mayScrape: (req: Request) => boolean = () => true): Router {
    const router = Router();
    router.get('/metrics', async (req, res) => {
      if (!mayScrape(req)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        throw new UnauthorizedError(
          'Metrics need the scrape token (METRICS_TOKEN) or a loopback client.',
          'metrics_token_required',
        );
      }
      res.set('Content-Type', this.registry.contentType).send(await this.registry.metrics());
    });
    return router;
  }
}
