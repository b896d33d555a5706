import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from './config/load.js';
import { wallboardConfigSchema } from './config/schema.js';
import { createConnectClient } from './connect/client.js';
import { parseEnv } from './env.js';
import { createLogger } from './logger.js';
import {
  budgetKey,
  connectQuotas,
  contactCentreTimeZone,
  instanceTargets,
  lastRecorded,
  reloadWaits,
  rateBudgets,
  readinessLatch,
  sectionsLoading,
  serviceLevelThresholds,
  serviceLevelsLeftOut,
  type InstanceTarget,
} from './instances.js';

/** A logger of warnings and the lines it wrote. */
function warnings() {
  const lines: string[] = [];
  const logger = createLogger('warn', {
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  });
  return { lines, logger };
}

describe('what the poller fetches follows the configuration file', () => {
  it('fetches every service-level threshold the screens draw or the rules watch', () => {
    const config = wallboardConfigSchema.parse({
      serviceLevel: { thresholdSeconds: 30 },
      thresholds: { defaults: { SERVICE_LEVEL_60: { warn: 90, critical: 80, direction: 'below' } } },
      alerts: [{ id: 'sl', metric: 'SERVICE_LEVEL_120', value: 50, direction: 'below', clearAt: 60 }],
    });
    expect(serviceLevelThresholds(parseEnv({}), config)).toEqual([20, 30, 60, 120]);
    expect(serviceLevelThresholds(parseEnv({ SERVICE_LEVEL_THRESHOLDS: '15' }), config)).toEqual([
      15, 30, 60, 120,
    ]);
  });

  it("fetches Connect's 20 service levels at most, the file's first, and says which of the environment's are left out", () => {
    // The file's 18 (its service level, 17 thresholds); the environment's 20 and 25 are among them.
    const named = Array.from({ length: 17 }, (_, i) => [
      `SERVICE_LEVEL_${(i + 1) * 5}`,
      { warn: 90, critical: 80 },
    ]);
    const config = wallboardConfigSchema.parse({
      serviceLevel: { thresholdSeconds: 600 },
      thresholds: { defaults: Object.fromEntries(named) },
    });
    const env = parseEnv({ SERVICE_LEVEL_THRESHOLDS: '20,25,1,2,3,4' });
    const fetched = serviceLevelThresholds(env, config);
    expect(fetched).toEqual([1, 2, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 600]);
    expect(serviceLevelsLeftOut(env, config)).toBe(
      'SERVICE_LEVEL_3, SERVICE_LEVEL_4 not fetched: the configuration file and SERVICE_LEVEL_THRESHOLDS name 22 ' +
        'service levels, and Connect counts 20 in one request; name fewer',
    );
    // A file of more than 20 on its own is applied (it was before), its largest left out, and said.
    const many = wallboardConfigSchema.parse({
      thresholds: {
        defaults: Object.fromEntries(
          Array.from({ length: 21 }, (_, i) => [`SERVICE_LEVEL_${(i + 1) * 10}`, { warn: 90, critical: 80 }]),
        ),
      },
    });
    expect(serviceLevelThresholds(parseEnv({}), many)).toHaveLength(20);
    expect(serviceLevelsLeftOut(parseEnv({}), many)).toMatch(/^SERVICE_LEVEL_210 not fetched/);
    // The configured service level (the tiles', the charts' and the forecast's) is never the one left out.
    const largest = wallboardConfigSchema.parse({
      serviceLevel: { thresholdSeconds: 300 },
      thresholds: many.thresholds,
    });
    expect(serviceLevelThresholds(parseEnv({}), largest)).toContain(300);
    expect(serviceLevelsLeftOut(parseEnv({}), largest)).toMatch(
      /^SERVICE_LEVEL_200, SERVICE_LEVEL_210 not fetched/,
    );
    expect(serviceLevelsLeftOut(parseEnv({ SERVICE_LEVEL_THRESHOLDS: '20,1,2' }), config)).toBeNull();
  });

  it("takes the contact centre's time zone from TIME_ZONE, else from the file", () => {
    const config = wallboardConfigSchema.parse({ timeZone: 'Europe/London' });
    expect(contactCentreTimeZone(parseEnv({}), config)).toBe('Europe/London');
    expect(contactCentreTimeZone(parseEnv({ TIME_ZONE: 'America/New_York' }), config)).toBe(
      'America/New_York',
    );
  });

  it("says a reload's time zone waits for a restart only where the embedded simulator keeps its own", () => {
    const config = wallboardConfigSchema.parse({ timeZone: 'Europe/London' });
    expect(reloadWaits(parseEnv({}), config, null)).toBeNull();
    expect(reloadWaits(parseEnv({}), config, 'Europe/London')).toBeNull();
    expect(reloadWaits(parseEnv({}), config, 'UTC')).toMatch(
      /timeZone: the embedded simulator keeps simulating a day in UTC until a restart/,
    );
    // TIME_ZONE in the environment is in force over the file: the simulator runs in it, nothing waits.
    expect(reloadWaits(parseEnv({ TIME_ZONE: 'UTC' }), config, 'UTC')).toBeNull();
  });
});

/** An instance to poll; one of another account (`accountId`) is read with a profile of its own. */
const target = (instanceId: string, region: string, accountId?: string): InstanceTarget => ({
  id: instanceId,
  name: instanceId,
  target: { instanceId, region, ...(accountId ? { profile: 'other' } : {}) },
  simulator: null,
  accountId,
});

describe("Connect's quotas, per operation and per account and Region", () => {
  it('reads the old group variables into each operation of the group, and CONNECT_QUOTAS over them', () => {
    const quotas = connectQuotas(
      parseEnv({ CONNECT_RATE_METRICS: '6/9', CONNECT_RATE_OTHER: '3/6', CONNECT_QUOTAS: 'SearchUsers=4/4' }),
    );
    expect(quotas.GetCurrentMetricData).toEqual({ perSecond: 6, burst: 9 });
    expect(quotas.GetMetricData).toEqual({ perSecond: 6, burst: 9 });
    expect(quotas.GetCurrentUserData).toEqual({ perSecond: 3, burst: 6 });
    expect(quotas.SearchUsers).toEqual({ perSecond: 4, burst: 4 });
    expect(connectQuotas(parseEnv({}))).toEqual({});
  });

  it('gives the instances of one account and Region one budget, and others their own', () => {
    const targets = [
      target('a', 'eu-west-2'),
      target('b', 'eu-west-2'),
      target('c', 'us-east-1'),
      target('d', 'eu-west-2', '111122223333'),
      target('e', 'eu-west-2', '111122223333'),
    ];
    const budgets = rateBudgets(targets, parseEnv({}));
    expect(new Set(budgets.values()).size).toBe(3);
    const [a, b, c, d, e] = targets.map((t) => budgets.get(t.id));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
    expect(d).toBe(e);
    expect(d).not.toBe(a);
    const config = wallboardConfigSchema.safeParse({
      instances: [{ id: 'emea', instanceId: 'x-1', region: 'eu-west-2', accountId: 111122223333 }],
    });
    expect(config.error?.issues[0]?.message).toMatch(/accountId must be the 12-digit AWS account id/);
    // Each budget holds 80% of the quotas once, whatever the number of instances drawing on it.
    expect(a?.ratePerSecond('GetCurrentUserData')).toBeCloseTo(1.6);
  });

  it('takes the instances read with one set of credentials to be in the account any of them names', () => {
    // Credentials read only their own account's instances (Connect has no resource-based policies): an instance
    // read with the default credentials and given the accountId of those credentials is in the account of the
    // instances given none. Two budgets for one account would draw 160% of its quotas together.
    const readWith = (id: string, accountId?: string, profile?: string): InstanceTarget => ({
      id,
      name: id,
      target: { instanceId: id, region: 'eu-west-2', profile },
      simulator: null,
      accountId,
    });
    const targets = [
      readWith('a'),
      readWith('b', '111122223333'),
      readWith('c', '444455556666', 'apac-reader'),
      readWith('d', undefined, 'apac-reader'),
      readWith('e', '111122223333', 'emea-role'),
    ];
    const budgets = rateBudgets(targets, parseEnv({}));
    const [a, b, c, d, e] = targets.map((t) => budgets.get(t.id));
    expect(b).toBe(a);
    expect(d).toBe(c);
    expect(e).toBe(a);
    expect(c).not.toBe(a);
  });

  it('with Redis, gives each instance its part of the account and Region, as replicas poll them apart', () => {
    // The leases of two instances may sit on two replicas, each with a budget of its own: if each took the
    // whole share, together they would draw 160% of Connect's quotas and be throttled.
    const targets = [
      target('a', 'eu-west-2'),
      target('b', 'eu-west-2'),
      target('c', 'eu-west-2'),
      target('d', 'us-east-1'),
      target('e', 'eu-west-2', '111122223333'),
    ];
    const budgets = rateBudgets(targets, parseEnv({ REDIS_URL: 'redis://127.0.0.1:6379' }));
    const [a, b, c, d, e] = targets.map((t) => budgets.get(t.id));
    expect(new Set([a, b, c, d, e]).size).toBe(5);
    // Three instances of the credentials' account in eu-west-2: a third of 80% of 5/s each.
    for (const budget of [a, b, c]) expect(budget?.ratePerSecond('GetCurrentMetricData')).toBeCloseTo(4 / 3);
    expect(d?.ratePerSecond('GetCurrentMetricData')).toBeCloseTo(4);
    expect(e?.ratePerSecond('GetCurrentMetricData')).toBeCloseTo(4);
    expect(budgetKey(targets[0] ?? target('x', 'x'))).toBe('credentials/eu-west-2');
  });
});

describe('credentials per instance', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('reads an instance of another account with its own profile of the AWS config file', async () => {
    // Connect has no resource-based policies: one set of credentials reads only its own account's instances,
    // so an instance in another account needs credentials of its own (a profile assuming a role there).
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-aws-'));
    const credentialsFile = join(dir, 'credentials');
    writeFileSync(
      credentialsFile,
      [
        '[default]',
        'aws_access_key_id = AKIADEFAULT',
        'aws_secret_access_key = default-secret',
        '[apac-reader]',
        'aws_access_key_id = AKIAAPAC',
        'aws_secret_access_key = apac-secret',
      ].join('\n'),
    );
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', credentialsFile);
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
      vi.stubEnv(name, undefined);
    const config = parseConfig(
      [
        'instances:',
        '  - id: emea',
        '    instanceId: 11111111-2222-4333-8444-555555555555',
        '    region: eu-west-2',
        '  - id: apac',
        '    instanceId: 99999999-2222-4333-8444-555555555555',
        '    region: ap-southeast-2',
        '    accountId: "444455556666"',
        '    profile: apac-reader',
      ].join('\n'),
      'w.yaml',
    );
    const targets = await instanceTargets(config, parseEnv({}), createLogger('silent'));
    const keys = await Promise.all(
      targets.map(async ({ target }) => {
        const client = createConnectClient(target);
        try {
          return (await client.config.credentials()).accessKeyId;
        } finally {
          client.destroy();
        }
      }),
    );
    expect(keys).toEqual(['AKIADEFAULT', 'AKIAAPAC']);
    expect(() =>
      parseConfig(
        ['instances:', '  - id: x', '    instanceId: a', '    region: eu-west-2', '    profile: ""'].join(
          '\n',
        ),
        'w.yaml',
      ),
    ).toThrow(/w.yaml:5 instances\[0\]\.profile: profile must name a profile of the AWS config file/);
  });
});

describe('the instances of the configuration file', () => {
  it('says which variables naming one instance it does not use, and where to set them instead', async () => {
    const { lines, logger } = warnings();
    const config = parseConfig(
      [
        'instances:',
        '  - id: emea',
        '    instanceId: 11111111-2222-4333-8444-555555555555',
        '    region: eu-west-2',
      ].join('\n'),
      'w.yaml',
    );
    const env = parseEnv({
      CONNECT_INSTANCE_ID: '99999999-2222-4333-8444-555555555555',
      AWS_REGION: 'eu-west-2',
      CONNECT_ACCOUNT_ID: '111122223333',
    });
    const targets = await instanceTargets(config, env, logger);
    expect(targets.map((t) => t.target.instanceId)).toEqual(['11111111-2222-4333-8444-555555555555']);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      ignored: ['CONNECT_INSTANCE_ID', 'CONNECT_ACCOUNT_ID'],
      msg: expect.stringMatching(/are not used: the configuration file lists `instances`/),
    });
    lines.length = 0;
    await instanceTargets(config, parseEnv({}), logger);
    expect(lines).toEqual([]);
  });
});

describe('readiness', () => {
  it('names the sections still waiting for their first figures; an error counts as an answer', () => {
    expect(sectionsLoading(null)).toEqual(['discovery', 'queues', 'agents', 'today', 'intraday']);
    const section = (
      fetchedAt: string | null,
      error: { code: string; message: string; at: string } | null,
    ) => ({
      fetchedAt,
      dataSnapshotTime: null,
      error,
      stale: false,
    });
    const at = '2026-12-04T06:00:00.000Z';
    const sections = {
      discovery: section(at, null),
      queues: section(at, null),
      agents: section(null, null),
      today: section(null, { code: 'AccessDeniedException', message: 'no', at }),
      intraday: section(at, null),
    };
    expect(sectionsLoading({ sections } as unknown as Parameters<typeof sectionsLoading>[0])).toEqual([
      'agents',
    ]);
    // A discovery failing before any has succeeded answers every other section, which all wait for it.
    const undiscovered = {
      ...sections,
      discovery: section(null, { code: 'AccessDeniedException', message: 'no', at }),
      queues: section(null, null),
    };
    expect(
      sectionsLoading({ sections: undiscovered } as unknown as Parameters<typeof sectionsLoading>[0]),
    ).toEqual([]);
  });

  it('stays ready once ready, though a section is without figures again for a while', () => {
    const ready = readinessLatch();
    expect(ready(['queues', 'agents'])).toBe(false);
    expect(ready([])).toBe(true);
    // Discovered at last after failing at start: the other sections' first figures come a cycle later.
    expect(ready(['queues', 'today'])).toBe(true);
    expect(readinessLatch()(['queues'])).toBe(false);
  });
});

describe("the view a server recorded last, which its poller carries its agents' times on from", () => {
  it('is none, said in the log, when the history cannot be read: the server starts all the same', () => {
    const { lines, logger } = warnings();
    const reader = {
      viewAt: () => {
        throw new Error('database disk image is malformed');
      },
    };
    const history = { reader } as unknown as Parameters<typeof lastRecorded>[0];
    expect(lastRecorded(history, 'default', logger)).toBeNull();
    expect(lines.join('')).toContain('the last recorded snapshot could not be read');
  });

  it('is none when nothing was recorded in the last minute', () => {
    const reader = { viewAt: () => ({ gap: { before: Date.now() - 120_000, after: null } }) };
    const history = { reader } as unknown as Parameters<typeof lastRecorded>[0];
    expect(lastRecorded(history, 'default', createLogger('silent'))).toBeNull();
  });
});
