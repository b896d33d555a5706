import { useEffect, useRef } from 'react';
import { useConnection } from '../api/SnapshotFeed';
import { SnapshotParseError } from '../api/snapshot';
import { useSnapshotMeta } from '../api/useSnapshotSlices';
import { PAGE_WEB_BUILD, useServedWebBuild } from '../api/webBuild';

/**
 * A wall runs for weeks unattended: when the server is upgraded it loads the new app itself, once the new server
 * is answering. Two signs, either of which reloads it:
 * - a new serverBuild in the snapshot, read from the view shown or from one the page could not read: a newer
 *   server's view may not pass this build's schema (a section or a value it has never heard of), and the page
 *   would otherwise say "Connection lost" until someone walks up and reloads it. A view of the page's own build
 *   that it cannot read changes nothing: loading the page again would not help.
 * - the replica its stream is connected to serving another web app than the page's own (api/webBuild.ts). During a
 *   rolling upgrade a page reloaded for the first sign can come from a replica not yet upgraded, and the snapshot
 *   (the leader's) says nothing more: this one brings it up to date once it is connected to an upgraded replica.
 *   Should the reload bring the same page back (replicas of both versions still behind the load balancer), the
 *   next waits 30 s, then twice as long each time, up to 10 minutes: never a loop of reloads.
 */
export function useReloadOnUpgrade(
  enabled: boolean,
  reload = () => window.location.reload(),
  ownWebBuild = PAGE_WEB_BUILD,
) {
  const { data: meta } = useSnapshotMeta();
  const { error } = useConnection();
  const unreadable = error instanceof SnapshotParseError ? error.serverBuild : null;
  const serverBuild = unreadable ?? meta?.serverBuild;
  const first = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!serverBuild) return;
    first.current ??= serverBuild;
    if (enabled && serverBuild !== first.current) reload();
  }, [serverBuild, enabled, reload]);

  const served = useServedWebBuild();
  useEffect(() => {
    if (!enabled || !ownWebBuild || !served) return;
    if (served === ownWebBuild) {
      forgetBuildReload();
      return;
    }
    const last = lastBuildReload();
    const again = last !== 'unknown' && last?.own === ownWebBuild && last.served === served;
    const count = again ? last.count + 1 : 1;
    // Without storage, every reload might be the same one again.
    const wait =
      last === 'unknown'
        ? RETRY_FIRST_MS
        : again
          ? Math.max(0, last.at + Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** (last.count - 1)) - Date.now())
          : 0;
    const timer = setTimeout(() => {
      rememberBuildReload({ own: ownWebBuild, served, count, at: Date.now() });
      reload();
    }, wait);
    return () => clearTimeout(timer);
  }, [enabled, ownWebBuild, served, reload]);
}

const RETRY_FIRST_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;
const STORAGE_KEY = 'switchboard.buildReload';

/** The last reload for another web build: from which build, to which, how many in a row, and when. */
interface BuildReload {
  own: string;
  served: string;
  count: number;
  at: number;
}

function lastBuildReload(): BuildReload | null | 'unknown' {
  try {
    const text = window.sessionStorage.getItem(STORAGE_KEY);
    if (text === null) return null;
    const saved = JSON.parse(text) as Partial<BuildReload>;
    return typeof saved.own === 'string' &&
      typeof saved.served === 'string' &&
      typeof saved.count === 'number' &&
      typeof saved.at === 'number'
      ? (saved as BuildReload)
      : null;
  } catch {
    return 'unknown';
  }
}

function rememberBuildReload(reloaded: BuildReload): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(reloaded));
  } catch {
    // No storage (a locked-down kiosk profile): the next reload waits RETRY_FIRST_MS instead.
  }
}

function forgetBuildReload(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Nothing was kept.
  }
}
