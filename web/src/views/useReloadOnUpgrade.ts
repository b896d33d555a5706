import { useEffect, useRef } from 'react';

/**
 * A wall runs for weeks unattended: when the server is upgraded (a new serverBuild in the snapshot) it loads
 * the new app itself, once the new server is answering.
 */
export function useReloadOnUpgrade(
  serverBuild: string | undefined,
  enabled: boolean,
  reload = () => window.location.reload(),
) {
  const first = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!serverBuild) return;
    first.current ??= serverBuild;
    if (enabled && serverBuild !== first.current) reload();
  }, [serverBuild, enabled, reload]);
}
