import {
  DEFAULT_AGENT_LIMITS,
  SECTIONS,
  SERVICE_LEVEL_MAX_SECONDS,
  alertRuleSchema,
  screenAlertRuleSchema,
  serviceLevelSeconds,
  thresholdSetSchema,
} from '@switchboard/shared';
import { isTimeZone } from '@switchboard/shared/timeZone';
import { z } from 'zod';

/**
 * The wallboard configuration file (WALLBOARD_CONFIG, YAML): boards, thresholds and alert rules.
 * Every key is optional; an empty file gives one board of every queue with sensible thresholds.
 */

function isLocale(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

/** A list whose items' ids must differ: each repeat is an issue at its own index, naming the id. */
function uniqueIds(what: string) {
  return (items: readonly { id: string }[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item.id))
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `${what} id "${item.id}" is used twice`,
        });
      seen.add(item.id);
    });
  };
}

const timeZone = z.string().refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/London' });
const locale = z.string().refine(isLocale, { message: 'must be a BCP 47 locale, e.g. en-GB' });

const slug = (example: string) =>
  z
    .string({ error: `id must be a string, e.g. ${example}` })
    .regex(/^[a-z0-9][a-z0-9-]*$/, `id must be lower-case letters, digits and dashes, e.g. ${example}`);

/** One Amazon Connect instance the deployment watches; boards name it by its `id`. */
export const instanceConfigSchema = z
  .object({
    id: slug('emea'),
    instanceId: z
      .string({ error: 'instanceId must be the instance id (a UUID)' })
      .regex(/^[A-Za-z0-9-]{1,100}$/, 'instanceId must be the instance id (a UUID), not its ARN or alias'),
    region: z
      .string({ error: 'region must be an AWS region, e.g. eu-west-2' })
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'region must look like eu-west-2'),
    /**
     * The instance's AWS account: Connect's quotas are per account and Region, so instances of one account and
     * Region share one rate budget. Unset means the account of the credentials the wallboard runs with.
     */
    accountId: z
      .string({ error: 'accountId must be the 12-digit AWS account id, e.g. "111122223333" (quoted)' })
      .regex(/^\d{12}$/, 'accountId must be the 12-digit AWS account id, e.g. "111122223333" (quoted)')
      .optional(),
    /**
     * A profile of the AWS config file to read this instance with (e.g. one assuming a role in its account):
     * Connect has no resource-based policies, so credentials read only their own account's instances. Unset
     * means the SDK's default provider chain.
     */
    profile: z
      .string({ error: 'profile must name a profile of the AWS config file, e.g. apac-reader' })
      .regex(
        /^[A-Za-z0-9_.+=,@-]{1,64}$/,
        'profile must name a profile of the AWS config file, e.g. apac-reader',
      )
      .optional(),
    /** Another endpoint (a VPC endpoint, the simulator); unset means Connect's public endpoint. */
    endpoint: z.url({ protocol: /^https?$/, error: 'endpoint must be an http(s) URL' }).optional(),
    /** The name screens show; defaults to the id. */
    name: z
      .string()
      .min(1, 'name must not be empty')
      .max(100, 'name must be at most 100 characters')
      .optional(),
  })
  .strict();
export type InstanceConfig = z.infer<typeof instanceConfigSchema>;

const limitSeconds = (field: string, example: number) =>
  z
    .number({ error: `${field} must be a number of seconds, e.g. ${example}` })
    .int(`${field} must be a whole number of seconds, e.g. ${example}`)
    .min(1, `${field} must be at least 1 second`)
    .max(86_400, `${field} must be at most 86400 (a day)`);

/**
 * How long an agent may spend in after-contact work, on a contact, or in a custom status (a break) before the
 * wall lists them among the agents who need attention; per board, over the file's own, over the defaults.
 */
export const agentLimitsConfigSchema = z
  .object({
    acwSeconds: limitSeconds('acwSeconds', DEFAULT_AGENT_LIMITS.acwSeconds).optional(),
    contactSeconds: limitSeconds('contactSeconds', DEFAULT_AGENT_LIMITS.contactSeconds).optional(),
    customSeconds: limitSeconds('customSeconds', DEFAULT_AGENT_LIMITS.customSeconds).optional(),
    /** Per custom status, by its name in Connect: seconds, or `none` for no limit (e.g. `Lunch: 3600`). */
    statusSeconds: z
      .record(
        z.string().trim().min(1, 'statusSeconds names a custom status by its name in Connect, e.g. Lunch'),
        z.union([limitSeconds('a status limit', 3600), z.literal('none')], {
          error: 'a status limit must be a number of seconds, e.g. 3600, or none',
        }),
        {
          error:
            'statusSeconds must map custom status names to seconds, e.g. { Lunch: 3600, Training: none }',
        },
      )
      .superRefine((statuses, ctx) => {
        // Statuses are matched whatever their case: two names of one status would leave which limit holds to chance.
        const seen = new Map<string, string>();
        for (const name of Object.keys(statuses)) {
          const other = seen.get(name.toLowerCase());
          if (other !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: [name],
              message: `statusSeconds names one status twice, as "${other}" and "${name}" (case does not count): keep one`,
            });
          seen.set(name.toLowerCase(), name);
        }
      })
      .optional(),
  })
  .strict();
export type AgentLimitsConfig = z.infer<typeof agentLimitsConfigSchema>;

export const boardConfigSchema = z
  .object({
    id: slug('sales-floor'),
    title: z.string().min(1, 'title must not be empty'),
    /** The `id` of one of `instances`; unset means the first. */
    instance: z
      .string({ error: 'instance must be the id of one of the instances, e.g. emea' })
      .min(1, 'instance must not be empty')
      .optional(),
    /** `all`, or queue ids, names or name patterns with `*` (e.g. `Sales*`). */
    queues: z
      .union([z.literal('all'), z.array(z.string().min(1)).min(1, 'queues must list at least one queue')])
      .default('all'),
    sections: z
      .array(z.enum(SECTIONS))
      .min(1)
      .default([...SECTIONS]),
    timeZone: timeZone.optional(),
    locale: locale.optional(),
    sound: z.boolean().default(false),
    thresholds: thresholdSetSchema.default({}),
    agentLimits: agentLimitsConfigSchema.optional(),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/, error: 'webhook.url must be an http(s) URL' }),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BoardConfig = z.infer<typeof boardConfigSchema>;

const boardIdList = z
  .array(slug('sales-floor'), { error: 'must be all, or a list of board ids, e.g. [sales-floor]' })
  .min(1, 'must list at least one board id, or be all');

/**
 * Which boards the users an authenticating proxy names may read (ACCESS_MODE=proxy): `users` by name (as the
 * proxy sends it; compared without regard to case), everyone else `others`. Unset: every board for everyone.
 */
export const accessConfigSchema = z
  .object({
    users: z
      .record(
        z.string().min(1, 'a user name must not be empty'),
        z.union([z.literal('all'), boardIdList], {
          error: 'a user may read all, or a list of board ids, e.g. [sales-floor]',
        }),
      )
      .default({}),
    others: z
      .union([z.literal('all'), z.literal('none'), boardIdList], {
        error: 'others must be all, none, or a list of board ids, e.g. [lobby]',
      })
      .default('all'),
  })
  .strict();
export type AccessConfig = z.infer<typeof accessConfigSchema>;

export const DEFAULT_THRESHOLDS = {
  CONTACTS_IN_QUEUE: { warn: 5, critical: 10, direction: 'above' },
  OLDEST_CONTACT_AGE: { warn: 60, critical: 180, direction: 'above' },
  SERVICE_LEVEL_20: { warn: 80, critical: 70, direction: 'below' },
} as const;

/**
 * The service levels (seconds, smallest first) the file needs fetched: its service level, and every
 * SERVICE_LEVEL_<seconds> a threshold or alert rule names, so no figure a screen draws or a rule watches is missing.
 */
export function fileServiceLevels(config: {
  serviceLevel: { thresholdSeconds: number };
  thresholds: { defaults: Record<string, unknown>; queues: Record<string, Record<string, unknown>> };
  boards: readonly { thresholds: Record<string, unknown> }[];
  alerts: readonly { metric: string }[];
}): number[] {
  const named = [
    ...Object.keys(config.thresholds.defaults),
    ...Object.values(config.thresholds.queues).flatMap((set) => Object.keys(set)),
    ...config.boards.flatMap((board) => Object.keys(board.thresholds)),
    ...config.alerts.map((rule) => rule.metric),
  ]
    .map(serviceLevelSeconds)
    .filter((seconds) => seconds !== null);
  return [...new Set([config.serviceLevel.thresholdSeconds, ...named])].sort((a, b) => a - b);
}

export const wallboardConfigSchema = z
  .object({
    timeZone: timeZone.default('UTC'),
    locale: locale.default('en-GB'),
    serviceLevel: z
      .object({
        thresholdSeconds: z.number().int().min(1).max(SERVICE_LEVEL_MAX_SECONDS).default(20),
        targetPercent: z.number().min(0).max(100).default(80),
      })
      .strict()
      .default({ thresholdSeconds: 20, targetPercent: 80 }),
    /**
     * The forecast of each queue's service level (docs/forecast.md): the handle time taken while today has too
     * few contacts handled to have its own, and how much of today's latest intervals the arrival rate averages.
     */
    forecast: z
      .object({
        defaultHandleTimeSeconds: z
          .number({ error: 'forecast.defaultHandleTimeSeconds must be a number of seconds, e.g. 300' })
          .min(1, 'forecast.defaultHandleTimeSeconds must be at least 1 second, e.g. 300')
          .max(86_400, 'forecast.defaultHandleTimeSeconds must be at most 86400 (a day)')
          .default(300),
        smoothingMinutes: z
          .number({ error: 'forecast.smoothingMinutes must be a number of minutes, e.g. 60' })
          .int('forecast.smoothingMinutes must be a whole number of minutes, e.g. 60')
          .min(15, 'forecast.smoothingMinutes must be at least 15')
          .max(240, 'forecast.smoothingMinutes must be at most 240 (four hours)')
          .default(60),
      })
      .strict()
      .default({ defaultHandleTimeSeconds: 300, smoothingMinutes: 60 }),
    thresholds: z
      .object({
        defaults: thresholdSetSchema.default({ ...DEFAULT_THRESHOLDS }),
        queues: z.record(z.string(), thresholdSetSchema).default({}),
      })
      .strict()
      .default({ defaults: { ...DEFAULT_THRESHOLDS }, queues: {} }),
    agentLimits: agentLimitsConfigSchema.default({}),
    /** The Connect instances; unset means the one named by CONNECT_INSTANCE_ID, or the embedded simulator. */
    instances: z
      .array(instanceConfigSchema)
      .min(1, 'instances must list at least one instance, or be left out to use CONNECT_INSTANCE_ID')
      .superRefine((instances, ctx) => {
        const ids = new Set<string>();
        const connectIds = new Set<string>();
        instances.forEach((instance, index) => {
          if (ids.has(instance.id))
            ctx.addIssue({
              code: 'custom',
              path: [index, 'id'],
              message: `instance id "${instance.id}" is used twice`,
            });
          // Two entries for one Connect instance would poll it twice and spend its rate limit twice.
          if (connectIds.has(instance.instanceId))
            ctx.addIssue({
              code: 'custom',
              path: [index, 'instanceId'],
              message: `instanceId ${instance.instanceId} is listed twice: list each Connect instance once`,
            });
          ids.add(instance.id);
          connectIds.add(instance.instanceId);
        });
      })
      .optional(),
    boards: z
      .array(boardConfigSchema)
      .min(1, 'boards must list at least one board, or be left out for one board of every queue')
      .default([
        {
          id: 'all',
          title: 'All queues',
          queues: 'all',
          sections: [...SECTIONS],
          sound: false,
          thresholds: {},
        },
      ])
      .superRefine(uniqueIds('board')),
    access: accessConfigSchema.default({ users: {}, others: 'all' }),
    alerts: z.array(alertRuleSchema).default([]).superRefine(uniqueIds('alert')),
    /** Alert rules on the screens themselves: a named screen disconnected or stale for some minutes. */
    screenAlerts: z.array(screenAlertRuleSchema).default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    // Every board the access section names must be a board: a typo would silently lock someone out.
    const boardIds = config.boards.map((board) => board.id);
    const checkBoards = (scope: string | readonly string[], path: (string | number)[]) => {
      if (typeof scope === 'string') return;
      scope.forEach((id, index) => {
        if (!boardIds.includes(id))
          ctx.addIssue({
            code: 'custom',
            path: [...path, index],
            message: `unknown board "${id}": it must be one of ${boardIds.join(', ')}`,
          });
      });
    };
    const seenUsers = new Map<string, string>();
    for (const [user, scope] of Object.entries(config.access.users)) {
      const other = seenUsers.get(user.toLowerCase());
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['access', 'users', user],
          message: `user "${user}" is listed twice (also as "${other}"; names are compared without regard to case): list each user once`,
        });
      seenUsers.set(user.toLowerCase(), user);
      checkBoards(scope, ['access', 'users', user]);
    }
    checkBoards(config.access.others, ['access', 'others']);
    const ruleIds = new Set(config.alerts.map((rule) => rule.id));
    config.screenAlerts.forEach((rule, index) => {
      if (ruleIds.has(rule.id))
        ctx.addIssue({
          code: 'custom',
          path: ['screenAlerts', index, 'id'],
          message: `alert id "${rule.id}" is used twice (also under alerts): give each rule its own id`,
        });
      ruleIds.add(rule.id);
    });
    const ids = config.instances?.map((instance) => instance.id);
    config.boards.forEach((board, index) => {
      if (board.instance === undefined) return;
      if (!ids) {
        ctx.addIssue({
          code: 'custom',
          path: ['boards', index, 'instance'],
          message: `no instances are listed, so there is no instance "${board.instance}": list the instances under instances, or leave instance out`,
        });
      } else if (!ids.includes(board.instance)) {
        ctx.addIssue({
          code: 'custom',
          path: ['boards', index, 'instance'],
          message: `unknown instance "${board.instance}": it must be one of ${ids.join(', ')}`,
        });
      }
    });
  });
export type WallboardConfig = z.infer<typeof wallboardConfigSchema>;
