import type { FigureState, Queue } from '@switchboard/shared';
import { useCallback, useMemo } from 'react';
import { boardQueues } from '../api/selectors';
import { useBoardStates, useQueues } from '../api/useSnapshotSlices';
import { useBoard } from '../board';

/** The board's queues and each one's figure states under the board's own threshold overrides. */
export function useBoardQueues() {
  const { board } = useBoard();
  const queues = useQueues();
  const boardStates = useBoardStates();
  const shown = useMemo(() => (queues ? boardQueues(queues, board) : []), [queues, board]);
  const overrides = boardStates?.[board.id];
  const statesOf = useCallback(
    (queue: Queue): Record<string, FigureState> => overrides?.[queue.id] ?? queue.states,
    [overrides],
  );
  return { queues: shown, statesOf, loaded: queues !== undefined };
}
