import { useEffect, useRef } from 'react';
import { useConnection } from '../api/SnapshotFeed';
import { SnapshotParseError } from '../api/snapshot';
import { useSnapshotMeta } from '../api/useSnapshotSlices';

/**
 * A wall runs for weeks unattended: when the server is upgraded (a new serverBuild in the snapshot) it loads
 * the new app itself, once the new server is answering. The build is read from the view shown, or from one the
 * page could not read: a newer server's view may not pass this build's schema (a section or a value it has never
 * heard of), and the page would otherwise say "Connection lost" until someone walks up and reloads it. A view of
 * the page's own build that it cannot read changes nothing: loading the page again would not help.
 */
export function useReloadOnUpgrade(enabled: boolean, reload = () => window.location.reload()) {
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
}
