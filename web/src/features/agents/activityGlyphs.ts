import type { AgentActivity } from '../../api/selectors';

/**
 * A glyph per activity, so an agent's activity reads without its colour: a filled dot on a contact, a half
 * one in after-contact work, a ringing quarter for an incoming contact, a ring within a ring for a supervisor
 * listening in, and marks for the three the supervisor
 * must act on (Error, Missed, Rejected). agents.css gives each the matching `--activity` colour.
 */
export const ACTIVITY_GLYPHS: Record<AgentActivity, string> = {
  'on-contact': '●',
  incoming: '◔',
  acw: '◐',
  monitoring: '◎',
  available: '○',
  custom: '◇',
  missed: '!',
  rejected: '⊘',
  error: '✕',
  offline: '–',
};
