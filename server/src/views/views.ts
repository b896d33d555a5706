import type { Snapshot } from '@switchboard/shared';
import { boardInstance } from '../config/instances.js';
import type { BoardConfig, WallboardConfig } from '../config/schema.js';
import { projectView, viewRevision } from './project.js';

/** The key of the whole instance's view among boards' ids. */
const WHOLE = '';

/**
 * One instance's views of its snapshots, each projected once per snapshot, board and configuration however many
 * screens and requests ask for it (the stream and GET /api/v1/snapshot share them). A reloaded configuration
 * projects again: a snapshot seen before the reload (a replayed one, say) shows its boards as they are now.
 */
export class Views {
  private readonly memo = new WeakMap<Snapshot, { config: WallboardConfig; views: Map<string, Snapshot> }>();
  private readonly revisions = new WeakMap<WallboardConfig, Map<string, string>>();

  constructor(
    private readonly config: () => WallboardConfig,
    /** The instance's id in the configuration (`instances[].id`, or `default`). */
    private readonly instance: string,
  ) {}

  /**
   * The board of this id in the current configuration, null for the whole instance; undefined if none, or if the
   * board now shows another instance (an edit of its `instance:`): this instance's figures are not its figures any
   * more, and its viewers here are sent away to find it where it is.
   */
  board(id: string | null): BoardConfig | null | undefined {
    if (id === null) return null;
    const config = this.config();
    const board = config.boards.find((candidate) => candidate.id === id);
    return board && boardInstance(config, board) === this.instance ? board : undefined;
  }

  /** The configuration the views are projected under now: a reload makes another. */
  revision(): WallboardConfig {
    return this.config();
  }

  /** What the configuration gives board `id`'s view (for its ETag), worked out once per configuration. */
  revisionOf(id: string | null): string {
    const config = this.config();
    let revisions = this.revisions.get(config);
    if (!revisions) {
      revisions = new Map();
      this.revisions.set(config, revisions);
    }
    const key = id ?? WHOLE;
    let revision = revisions.get(key);
    if (revision === undefined) {
      revision = viewRevision(this.board(id) ?? null, config);
      revisions.set(key, revision);
    }
    return revision;
  }

  /**
   * The view of board `id` (null: the whole instance); undefined when the board is not this instance's (board()).
   * `recorded`: a replayed moment, its threshold states as recorded (projectView).
   */
  of(
    snapshot: Snapshot,
    id: string | null,
    { recorded = false }: { recorded?: boolean } = {},
  ): Snapshot | undefined {
    const board = this.board(id);
    if (board === undefined) return undefined;
    const config = this.config();
    let memo = this.memo.get(snapshot);
    if (memo?.config !== config) {
      memo = { config, views: new Map() };
      this.memo.set(snapshot, memo);
    }
    const key = `${recorded ? 'recorded:' : ''}${id ?? WHOLE}`;
    let view = memo.views.get(key);
    if (!view) {
      view = projectView(snapshot, board, config, { recorded });
      memo.views.set(key, view);
    }
    return view;
  }
}
