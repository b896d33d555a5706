import { CHANNELS } from '@switchboard/shared';
import { memo } from 'react';
import { ACTIVITY_LABELS, ACTIVITY_ORDER, type AgentGrouping } from '../../api/selectors';
import { channelWord } from '../../components/ChannelIcon';
import type { ViewParams, ViewPatch } from '../../url';
import './agents.css';

interface Option {
  id: string;
  name: string;
}

const GROUPING_WORDS: Record<AgentGrouping, string> = {
  status: 'Status',
  routingProfile: 'Routing profile',
  hierarchyGroup: 'Team',
};

/** The queue filter's value when the address names several queues (`?queues=a,b`): one option stands for them. */
const SEVERAL = ' several';

/**
 * The options, and the one the address asks for when it is none of them (a profile with no agent in view, a
 * queue not on this board): shown as chosen, so the filter at work can be seen, and cleared by choosing "All".
 */
function withAsked(options: readonly Option[], asked: string | null | undefined): readonly Option[] {
  if (!asked || options.some((option) => option.id === asked)) return options;
  return [...options, { id: asked, name: `${asked} (none here)` }];
}

/** The laptop's filters; every choice is written to the address bar. */
export const AgentFilters = memo(function AgentFilters({
  params,
  update,
  queues,
  routingProfiles,
  hierarchyGroups,
  agents,
}: {
  params: ViewParams;
  update: (patch: ViewPatch) => void;
  queues: readonly Option[];
  routingProfiles: readonly Option[];
  hierarchyGroups: readonly Option[];
  /** The board shows agents: without them, only the filters of its queues (queue, channel). */
  agents: boolean;
}) {
  return (
    <form className="filters" aria-label="Filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <label>
        Queue
        <select
          value={params.queues.length > 1 ? SEVERAL : (params.queues[0] ?? '')}
          onChange={(event) => {
            if (event.target.value !== SEVERAL) update({ queues: event.target.value || null });
          }}
        >
          <option value="">All queues</option>
          {params.queues.length > 1 ? (
            <option value={SEVERAL}>{params.queues.length} queues, from the address</option>
          ) : null}
          {(params.queues.length > 1 ? queues : withAsked(queues, params.queues[0])).map((queue) => (
            <option key={queue.id} value={queue.id}>
              {queue.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Channel
        <select
          value={params.channel ?? ''}
          onChange={(event) => update({ channel: event.target.value || null })}
        >
          <option value="">All channels</option>
          {CHANNELS.map((channel) => (
            <option key={channel} value={channel}>
              {channelWord(channel)}
            </option>
          ))}
        </select>
      </label>
      {agents ? (
        <>
          <label>
            Routing profile
            <select
              value={params.profile ?? ''}
              onChange={(event) => update({ profile: event.target.value || null })}
            >
              <option value="">All profiles</option>
              {withAsked(routingProfiles, params.profile).map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Team
            <select
              value={params.group ?? ''}
              onChange={(event) => update({ group: event.target.value || null })}
            >
              <option value="">All teams</option>
              {withAsked(hierarchyGroups, params.group).map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select
              value={params.status ?? ''}
              onChange={(event) => update({ status: event.target.value || null })}
            >
              <option value="">Any status</option>
              <option value="attention">Need attention (in error, or over a limit)</option>
              {ACTIVITY_ORDER.map((activity) => (
                <option key={activity} value={activity}>
                  {ACTIVITY_LABELS[activity]}
                </option>
              ))}
            </select>
          </label>
          <label>
            Group agents by
            <select value={params.groupBy} onChange={(event) => update({ groupBy: event.target.value })}>
              {(Object.keys(GROUPING_WORDS) as AgentGrouping[]).map((grouping) => (
                <option key={grouping} value={grouping}>
                  {GROUPING_WORDS[grouping]}
                </option>
              ))}
            </select>
          </label>
          <label className="search">
            Find agent
            <input
              type="search"
              value={params.search}
              placeholder="Name or login"
              onChange={(event) => update({ search: event.target.value })}
            />
          </label>
        </>
      ) : null}
    </form>
  );
});
