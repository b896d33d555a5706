import { observeElementRect, useVirtualizer } from '@tanstack/react-virtual';
import { memo, useMemo, useRef } from 'react';
import type { AgentGroup } from '../../api/selectors';
import { useNearViewport } from '../../components/nearViewport';
import { useElementSize } from '../../components/useElementSize';
import { AgentTile } from './AgentTile';
import { agentColumns, agentRowHeight, agentRows, visibleCells } from './agentRows';
import './agents.css';

const FIRST_SCREEN = { width: 1024, height: 720 };

/**
 * Every agent, grouped, in a scrolling list that draws only the rows in view: 1,500 agents cost what the
 * forty on screen cost. The rows in view are one grid whose children are keyed by agent, so when an agent's
 * new state moves it along (every tile after it shifts by one), React moves its tile instead of drawing a new
 * one in the next row. While the list itself is off screen, it draws no tiles at all.
 */
export const AgentList = memo(function AgentList({
  groups,
  queueName,
}: {
  groups: readonly AgentGroup[];
  queueName: (queueId: string | null) => string;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { width, rem } = useElementSize(scroller);
  // Scrolled out of sight (on a laptop the list is below the queues), the list keeps its size but draws no
  // tiles: they would redraw on every update for nobody, and tick every second.
  const near = useNearViewport(scroller);
  const columns = agentColumns(width, rem);
  const rows = useMemo(() => agentRows(groups, columns), [groups, columns]);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (index) => agentRowHeight(rows[index], rem),
    // A row beyond the edge each way: every row drawn redraws on updates and ticks every second.
    overscan: 1,
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
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const cells = near && first && last ? visibleCells(rows, first.index, last.index) : [];
  return (
    <div
      ref={scroller}
      className="agent-scroller"
      role="region"
      aria-label={`Agents (${total})`}
      tabIndex={0}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        <div
          className="agent-grid"
          style={{
            transform: `translateY(${first?.start ?? 0}px)`,
            gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
          }}
        >
          {cells.map((cell) =>
            cell.kind === 'header' ? (
              <div key={`h:${cell.group.key}`} className="agent-group-header">
                <h3 data-group={cell.group.key}>
                  {cell.group.label} <span className="count">{cell.group.agents.length}</span>
                </h3>
              </div>
            ) : (
              <AgentTile key={cell.agent.id} agent={cell.agent} queueName={queueName} />
            ),
          )}
        </div>
      </div>
    </div>
  );
});
