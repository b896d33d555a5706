import type { Agent } from '@switchboard/shared';
import type { AgentGroup } from '../../api/selectors';

import { AGENT_TILE } from '../../theme/sizes';

/** Tile geometry in rem, from theme/sizes.ts, which agents.css reads too. */
export { AGENT_TILE };

/** A row of the agent list: a group's heading, or up to `columns` of its agents side by side. */
export type AgentRow = { kind: 'header'; group: AgentGroup } | { kind: 'tiles'; agents: Agent[] };

/** How many tile columns fit a list `width` px wide (at least one). */
export function agentColumns(width: number, rem: number): number {
  const gap = AGENT_TILE.gap * rem;
  return Math.max(1, Math.floor((width + gap) / (AGENT_TILE.minWidth * rem + gap)) || 1);
}

/** Each group as a heading row, then its agents in rows of `columns`. */
export function agentRows(groups: readonly AgentGroup[], columns: number): AgentRow[] {
  const rows: AgentRow[] = [];
  for (const group of groups) {
    rows.push({ kind: 'header', group });
    for (let i = 0; i < group.agents.length; i += columns) {
      rows.push({ kind: 'tiles', agents: group.agents.slice(i, i + columns) });
    }
  }
  return rows;
}

/** A row's height in px, the gap below it included: a heading, or a row of tiles. */
export function agentRowHeight(row: AgentRow | undefined, rem: number): number {
  return (row?.kind === 'header' ? AGENT_TILE.header : AGENT_TILE.height + AGENT_TILE.gap) * rem;
}

/** What the list draws for rows `first`..`last`, in reading order: headings and tiles side by side. */
export type AgentCell = { kind: 'header'; group: AgentGroup } | { kind: 'tile'; agent: Agent };

export function visibleCells(rows: readonly AgentRow[], first: number, last: number): AgentCell[] {
  const cells: AgentCell[] = [];
  for (let index = Math.max(0, first); index <= last && index < rows.length; index++) {
    const row = rows[index];
    if (!row) continue;
    if (row.kind === 'header') cells.push(row);
    else for (const agent of row.agents) cells.push({ kind: 'tile', agent });
  }
  return cells;
}
