import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallLog } from './callLog.js';
import { invalidRequest } from './errors.js';
import { scenarioSchema, faultsSchema, type Scenario } from './faults.js';
import { isLoopback, parseJson, readText, sendJson } from './http.js';
import type { FaultInjector } from './injection.js';
import type { ContactCentreModel } from './model.js';

/**
 * One-off events on the contact centre: a surge on a queue, a mass logout, a supervisor listening in on a call.
 * What was applied, for the answer.
 */
export function runScenario(
  model: ContactCentreModel,
  clock: () => number,
  events: Scenario,
): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  model.advanceTo(clock());
  // Every name first, and the one event that may find nothing to do: a refused request applies none of its events.
  let queue;
  if (events.surge) {
    const ref = events.surge.queue;
    queue = model.catalog.queue(ref) ?? model.catalog.queues.find((q) => q.name === ref);
    if (!queue) throw invalidRequest(`No queue ${ref}: give a queue id, ARN or name.`);
  }
  if (events.monitor) {
    const ref = events.monitor.supervisor;
    const user = model.catalog.user(ref) ?? model.catalog.users.find((u) => u.username === ref);
    const supervisor = user ? model.agents[user.index] : undefined;
    if (!supervisor) throw invalidRequest(`No user ${ref}: give a user id, ARN or username.`);
    const watched = model.monitor(supervisor);
    if (!watched)
      throw invalidRequest(
        `${supervisor.username} cannot listen in now: they must be online with no contact and no status pending, and a call must be under way.`,
      );
    result.monitor = {
      supervisorId: supervisor.id,
      agentId: watched.agent.id,
      contactId: watched.call.contact.contactId,
    };
  }
  if (events.surge && queue) {
    const { multiplier, durationSeconds, rampSeconds = 0 } = events.surge;
    model.surge(queue.index, multiplier, durationSeconds * 1000, rampSeconds * 1000);
    result.surge = { queueId: queue.id, multiplier, durationSeconds, rampSeconds };
  }
  if (events.massLogout) {
    const { fraction, returnAfterSeconds } = events.massLogout;
    result.massLogout = {
      agents: model.massLogout(fraction, returnAfterSeconds === undefined ? null : returnAfterSeconds * 1000),
    };
  }
  return result;
}

export interface ControlPlane {
  model: ContactCentreModel;
  clock: () => number;
  log: CallLog;
  injector: FaultInjector;
  scenario: (events: Scenario) => Record<string, unknown>;
}

/**
 * The simulator's controls over HTTP, from loopback only: GET and DELETE /_sim/calls, GET /_sim/figures, GET,
 * POST and DELETE /_sim/faults (POST takes fault fields and/or scenario events).
 */
export async function control(
  plane: ControlPlane,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<void> {
  const { model, clock, log, injector } = plane;
  if (!isLoopback(req.socket.remoteAddress)) {
    sendJson(res, 403, JSON.stringify({ message: 'The simulator controls answer on loopback only.' }));
    return;
  }
  // Loopback is where a browser runs too: a web page it shows (a request with an Origin, or that Fetch Metadata
  // says a page made) or one whose name was rebound to 127.0.0.1 (another Host) must not inject faults into a
  // demo, nor read its calls. curl, scripts and the tests send neither.
  const site = req.headers['sec-fetch-site'];
  if (req.headers.origin !== undefined || (site !== undefined && site !== 'none')) {
    sendJson(
      res,
      403,
      JSON.stringify({
        message:
          'The simulator controls take no requests from web pages: use curl, a script or the simulator CLI.',
      }),
    );
    return;
  }
  if (!loopbackHost(req.headers.host)) {
    sendJson(
      res,
      403,
      JSON.stringify({
        message: 'The simulator controls answer only to a loopback Host (127.0.0.1, [::1] or localhost).',
      }),
    );
    return;
  }
  const json = (status: number, body: unknown) => sendJson(res, status, JSON.stringify(body));
  if (path === '/_sim/calls' && req.method === 'GET') return json(200, { calls: log.calls });
  if (path === '/_sim/calls' && req.method === 'DELETE') {
    log.clear();
    return json(200, { calls: log.calls });
  }
  if (path === '/_sim/figures' && req.method === 'GET') {
    const figures = model.figures(clock());
    return json(200, {
      at: new Date(figures.at).toISOString(),
      instance: figures.instance,
      queues: Object.fromEntries(figures.queues),
      channels: Object.fromEntries(figures.channels),
    });
  }
  if (path === '/_sim/faults' && req.method === 'GET') return json(200, { faults: injector.faults });
  if (path === '/_sim/faults' && req.method === 'DELETE') {
    injector.clear();
    return json(200, { faults: injector.faults });
  }
  if (path === '/_sim/faults' && req.method === 'POST') {
    let body: Record<string, unknown>;
    try {
      body = parseJson(await readText(req));
    } catch {
      return json(400, { message: 'The body must be a JSON object.' });
    }
    // The scenario's events by the schema's own keys, the rest fault fields: an event added there is one here.
    const isEvent = ([key]: [string, unknown]) => Object.hasOwn(scenarioSchema.shape, key);
    const scenarioFields = Object.fromEntries(Object.entries(body).filter(isEvent));
    const faultFields = Object.fromEntries(Object.entries(body).filter((entry) => !isEvent(entry)));
    const parsedFaults = faultsSchema.safeParse(faultFields);
    const parsedScenario = scenarioSchema.safeParse(scenarioFields);
    if (!parsedFaults.success || !parsedScenario.success) {
      const issues = [...(parsedFaults.error?.issues ?? []), ...(parsedScenario.error?.issues ?? [])];
      return json(400, {
        message: issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      });
    }
    // The events first: a request they refuse changes nothing, its faults included.
    let applied: Record<string, unknown>;
    try {
      applied = plane.scenario(parsedScenario.data);
    } catch (error) {
      return json(400, { message: error instanceof Error ? error.message : String(error) });
    }
    if (Object.keys(faultFields).length > 0) injector.add(parsedFaults.data);
    return json(200, { faults: injector.faults, applied });
  }
  return json(404, { message: `No simulator control at ${req.method} ${path}.` });
}

/** Whether a Host header names this machine's loopback: 127.0.0.0/8, [::1] or localhost, with any port. */
function loopbackHost(host: string | undefined): boolean {
  const name = (host ?? '').toLowerCase().replace(/:\d+$/, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name)
  );
}
