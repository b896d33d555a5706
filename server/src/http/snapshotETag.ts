import { createHash } from 'node:crypto';
import { SECTION_NAMES, type Snapshot } from '@switchboard/shared';

/**
 * A weak validator for a snapshot: its instance, generation and each section's state (stale, error), and the
 * configuration a board's view was projected under (`revision`): an edit projects the view again within one
 * generation. serverTime moves on every read, so the body is never byte-identical; a 304 means "nothing has
 * changed but the clock".
 */
export function snapshotETag(snapshot: Snapshot, revision = ''): string {
  const sections = SECTION_NAMES.map((name) => {
    const section = snapshot.sections[name];
    return `${section.stale ? 's' : 'f'}${section.error?.at ?? ''}`;
  }).join('|');
  const digest = createHash('sha1')
    .update(`${snapshot.instanceId}|${snapshot.stale}|${sections}|${revision}`)
    .digest('base64url')
    .slice(0, 12);
  return `W/"${snapshot.generation}-${digest}"`;
}
