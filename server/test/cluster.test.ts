import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPatch, checkPatch, streamEventId, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../src/main.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/server.js';
import { zoneWhereItIs } from './support/timeZone.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from './support/wallboard.js';
import { startRedis, type TestRedis } from './support/redis.js';
import { callTagger, type CallTagger, type TaggedCall } from './support/callTagger.js';
import { quotaOf } from '../src/simulator/rateLimits.js';
import { TAKEOVER_GENERATIONS } from '../src/cluster/cluster.js';

const LEASE_MS = 1500;
let redis: TestRedis;
let simulator: RunningSimulator;
let tagger: CallTagger;
const replicas: RunningWallboard[] = [];
const seen = new Map<RunningWallboard, number[]>();

/**
 * Reads an SSE stream until it has held `count` views (the first whole, at connection; then one per patch
 * applied to it), by generation.
 */
async function readStream(url: string, count: number): Promise<Map<number, Snapshot>> {
  const abort = new AbortController();
  const response = await fetch(url, { signal: abort.signal });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}`);
  const frames = new Map<number, Snapshot>();
  let held: Snapshot | null = null;
  const decoder = new TextDecoder();
  let buffered = '';
  const deadline = setTimeout(() => abort.abort(), 15_000);
  try {
    for await (const chunk of response.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffered.indexOf('\n\n')) !== -1) {
        const frame = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        const fields = Object.fromEntries(
          frame
            .split('\n')
            .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
        );
        if (fields.event !== 'snapshot' && fields.event !== 'patch') continue;
        const data = JSON.parse(fields.data ?? '') as unknown;
        let snapshot: Snapshot;
        if (fields.event === 'snapshot') snapshot = data as Snapshot;
        else if (held) snapshot = applyPatch(held, checkPatch(data));
        else throw new Error('a patch before the first view');
        held = snapshot;
        expect(fields.id).toBe(streamEventId(snapshot));
        frames.set(snapshot.generation, snapshot);
        if (frames.size >= count) return frames;
      }
    }
  } finally {
    clearTimeout(deadline);
    abort.abort();
  }
  throw new Error(`the stream at ${url} ended after ${frames.size} snapshots`);
}

const leaders = () => replicas.filter((r) => r.cluster?.role === 'leader');

// A rule that fires at once on every queue, so acknowledgements have something to act on.
const configFile = join(mkdtempSync(join(tmpdir(), 'switchboard-cluster-')), 'wallboard.yaml');
writeFileSync(configFile, 'alerts:\n  - id: anything\n    metric: CONTACTS_IN_QUEUE\n    value: 0\n');

beforeAll(async () => {
  redis = await startRedis();
  // Mid-morning where the centre is, whatever the hour of the run: in a day's first five minutes there is no
  // interval yet, and no series to serve.
  const timeZone = zoneWhereItIs(10);
  simulator = await startSimulator({ queues: 12, agents: 40, seed: 5, timeZone });
  // Each replica reaches the simulator through its own port, so every call is known by the replica that made it.
  tagger = callTagger(simulator.endpoint);
  for (let i = 0; i < 3; i += 1) {
    const replica = await startWebServer(
      simulatorEnv(simulator, {
        CONNECT_ENDPOINT: await tagger.endpointFor(`replica-${i + 1}`),
        REDIS_URL: redis.url,
        LEASE_MS: String(LEASE_MS),
        POLL_INTERVAL_MS: '1000',
        STALE_AFTER_MS: '3000',
        WALLBOARD_CONFIG: configFile,
        TIME_ZONE: timeZone,
      }),
      { credentials: TEST_CREDENTIALS },
    );
    const generations: number[] = [];
    replica.cluster?.subscribe((snapshot: Snapshot) => generations.push(snapshot.generation));
    seen.set(replica, generations);
    replicas.push(replica);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
  await tagger?.close();
  await simulator?.close();
  await redis?.stop();
});

describe('several replicas on Redis', () => {
  it('elects exactly one poller, and every replica receives the same snapshot generations', async () => {
    await waitFor(() => (leaders().length === 1 ? true : undefined), 'one leader');
    await waitFor(
      () => (replicas.every((r) => (seen.get(r)?.length ?? 0) >= 3) ? true : undefined),
      'three snapshots on every replica',
    );
    expect(leaders()).toHaveLength(1);
    const [a, b, c] = replicas.map((r) => new Set(seen.get(r)));
    const common = [...(a ?? [])].filter((g) => b?.has(g) && c?.has(g));
    expect(common.length).toBeGreaterThanOrEqual(2);
    for (const replica of replicas) {
      const generations = seen.get(replica) ?? [];
      expect([...generations].sort((x, y) => x - y)).toEqual(generations);
    }
    const served = await Promise.all(
      replicas.map(async (r) => (await (await fetch(`${r.url}/readyz`)).json()) as object),
    );
    expect(served.filter((s) => (s as { role: string }).role === 'leader')).toHaveLength(1);
  });

  it('streams the same snapshot generations to viewers on every replica, followers included', async () => {
    const streams = await Promise.all(replicas.map((r) => readStream(`${r.url}/api/v1/stream`, 4)));
    const [first, ...others] = streams;
    const common = [...(first?.keys() ?? [])].filter((g) => others.every((frames) => frames.has(g)));
    expect(common.length).toBeGreaterThanOrEqual(2);
    for (const generation of common) {
      const figures = streams.map((frames) => {
        const snapshot = frames.get(generation);
        return JSON.stringify([snapshot?.generatedAt, snapshot?.queues, snapshot?.alerts]);
      });
      expect(new Set(figures).size, `generation ${generation}`).toBe(1);
    }
    for (const frames of streams) {
      const generations = [...frames.keys()];
      expect([...generations].sort((x, y) => x - y)).toEqual(generations);
    }
  });

  it('carries an acknowledgement made on a follower to the leader, and every replica then shows it', async () => {
    const follower = replicas.find((r) => r.cluster?.role === 'follower');
    if (!follower) throw new Error('no follower');
    const snapshot = await waitFor(async () => {
      const served = (await (await fetch(`${follower.url}/api/v1/snapshot`)).json()) as Snapshot;
      return served.alerts.length > 0 ? served : undefined;
    }, 'alerts on the follower');
    const alert = snapshot.alerts[0];
    if (!alert) throw new Error('no alert');
    const response = await fetch(
      `${follower.url}/api/v1/alerts/${encodeURIComponent(alert.id)}/acknowledge`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'Dana' }),
      },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: alert.id, acknowledgedBy: 'Dana' });
    for (const replica of replicas) {
      await waitFor(async () => {
        const served = (await (await fetch(`${replica.url}/api/v1/snapshot`)).json()) as Snapshot;
        return served.alerts.find((a) => a.id === alert.id)?.acknowledgedBy === 'Dana' ? true : undefined;
      }, 'the acknowledgement on every replica');
    }
    await waitFor(async () => {
      const again = (await (await fetch(`${follower.url}/api/v1/alerts/history`)).json()) as {
        events: { kind: string; alertId: string }[];
      };
      return again.events.some((e) => e.kind === 'acknowledged' && e.alertId === alert.id) ? true : undefined;
    }, 'the acknowledgement in the shared history');
  });

  it("serves a queue's intraday series on a follower, from the leader that polls", async () => {
    const follower = replicas.find((r) => r.cluster?.role === 'follower');
    const [leader] = leaders();
    if (!follower || !leader) throw new Error('no leader and follower');
    const queueId = simulator.model.queues[0]?.id ?? '';
    const seriesOn = async (replica: RunningWallboard, id: string) => {
      const response = await fetch(`${replica.url}/api/v1/intraday/${encodeURIComponent(id)}`);
      return {
        status: response.status,
        body: (await response.json()) as { points?: { start: string; metrics: Record<string, number> }[] },
      };
    };
    const fromLeader = await waitFor(async () => {
      const answer = await seriesOn(leader, queueId);
      return answer.status === 200 && (answer.body.points?.length ?? 0) > 0 ? answer : undefined;
    }, "the leader's series");
    // The follower polls nothing: its own idle poller knows no queue, so the series comes from the leader.
    expect(follower.poller.queueIntraday(queueId)).toBeNull();
    const fromFollower = await seriesOn(follower, queueId);
    expect(fromFollower.status).toBe(200);
    expect(fromFollower.body.points?.map((p) => p.start)).toEqual(
      fromLeader.body.points?.map((p) => p.start),
    );
    expect(fromFollower.body.points?.[0]?.metrics).toHaveProperty('CONTACTS_QUEUED');
    expect((await seriesOn(follower, 'no-such-queue')).status).toBe(404);
  });

  it('hands polling to another replica within the lease time when the leader dies', async () => {
    const [leader] = leaders();
    if (!leader) throw new Error('no leader');
    const lastGeneration = Math.max(...(seen.get(leader) ?? [0]));
    const killedAt = Date.now();
    await leader.stop();
    replicas.splice(replicas.indexOf(leader), 1);
    const successor = await waitFor(() => leaders()[0], 'a new leader', LEASE_MS * 4);
    expect(Date.now() - killedAt).toBeLessThan(LEASE_MS * 3);
    await waitFor(
      () => (replicas.every((r) => Math.max(...(seen.get(r) ?? [0])) > lastGeneration) ? true : undefined),
      'newer generations on the survivors',
    );
    expect(leaders()).toEqual([successor]);
    // The new leader numbers past anything the old one could have numbered on its own while cut off from Redis.
    for (const replica of replicas) {
      const after = (seen.get(replica) ?? []).filter((generation) => generation > lastGeneration);
      expect(Math.min(...after)).toBeGreaterThan(lastGeneration + TAKEOVER_GENERATIONS);
    }
  });

  it('keeps serving the last snapshot marked stale while Redis is down, and recovers by itself', async () => {
    await redis.stop();
    const follower = await waitFor(async () => {
      const states = await Promise.all(
        replicas.map(async (r) => ({
          r,
          ready: (await (await fetch(`${r.url}/readyz`)).json()) as { redis: string },
        })),
      );
      return states.every((s) => s.ready.redis === 'down') ? states[0]?.r : undefined;
    }, 'replicas to see Redis down');
    const stale = await waitFor(async () => {
      const response = await fetch(`${follower.url}/api/v1/snapshot`);
      const snapshot = (await response.json()) as Snapshot;
      return response.ok && snapshot.stale ? snapshot : undefined;
    }, 'the last snapshot to be served as stale');
    expect(stale.queues.length).toBe(12);
    expect(leaders()).toHaveLength(0);

    await redis.restart();
    await waitFor(() => (leaders().length === 1 ? true : undefined), 'a leader after Redis returns', 15_000);
    await waitFor(
      async () => {
        const snapshot = (await (await fetch(`${follower.url}/api/v1/snapshot`)).json()) as Snapshot;
        return snapshot.stale ? undefined : true;
      },
      'fresh snapshots again',
      15_000,
    );
  }, 40_000);

  it('never had two replicas calling Connect at once, and kept within the rate budget throughout', () => {
    // Across the election, the failover and the Redis outage above: the calls, in order of start, fall into runs
    // of one replica each, and a run starts only after the previous replica's last call ended.
    const calls = [...tagger.calls].sort((a, b) => a.start - b.start);
    expect(calls.length).toBeGreaterThan(20);
    const runs: TaggedCall[][] = [];
    for (const call of calls) {
      const run = runs.at(-1);
      if (run?.[0]?.replica === call.replica) run.push(call);
      else runs.push([call]);
    }
    for (let i = 1; i < runs.length; i += 1) {
      const previousEnd = Math.max(...(runs[i - 1] ?? []).map((c) => c.end));
      expect(runs[i]?.[0]?.start, `run ${i} of ${runs[i]?.[0]?.replica}`).toBeGreaterThanOrEqual(previousEnd);
    }
    console.log(
      runs.map(
        (run) => `${run[0]?.replica} ${run[0]?.start} ${Math.max(...run.map((c) => c.end))} ${run.length}`,
      ),
    );
    // The first leader, its successor, and at most one more after Redis came back: no back and forth.
    expect(runs.length).toBeLessThanOrEqual(3);
    expect(new Set(runs.map((run) => run[0]?.replica)).size).toBe(runs.length);

    // The simulator throttled nothing, and no second held more calls of an operation than its bucket allows.
    const log = simulator.calls.filter((call) => call.operation !== 'Unknown');
    expect(log.length).toBeGreaterThan(20);
    expect(log.filter((call) => call.errorType === 'ThrottlingException')).toEqual([]);
    for (const operation of new Set(log.map((call) => call.operation))) {
      const bucket = quotaOf(operation);
      const times = log
        .filter((call) => call.operation === operation)
        .map((call) => Date.parse(call.time))
        .sort((a, b) => a - b);
      let from = 0;
      for (let to = 0; to < times.length; to += 1) {
        while ((times[to] ?? 0) - (times[from] ?? 0) >= 1000) from += 1;
        expect(to - from + 1, `${operation} calls in one second`).toBeLessThanOrEqual(
          bucket.rate + bucket.burst,
        );
      }
    }
  });
});
