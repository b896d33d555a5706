import type { Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { wallboardThroughProxy, type ProxiedWallboard } from '../support/connectProxy.js';
import { zoneWhereItIs } from '../support/timeZone.js';
import { waitFor } from '../support/wallboard.js';
import { QueueHidingProxy } from './proxy.js';
import { fetchSnapshot, snapshotAfter } from './support.js';

// A queue deleted in Connect between two discoveries, when Connect refuses the requests that still name it. The
// discovery interval is ten minutes, so only the poller's own response to the refusal can bring the figures back
// within the test's time.
let simulator: RunningSimulator;
let proxied: ProxiedWallboard<QueueHidingProxy>;
let proxy: QueueHidingProxy;
let wallboard: RunningWallboard;

beforeAll(async () => {
  // A whole morning behind it whatever the hour of the run: just after midnight a quiet queue has had no contact
  // yet, and no channel of it has been seen.
  const timeZone = zoneWhereItIs(10);
  simulator = await startSimulator({
    queues: 12,
    agents: 60,
    seed: 4,
    timeOfDay: '10:30',
    timeZone,
  });
  proxied = await wallboardThroughProxy(simulator, new QueueHidingProxy(new URL(simulator.endpoint)), {
    POLL_INTERVAL_MS: '1000',
    STALE_AFTER_MS: '5000',
    DISCOVERY_INTERVAL_MS: '600000',
    // Today's figures every 5 s: refused too while a slow discovery is under way (below).
    HISTORY_INTERVAL_MS: '5000',
    // The wallboard's day where the simulator's is (its own, in UTC, is a few minutes old just after midnight UTC).
    TIME_ZONE: timeZone,
  });
  ({ proxy, wallboard } = proxied);
  await snapshotAfter(wallboard, 0, (s) => s.queues.length === 12 && s.sections.today.error === null, 30_000);
}, 60_000);

afterAll(async () => {
  await proxied?.stop();
  await simulator?.close();
});

const listQueues = () => simulator.calls.filter((call) => call.operation === 'ListQueues').length;

/** The ListQueues calls so far, once none has come for 1.5 s: no discovery under way. */
async function settledListQueues(): Promise<number> {
  let last = listQueues();
  let since = Date.now();
  return waitFor(
    () => {
      const now = listQueues();
      if (now !== last) [last, since] = [now, Date.now()];
      return Date.now() - since >= 1500 ? now : undefined;
    },
    'discovery to be idle',
    15_000,
  );
}

/**
 * The queue figures' requests refused, as `refusal`, for naming a queue Connect still lists (a fresh discovery
 * changes nothing): `during` runs from the first snapshot that failed, with the ListQueues calls made before; then
 * Connect answers again, and the figures are fresh again.
 */
async function whileListedQueueRefused(
  refusal: QueueHidingProxy['refusal'],
  during: (failing: Snapshot, listed: number) => Promise<void>,
): Promise<void> {
  const listed = await settledListQueues();
  const before = await snapshotAfter(wallboard, 0);
  const [listedButRefused] = simulator.model.catalog.queues.filter((q) => !proxy.hidden.has(q.id));
  if (!listedButRefused) throw new Error('no queues');
  proxy.refusal = refusal;
  proxy.refused.add(listedButRefused.id);
  // Only the queue figures' requests: the one section that asks for a discovery (today's would ask once too).
  proxy.refusing.delete('historical');
  let failing: Snapshot;
  try {
    failing = await snapshotAfter(wallboard, before.generation, (s) => s.sections.queues.error !== null);
    expect(failing.sections.queues.error?.code).toBe(refusal);
    await during(failing, listed);
  } finally {
    proxy.refused.delete(listedButRefused.id);
    proxy.refusing.add('historical');
  }
  await snapshotAfter(wallboard, failing.generation, (s) => s.sections.queues.error === null, 15_000);
}

beforeEach(async () => {
  // Each test from Connect as it was: nothing refused, and fresh figures.
  proxy.refused.clear();
  proxy.refusal = 'ResourceNotFoundException';
  proxy.refusing.add('current').add('historical');
  proxy.listHoldMs = 0;
  await snapshotAfter(
    wallboard,
    0,
    (s) => s.sections.queues.error === null && s.sections.today.error === null,
  );
});

describe('a queue deleted in Connect whose requests Connect refuses', () => {
  it('is dropped by a discovery run at once, and every figure is fresh again within a few cycles', async () => {
    const before = await snapshotAfter(wallboard, 0);
    const [deleted] = simulator.model.catalog.queues;
    if (!deleted) throw new Error('no queues');
    // The channels seen on each queue: the deleted one's among them (a queue's come with its first contacts).
    const seen = (): Map<string, unknown> => wallboard.poller['channelsSeen'];
    await waitFor(() => (seen().has(deleted.id) ? true : undefined), 'a channel seen on the queue', 15_000);
    const seenBefore = [...seen().keys()];
    const listed = await settledListQueues();
    const refusedBefore = proxy.refusals.length;
    // A slow discovery: both the queue figures (every second) and today's figures (every 5 s) are refused while
    // it lists the queues, and it serves both.
    proxy.listHoldMs = 6000;
    proxy.hidden.add(deleted.id);
    proxy.refused.add(deleted.id);
    // Cured long before the next scheduled discovery, ten minutes away.
    const after = await snapshotAfter(
      wallboard,
      before.generation,
      (s) =>
        s.queues.length === 11 &&
        s.sections.queues.error === null &&
        s.sections.today.error === null &&
        !s.stale,
      15_000,
    ).catch(async (error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify((await fetchSnapshot(wallboard))?.sections)}`);
    });
    expect(after.queues.some((q) => q.id === deleted.id)).toBe(false);
    // Nothing of it is kept: the channels seen on it go with it, and the other queues' stay.
    expect(seen().has(deleted.id)).toBe(false);
    expect(seenBefore.filter((id) => id !== deleted.id && !seen().has(id))).toEqual([]);
    // Refused to both sections, at least once each...
    expect(proxy.refusals.slice(refusedBefore)).toEqual(expect.arrayContaining(['current', 'historical']));
    // ...and one discovery (a page of ListQueues) for both.
    expect(await settledListQueues()).toBe(listed + 1);
  });

  it('runs one discovery for a refusal that discovery does not cure, not one a cycle', async () => {
    await whileListedQueueRefused('ResourceNotFoundException', async (failing, listed) => {
      // Several more failed cycles.
      await snapshotAfter(wallboard, failing.generation + 5, () => true, 20_000);
      await waitFor(() => (listQueues() > listed ? true : undefined), 'the discovery the refusal asked for');
      const afterOne = listQueues();
      await snapshotAfter(wallboard, failing.generation + 8, () => true, 20_000);
      expect(listQueues()).toBe(afterOne);
    });
  });

  it('asks for a discovery at once on an InvalidRequestException too, another error Connect documents for it', async () => {
    await whileListedQueueRefused('InvalidRequestException', async (_failing, listed) => {
      // Ten minutes before the next scheduled one.
      await waitFor(() => (listQueues() > listed ? true : undefined), 'the discovery the refusal asked for');
    });
  });
});
