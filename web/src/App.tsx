import { Fragment, useEffect, useMemo } from 'react';
import { FALLBACK_BOARD, pickBoard, useConfig } from './api/config';
import { useConnection } from './api/SnapshotFeed';
import { serviceLevelMetric } from './api/selectors';
import { useSnapshotMeta } from './api/useSnapshotSlices';
import { BoardContext, DEFAULT_BOARD_CONTEXT, type BoardContextValue } from './board';
import { useStale } from './features/status/StaleBanner';
import { FormatContext, makeFormatters } from './format';
import { useViewParams } from './url';
import { EmbedView } from './views/EmbedView';
import { UnreadAddress } from './components/UnreadAddress';
import { LaptopView } from './views/LaptopView';
import { useReloadOnUpgrade } from './views/useReloadOnUpgrade';
import { WallView } from './views/WallView';
import { useScreenReport } from './api/screenReport';
import { ScreensPage } from './features/screens/ScreensPage';

export function App() {
  const [params, update] = useViewParams();
  const config = useConfig();
  const { data: meta } = useSnapshotMeta();
  const { connection, error } = useConnection();

  const board = pickBoard(config.data, params.board);
  const unknownBoard = Boolean(config.data && params.board && !board);
  const boardContext = useMemo<BoardContextValue>(() => {
    if (!config.data) return DEFAULT_BOARD_CONTEXT;
    const seconds = config.data.serviceLevel.thresholdSeconds;
    return {
      board: board ?? FALLBACK_BOARD,
      serviceLevelMetric: serviceLevelMetric(seconds),
      serviceLevelSeconds: seconds,
      targetPercent: config.data.serviceLevel.targetPercent,
      staleAfterMs: config.data.staleAfterMs,
    };
  }, [config.data, board]);
  const timeZone = config.data ? boardContext.board.timeZone : meta?.timeZone;
  const locale = config.data ? boardContext.board.locale : undefined;
  const format = useMemo(() => makeFormatters(locale, timeZone), [locale, timeZone]);

  useReloadOnUpgrade(params.view !== 'laptop' && params.view !== 'screens');
  useScreenReport(params.view, board?.id ?? params.board, meta);
  useEffect(() => {
    const root = document.documentElement;
    if (params.theme) root.dataset.theme = params.theme;
    else delete root.dataset.theme;
    root.dataset.view = params.view;
    root.classList.toggle('transparent', params.view === 'embed' && params.transparent);
    document.title = `${boardContext.board.title} · Switchboard`;
  }, [params.theme, params.view, params.transparent, boardContext.board.title]);

  return (
    <FormatContext value={format}>
      <BoardContext value={boardContext}>
        <div className="app" data-generation={meta?.generation} data-board={boardContext.board.id}>
          {unknownBoard && config.data ? (
            // The server lists only the boards this screen may read: one it may not is as absent as a typo.
            <p className="error-page" role="alert" data-testid="unknown-board">
              This screen cannot show board “{params.board}”: there is no such board, or this screen may not
              read it. Boards it may show: {config.data.boards.map((b) => b.id).join(', ')}. Open{' '}
              {config.data.boards.map((b, i) => (
                <Fragment key={b.id}>
                  {i > 0 ? ' or ' : ''}
                  <a href={withBoard(b.id)}>?board={b.id}</a>
                </Fragment>
              ))}{' '}
              instead.
            </p>
          ) : null}
          <UnreadAddress unread={params.unread} update={update} />
          {/* No view under it: a board removed while shown would keep its last figures, going stale, and push the
              message off a wall that fills the screen. */}
          {unknownBoard && params.view !== 'screens' ? null : (
            <Body params={params} update={update} meta={meta} />
          )}
          {config.data?.configError && params.view === 'laptop' ? (
            <p className="config-error" role="status">
              The server refused an edit of its configuration and kept the previous one:{' '}
              {config.data.configError}
            </p>
          ) : null}
          {!meta && !unknownBoard && params.view !== 'screens' ? (
            <div className="first-load" data-testid="first-load">
              {connection === 'offline' && error ? (
                <p className="error" role="alert">
                  Cannot reach the wallboard server: {error.message} Retrying…
                </p>
              ) : (
                <p className="loading" role="status">
                  Connecting to the wallboard server…
                </p>
              )}
            </div>
          ) : null}
        </div>
      </BoardContext>
    </FormatContext>
  );
}

/** This page's address with another board: the view, theme and the rest kept. */
function withBoard(board: string): string {
  const search = new URLSearchParams(window.location.search);
  search.set('board', board);
  return `?${search.toString()}`;
}

function Body({
  params,
  update,
  meta,
}: {
  params: ReturnType<typeof useViewParams>[0];
  update: ReturnType<typeof useViewParams>[1];
  meta: ReturnType<typeof useSnapshotMeta>['data'];
}) {
  const stale = useStale(meta);
  // The Screens page reads the screens alone: a supervisor needs it most when the server has no figures to show.
  if (params.view === 'screens') return <ScreensPage />;
  if (!meta) return null;
  if (params.view === 'wall') return <WallView meta={meta} stale={stale} params={params} />;
  if (params.view === 'embed') return <EmbedView meta={meta} stale={stale} params={params} />;
  return <LaptopView meta={meta} stale={stale} params={params} update={update} />;
}
