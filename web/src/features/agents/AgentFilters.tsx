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
  hierarchyGroup: 'Hierarchy group',
};

/** The laptop's filters; every choice is written to the address bar. */
export const AgentFilters = memo(function AgentFilters({
  params,
  update,
  queues,
  routingProfiles,
  hierarchyGroups,
}: {
  params: ViewParams;
  update: (patch: ViewPatch) => void;
  queues: readonly Option[];
  routingProfiles: readonly Option[];
  hierarchyGroups: readonly Option[];
}) {
  return (
    <form className="filters" aria-label="Filters" role="search" onSubmit={(event) => event.preventDefault()}>
      <label>
        Queue
        <select
          value={params.queues[0] ?? ''}
          onChange={(event) => update({ queues: event.target.value || null })}
        >
          <option value="">All queues</option>
          {queues.map((queue) => (
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
      <label>
        Routing profile
        <select
          value={params.profile ?? ''}
          onChange={(event) => update({ profile: event.target.value || null })}
        >
          <option value="">All profiles</option>
          {routingProfiles.map((profile) => (
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
          {hierarchyGroups.map((group) => (
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
    </form>
  );
});
