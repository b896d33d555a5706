import type { OpContext } from './ops/context.js';
import { getCurrentMetricData } from './ops/currentMetrics.js';
import { getMetricData } from './ops/historical.js';
import {
  describeUser,
  listAgentStatuses,
  listQueues,
  listRoutingProfileQueues,
  listRoutingProfiles,
  listUserHierarchyGroups,
  listUsers,
  searchUsers,
} from './ops/lists.js';
import { getMetricDataV2 } from './ops/metricsV2.js';
import { getCurrentUserData } from './ops/userData.js';

/** Where each Connect operation lives in the restJson1 API, and the handler that answers it. */

export type Handler = (ctx: OpContext) => unknown;
export interface Route {
  operation: string;
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
}

export const routes: Route[] = [
  { operation: 'ListQueues', method: 'GET', pattern: /^\/queues-summary\/([^/]+)$/, handler: listQueues },
  {
    operation: 'ListRoutingProfiles',
    method: 'GET',
    pattern: /^\/routing-profiles-summary\/([^/]+)$/,
    handler: listRoutingProfiles,
  },
  {
    operation: 'ListRoutingProfileQueues',
    method: 'GET',
    pattern: /^\/routing-profiles\/([^/]+)\/([^/]+)\/queues$/,
    handler: listRoutingProfileQueues,
  },
  { operation: 'ListUsers', method: 'GET', pattern: /^\/users-summary\/([^/]+)$/, handler: listUsers },
  { operation: 'DescribeUser', method: 'GET', pattern: /^\/users\/([^/]+)\/([^/]+)$/, handler: describeUser },
  // SearchUsers names the instance by the InstanceId in its body.
  { operation: 'SearchUsers', method: 'POST', pattern: /^\/search-users()$/, handler: searchUsers },
  {
    operation: 'ListAgentStatuses',
    method: 'GET',
    pattern: /^\/agent-status\/([^/]+)$/,
    handler: listAgentStatuses,
  },
  {
    operation: 'ListUserHierarchyGroups',
    method: 'GET',
    pattern: /^\/user-hierarchy-groups-summary\/([^/]+)$/,
    handler: listUserHierarchyGroups,
  },
  {
    operation: 'GetCurrentMetricData',
    method: 'POST',
    pattern: /^\/metrics\/current\/([^/]+)$/,
    handler: getCurrentMetricData,
  },
  {
    operation: 'GetCurrentUserData',
    method: 'POST',
    pattern: /^\/metrics\/userdata\/([^/]+)$/,
    handler: getCurrentUserData,
  },
  {
    operation: 'GetMetricData',
    method: 'POST',
    pattern: /^\/metrics\/historical\/([^/]+)$/,
    handler: getMetricData,
  },
  // V2 names the instance by the ARN in its body, not in the path.
  { operation: 'GetMetricDataV2', method: 'POST', pattern: /^\/metrics\/data()$/, handler: getMetricDataV2 },
];

/** Operations that name the instance in the body (an InstanceId or the instance ARN), not in the path. */
export const BODY_INSTANCE = new Set(['GetMetricDataV2', 'SearchUsers']);
