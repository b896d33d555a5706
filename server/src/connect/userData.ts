import { GetCurrentUserDataCommand } from '@aws-sdk/client-connect';
import { isKnownChannel, isKnownContactState } from '@switchboard/shared';
import { z } from 'zod';
import { referenceId } from './arn.js';
import { sendOptions, type ConnectContext } from './context.js';
import { MalformedResponseError } from './errors.js';
import { MAX_FILTER_VALUES, MAX_METRIC_RESULTS, chunk, collectPages } from './paginate.js';

/**
 * The reference marks every field of UserData and of the references in it "Required: No" (UserReference,
 * RoutingProfileReference, QueueReference, HierarchyGroupSummaryReference, AgentContactReference). A reference
 * without its id is known by its ARN, whose last part is the id; one with neither is taken as absent, and a user
 * with neither is left out: never a reason to refuse the page of every other agent.
 */
const ref = z.object({ Id: z.string().optional(), Arn: z.string().optional() });
const namedRef = ref.extend({ Name: z.string().optional() });

const rawUserDataSchema = z.object({
  User: ref.optional(),
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
        ContactId: z.string().optional(),
        // Connect adds channels without notice (EMAIL came after VOICE, CHAT and TASK): an unknown one is kept
        // as is and reported, never a reason to drop the page; a contact without one is shown as other.
        Channel: z.string().optional(),
        AgentContactState: z.string().optional(),
        InitiationMethod: z.string().optional(),
        StateStartTimestamp: z.date().optional(),
        Queue: ref.optional(),
      }),
    )
    .default([]),
});
const responseSchema = z.object({
  UserDataList: z.array(rawUserDataSchema).default([]),
  NextToken: z.string().optional(),
});
type RawUserData = z.infer<typeof rawUserDataSchema>;

interface Resolved {
  Id: string;
  Arn?: string | undefined;
}
interface ResolvedNamed extends Resolved {
  Name?: string | undefined;
}

export interface UserData {
  User: Resolved;
  RoutingProfile?: Resolved | undefined;
  HierarchyPath?:
    | {
        LevelOne?: ResolvedNamed | undefined;
        LevelTwo?: ResolvedNamed | undefined;
        LevelThree?: ResolvedNamed | undefined;
        LevelFour?: ResolvedNamed | undefined;
        LevelFive?: ResolvedNamed | undefined;
      }
    | undefined;
  Status?: RawUserData['Status'];
  Contacts: {
    /** Connect's id; `<user id>#<position>` where Connect left it out, so each contact still has a key. */
    ContactId: string;
    /** Undefined where Connect named none: shown as other. */
    Channel: string | undefined;
    AgentContactState?: string | undefined;
    InitiationMethod?: string | undefined;
    StateStartTimestamp?: Date | undefined;
    Queue?: Resolved | undefined;
  }[];
}

function resolve<T extends { Id?: string | undefined; Arn?: string | undefined }>(
  reference: T | undefined,
): (Omit<T, 'Id'> & Resolved) | undefined {
  if (!reference) return undefined;
  const id = referenceId(reference);
  return id ? { ...reference, Id: id } : undefined;
}

function normalise(raw: RawUserData): UserData | undefined {
  const user = resolve(raw.User);
  if (!user) return undefined;
  const path = raw.HierarchyPath;
  return {
    User: user,
    RoutingProfile: resolve(raw.RoutingProfile),
    HierarchyPath: path && {
      LevelOne: resolve(path.LevelOne),
      LevelTwo: resolve(path.LevelTwo),
      LevelThree: resolve(path.LevelThree),
      LevelFour: resolve(path.LevelFour),
      LevelFive: resolve(path.LevelFive),
    },
    Status: raw.Status,
    Contacts: raw.Contacts.map((contact, index) => ({
      ...contact,
      ContactId: contact.ContactId || `${user.Id}#${index}`,
      Channel: contact.Channel || undefined,
      Queue: resolve(contact.Queue),
    })),
  };
}

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
        const users = parsed.data.UserDataList.map(normalise).filter((u) => u !== undefined);
        reportUnknownValues(ctx, users);
        return { items: users, nextToken: parsed.data.NextToken };
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
      if (contact.Channel !== undefined && !isKnownChannel(contact.Channel))
        ctx.unknownValue('GetCurrentUserData.Contacts.Channel', contact.Channel);
      const state = contact.AgentContactState;
      if (state !== undefined && !isKnownContactState(state))
        ctx.unknownValue('GetCurrentUserData.Contacts.AgentContactState', state);
    }
  }
}
