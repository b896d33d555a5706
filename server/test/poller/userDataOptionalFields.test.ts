import type { Snapshot } from '@switchboard/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningWallboard } from '../../src/main.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/server.js';
import { editPages, wallboardThroughProxy } from '../support/connectProxy.js';
import { waitFor } from '../support/wallboard.js';
import { fetchSnapshot } from './support.js';

/**
 * GetCurrentUserData's reference marks every field of UserData and of its references "Required: No":
 * AgentContactReference's ContactId and Channel, UserReference's Id, QueueReference's and RoutingProfileReference's
 * Id, the hierarchy levels' Id. An answer that leaves one out is still Connect's answer: the agents whose data is
 * whole are listed as ever, and the one it concerns as far as it can be, never the whole page refused.
 */

interface Ref {
  Id?: string;
  Arn?: string;
}
interface Page {
  UserDataList?: {
    User?: Ref;
    RoutingProfile?: Ref;
    HierarchyPath?: Record<string, Ref | undefined>;
    Contacts?: { ContactId?: string; Channel?: string; Queue?: Ref }[];
  }[];
}

let simulator: RunningSimulator;
let wallboard: RunningWallboard;
let stop: (() => Promise<void>) | undefined;
/** What the proxy took out, by user id (as the simulator has it). */
const trimmed = { contactless: new Set<string>(), noUserId: new Set<string>(), noRefIds: new Set<string>() };

beforeAll(async () => {
  simulator = await startSimulator({
    queues: 20,
    agents: 120,
    seed: 11,
    // Mid-morning whatever the hour of the run: late in the evening few agents or none are logged in.
    timeOfDay: '10:30',
    rateLimits: { enabled: false },
  });
  ({ wallboard, stop } = await wallboardThroughProxy(
    simulator,
    editPages<Page>('/metrics/userdata/', (page) => {
      const users = page.UserDataList ?? [];
      // The first agent on a contact: its contact without id and channel, its queue by ARN alone.
      const withContact = users.find((u) => (u.Contacts?.length ?? 0) > 0);
      const contact = withContact?.Contacts?.[0];
      if (withContact?.User?.Id && contact) {
        trimmed.contactless.add(withContact.User.Id);
        delete contact.ContactId;
        delete contact.Channel;
        if (contact.Queue) delete contact.Queue.Id;
      }
      // Another: its user by ARN alone.
      const byArn = users.find((u) => u !== withContact);
      if (byArn?.User?.Id) {
        trimmed.noUserId.add(byArn.User.Id);
        delete byArn.User.Id;
      }
      // A third: its routing profile and hierarchy levels by ARN alone.
      const third = users.find((u) => u !== withContact && u !== byArn);
      if (third?.User?.Id) {
        trimmed.noRefIds.add(third.User.Id);
        if (third.RoutingProfile) delete third.RoutingProfile.Id;
        for (const level of Object.values(third.HierarchyPath ?? {})) if (level) delete level.Id;
      }
    }),
    { POLL_INTERVAL_MS: '1000' },
  ));
}, 60_000);

afterAll(async () => {
  await stop?.();
  await simulator?.close();
});

/** A snapshot whose agents were fetched, with or without an error. */
const withAgents = () =>
  waitFor(
    async () => {
      const snapshot = await fetchSnapshot(wallboard);
      const agents = snapshot?.sections.agents;
      return agents && (agents.fetchedAt !== null || agents.error !== null) && trimmed.contactless.size > 0
        ? snapshot
        : undefined;
    },
    'the agents section answered',
    30_000,
  );

describe('UserData fields the reference leaves optional', () => {
  let snapshot: Snapshot;
  beforeAll(async () => {
    snapshot = await withAgents();
  }, 40_000);

  it('keeps the agents page when a contact comes without its id, channel or queue id', () => {
    expect(snapshot.sections.agents.error).toBeNull();
    expect(snapshot.agents.length).toBeGreaterThan(3);
    const agent = snapshot.agents.find((a) => trimmed.contactless.has(a.id));
    expect(agent).toBeDefined();
    const contact = agent?.contacts[0];
    // A channel Connect did not name is shown as other, like one this build does not know.
    expect(contact?.channel).toBe('OTHER');
    expect(contact?.rawChannel).toBeUndefined();
    expect(contact?.contactId).not.toBe('');
    // The queue is still known by its ARN.
    const model = simulator.model.agents.find((a) => a.id === agent?.id);
    const queue = model
      ? simulator.model.catalog.queues[model.contacts[0]?.contact.queueIndex ?? -1]
      : undefined;
    expect(contact?.queueId).toBe(queue?.id);
  });

  it('knows a user, a routing profile and a hierarchy group by their ARN when the id is left out', () => {
    const byArn = snapshot.agents.find((a) => trimmed.noUserId.has(a.id));
    expect(byArn).toBeDefined();
    // Named from the directory, as if the id had come.
    expect(byArn?.name).not.toBe(byArn?.id);
    const third = snapshot.agents.find((a) => trimmed.noRefIds.has(a.id));
    const user = simulator.model.catalog.users.find((u) => u.id === third?.id);
    expect(third?.routingProfile?.id).toBe(simulator.model.catalog.profiles[user?.profileIndex ?? -1]?.id);
    expect(third?.routingProfile?.name).not.toBe(third?.routingProfile?.id);
    expect(third?.hierarchyGroup?.id).toBe(simulator.model.catalog.groups[user?.teamIndex ?? -1]?.id);
  });
});
