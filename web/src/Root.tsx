import { App } from './App';
import { pickBoard, useConfig } from './api/config';
import { SnapshotFeed, type SnapshotFeedProps } from './api/SnapshotFeed';
import { useViewParams } from './url';

/**
 * A new board in the URL may be another Connect instance: it gets a feed of its own. An address that names no
 * board shows the server's default board, and its feed carries that board's view (the whole instance's would put
 * every queue's figures, agents and alerts under the board's title), once the configuration says which board that
 * is; should the configuration not come, the whole instance's.
 */
export function Root({ streamOptions }: { streamOptions?: SnapshotFeedProps['streamOptions'] }) {
  const [{ board }] = useViewParams();
  const config = useConfig();
  const shown = board ?? config.data?.defaultBoardId ?? (config.failureCount > 0 ? null : undefined);
  if (shown === undefined)
    return (
      <div className="first-load" data-testid="first-load">
        <p className="loading" role="status">
          Connecting to the wallboard server…
        </p>
      </div>
    );
  // A board the configuration does not have (the page names the ones it has) is not asked for.
  const unknown = Boolean(config.data && shown && !pickBoard(config.data, shown));
  return (
    <SnapshotFeed key={shown ?? ''} board={shown} streamOptions={streamOptions} idle={unknown}>
      <App />
    </SnapshotFeed>
  );
}
