/**
 * Connect's own metric names, used end to end: the API, the snapshot, the configuration and the tests.
 * Their labels, units and formats are in figures.ts, the one place that turns a name into words.
 */
import { figureDescriptor } from './figures.js';

/** Connect's channels as the SDK's `Channel` enum has them. Connect adds values without notice: see OTHER_CHANNEL. */
export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The channels GetCurrentMetricData's `Channels` filter is documented for ("Channels: 3 (VOICE, CHAT, and TASK
 * channels are supported.)", API reference, GetCurrentMetricData). EMAIL is a channel of contacts and queues but
 * cannot be asked for there, so Connect gives no real-time figures per channel for it.
 */
export const CURRENT_METRIC_FILTER_CHANNELS = ['VOICE', 'CHAT', 'TASK'] as const satisfies readonly Channel[];

/** How the snapshot carries a channel this build does not know yet (the raw value travels beside it). */
export const OTHER_CHANNEL = 'OTHER';
export const SNAPSHOT_CHANNELS = [...CHANNELS, OTHER_CHANNEL] as const;
export type SnapshotChannel = (typeof SNAPSHOT_CHANNELS)[number];

const KNOWN_CHANNELS: ReadonlySet<string> = new Set(CHANNELS);

export function isKnownChannel(value: string): value is Channel {
  return KNOWN_CHANNELS.has(value);
}

/** Every metric GetCurrentMetricData offers, with the unit Connect reports it in. */
export const CURRENT_METRICS = {
  AGENTS_ONLINE: 'COUNT',
  AGENTS_AVAILABLE: 'COUNT',
  AGENTS_ON_CALL: 'COUNT',
  AGENTS_ON_CONTACT: 'COUNT',
  AGENTS_STAFFED: 'COUNT',
  AGENTS_AFTER_CONTACT_WORK: 'COUNT',
  AGENTS_NON_PRODUCTIVE: 'COUNT',
  AGENTS_ERROR: 'COUNT',
  CONTACTS_IN_QUEUE: 'COUNT',
  CONTACTS_SCHEDULED: 'COUNT',
  SLOTS_ACTIVE: 'COUNT',
  SLOTS_AVAILABLE: 'COUNT',
  OLDEST_CONTACT_AGE: 'SECONDS',
  ESTIMATED_WAIT_TIME: 'SECONDS',
} as const;
export type CurrentMetricName = keyof typeof CURRENT_METRICS;
export const CURRENT_METRIC_NAMES = Object.keys(CURRENT_METRICS) as CurrentMetricName[];

/** Current metrics that count agents: never summed across queues, since one agent serves many queues. */
export const AGENT_COUNT_METRICS: readonly CurrentMetricName[] = [
  'AGENTS_ONLINE',
  'AGENTS_AVAILABLE',
  'AGENTS_ON_CALL',
  'AGENTS_ON_CONTACT',
  'AGENTS_STAFFED',
  'AGENTS_AFTER_CONTACT_WORK',
  'AGENTS_NON_PRODUCTIVE',
  'AGENTS_ERROR',
  'SLOTS_ACTIVE',
  'SLOTS_AVAILABLE',
];

/** A metric's name in words: "In queue", "Service level (20 s)". The descriptors in figures.ts hold the words. */
export function metricLabel(name: string): string {
  return figureDescriptor(name).label;
}
