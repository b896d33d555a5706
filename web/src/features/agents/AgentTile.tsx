import type { Agent } from '@switchboard/shared';
import { memo } from 'react';
import { ACTIVITY_LABELS, agentActivity, type AgentActivity } from '../../api/selectors';
import { ChannelIcon } from '../../components/ChannelIcon';
import { Elapsed } from '../../components/Elapsed';
import { ErrorBoundary } from '../../components/ErrorBoundary';

/** A glyph per activity, so the status reads without its colour. */
const ACTIVITY_GLYPHS: Record<AgentActivity, string> = {
  'on-contact': '●',
  incoming: '◔',
  acw: '◐',
  available: '○',
  custom: '◇',
  missed: '!',
  rejected: '⊘',
  error: '✕',
  offline: '–',
};

export interface AgentTileProps {
  agent: Agent;
  queueName: (queueId: string | null) => string;
}

/**
 * One agent: who, in what status since when, and which contacts from which queues. A tile that cannot be
 * drawn says so in its own place; the boundary sits inside the memo, so an agent who did not change costs
 * nothing on an update.
 */
export const AgentTile = memo(function AgentTile(props: AgentTileProps) {
  return (
    <ErrorBoundary what={`agent ${props.agent.name}`} resetKey={props.agent}>
      <AgentTileBody {...props} />
    </ErrorBoundary>
  );
});

function AgentTileBody({ agent, queueName }: AgentTileProps) {
  const activity = agentActivity(agent);
  return (
    <article
      className="tile agent-tile"
      data-agent-id={agent.id}
      data-activity={activity}
      aria-label={`${agent.name}, ${agent.status}`}
    >
      <div className="agent-head">
        <span className="agent-glyph" aria-hidden="true">
          {ACTIVITY_GLYPHS[activity]}
        </span>
        <span className="agent-name">{agent.name}</span>
        <Elapsed className="agent-elapsed" since={agent.activitySince} />
      </div>
      <div className="agent-status">
        <span className="sr-only">{ACTIVITY_LABELS[activity]}: </span>
        {agent.status}
      </div>
      {agent.contacts.length > 0 ? (
        <ul className="agent-contacts" aria-label="Contacts">
          {agent.contacts.map((contact) => (
            <li key={contact.contactId} data-contact-state={contact.state}>
              <ChannelIcon channel={contact.channel} raw={contact.rawChannel} />
              <span className="contact-queue">{queueName(contact.queueId)}</span>
              <Elapsed className="contact-elapsed" since={contact.stateStartedAt} />
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
