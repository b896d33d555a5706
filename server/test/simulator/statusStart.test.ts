import { GetCurrentUserDataCommand, type UserData } from '@aws-sdk/client-connect';
import { expect, it } from 'vitest';
import { clockedSimulator } from './support.js';

// GetCurrentUserData's StatusStartTimestamp is "The start timestamp of the agent's status", the status the agent set
// in the CCP, which stays Available while they work a contact: through the real SDK, on a clock the test owns, an
// agent who was on a call and is free again half an hour later still has the start of the Available they set
// before it.
const run = clockedSimulator(Date.parse('2026-11-24T10:30:00Z'), { queues: 8, agents: 60, seed: 4 });

async function users(): Promise<UserData[]> {
  const answer = await run.client.send(
    new GetCurrentUserDataCommand({
      InstanceId: run.sim.instanceId,
      Filters: { RoutingProfiles: run.sim.model.catalog.profiles.map((p) => p.id) },
      MaxResults: 100,
    }),
  );
  return answer.UserDataList ?? [];
}

it("keeps an agent's status start through a contact: the status did not change", async () => {
  const before = await users();
  const onCall = new Map(
    before
      .filter((u) => u.Status?.StatusName === 'Available' && (u.Contacts?.length ?? 0) > 0)
      .map((u) => [u.User?.Id, u.Status?.StatusStartTimestamp?.getTime()]),
  );
  expect(onCall.size).toBeGreaterThan(5);
  run.now += 30 * 60_000;
  // Each of them was on a call then and is free now: a contact of theirs has ended in between.
  const freeAgain = (await users()).filter(
    (u) => onCall.has(u.User?.Id) && u.Status?.StatusName === 'Available' && (u.Contacts?.length ?? 0) === 0,
  );
  expect(freeAgain.length).toBeGreaterThan(2);
  // Most kept the start they had (some took a break and came back in the half-hour, setting Available afresh).
  const kept = freeAgain.filter((u) => u.Status?.StatusStartTimestamp?.getTime() === onCall.get(u.User?.Id));
  expect(kept.length).toBeGreaterThan(freeAgain.length / 2);
});
