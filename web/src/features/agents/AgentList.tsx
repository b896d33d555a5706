import type { Agent } from '@switchboard/shared';
import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef } from 'react';
import type { AgentGroup } from '../../api/selectors';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { remPx, useElementSize } from '../../components/useElementSize';
import { AgentTile } from './AgentTile';

/** Tile geometry in rem; styles.css sizes .agent-tile to match. */
export const AGENT_TILE = { minWidth: 15, height: 5.5, gap: 0.5, header: 2.25 };

const FIRST_SCREEN = { width: 1024, height: 720 };

type Row = { kind: 'header'; group: AgentGroup } | { kind: 'tiles'; key: string; agents: Agent[] };

export function agentRows(groups: readonly AgentGroup[], columns: number): Row[] {
  const rows: Row[] = [];
  for (const group of groups) {
    rows.push({ kind: 'header', group });
    for (let i = 0; i < group.agents.length; i += columns) {
      rows.push({ kind: 'tiles', key: `${group.key}:${i}`, agents: group.agents.slice(i, i + columns) });
    }
  }
  return rows;
}

/**
 * Every agent, grouped, in a scrolling list that draws only the rows in view: 1,500 agents cost what the
 * forty on screen cost.
 */
export function AgentList({
  groups,
  queueName,
}: {
  groups: readonly AgentGroup[];
  queueName: (queueId: string | null) => string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { width } = useElementSize(scroller);
  const rem = remPx();
  const columns = Math.max(
    1,
    Math.floor((width + AGENT_TILE.gap * rem) / ((AGENT_TILE.minWidth + AGENT_TILE.gap) * rem)) || 1,
  );
  const rows = useMemo(() => agentRows(groups, columns), [groups, columns]);
  // This build does not use the React Compiler; the virtualiser re-renders the list itself on scroll.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) =>
      (rows[index]?.kind === 'header' ? AGENT_TILE.header : AGENT_TILE.height + AGENT_TILE.gap) * rem,
    overscan: 3,
    // An element not laid out yet (first paint, jsdom) measures 0: draw a first screenful rather than nothing.
    initialRect: FIRST_SCREEN,
    observeElementRect: (instance, callback) =>
      observeElementRect(instance, (rect) => callback(rect.height > 0 ? rect : FIRST_SCREEN)),
  });
  const total = groups.reduce((sum, group) => sum + group.agents.length, 0);
  if (total === 0) {
    return (
      <p className="empty" data-testid="agents-empty">
        No agents match.
      </p>
    );
  }
  return (
    <div
      ref={scroller}
      className="agent-scroller"
      role="region"
      aria-label={`Agents (${total})`}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <div
              key={row.kind === 'header' ? `h:${row.group.key}` : row.key}
              className={row.kind === 'header' ? 'agent-group-header' : 'agent-row'}
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                width: '100%',
                transform: `translateY(${item.start}px)`,
                gridTemplateColumns: row.kind === 'tiles' ? `repeat(${columns}, minmax(0, 1fr))` : undefined,
              }}
            >
              {row.kind === 'header' ? (
                <h3 data-group={row.group.key}>
                  {row.group.label} <span className="count">{row.group.agents.length}</span>
                </h3>
              ) : (
                row.agents.map((agent) => (
                  <ErrorBoundary key={agent.id} what={`agent ${agent.name}`} resetKey={agent}>
                    <AgentTile agent={agent} queueName={queueName} />
                  </ErrorBoundary>
                ))
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}
