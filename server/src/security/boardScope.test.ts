import type { Alert } from '@switchboard/shared';
import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import type { AlertsBackend } from '../alerts/routes.js';
import { accessControl } from './access.js';
import { scopedAlerts, type BoardDirectory } from './boardScope.js';

/** A request from a user behind the proxy who reads `boards` only, through `support`, as the access check leaves it. */
function supportUsersRequest(boards: string[] = ['support']): Request {
  const req = {
    path: '/api/v1/alerts/x/acknowledge',
    method: 'POST',
    query: { board: 'support' },
    headers: {},
    headersDistinct: { 'x-forwarded-user': ['alice@example.com'] },
    socket: { remoteAddress: '127.0.0.1' },
  } as unknown as Request;
  const check = accessControl({
    mode: 'proxy',
    tokens: null,
    sessions: null,
    trustedProxies: ['127.0.0.1'],
    userHeader: 'X-Forwarded-User',
    userBoards: () => boards,
  });
  let passed = false;
  void check(req, {} as Response, () => {
    passed = true;
  });
  expect(passed).toBe(true);
  return req;
}

const directory: BoardDirectory = {
  boardIds: () => ['support', 'sales'],
  queueIds: (board) => new Set([board === 'support' ? 'q-support' : 'q-sales']),
  showsCharts: () => true,
};

function alert(id: string, queueId: string): Alert {
  return {
    id,
    ruleId: 'long-queue',
    metric: 'CONTACTS_IN_QUEUE',
    queueId,
    level: 'warn',
    since: '2026-12-04T10:00:00.000Z',
    value: 12,
    threshold: 10,
    acknowledgedBy: null,
    acknowledgedAt: null,
  } as Alert;
}

/** Alerts that must never be acknowledged through the board under test: an attempt that gets through throws. */
function refusingBackend(active: Alert[]): AlertsBackend {
  return {
    active: () => active,
    history: async () => [],
    acknowledge: () => {
      throw new Error('not to be acknowledged through this board');
    },
  };
}

describe("a limited identity's alerts", () => {
  it('acknowledges only an alert it can see is on its board, never one it cannot check (a follower behind)', async () => {
    const acknowledged: string[] = [];
    // A follower a snapshot behind its leader: it holds one alert, while the leader has others.
    const backend: AlertsBackend = {
      active: () => [alert('mine', 'q-support'), alert('theirs', 'q-sales')],
      history: async () => [],
      acknowledge: (alertId, by) => {
        acknowledged.push(alertId);
        return { ...alert(alertId, 'q-sales'), acknowledgedBy: by };
      },
    };
    const alerts = scopedAlerts(supportUsersRequest(), backend, directory);
    // Another board's alert is answered as one that does not exist: the answer says nothing of what it may not see.
    expect(() => alerts.acknowledge('theirs', 'alice')).toThrow(
      expect.objectContaining({ status: 404, code: 'unknown_alert' }),
    );
    expect(() => alerts.acknowledge('the-leaders-newer-one', 'alice')).toThrow(
      expect.objectContaining({ status: 404, code: 'unknown_alert' }),
    );
    await alerts.acknowledge('mine', 'alice');
    expect(acknowledged).toEqual(['mine']);
  });
});

describe("an unlimited identity's alerts through a board", () => {
  it('is told that an alert of another board is on a queue the board does not show', () => {
    const backend = refusingBackend([alert('theirs', 'q-sales')]);
    const req = { query: { board: 'support' }, headers: {} } as unknown as Request;
    const alerts = scopedAlerts(req, backend, directory);
    expect(() => alerts.acknowledge('theirs', 'dana')).toThrow(
      expect.objectContaining({ status: 403, code: 'alert_not_on_board' }),
    );
  });
});

describe("a limited identity's boards of another instance", () => {
  it('do not make an alert of this one known: a board showing every queue there shows none here', () => {
    const backend = refusingBackend([alert('theirs', 'q-sales')]);
    const instances: BoardDirectory = {
      ...directory,
      boardIds: () => ['support', 'sales', 'elsewhere'],
      queueIds: (board) => (board === 'elsewhere' ? null : directory.queueIds(board)),
      instanceOf: (board) => (board === 'elsewhere' ? 'other-centre' : 'default'),
    };
    const alerts = scopedAlerts(supportUsersRequest(['support', 'elsewhere']), backend, instances);
    expect(() => alerts.acknowledge('theirs', 'alice')).toThrow(
      expect.objectContaining({ status: 404, code: 'unknown_alert' }),
    );
  });
});
