import { describe, expect, it } from 'vitest';
import type { AgentGroup } from '../../api/selectors';
import { makeSnapshot } from '../../testing/makeSnapshot';
import { AGENT_TILE, agentColumns, agentRowHeight, agentRows, visibleCells } from './agentRows';

const agents = makeSnapshot({ agents: 7 }).agents;
const groups: AgentGroup[] = [
  { key: 'a', label: 'A', agents: agents.slice(0, 5) },
  { key: 'b', label: 'B', agents: agents.slice(5) },
];

describe('agent list rows', () => {
  it('fits as many 15 rem columns as the width allows, with the gaps between them, and never none', () => {
    // 15 rem tiles and 0.5 rem gaps at 16 px: 240 px for one, 488 px for two.
    expect(agentColumns(487, 16)).toBe(1);
    expect(agentColumns(488, 16)).toBe(2);
    expect(agentColumns(1920, 16)).toBe(7);
    expect(agentColumns(0, 16)).toBe(1);
  });

  it('gives each group a heading row, then its agents in rows of the column count, the last row short', () => {
    const rows = agentRows(groups, 2);
    expect(rows.map((row) => (row.kind === 'header' ? `h:${row.group.key}` : row.agents.length))).toEqual([
      'h:a',
      2,
      2,
      1,
      'h:b',
      2,
    ]);
  });

  it('sizes a heading and a row of tiles as the stylesheet does, gap below included', () => {
    const rows = agentRows(groups, 2);
    expect(agentRowHeight(rows[0], 16)).toBe(AGENT_TILE.header * 16);
    expect(agentRowHeight(rows[1], 16)).toBe((AGENT_TILE.height + AGENT_TILE.gap) * 16);
  });

  it('draws only the rows in view, in reading order, each agent once', () => {
    const rows = agentRows(groups, 2);
    const cells = visibleCells(rows, 2, 4);
    expect(cells.map((cell) => (cell.kind === 'header' ? `h:${cell.group.key}` : cell.agent.id))).toEqual([
      agents[2]?.id,
      agents[3]?.id,
      agents[4]?.id,
      'h:b',
    ]);
    // Two headings and seven agents.
    expect(visibleCells(rows, 0, rows.length - 1)).toHaveLength(9);
    expect(visibleCells(rows, 5, 99)).toHaveLength(2);
  });
});
