import { notFound, invalidParameter } from '../errors.js';
import { page } from '../pagination.js';
import { maxResults, nextTokenOf, optionalObject } from '../validation.js';
import type { OpContext } from './context.js';

/** The configuration listings: queues, routing profiles, users, agent statuses, hierarchy groups. */

const seconds = (ms: number) => ms / 1000;

function listPage<T>(ctx: OpContext, rows: T[], limit: number, extraParams: unknown = null) {
  const max = maxResults(ctx.query.get('maxResults') ?? undefined, limit, 100);
  return page(rows, {
    maxResults: max,
    nextToken: ctx.query.get('nextToken') ?? undefined,
    params: { path: ctx.path, max, extraParams },
    nowMs: ctx.nowMs,
    expireTokens: ctx.expireTokens,
    pageCap: ctx.pageCap,
    repeatToken: ctx.repeatTokens === true,
  });
}

const QUEUE_TYPES = ['STANDARD', 'AGENT'];

export function listQueues(ctx: OpContext) {
  const { catalog } = ctx.model;
  const types = ctx.query.getAll('queueTypes');
  const unknown = types.find((t) => !QUEUE_TYPES.includes(t));
  if (unknown) throw invalidParameter(`queueTypes must be STANDARD or AGENT; got ${unknown}.`);
  // "Array Members: Maximum number of 2 items."
  if (types.length > QUEUE_TYPES.length)
    throw invalidParameter(`queueTypes takes at most ${QUEUE_TYPES.length} values; got ${types.length}.`);
  const wanted = types.length === 0 ? QUEUE_TYPES : types;
  const modified = { LastModifiedTime: seconds(catalog.createdAt), LastModifiedRegion: ctx.region };
  const rows = [
    ...(wanted.includes('STANDARD')
      ? catalog.queues.map((q) => ({
          Id: q.id,
          Arn: q.arn,
          Name: q.name,
          QueueType: 'STANDARD',
          ...modified,
        }))
      : []),
    // Every user has a per-agent queue, with no name: a client that forgets queueTypes gets them all.
    ...(wanted.includes('AGENT')
      ? catalog.users.map((u) => ({
          Id: `agent/${u.id}`,
          Arn: `${catalog.instanceArn}/queue/agent/${u.id}`,
          QueueType: 'AGENT',
          ...modified,
        }))
      : []),
  ];
  const { pageItems, nextToken } = listPage(ctx, rows, 1000, wanted);
  return { QueueSummaryList: pageItems, NextToken: nextToken };
}

export function listRoutingProfiles(ctx: OpContext) {
  const { catalog } = ctx.model;
  const rows = catalog.profiles.map((p) => ({
    Id: p.id,
    Arn: p.arn,
    Name: p.name,
    LastModifiedTime: seconds(catalog.createdAt),
    LastModifiedRegion: ctx.region,
  }));
  const { pageItems, nextToken } = listPage(ctx, rows, 1000);
  return { RoutingProfileSummaryList: pageItems, NextToken: nextToken };
}

/**
 * ListRoutingProfileQueues (GET /routing-profiles/{InstanceId}/{RoutingProfileId}/queues): the profile's queue
 * configuration a page at a time, one line per queue and channel, with its priority and delay. MaxResults is 1 to
 * 100 (100 by default); a NextToken is only good for the same profile and MaxResults (the listings' references
 * do not say so: the simulator holds them to the metrics operations' documented rule, stricter than Connect may
 * be). An unknown profile is ResourceNotFoundException.
 */
export function listRoutingProfileQueues(ctx: OpContext) {
  const { catalog } = ctx.model;
  const ref = ctx.path[0] ?? '';
  const profile = catalog.profile(ref);
  if (!profile) throw notFound(`Routing profile ${ref} not found in this instance.`);
  const rows = profile.queues.map((entry) => {
    const queue = catalog.queues[entry.queueIndex];
    return {
      QueueId: queue?.id,
      QueueArn: queue?.arn,
      QueueName: queue?.name,
      Priority: entry.priority,
      Delay: entry.delaySeconds,
      Channel: entry.channel,
    };
  });
  const { pageItems, nextToken } = listPage(ctx, rows, 100);
  return {
    RoutingProfileQueueConfigSummaryList: pageItems,
    NextToken: nextToken,
    LastModifiedTime: seconds(catalog.createdAt),
    LastModifiedRegion: ctx.region,
  };
}

export function listUsers(ctx: OpContext) {
  const { catalog } = ctx.model;
  const rows = catalog.users.map((u) => ({
    Id: u.id,
    Arn: u.arn,
    Username: u.username,
    LastModifiedTime: seconds(catalog.createdAt),
    LastModifiedRegion: ctx.region,
  }));
  const { pageItems, nextToken } = listPage(ctx, rows, 1000);
  return { UserSummaryList: pageItems, NextToken: nextToken };
}

export function describeUser(ctx: OpContext) {
  const { catalog } = ctx.model;
  const ref = ctx.path[0] ?? '';
  const user = catalog.user(ref);
  if (!user) throw notFound(`User ${ref} not found in this instance.`);
  const profile = catalog.profiles[user.profileIndex];
  const team = catalog.groups[user.teamIndex];
  return {
    User: {
      Id: user.id,
      Arn: user.arn,
      Username: user.username,
      IdentityInfo: {
        FirstName: user.firstName,
        LastName: user.lastName,
        Email: `${user.username}@example.com`,
      },
      PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
      SecurityProfileIds: ['5ec0a1e5-0000-4000-8000-000000000001'],
      RoutingProfileId: profile?.id,
      HierarchyGroupId: team?.id,
      Tags: {},
      LastModifiedTime: seconds(catalog.createdAt),
      LastModifiedRegion: ctx.region,
    },
  };
}

/**
 * SearchUsers (POST /search-users): the instance's users a page at a time, each with their names, routing
 * profile and hierarchy group, which ListUsers leaves out. InstanceId travels in the body; MaxResults is 1 to
 * 500 (100 when left out). SearchCriteria and SearchFilter are optional; the simulator models neither, so it refuses a request
 * that uses one rather than answer it unfiltered.
 */
export function searchUsers(ctx: OpContext) {
  const { catalog } = ctx.model;
  const { body } = ctx;
  if (typeof body.InstanceId !== 'string' || body.InstanceId === '')
    throw invalidParameter('InstanceId is required.');
  if (body.InstanceId !== ctx.model.instanceId && body.InstanceId !== catalog.instanceArn)
    throw notFound(`Instance ${body.InstanceId} not found.`);
  for (const field of ['SearchCriteria', 'SearchFilter'] as const) {
    if (Object.keys(optionalObject(body[field], field)).length > 0)
      throw invalidParameter(`${field} is not modelled by the simulator; search without it.`);
  }
  const max = maxResults(body.MaxResults, 500, 100);
  const rows = catalog.users.map((u) => ({
    Id: u.id,
    Arn: u.arn,
    Username: u.username,
    IdentityInfo: { FirstName: u.firstName, LastName: u.lastName },
    RoutingProfileId: catalog.profiles[u.profileIndex]?.id,
    HierarchyGroupId: catalog.groups[u.teamIndex]?.id,
    SecurityProfileIds: ['5ec0a1e5-0000-4000-8000-000000000001'],
    PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: false, AfterContactWorkTimeLimit: 0 },
    Tags: {},
  }));
  const { pageItems, nextToken } = page(rows, {
    maxResults: max,
    nextToken: nextTokenOf(body.NextToken),
    params: { instance: body.InstanceId, max, operation: 'SearchUsers' },
    nowMs: ctx.nowMs,
    expireTokens: ctx.expireTokens,
    pageCap: ctx.pageCap,
    repeatToken: ctx.repeatTokens === true,
  });
  return { Users: pageItems, NextToken: nextToken, ApproximateTotalCount: rows.length };
}

const STATUS_TYPES = ['ROUTABLE', 'CUSTOM', 'OFFLINE'];

export function listAgentStatuses(ctx: OpContext) {
  const { catalog } = ctx.model;
  const types = ctx.query.getAll('AgentStatusTypes');
  const unknown = types.find((t) => !STATUS_TYPES.includes(t));
  if (unknown)
    throw invalidParameter(`AgentStatusTypes must be ROUTABLE, CUSTOM or OFFLINE; got ${unknown}.`);
  // "Array Members: Maximum number of 3 items."
  if (types.length > STATUS_TYPES.length)
    throw invalidParameter(
      `AgentStatusTypes takes at most ${STATUS_TYPES.length} values; got ${types.length}.`,
    );
  const rows = catalog.statuses
    .filter((s) => types.length === 0 || types.includes(s.type))
    .map((s) => ({
      Id: s.id,
      Arn: s.arn,
      Name: s.name,
      Type: s.type,
      LastModifiedTime: seconds(catalog.createdAt),
      LastModifiedRegion: ctx.region,
    }));
  const { pageItems, nextToken } = listPage(ctx, rows, 1000, types);
  return { AgentStatusSummaryList: pageItems, NextToken: nextToken };
}

export function listUserHierarchyGroups(ctx: OpContext) {
  const { catalog } = ctx.model;
  const rows = catalog.groups.map((g) => ({
    Id: g.id,
    Arn: g.arn,
    Name: g.name,
    LastModifiedTime: seconds(catalog.createdAt),
    LastModifiedRegion: ctx.region,
  }));
  const { pageItems, nextToken } = listPage(ctx, rows, 1000);
  return { UserHierarchyGroupSummaryList: pageItems, NextToken: nextToken };
}
