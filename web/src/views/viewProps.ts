import type { SnapshotMeta } from '../api/useSnapshotSlices';
import type { ViewParams } from '../url';

/** What App hands every view: the snapshot's metadata, whether its figures are stale, and the URL's parameters. */
export interface ViewProps {
  meta: SnapshotMeta | undefined;
  stale: boolean;
  params: ViewParams;
}
