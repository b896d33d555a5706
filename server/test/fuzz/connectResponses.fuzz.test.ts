import { snapshotSchema, type Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebServer, type RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { ConnectProxy } from '../support/connectProxy.js';
import { simulatorEnv, TEST_CREDENTIALS, waitFor } from '../support/wallboard.js';

/**
 * Fuzzes the server's handling of Connect's responses. A proxy sits between the real SDK and the simulator and
 * mutates a share of the real answers: fields dropped, nulled or given the wrong type, numbers made huge or
 * negative, arrays turned into objects, bodies truncated or replaced with garbage, odd status codes. Whatever
 * arrives, the server must stay up, keep answering with a valid snapshot (or "not yet"), keep every figure a
 * finite number or null, and recover fully once Connect answers properly again.
 */

const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
const MUTATE_SHARE = 0.5;
/** The fuzzing runs until this many responses went through, or for FUZZ_SECONDS, whichever comes first. */
const FUZZ_RESPONSES = 300;
const FUZZ_SECONDS = 20;
const MIN_RESPONSES = 30;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = mulberry32(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const ODD_VALUES: unknown[] = [
  null,
  -1,
  -1e308,
  1e308,
  0,
  1.5,
  '',
  'NaN',
  '12',
  true,
  [],
  {},
  'x'.repeat(5000),
  { Value: 'nope' },
];

/**
 * One of ODD_VALUES, a copy of its own: the same object put in two places (or into itself, by a later mutation of
 * the same document) would make the document circular, and later documents would carry this one's mutations.
 */
const oddValue = (): unknown => structuredClone(pick(ODD_VALUES));

/** Mutates one randomly chosen node of a JSON document in place; returns the (possibly replaced) root. */
function mutateJson(root: unknown): unknown {
  const nodes: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((child, index) => {
        nodes.push({ parent: value, key: index });
        walk(child);
      });
    } else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        nodes.push({ parent: value as Record<string, unknown>, key });
        walk(child);
      }
    }
  };
  walk(root);
  if (nodes.length === 0) return oddValue();
  const { parent, key } = pick(nodes);
  const action = pick(['delete', 'odd', 'odd', 'swap-type', 'duplicate', 'extra'] as const);
  const target = parent as Record<string | number, unknown>;
  switch (action) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else Reflect.deleteProperty(target, key);
      break;
    case 'odd':
      target[key] = oddValue();
      break;
    case 'swap-type':
      target[key] = Array.isArray(target[key]) ? { ...(target[key] as unknown[]) } : [target[key]];
      break;
    case 'duplicate':
      if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
      else target[key] = structuredClone(target[key]);
      break;
    case 'extra':
      if (!Array.isArray(parent)) target[`Unexpected${Math.floor(random() * 100)}`] = oddValue();
      break;
  }
  return root;
}

/** Enum fields of Connect's answers, and values Connect might add to them one day. */
const ENUM_KEYS = new Set(['Channel', 'AgentContactState', 'InitiationMethod', 'Type']);
const NEW_ENUM_VALUES = ['VIDEO', 'SMS', 'WHATSAPP', 'TRANSFERRING', 'PAUSED_BY_SUPERVISOR', 'x'.repeat(300)];

/** Gives a share of the enum fields in a JSON body a value no build knows yet; everything else stays valid. */
function renameEnums(body: string): string {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch {
    return body;
  }
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      for (const [key, child] of Object.entries(record)) {
        if (ENUM_KEYS.has(key) && typeof child === 'string' && random() < 0.3)
          record[key] = pick(NEW_ENUM_VALUES);
        else walk(child);
      }
    }
  };
  walk(document);
  return JSON.stringify(document);
}

interface Mutation {
  status: number;
  body: string;
  contentType: string;
}

function mutate(status: number, body: string): Mutation {
  const kind = pick(['json', 'json', 'json', 'json', 'truncate', 'garbage', 'empty', 'status'] as const);
  const json = 'application/json';
  switch (kind) {
    case 'truncate':
      return { status, body: body.slice(0, Math.floor(random() * body.length)), contentType: json };
    case 'garbage':
      return { status, body: '<html><body>502 Bad Gateway</body></html>', contentType: 'text/html' };
    case 'empty':
      return { status, body: '', contentType: json };
    case 'status':
      return {
        status: pick([500, 502, 503, 400, 404]),
        body: JSON.stringify({ message: 'fuzzed failure', __type: pick(['', 'WhoKnowsException']) }),
        contentType: json,
      };
    case 'json': {
      let document: unknown;
      try {
        document = JSON.parse(body);
      } catch {
        return { status, body, contentType: json };
      }
      const times = 1 + Math.floor(random() * 3);
      for (let i = 0; i < times; i += 1) document = mutateJson(document);
      return { status, body: JSON.stringify(document), contentType: json };
    }
  }
}

/** Passes Connect's answers through, mutating a share of them while `enabled`. */
class MutatingProxy extends ConnectProxy {
  mutated = 0;
  enabled = true;
  /** Instead of breaking answers, gives their enum fields values Connect has not documented yet. */
  newEnumValues = false;

  constructor(upstream: URL) {
    super(upstream, (_request, answer) => {
      if (this.newEnumValues && answer.status === 200) return { ...answer, body: renameEnums(answer.body) };
      if (!this.enabled || random() >= MUTATE_SHARE) return answer;
      this.mutated += 1;
      const mutation = mutate(answer.status, answer.body);
      return {
        status: mutation.status,
        headers: { ...answer.headers, 'content-type': mutation.contentType },
        body: mutation.body,
      };
    });
  }
}

let simulator: RunningSimulator;
let proxy: MutatingProxy;
let wallboard: RunningWallboard;

beforeAll(async () => {
  // A busy hour whatever the clock says, so agents hold contacts whose channel the proxy can rename.
  simulator = await startSimulator({ queues: 12, agents: 40, seed: 11, timeOfDay: '10:30' });
  proxy = new MutatingProxy(new URL(simulator.endpoint));
  const endpoint = await proxy.start();
  wallboard = await startWebServer(
    simulatorEnv(simulator, {
      CONNECT_ENDPOINT: endpoint,
      POLL_INTERVAL_MS: '1000',
      STALE_AFTER_MS: '4000',
      HISTORY_INTERVAL_MS: '5000',
      DISCOVERY_INTERVAL_MS: '5000',
      // The test reads far faster than any screen; the server's own rate limit is not under test here.
      API_READS_PER_MINUTE: '100000',
    }),
    { credentials: TEST_CREDENTIALS },
  );
});

afterAll(async () => {
  await wallboard?.stop();
  await proxy?.stop();
  await simulator?.close();
});

function figuresOf(snapshot: Snapshot): unknown[] {
  return [
    ...snapshot.queues.flatMap((queue) => [
      ...Object.values(queue.realtime),
      ...Object.values(queue.today),
      ...Object.values(queue.realtimeByChannel).flatMap((byChannel) => Object.values(byChannel ?? {})),
    ]),
    ...Object.values(snapshot.summary.realtime),
    ...Object.values(snapshot.summary.today),
  ];
}

async function readSnapshot(url: string): Promise<Snapshot | null> {
  const response = await fetch(`${url}/api/v1/snapshot`);
  expect([200, 503], `snapshot status (seed ${SEED})`).toContain(response.status);
  if (response.status === 503) return null;
  const parsed = snapshotSchema.safeParse(await response.json());
  expect(parsed.success, `snapshot schema (seed ${SEED}): ${parsed.error?.message}`).toBe(true);
  const snapshot = parsed.data as Snapshot;
  for (const value of figuresOf(snapshot)) {
    expect(
      value === null || (typeof value === 'number' && Number.isFinite(value)),
      `figure ${String(value)}`,
    ).toBe(true);
  }
  return snapshot;
}

describe(`Connect responses fuzzed (FUZZ_SEED=${SEED})`, () => {
  it('never takes the server down or serves a malformed snapshot, and recovers when Connect is sane again', async () => {
    const until = Date.now() + FUZZ_SECONDS * 1000;
    while (proxy.served < FUZZ_RESPONSES && Date.now() < until) {
      const health = await fetch(`${wallboard.url}/healthz`);
      expect(health.status).toBe(200);
      await readSnapshot(wallboard.url);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(proxy.served).toBeGreaterThanOrEqual(MIN_RESPONSES);
    expect(proxy.mutated).toBeGreaterThan(proxy.served * MUTATE_SHARE * 0.5);

    proxy.enabled = false;
    const recoveredAfter = proxy.served;
    let last: Snapshot | null = null;
    const recovered = await waitFor(
      async () => {
        const snapshot = await readSnapshot(wallboard.url);
        last = snapshot;
        if (!snapshot || snapshot.stale || proxy.served <= recoveredAfter) return undefined;
        const sectionErrors = Object.values(snapshot.sections).filter((section) => section.error !== null);
        return sectionErrors.length === 0 && snapshot.queues.length === 12 ? snapshot : undefined;
      },
      'a clean snapshot once Connect answers properly',
      30_000,
    ).catch((error: unknown) => {
      const state = last && { stale: last.stale, queues: last.queues.length, sections: last.sections };
      throw new Error(`${String(error)}; last snapshot: ${JSON.stringify(state)}`);
    });
    expect(recovered.queues.map((queue) => queue.name)).toHaveLength(12);
  }, 120_000);
});

describe(`enum values Connect adds without notice (FUZZ_SEED=${SEED})`, () => {
  it('never makes a page invalid: discovery, the agents and queues stay fresh and a new channel shows as other', async () => {
    proxy.enabled = false;
    proxy.newEnumValues = true;
    const from = proxy.served;
    let others = 0;
    const until = Date.now() + FUZZ_SECONDS * 1000;
    // A clean cycle first, so every section has figures before the values start changing.
    await waitFor(async () => {
      const snapshot = await readSnapshot(wallboard.url);
      return snapshot && !snapshot.sections.agents.stale && snapshot.sections.agents.error === null
        ? snapshot
        : undefined;
    }, 'fresh agents');
    while (proxy.served < from + FUZZ_RESPONSES / 2 && Date.now() < until) {
      const snapshot = await readSnapshot(wallboard.url);
      for (const section of ['discovery', 'agents', 'queues'] as const) {
        expect(snapshot?.sections[section].error ?? null, `${section} (seed ${SEED})`).toBeNull();
      }
      others += snapshot?.agents.flatMap((a) => a.contacts).filter((c) => c.channel === 'OTHER').length ?? 0;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    proxy.newEnumValues = false;
    expect(proxy.served - from).toBeGreaterThanOrEqual(MIN_RESPONSES);
    expect(others).toBeGreaterThan(0);
  }, 120_000);
});
