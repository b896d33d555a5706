import { contactActivity, type Agent } from '@switchboard/shared';
import { memo } from 'react';
import { ACTIVITY_LABELS, activityText, agentActivity } from '../../api/selectors';
import { ChannelIcon } from '../../components/ChannelIcon';
import { Elapsed } from '../../components/Elapsed';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { ACTIVITY_GLYPHS } from './activityGlyphs';
import './agents.css';

type Contact = Agent['contacts'][number];

/**
 * An agent's contacts, those of one queue and channel together, in the order of each group's first contact:
 * three chats from one queue read "Chat ×3 Support 4:22 0:25", not the queue's name three times, each cut to a
 * letter or two in a tile's width.
 */
export function contactGroups(contacts: readonly Contact[]): [Contact, ...Contact[]][] {
  const groups = new Map<string, [Contact, ...Contact[]]>();
  for (const contact of contacts) {
    const key = `${contact.queueId ?? ''}\u0000${contact.channel}\u0000${contact.rawChannel ?? ''}`;
    const group = groups.get(key);
    if (group) group.push(contact);
    else groups.set(key, [contact]);
  }
  return [...groups.values()];
}

export interface AgentTileProps {
  agent: Agent;
  queueName: (queueId: string | null) => string;
}

/**
 * One agent: who, in what activity since when (Connect's Agent Activity and its duration, not the CCP status,
 * which stays "Available" through a call), and which contacts from which queues (those of one queue and channel
 * together, with their count). A contact's own time in its state is shown where it differs from the activity's:
 * the activity's time is its deciding contact's, so an agent on one contact would show the same ticking time twice
 * (and the page would redraw both every second). A tile that cannot be drawn says so in its own place; the
 * boundary sits inside the memo, so an agent who did not change costs nothing on an update.
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
          {contactGroups(agent.contacts).map((group) => {
            const [first] = group;
            const times = group.filter((contact) => contact.stateStartedAt !== agent.activitySince);
            return (
              <li key={first.contactId}>
                <ChannelIcon channel={first.channel} raw={first.rawChannel} />
                {group.length > 1 ? (
                  <>
                    <span className="contact-count" aria-hidden="true">
                      ×{group.length}
                    </span>
                    <span className="sr-only">, {group.length} contacts,</span>
                  </>
                ) : null}
                <span className="contact-queue">{queueName(first.queueId)}</span>
                {times.map((contact) => {
                  // The activity's time above is its deciding contact's: these are the others', each in its state.
                  const doing = ACTIVITY_LABELS[contactActivity(contact.state, contact.initiationMethod)];
                  return (
                    <span key={contact.contactId}>
                      <span className="sr-only">, another contact {doing.toLowerCase()} for</span>
                      <Elapsed
                        className="contact-elapsed"
                        since={contact.stateStartedAt}
                        title={`Another contact: ${doing}, for this long`}
                      />
                    </span>
                  );
                })}
              </li>
            );
          })}
        </ul>
      ) : null}
    </article>
  );
}
