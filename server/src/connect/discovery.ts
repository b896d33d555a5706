import {
  DescribeUserCommand,
  ListAgentStatusesCommand,
  ListQueuesCommand,
  ListRoutingProfileQueuesCommand,
  ListRoutingProfilesCommand,
  ListUserHierarchyGroupsCommand,
  ListUsersCommand,
  SearchUsersCommand,
} from '@aws-sdk/client-connect';
import { z } from 'zod';
import { referenceId } from './arn.js';
import { sendOptions, type ConnectContext } from './context.js';
import { MalformedResponseError, type ConnectOperation } from './errors.js';
import { MAX_LIST_RESULTS, MAX_PROFILE_QUEUE_RESULTS, MAX_SEARCH_RESULTS, collectPages } from './paginate.js';

export interface QueueRef {
  id: string;
  arn: string;
  name: string;
}
export interface RoutingProfileRef {
  id: string;
  arn: string;
  name: string;
}
export type AgentStatusType = 'ROUTABLE' | 'CUSTOM' | 'OFFLINE';
const AGENT_STATUS_TYPES: readonly string[] = ['ROUTABLE', 'CUSTOM', 'OFFLINE'] satisfies AgentStatusType[];
const isAgentStatusType = (value: string): value is AgentStatusType => AGENT_STATUS_TYPES.includes(value);
export interface AgentStatusRef {
  id: string;
  arn: string;
  name: string;
  /** UNKNOWN for a type Connect added after this build: reported, never a reason to drop the list. */
  type: AgentStatusType | 'UNKNOWN';
}
export interface UserRef {
  id: string;
  arn: string;
  username: string;
  /** Changes when the user is edited: a cached name is described again only then. */
  lastModified: number | null;
}
export interface HierarchyGroupRef {
  id: string;
  arn: string;
  name: string;
}

function parse<T>(operation: ConnectOperation, schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new MalformedResponseError(operation, parsed.error.issues[0]?.message ?? 'bad shape');
  }
  return parsed.data;
}

/**
 * A listing's item. Every field of Connect's summaries is "Required: No" (QueueSummary, RoutingProfileSummary,
 * HierarchyGroupSummary, UserSummary, UserSearchSummary): an item without its Id is known by the id in its ARN, one
 * with neither is left out, as GetCurrentUserData's users are (userData.ts), never the whole listing.
 */
const summary = z.object({
  Id: z.string().min(1).optional(),
  Arn: z.string().min(1).optional(),
  Name: z.string().default(''),
});

/** The items of a listing that have an id (their own, or their ARN's), with it and their ARN ('' without one). */
function identified<T extends { Id?: string | undefined; Arn?: string | undefined }>(
  items: readonly T[],
): (T & { id: string; arn: string })[] {
  return items.flatMap((item) => {
    const id = referenceId(item);
    return id ? [{ ...item, id, arn: item.Arn ?? '' }] : [];
  });
}

/** Every STANDARD queue (per-agent queues are not wallboard material). */
export async function listStandardQueues(ctx: ConnectContext): Promise<QueueRef[]> {
  const schema = z.object({
    QueueSummaryList: z.array(summary).default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListQueues', async (nextToken) => {
    const command = new ListQueuesCommand({
      InstanceId: ctx.instanceId,
      QueueTypes: ['STANDARD'],
      MaxResults: MAX_LIST_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListQueues',
      schema,
      await ctx.send('ListQueues', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.QueueSummaryList, nextToken: page.NextToken };
  });
  return identified(pages.items).map(({ id, arn, Name }) => ({
    id,
    arn,
    name: Name,
  }));
}

export async function listRoutingProfiles(ctx: ConnectContext): Promise<RoutingProfileRef[]> {
  const schema = z.object({
    RoutingProfileSummaryList: z.array(summary).default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListRoutingProfiles', async (nextToken) => {
    const command = new ListRoutingProfilesCommand({
      InstanceId: ctx.instanceId,
      MaxResults: MAX_LIST_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListRoutingProfiles',
      schema,
      await ctx.send('ListRoutingProfiles', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.RoutingProfileSummaryList, nextToken: page.NextToken };
  });
  return identified(pages.items).map(({ id, arn, Name }) => ({ id, arn, name: Name }));
}

/**
 * The queues a routing profile serves, in Connect's order, each once (ListRoutingProfileQueues: GET
 * /routing-profiles/{InstanceId}/{RoutingProfileId}/queues, MaxResults 1 to 100). Connect lists a queue once per
 * channel the profile takes from it; the agents of the profile can take the queue whatever the channel.
 */
export async function listRoutingProfileQueues(
  ctx: ConnectContext,
  routingProfileId: string,
): Promise<string[]> {
  const schema = z.object({
    RoutingProfileQueueConfigSummaryList: z
      .array(z.object({ QueueId: z.string().min(1), Channel: z.string().optional() }))
      .default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListRoutingProfileQueues', async (nextToken) => {
    const command = new ListRoutingProfileQueuesCommand({
      InstanceId: ctx.instanceId,
      RoutingProfileId: routingProfileId,
      MaxResults: MAX_PROFILE_QUEUE_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListRoutingProfileQueues',
      schema,
      await ctx.send('ListRoutingProfileQueues', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.RoutingProfileQueueConfigSummaryList, nextToken: page.NextToken };
  });
  return [...new Set(pages.items.map((line) => line.QueueId))];
}

export async function listAgentStatuses(ctx: ConnectContext): Promise<AgentStatusRef[]> {
  // Every field of AgentStatusSummary is "Required: No": a status without its type is kept (as UNKNOWN), one
  // without its ARN (which agents' statuses are matched by) left out, never the whole list refused.
  const schema = z.object({
    AgentStatusSummaryList: z
      .array(
        z.object({
          Id: z.string().optional(),
          Arn: z.string().optional(),
          Name: z.string().default(''),
          Type: z.string().optional(),
        }),
      )
      .default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListAgentStatuses', async (nextToken) => {
    const command = new ListAgentStatusesCommand({
      InstanceId: ctx.instanceId,
      MaxResults: MAX_LIST_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListAgentStatuses',
      schema,
      await ctx.send('ListAgentStatuses', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.AgentStatusSummaryList, nextToken: page.NextToken };
  });
  return pages.items.flatMap((s) => {
    if (!s.Arn) return [];
    const type = s.Type !== undefined && isAgentStatusType(s.Type) ? s.Type : 'UNKNOWN';
    if (type === 'UNKNOWN')
      ctx.unknownValue?.('ListAgentStatuses.AgentStatusSummaryList.Type', s.Type ?? '(none)');
    return [{ id: referenceId(s) || s.Arn, arn: s.Arn, name: s.Name, type }];
  });
}

export async function listUsers(ctx: ConnectContext): Promise<UserRef[]> {
  const schema = z.object({
    UserSummaryList: z
      .array(
        z.object({
          Id: z.string().min(1).optional(),
          Arn: z.string().min(1).optional(),
          Username: z.string().default(''),
          LastModifiedTime: z.date().optional(),
        }),
      )
      .default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListUsers', async (nextToken) => {
    const command = new ListUsersCommand({
      InstanceId: ctx.instanceId,
      MaxResults: MAX_LIST_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListUsers',
      schema,
      await ctx.send('ListUsers', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.UserSummaryList, nextToken: page.NextToken };
  });
  return identified(pages.items).map((u) => ({
    id: u.id,
    arn: u.arn,
    username: u.Username,
    lastModified: u.LastModifiedTime?.getTime() ?? null,
  }));
}

export interface SearchedUser {
  id: string;
  arn: string;
  username: string;
  /** "First Last", or the username when Connect has no names for them. */
  name: string;
  routingProfileId: string | null;
  hierarchyGroupId: string | null;
}

const displayName = (
  identity: { FirstName?: string | undefined; LastName?: string | undefined } | undefined,
) => [identity?.FirstName, identity?.LastName].filter(Boolean).join(' ');

/**
 * Every user with their names, routing profile and hierarchy group, 500 a page (SearchUsers: POST /search-users,
 * InstanceId in the body, MaxResults 1 to 500, no search criteria): 1,500 agents take 3 calls where DescribeUser
 * takes 1,500. An IAM policy written before the wallboard used it refuses it (AccessDenied).
 */
export async function searchUsers(ctx: ConnectContext): Promise<SearchedUser[]> {
  const schema = z.object({
    Users: z
      .array(
        z.object({
          Id: z.string().min(1).optional(),
          Arn: z.string().min(1).optional(),
          Username: z.string().default(''),
          IdentityInfo: z
            .object({ FirstName: z.string().optional(), LastName: z.string().optional() })
            .optional(),
          RoutingProfileId: z.string().optional(),
          HierarchyGroupId: z.string().optional(),
        }),
      )
      .default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('SearchUsers', async (nextToken) => {
    const command = new SearchUsersCommand({
      InstanceId: ctx.instanceId,
      MaxResults: MAX_SEARCH_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'SearchUsers',
      schema,
      await ctx.send('SearchUsers', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.Users, nextToken: page.NextToken };
  });
  return identified(pages.items).map((u) => ({
    id: u.id,
    arn: u.arn,
    username: u.Username,
    name: displayName(u.IdentityInfo) || u.Username,
    routingProfileId: u.RoutingProfileId ?? null,
    hierarchyGroupId: u.HierarchyGroupId ?? null,
  }));
}

export interface UserDetails {
  id: string;
  name: string;
}

/** The display name of one user: "First Last", or the username when Connect has no names for them. */
export async function describeUser(ctx: ConnectContext, userId: string): Promise<UserDetails> {
  const schema = z.object({
    // Every field of User is "Required: No": the user is the one asked for.
    User: z.object({
      Username: z.string().default(''),
      IdentityInfo: z
        .object({ FirstName: z.string().optional(), LastName: z.string().optional() })
        .optional(),
    }),
  });
  const command = new DescribeUserCommand({ InstanceId: ctx.instanceId, UserId: userId });
  const { User } = parse(
    'DescribeUser',
    schema,
    await ctx.send('DescribeUser', () => ctx.client.send(command, sendOptions(ctx))),
  );
  return { id: userId, name: displayName(User.IdentityInfo) || User.Username };
}

export async function listHierarchyGroups(ctx: ConnectContext): Promise<HierarchyGroupRef[]> {
  const schema = z.object({
    UserHierarchyGroupSummaryList: z.array(summary).default([]),
    NextToken: z.string().optional(),
  });
  const pages = await collectPages('ListUserHierarchyGroups', async (nextToken) => {
    const command = new ListUserHierarchyGroupsCommand({
      InstanceId: ctx.instanceId,
      MaxResults: MAX_LIST_RESULTS,
      NextToken: nextToken,
    });
    const page = parse(
      'ListUserHierarchyGroups',
      schema,
      await ctx.send('ListUserHierarchyGroups', () => ctx.client.send(command, sendOptions(ctx))),
    );
    return { items: page.UserHierarchyGroupSummaryList, nextToken: page.NextToken };
  });
  return identified(pages.items).map(({ id, arn, Name }) => ({ id, arn, name: Name }));
}
