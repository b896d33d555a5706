import {
  SCREEN_STATES,
  SCREEN_STATE_LABELS,
  formatDuration,
  type DisplaysResponse,
  type ScreenPoint,
  type ScreenSummary,
} from '@switchboard/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNow } from '../../api/clock';
import { useFormat } from '../../format';
import './screens.css';
import { addressWith } from '../../url';

/** How often the page asks for the screens again. */
const REFRESH_MS = 3000;
const MB = 1024 * 1024;

class ScreensError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const detail =
      body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string'
        ? body.detail
        : `The server answered ${response.status}.`;
    throw new ScreensError(detail, response.status);
  }
  return body as T;
}

function Sparkline({
  points,
  value,
  label,
}: {
  points: readonly ScreenPoint[];
  value: (point: ScreenPoint) => number | null;
  label: string;
}) {
  const values = points.map(value);
  const known = values.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const first = points[0]?.at ?? 0;
  const span = Math.max(1, (points[points.length - 1]?.at ?? 0) - first);
  const top = Math.max(...known);
  const bottom = Math.min(...known);
  const range = Math.max(1, top - bottom);
  const path = points
    .flatMap((point, index) => {
      const v = values[index];
      if (v === null || v === undefined) return [];
      const x = ((point.at - first) / span) * 78 + 1;
      const y = 19 - ((v - bottom) / range) * 18;
      return [`${x.toFixed(1)},${y.toFixed(1)}`];
    })
    .join(' ');
  return (
    <svg className="screens-spark" viewBox="0 0 80 20" role="img" aria-label={label}>
      <polyline points={path} />
    </svg>
  );
}

function StateCell({ screen, now }: { screen: ScreenSummary; now: number }) {
  const format = useFormat();
  const since = Date.parse(screen.since);
  return (
    <td className="screens-state">
      <span className={`screens-badge screens-${screen.state}`} data-testid="screen-state">
        {SCREEN_STATE_LABELS[screen.state]}
      </span>{' '}
      <span className="screens-since">
        since <time dateTime={screen.since}>{format.clock(since)}</time> (
        {formatDuration(Math.max(0, (now - since) / 1000))})
      </span>
      <div className="screens-detail">{screen.detail}</div>
    </td>
  );
}

function NameCell({ screen, onRename }: { screen: ScreenSummary; onRename: (name: string) => void }) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(screen.name ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onRename(draft.trim());
    setEditing(false);
  };
  if (editing)
    return (
      <td>
        <form className="screens-rename" onSubmit={submit}>
          <input
            aria-label={`Name of screen ${screen.id}`}
            value={draft}
            maxLength={60}
            onChange={(event) => setDraft(event.target.value)}
            autoFocus
          />
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      </td>
    );
  return (
    <td>
      <strong className="screens-name">{screen.name ?? 'Unnamed screen'}</strong>
      <div className="screens-id">
        {screen.kind === 'token' ? 'token' : 'browser'} {screen.id}
      </div>
      <button
        type="button"
        className="screens-link"
        onClick={() => {
          setDraft(screen.name ?? '');
          setEditing(true);
        }}
      >
        Rename
      </button>
    </td>
  );
}

/**
 * The Screens page (`?view=screens`, supervisors): every screen the wallboard feeds, worst first, its state and
 * since when, a short history of its heap and of its figures' age; reload one screen or every screen of a board,
 * and name them.
 */
export function ScreensPage() {
  const client = useQueryClient();
  const now = useNow();
  const query = useQuery({
    queryKey: ['displays'],
    queryFn: () => call<DisplaysResponse>('/api/v1/displays'),
    refetchInterval: REFRESH_MS,
    retry: (count, error) => !(error instanceof ScreensError && error.status === 403) && count < 3,
  });
  const [notice, setNotice] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['displays'] });
  const rename = useMutation({
    mutationFn: ({ key, name }: { key: string; name: string }) =>
      call<ScreenSummary>(`/api/v1/displays/${encodeURIComponent(key)}`, {
        method: 'PATCH',
        body: JSON.stringify({ name }),
      }),
    onSuccess: refresh,
    onError: (error) => setNotice(error.message),
  });
  const forget = useMutation({
    mutationFn: (key: string) =>
      call<null>(`/api/v1/displays/${encodeURIComponent(key)}`, { method: 'DELETE' }),
    onSuccess: (_, key) => {
      setNotice(`Screen ${key} forgotten.`);
      void refresh();
    },
    onError: (error) => setNotice(error.message),
  });
  const reload = useMutation({
    mutationFn: (target: { key: string } | { board: string }) =>
      call<{ sent: string[] }>('/api/v1/displays/reload', { method: 'POST', body: JSON.stringify(target) }),
    onSuccess: ({ sent }) => {
      setNotice(`Reload sent to ${sent.length} ${sent.length === 1 ? 'screen' : 'screens'}.`);
      void refresh();
    },
    onError: (error) => setNotice(error.message),
  });

  const all = query.data?.screens ?? [];
  // At a few hundred screens, what needs seeing: one state, or a name, id or board searched for.
  const [stateShown, setStateShown] = useState<ScreenSummary['state'] | ''>('');
  const [search, setSearch] = useState('');
  const needle = search.trim().toLowerCase();
  const screens = all.filter(
    (screen) =>
      (stateShown === '' || screen.state === stateShown) &&
      (needle === '' ||
        [screen.name, screen.id, screen.board].some((text) => text?.toLowerCase().includes(needle))),
  );
  const boards = [...new Set(all.flatMap((screen) => (screen.board ? [screen.board] : [])))].sort();
  const counts = new Map<ScreenSummary['state'], number>();
  for (const screen of all) counts.set(screen.state, (counts.get(screen.state) ?? 0) + 1);

  return (
    <div className="view screens-page" data-testid="screens-page">
      <header className="screens-head">
        <h1>Screens</h1>
        <p className="screens-counts" role="status">
          {all.length === 0
            ? 'No screen has reported yet.'
            : [...counts].map(([state, n]) => `${n} ${SCREEN_STATE_LABELS[state]}`).join(' · ')}
        </p>
        {/* To the board, filters and theme it was opened from. */}
        <a href={addressWith({ view: null })}>Back to the wallboard</a>
      </header>
      {all.length > 0 ? (
        <div className="screens-filters">
          <label>
            State
            <select
              value={stateShown}
              onChange={(event) => setStateShown(event.target.value as ScreenSummary['state'] | '')}
            >
              <option value="">Every state ({all.length})</option>
              {SCREEN_STATES.map((state) => (
                <option key={state} value={state}>
                  {SCREEN_STATE_LABELS[state]} ({counts.get(state) ?? 0})
                </option>
              ))}
            </select>
          </label>
          <label>
            Find
            <input
              type="search"
              value={search}
              placeholder="Name, id or board"
              onChange={(event) => setSearch(event.target.value)}
            />
          </label>
          {screens.length < all.length ? (
            <span className="screens-shown" data-testid="screens-shown">
              {screens.length} of {all.length} shown
            </span>
          ) : null}
        </div>
      ) : null}
      {query.error ? (
        <p className="screens-error" role="alert">
          {query.error.message}
        </p>
      ) : null}
      {notice ? (
        <p className="screens-notice" role="status" data-testid="screens-notice">
          {notice}
        </p>
      ) : null}
      {boards.length > 0 ? (
        <div className="screens-boards">
          {boards.map((board) => (
            <button key={board} type="button" onClick={() => reload.mutate({ board })}>
              Reload every screen of board “{board}”
            </button>
          ))}
        </div>
      ) : null}
      {/* On a narrow screen the table scrolls sideways in its own box; the page does not. */}
      <div className="screens-table-box">
        <table className="screens-table">
          <thead>
            <tr>
              <th scope="col">Screen</th>
              <th scope="col">State</th>
              <th scope="col">Shows</th>
              <th scope="col">Build</th>
              <th scope="col">Heap</th>
              <th scope="col">Figures' age</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {screens.map((screen) => (
              <tr key={screen.key} data-testid="screen-row" data-key={screen.key} data-state={screen.state}>
                <NameCell screen={screen} onRename={(name) => rename.mutate({ key: screen.key, name })} />
                <StateCell screen={screen} now={now} />
                <td>
                  {screen.view ?? '–'}
                  {screen.board ? ` · ${screen.board}` : ''}
                  {screen.viewport ? (
                    <div className="screens-id">
                      {screen.viewport.width}×{screen.viewport.height}
                      {screen.uptimeMs !== null ? `, up ${formatDuration(screen.uptimeMs / 1000)}` : ''}
                    </div>
                  ) : null}
                </td>
                <td
                  data-testid="screen-build"
                  className={
                    screen.build !== null && screen.build !== query.data?.serverBuild
                      ? 'screens-old'
                      : undefined
                  }
                >
                  {screen.build ?? '–'}
                </td>
                <td>
                  {screen.heapBytes === null ? '–' : `${(screen.heapBytes / MB).toFixed(1)} MB`}
                  <Sparkline points={screen.history} value={(p) => p.heapBytes} label="Heap, last reports" />
                </td>
                <td>
                  {screen.dataAgeMs === null ? '–' : formatDuration(screen.dataAgeMs / 1000)}
                  <Sparkline
                    points={screen.history}
                    value={(p) => p.dataAgeMs}
                    label="Figures' age, last reports"
                  />
                </td>
                <td>
                  {/* A reload reaches a screen only down its open stream. One gone dark may be forgotten, when it
                      is gone for good (else it is forgotten a day, or a week if named, after it was last heard). */}
                  {screen.state !== 'disconnected' ? (
                    <button
                      type="button"
                      disabled={!screen.streamOpen}
                      title={screen.streamOpen ? undefined : 'No stream open: a reload cannot reach it'}
                      onClick={() => reload.mutate({ key: screen.key })}
                    >
                      Reload
                    </button>
                  ) : (
                    <button
                      type="button"
                      data-testid="screen-forget"
                      aria-label={`Forget ${screen.name ?? screen.id}`}
                      disabled={forget.isPending}
                      onClick={() => forget.mutate(screen.key)}
                    >
                      Forget
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {query.data ? (
        <p className="screens-foot">
          The server runs build {query.data.serverBuild}; screens report every{' '}
          {Math.round(query.data.reportIntervalMs / 1000)} s.
        </p>
      ) : null}
    </div>
  );
}
