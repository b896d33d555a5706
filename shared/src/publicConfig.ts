import { z } from 'zod';

/**
 * What the server tells every screen about its configuration at GET /api/v1/config: the boards, and the
 * targets a figure is drawn against. It never carries secrets or Connect credentials.
 */
export const SECTIONS = ['summary', 'queues', 'agents', 'charts', 'alerts'] as const;
export type BoardSection = (typeof SECTIONS)[number];

/**
 * How long an agent may stay in after-contact work, on a contact, or in a custom status (a break, lunch) before
 * the wall lists them among the agents who need attention. Seconds.
 */
export const agentLimitsSchema = z.object({
  acwSeconds: z.number().int().positive(),
  contactSeconds: z.number().int().positive(),
  customSeconds: z.number().int().positive(),
  /**
   * Limits of particular custom statuses, by their name in Connect (matched whatever its case), over
   * `customSeconds`; null: that status has no limit (an agent in it is never listed for its time).
   */
  statusSeconds: z.record(z.string(), z.number().int().positive().nullable()).optional(),
});
export type AgentLimits = z.infer<typeof agentLimitsSchema>;

/** The limit on time in the custom status `status` (its name): its own, else `customSeconds`; null for none. */
export function customStatusLimit(status: string, limits: AgentLimits): number | null {
  const wanted = status.trim().toLowerCase();
  for (const [name, seconds] of Object.entries(limits.statusSeconds ?? {}))
    if (name.trim().toLowerCase() === wanted) return seconds;
  return limits.customSeconds;
}

/** Two minutes of after-contact work, ten on a contact, fifteen in a break or other custom status. */
export const DEFAULT_AGENT_LIMITS: AgentLimits = { acwSeconds: 120, contactSeconds: 600, customSeconds: 900 };

export const boardSchema = z.object({
  id: z.string(),
  title: z.string(),
  /** The id of the Connect instance the board shows (see `instances`); the server always sends it. */
  instance: z.string().optional(),
  /** The queue ids this board shows, already resolved by the server from ids, names and patterns. */
  queueIds: z.array(z.string()).nullable(),
  sections: z.array(z.enum(SECTIONS)),
  timeZone: z.string(),
  locale: z.string(),
  /** Sound a short tone on a new critical alert (wall view only). */
  sound: z.boolean(),
  /** The wall's limits on time in an activity; the server always sends them (DEFAULT_AGENT_LIMITS otherwise). */
  agentLimits: agentLimitsSchema.optional(),
});
export type Board = z.infer<typeof boardSchema>;

export const instanceSummarySchema = z.object({ id: z.string(), name: z.string() });
export type InstanceSummary = z.infer<typeof instanceSummarySchema>;

export const publicConfigSchema = z.object({
  /** The Connect instances of the deployment, the default first; the server always sends them. */
  instances: z.array(instanceSummarySchema).optional(),
  boards: z.array(boardSchema).min(1),
  defaultBoardId: z.string(),
  serviceLevel: z.object({ thresholdSeconds: z.number().int().positive(), targetPercent: z.number() }),
  staleAfterMs: z.number().int().positive(),
  /** The last configuration error, when a broken edit was refused and the previous configuration kept. */
  configError: z.string().nullable(),
});
export type PublicConfig = z.infer<typeof publicConfigSchema>;
