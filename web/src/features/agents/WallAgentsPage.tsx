import type { Agent, AgentLimits } from '@switchboard/shared';
import { Fragment, memo, useMemo, useRef } from 'react';
import { activityText } from '../../api/selectors';
import { useNow } from '../../api/clock';
import { ChannelIcon } from '../../components/ChannelIcon';
import { Elapsed } from '../../components/Elapsed';
import { useElementSize } from '../../components/useElementSize';
import { useFormat } from '../../format';
import { ATTENTION_TILE, LONGEST_ROW } from '../../theme/sizes';
import { ACTIVITY_GLYPHS } from './activityGlyphs';
import { wallAgents, type AgentException } from './wallAgents';
import './agents.css';

function fitting(size: { width: number; height: number; rem: number }, tile: typeof ATTENTION_TILE) {
  const gap = tile.gap * size.rem;
  const columns = Math.max(1, Math.floor((size.width + gap) / (tile.minWidth * size.rem + gap)));
  const rows = Math.max(1, Math.floor((size.height + gap) / (tile.height * size.rem + gap)));
  return columns * rows;
}

/** The contact that explains an agent's activity: the first one in the state that decided it, else the first. */
function decidingContact(agent: Agent) {
  return agent.contacts.find((c) => c.stateStartedAt === agent.activitySince) ?? agent.contacts[0];
}

/**
 * The wall's agents on one page, for a supervisor looking up from across the room: the agents who need
 * attention (Error, Missed, Rejected, or over the board's limit in after-contact work, on a contact or in a
 * custom status), worst first; the longest contacts still within the limit; and counts by activity for
 * everyone else. The full roster stays on the laptop view.
 */
export const WallAgentsPage = memo(function WallAgentsPage({
  agents,
  limits,
  queueName,
  behind = false,
}: {
  agents: readonly Agent[];
  limits: AgentLimits;
  queueName: (queueId: string | null) => string;
  /** The agents' figures have stopped coming (the queues' may be fresh): the page is dimmed. */
  behind?: boolean;
}) {
  const format = useFormat();
  // Worked out again on each second's tick too (about a millisecond for 1,500 agents), so an agent who crosses
  // a limit moves into the exceptions as the times on screen pass it, not at the next update.
  const now = useNow();
  const view = useMemo(() => wallAgents(agents, limits, now), [agents, limits, now]);
  const panel = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const panelSize = useElementSize(panel);
  const listSize = useElementSize(list);
  // Before layout (and in jsdom) nothing is measured: draw a screenful rather than nothing.
  const tileRoom = panelSize.height > 0 ? fitting(panelSize, ATTENTION_TILE) : 12;
  const rowGap = LONGEST_ROW.gap * listSize.rem;
  const rowRoom =
    listSize.height > 0
      ? Math.max(1, Math.floor((listSize.height + rowGap) / (LONGEST_ROW.height * listSize.rem + rowGap)))
      : 10;
  const { exceptions, longestContacts, counts, signedIn } = view;
  const overflow = exceptions.length > tileRoom;
  const shown = overflow ? exceptions.slice(0, Math.max(0, tileRoom - 1)) : exceptions;
  const everyoneElse = counts.reduce((n, c) => n + c.count, 0);

  return (
    <section
      className={behind ? 'wall-agents section-behind' : 'wall-agents'}
      aria-label="Agents"
      data-testid="wall-agents"
      data-stale={behind || undefined}
    >
      <section className="activity-counts" aria-label="Everyone else, by activity">
        <h2>
          {exceptions.length > 0 ? 'Everyone else' : 'Agents'}{' '}
          <span className="count">{format.count(everyoneElse)}</span>
        </h2>
        <ul>
          {counts.map((count) => (
            <li key={count.key} data-activity={count.activity} data-count-key={count.key}>
              <span className="agent-glyph" aria-hidden="true">
                {ACTIVITY_GLYPHS[count.activity]}
              </span>
              <span className="activity-count">{format.count(count.count)}</span>
              <span className="activity-label">{count.label}</span>
            </li>
          ))}
        </ul>
        <p className="signed-in">
          Signed in <strong>{format.count(signedIn)}</strong>
        </p>
      </section>
      <section className="attention" aria-label="Agents who need attention" data-testid="wall-attention">
        <h2>
          Need attention <span className="count">{format.count(exceptions.length)}</span>
          <span className="limits">
            limits: ACW {format.duration(limits.acwSeconds)} · contact{' '}
            {format.duration(limits.contactSeconds)} · away {format.duration(limits.customSeconds)}
            {Object.entries(limits.statusSeconds ?? {}).map(([status, seconds]) => (
              <Fragment key={status}>
                {' '}
                · {status} {seconds === null ? 'none' : format.duration(seconds)}
              </Fragment>
            ))}
          </span>
        </h2>
        <div className="attention-grid" ref={panel}>
          {exceptions.length === 0 ? (
            <p className="all-clear">No agent in error, and none over a limit.</p>
          ) : null}
          {shown.map((entry) => (
            <AttentionTile key={entry.agent.id} entry={entry} queueName={queueName} />
          ))}
          {overflow ? (
            <p className="tile attention-more" data-testid="attention-more">
              +{format.count(exceptions.length - shown.length)} more
              <span>on the laptop: Status, Need attention</span>
            </p>
          ) : null}
        </div>
      </section>
      <section className="longest" aria-label="Longest contacts" data-testid="wall-longest">
        <h2>
          Longest contacts <span className="limits">under {format.duration(limits.contactSeconds)}</span>
        </h2>
        <ol className="longest-list" ref={list}>
          {longestContacts.slice(0, rowRoom).map((entry) => {
            const contact = decidingContact(entry.agent);
            return (
              <li key={entry.agent.id} className="longest-row" data-agent-id={entry.agent.id}>
                <span className="agent-name">{entry.agent.name}</span>
                {contact ? <ChannelIcon channel={contact.channel} /> : null}
                <span className="contact-queue">{contact ? queueName(contact.queueId) : ''}</span>
                <Elapsed className="agent-elapsed" since={entry.agent.activitySince} />
              </li>
            );
          })}
          {longestContacts.length === 0 ? <li className="empty">No agent on a contact.</li> : null}
        </ol>
      </section>
    </section>
  );
});

const AttentionTile = memo(function AttentionTile({
  entry,
  queueName,
}: {
  entry: AgentException;
  queueName: (queueId: string | null) => string;
}) {
  const format = useFormat();
  const { agent, limitSeconds } = entry;
  const contact = decidingContact(agent);
  const text = activityText(agent);
  return (
    <article
      className="tile attention-tile"
      data-agent-id={agent.id}
      data-activity={agent.activity}
      data-over-limit={limitSeconds === null ? undefined : ''}
      aria-label={`${agent.name}, ${text}`}
    >
      <div className="agent-head">
        <span className="agent-glyph" aria-hidden="true">
          {ACTIVITY_GLYPHS[agent.activity]}
        </span>
        <span className="agent-name">{agent.name}</span>
      </div>
      <div className="attention-body">
        <span className="attention-activity">{text}</span>
        <Elapsed className="attention-elapsed" since={agent.activitySince} />
      </div>
      <div className="attention-detail">
        {contact && agent.activity !== 'custom' ? (
          <>
            <ChannelIcon channel={contact.channel} />
            <span className="contact-queue">{queueName(contact.queueId)}</span>
          </>
        ) : null}
        {limitSeconds !== null ? (
          <span className="attention-limit">over {format.duration(limitSeconds)}</span>
        ) : null}
      </div>
    </article>
  );
});
