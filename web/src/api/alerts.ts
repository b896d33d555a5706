import { alertSchema, type Alert } from '@switchboard/shared';
import { useMutation } from '@tanstack/react-query';
import { useConnection } from './SnapshotFeed';
import { apiPath } from './snapshot';

export class AcknowledgeError extends Error {
  /** The problem's `code`, when the server gave one (`name_required`: no name, and the server knows none). */
  constructor(
    message: string,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

export async function acknowledgeAlert(alertId: string, by: string, board: string | null): Promise<Alert> {
  const response = await fetch(apiPath(`/api/v1/alerts/${encodeURIComponent(alertId)}/acknowledge`, board), {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(by ? { by } : {}),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    // Errors are problem details (RFC 9457): `detail` says what went wrong, for people.
    const message =
      body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string'
        ? body.detail
        : `The server answered ${response.status}.`;
    const code =
      body && typeof body === 'object' && 'code' in body && typeof body.code === 'string' ? body.code : null;
    if (response.status === 403)
      throw new AcknowledgeError(`Only a supervisor may acknowledge alerts. ${message}`, code);
    throw new AcknowledgeError(message, code);
  }
  return alertSchema.parse(body);
}

export function useAcknowledge() {
  const { board, refresh, connection } = useConnection();
  return useMutation({
    mutationFn: ({ alertId, by }: { alertId: string; by: string }) => acknowledgeAlert(alertId, by, board),
    // The next snapshot carries the acknowledgement to every screen. While the page polls, ask for it now rather
    // than at the next poll (live, the stream's next patch brings it, and a poll's view would be set aside). Not
    // awaited: the acknowledgement is done, whatever the poll meets (a server with no snapshot yet retries).
    onSuccess: () => {
      if (connection !== 'live') void refresh();
    },
  });
}
