import type { Agent } from '@switchboard/shared';
import { memo } from 'react';
import { ACTIVITY_LABELS, activityText, agentActivity } from '../../api/selectors';
import { ChannelIcon } from '../../components/ChannelIcon';
import { Elapsed } from '../../components/Elapsed';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { ACTIVITY_GLYPHS } from './activityGlyphs';
import './agents.css';

export interface AgentTileProps {
  agent: Agent;
  queueName: (queueId: string | null) => string;
}

/**
 * One agent: who, in what activity since when (Connect's Agent Activity and its duration, not the CCP status,
 * which stays "Available" through a call), and which contacts from which queues. A contact's own time in its
 * state is shown where it differs from the activity's: the activity's time is its deciding contact's, so an
 * agent on one contact would show the same ticking time twice (and the page would redraw both every second). A
 * tile that cannot be drawn says so in its own place; the boundary sits inside the memo, so an agent who did
 * not change costs nothing on an update.
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
  const text = activityText(agent);
  return (
    <article
      className="tile agent-tile"
      data-agent-id={agent.id}
      data-activity={activity}
      aria-label={`${agent.name}, ${text}`}
    >
      <div className="agent-head">
        <span className="agent-glyph" aria-hidden="true">
          {ACTIVITY_GLYPHS[activity]}
        </span>
        <span className="agent-name">{agent.name}</span>
        <Elapsed className="agent-elapsed" since={agent.activitySince} />
      </div>
      <div className="agent-status">
        {activity === 'custom' ? <span className="sr-only">{ACTIVITY_LABELS.custom}: </span> : null}
        {text}
      </div>
      {agent.contacts.length > 0 ? (
        <ul className="agent-contacts" aria-label="Contacts">
          {agent.contacts.map((contact) => (
            <li key={contact.contactId} data-contact-state={contact.state}>
              <ChannelIcon channel={contact.channel} raw={contact.rawChannel} />
              <span className="contact-queue">{queueName(contact.queueId)}</span>
              {contact.stateStartedAt !== agent.activitySince ? (
                <Elapsed className="contact-elapsed" since={contact.stateStartedAt} />
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </article>
  );
}
