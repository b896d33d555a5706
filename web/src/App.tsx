import { useSnapshot } from './api/snapshot';
import { Header } from './features/header/Header';
import { QueueGrid } from './features/queues/QueueGrid';

export function App() {
  const { data, error, isPending } = useSnapshot();
  return (
    <div className="app" data-generation={data?.generation}>
      <Header snapshot={data} />
      <main>
        {isPending ? <p className="loading">Connecting to the wallboard server…</p> : null}
        {error && !data ? (
          <p className="error" role="alert">
            {error.message} Retrying…
          </p>
        ) : null}
        {data ? <QueueGrid queues={data.queues} /> : null}
      </main>
    </div>
  );
}
