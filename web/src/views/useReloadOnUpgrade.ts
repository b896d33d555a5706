import { useEffect, useRef } from 'react';
import { useConnection } from '../api/SnapshotFeed';
import { SnapshotParseError } from '../api/snapshot';
import { useSnapshotMeta } from '../api/useSnapshotSlices';
import { reloadPage, scheduleReload } from '../api/reload';
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
 *   Replicas of both versions behind one load balancer can hand a wall the old page, or connect a new one to an
 *   old replica, reload after reload: within 30 minutes of the last, each such reload waits 30 s, then twice as
 *   long each time, up to 10 minutes, whichever builds it is between, and whichever sign it was. Never a loop of
 *   reloads.
 */
export function useReloadOnUpgrade(enabled: boolean, reload = reloadPage, ownWebBuild = PAGE_WEB_BUILD) {
  const { data: meta } = useSnapshotMeta();
  const { error } = useConnection();
  const unreadable = error instanceof SnapshotParseError ? error.serverBuild : null;
  const serverBuild = unreadable ?? meta?.serverBuild;
  const first = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!serverBuild) return;
    first.current ??= serverBuild;
    // In turn with the other reloads: at once the first time, then backing off, so a leader moving back and forth
    // between builds (a rolling upgrade, a new build that keeps failing) does not reload every wall each time.
    if (enabled && serverBuild !== first.current) return scheduleReload(reload);
  }, [serverBuild, enabled, reload]);

  const served = useServedWebBuild();
  useEffect(() => {
    if (!enabled || !ownWebBuild || !served || served === ownWebBuild) return;
    return scheduleReload(reload);
  }, [enabled, ownWebBuild, served, reload]);
}
