/** The Connect operations the wallboard calls, by the SDK's command name without "Command". */
export const CONNECT_OPERATIONS = [
  'GetCurrentMetricData',
  'GetCurrentUserData',
  'GetMetricData',
  'ListQueues',
  'ListRoutingProfiles',
  'ListRoutingProfileQueues',
  'ListAgentStatuses',
  'ListUsers',
  'DescribeUser',
  'SearchUsers',
  'ListUserHierarchyGroups',
] as const;
export type ConnectOperation = (typeof CONNECT_OPERATIONS)[number];

/**
 * Every request leaves through one of these: the caller (the poller's rate budget) decides when it goes,
 * retries throttled ones and counts them. The connect layer only says which operation it is.
 */
export type Send = <Output>(operation: ConnectOperation, request: () => Promise<Output>) => Promise<Output>;

/** A response that does not have the shape Connect documents: the section fails rather than show wrong figures. */
export class MalformedResponseError extends Error {
  override readonly name = 'MalformedResponse';
  constructor(operation: ConnectOperation, detail: string) {
    super(
      `${operation} returned a response the wallboard cannot read (${detail}); keeping the last figures.`,
    );
  }
}

/** Pages of one pagination that disagree on DataSnapshotTime: Connect changed the snapshot under the token. */
export class SnapshotChangedError extends Error {
  override readonly name = 'SnapshotChanged';
  constructor(operation: ConnectOperation) {
    super(`${operation} pages came from two different data snapshots; the pagination is restarted.`);
  }
}

export function isThrottle(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'ThrottlingException' || error.name === 'TooManyRequestsException' || status === 429;
}

/**
 * A service error (HTTP 5xx: InternalServiceException 500, ServiceUnavailableException 503, a gateway's 502 or
 * 504): Connect failed, not the request, so the same request may well succeed at once. A client error (4xx) would
 * only be refused again.
 */
export function isServerError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    error.name === 'InternalServiceException' ||
    error.name === 'ServiceUnavailableException' ||
    (status !== undefined && status >= 500 && status <= 599)
  );
}

/**
 * The connection was dropped under the call: the far end closed a kept-alive connection as the request went out
 * (`ECONNRESET`, Node's "socket hang up") or while it was written (`EPIPE`). Nothing was answered, so nothing is
 * known about the request; every call the poller makes is a read, and sending it again is safe. The SDK names
 * these errors TimeoutError but keeps Node's code; its own timeouts carry `ETIMEDOUT` or no code.
 */
export function isConnectionReset(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

/** Errors of a request for a later page of a pagination (one that carried a NextToken): see mayNameSomethingGone. */
const laterPageErrors = new WeakSet<object>();

/** Marks `error` as the answer to a request for a later page (collectPages). */
export function markLaterPageError(error: unknown): void {
  if (typeof error === 'object' && error !== null) laterPageErrors.add(error);
}

/**
 * Connect refused the request itself as naming something it does not have (`ResourceNotFoundException`) or as not
 * valid (`InvalidParameterException`, `InvalidRequestException`: "The request is not valid."). Connect's reference
 * does not say how `GetCurrentMetricData`, `GetCurrentUserData` or `GetMetricData` answer a filter naming a queue
 * or routing profile deleted since it was listed; these are the three of their documented errors that could say so.
 * Not on a later page: its filter was taken with the first page, and a refusal there is of its NextToken (expired,
 * or not valid), which a discovery would not change.
 */
export function mayNameSomethingGone(error: unknown): boolean {
  if (!(error instanceof Error) || laterPageErrors.has(error)) return false;
  return (
    error.name === 'ResourceNotFoundException' ||
    error.name === 'InvalidParameterException' ||
    error.name === 'InvalidRequestException'
  );
}

/** Connect refused the call for want of permission: the caller's IAM policy does not allow the operation. */
export function isAccessDenied(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'AccessDeniedException' || status === 403;
}

/** An error reduced to what may be shown and logged: its name and message, never request details. */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof Error) return { code: error.name, message: error.message.slice(0, 300) };
  return { code: 'Unknown', message: String(error).slice(0, 300) };
}

/**
 * A message from AWS as the screens may show it: every ARN and account id in it hidden. Connect's and IAM's
 * messages name the caller ("User: arn:aws:sts::123456789012:assumed-role/Role/session is not authorized to
 * perform: connect:GetCurrentMetricData on resource: arn:aws:connect:…"), and a section's error goes to every
 * screen, a lobby's display included; what was refused stays, and the log keeps the message whole.
 */
export function forScreens(message: string): string {
  return message.replace(/\barn:aws[\w-]*:[^\s"',;]*/g, 'arn:(hidden)').replace(/\b\d{12}\b/g, '(account)');
}
