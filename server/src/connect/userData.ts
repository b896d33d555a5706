import { GetCurrentUserDataCommand } from '@aws-sdk/client-connect';
import { isKnownChannel, isKnownContactState } from '@switchboard/shared';
import { z } from 'zod';
import { sendOptions, type ConnectContext } from './context.js';
import { MalformedResponseError } from './errors.js';
import { MAX_FILTER_VALUES, MAX_METRIC_RESULTS, chunk, collectPages } from './paginate.js';

const ref = z.object({ Id: z.string().min(1), Arn: z.string().optional() });
const namedRef = ref.extend({ Name: z.string().optional() });

const userDataSchema = z.object({
  User: ref,
  RoutingProfile: ref.optional(),
  HierarchyPath: z
    .object({
      LevelOne: namedRef.optional(),
      LevelTwo: namedRef.optional(),
      LevelThree: namedRef.optional(),
      LevelFour: namedRef.optional(),
      LevelFive: namedRef.optional(),
    })
    .optional(),
  Status: z
    .object({
      StatusName: z.string().optional(),
      StatusArn: z.string().optional(),
      StatusStartTimestamp: z.date().optional(),
    })
    .optional(),
  Contacts: z
    .array(
      z.object({
        ContactId: z.string().min(1),
        // Connect adds channels without notice (EMAIL came after VOICE, CHAT and TASK): an unknown one is kept
        // as is and reported, never a reason to drop the page.
        Channel: z.string().min(1),
        AgentContactState: z.string().optional(),
        InitiationMethod: z.string().optional(),
        StateStartTimestamp: z.date().optional(),
        Queue: ref.optional(),
      }),
    )
    .default([]),
});
const responseSchema = z.object({
  UserDataList: z.array(userDataSchema).default([]),
  NextToken: z.string().optional(),
});
export type UserData = z.infer<typeof userDataSchema>;

export interface CurrentUsers {
  users: UserData[];
  calls: number;
}

/**
 * What every logged-in agent is doing, 100 routing profiles a request and 100 agents a page. Each agent has one
 * routing profile, so each appears once; de-duplicated by id all the same in case Connect repeats one.
 */
export async function getCurrentUsers(
  ctx: ConnectContext,
  routingProfileIds: readonly string[],
): Promise<CurrentUsers> {
  const byId = new Map<string, UserData>();
  let calls = 0;
  const all = await Promise.all(
    chunk(routingProfileIds, MAX_FILTER_VALUES).map((profiles) =>
      collectPages('GetCurrentUserData', async (nextToken) => {
        const command = new GetCurrentUserDataCommand({
          InstanceId: ctx.instanceId,
          Filters: { RoutingProfiles: profiles },
          MaxResults: MAX_METRIC_RESULTS,
          NextToken: nextToken,
        });
        const raw = await ctx.send('GetCurrentUserData', () => ctx.client.send(command, sendOptions(ctx)));
        const parsed = responseSchema.safeParse(raw);
        if (!parsed.success) {
          throw new MalformedResponseError(
            'GetCurrentUserData',
            parsed.error.issues[0]?.message ?? 'bad shape',
          );
        }
        reportUnknownValues(ctx, parsed.data.UserDataList);
        return { items: parsed.data.UserDataList, nextToken: parsed.data.NextToken };
      }),
    ),
  );
  for (const pages of all) {
    calls += pages.calls;
    for (const user of pages.items) byId.set(user.User.Id, user);
  }
  return { users: [...byId.values()], calls };
}

function reportUnknownValues(ctx: ConnectContext, users: readonly UserData[]): void {
  if (!ctx.unknownValue) return;
  for (const user of users) {
    for (const contact of user.Contacts) {
      if (!isKnownChannel(contact.Channel))
        ctx.unknownValue('GetCurrentUserData.Contacts.Channel', contact.Channel);
      const state = contact.AgentContactState;
      if (state !== undefined && !isKnownContactState(state))
        ctx.unknownValue('GetCurrentUserData.Contacts.AgentContactState', state);
    }
  }
}
