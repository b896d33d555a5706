import type { Board } from '@switchboard/shared';
import { createContext, use } from 'react';
import { FALLBACK_BOARD } from './api/config';
import { serviceLevelMetric } from './api/selectors';

/** The board on screen and the figures it is drawn against, from the server's configuration. */
export interface BoardContextValue {
  board: Board;
  /** e.g. SERVICE_LEVEL_20: the service level the configuration targets. */
  serviceLevelMetric: string;
  serviceLevelSeconds: number;
  targetPercent: number;
  staleAfterMs: number;
}

export const DEFAULT_BOARD_CONTEXT: BoardContextValue = {
  board: FALLBACK_BOARD,
  serviceLevelMetric: serviceLevelMetric(20),
  serviceLevelSeconds: 20,
  targetPercent: 80,
  staleAfterMs: 15_000,
};

export const BoardContext = createContext<BoardContextValue>(DEFAULT_BOARD_CONTEXT);

export function useBoard(): BoardContextValue {
  return use(BoardContext);
}
