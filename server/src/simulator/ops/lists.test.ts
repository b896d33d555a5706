import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors.js';
import { ContactCentreModel } from '../model.js';
import { SnapshotCache, type OpContext } from './context.js';
import { listRoutingProfileQueues } from './lists.js';

const START = Date.UTC(2026, 2, 3, 0, 0);
const HOUR = 3_600_000;

function model(): ContactCentreModel {
  return new ContactCentreModel({
    instanceId: 'inst',
    region: 'eu-west-2',
    accountId: '123456789012',
    queues: 40,
    agents: 300,
    seed: 7,
    startMs: START,
  });
}

type Row = { QueueId: string; Channel: string; Priority: number; Delay: number };
type Answer = { RoutingProfileQueueConfigSummaryList: Row[]; NextToken?: string };

function call(m: ContactCentreModel, profileId: string, query: Record<string, string> = {}): Answer {
  const ctx: OpContext = {
    model: m,
    nowMs: m.now,
    region: 'eu-west-2',
    body: {},
    query: new URLSearchParams(query),
    path: [profileId],
    expireTokens: false,
    snapshots: new SnapshotCache(),
  };
  return listRoutingProfileQueues(ctx) as Answer;
}

function refusal(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a service error');
}

describe('ListRoutingProfileQueues', () => {
  const m = model();
  const profile = m.catalog.profiles[0];
  if (!profile) throw new Error('no profile');

  it('lists one line per queue and channel, a voice queue on voice and on tasks', () => {
    const rows = call(m, profile.id).RoutingProfileQueueConfigSummaryList;
    expect(rows).toHaveLength(profile.queues.length);
    const voice = m.catalog.queues.find(
      (q) => q.channel === 'VOICE' && q.profileIndices[0] === profile.index,
    );
    const lines = rows.filter((r) => r.QueueId === voice?.id).map((r) => r.Channel);
    expect(lines.sort()).toEqual(['TASK', 'VOICE']);
    // The overflow lines: a lower priority, offered after a delay.
    expect(rows.some((r) => r.Priority === 2 && r.Delay === 30)).toBe(true);
  });

  it('pages through every line with NextToken, which is only good for the same profile and MaxResults', () => {
    const all = call(m, profile.id).RoutingProfileQueueConfigSummaryList;
    const paged: Row[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const answer = call(m, profile.id, { maxResults: '3', ...(token ? { nextToken: token } : {}) });
      expect(answer.RoutingProfileQueueConfigSummaryList.length).toBeLessThanOrEqual(3);
      paged.push(...answer.RoutingProfileQueueConfigSummaryList);
      token = answer.NextToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(Math.ceil(all.length / 3));
    expect(paged).toEqual(all);

    const first = call(m, profile.id, { maxResults: '3' });
    expect(first.NextToken).toBeDefined();
    const otherMax = refusal(() =>
      call(m, profile.id, { maxResults: '4', nextToken: first.NextToken ?? '' }),
    );
    expect(otherMax.type).toBe('InvalidParameterException');
    const other = m.catalog.profiles[1]?.id ?? '';
    const otherProfile = refusal(() => call(m, other, { maxResults: '3', nextToken: first.NextToken ?? '' }));
    expect(otherProfile.type).toBe('InvalidParameterException');
  });

  it('takes MaxResults from 1 to 100 and refuses anything else, naming the field', () => {
    expect(call(m, profile.id, { maxResults: '100' }).NextToken).toBeUndefined();
    expect(call(m, profile.id, { maxResults: '1' }).RoutingProfileQueueConfigSummaryList).toHaveLength(1);
    for (const bad of ['0', '101', '2.5', 'ten']) {
      const error = refusal(() => call(m, profile.id, { maxResults: bad }));
      expect(error.type).toBe('InvalidParameterException');
      expect(error.message).toMatch(/MaxResults/);
    }
  });

  it('answers ResourceNotFoundException for a profile the instance does not have', () => {
    const error = refusal(() => call(m, 'no-such-profile'));
    expect(error.type).toBe('ResourceNotFoundException');
    expect(error.status).toBe(404);
  });

  it('gives agents contacts only from queues their routing profile serves on the contact channel', () => {
    const busy = model();
    const served = busy.catalog.profiles.map(
      (p) => new Set(p.queues.map((line) => `${busy.catalog.queues[line.queueIndex]?.id}/${line.channel}`)),
    );
    let seen = 0;
    for (let t = START + 8 * HOUR; t <= START + 14 * HOUR; t += 10 * 60_000) {
      busy.advanceTo(t);
      for (const agent of busy.agents) {
        for (const { contact } of agent.contacts) {
          const queue = busy.queues[contact.queueIndex];
          seen += 1;
          expect(served[agent.profileIndex]?.has(`${queue?.id}/${contact.channel}`)).toBe(true);
        }
      }
    }
    expect(seen).toBeGreaterThan(500);
  });
});
