import { SECTION_NAMES, type SectionName, type SectionStatus } from '@switchboard/shared';
import { describeError, forScreens } from '../connect/errors.js';
import type { Logger } from '../logger.js';

const emptySection = (): SectionStatus => ({
  fetchedAt: null,
  dataSnapshotTime: null,
  error: null,
  stale: true,
});

export interface SectionBookOptions {
  logger: Logger;
  clock: () => number;
  /** Each cycle's section, duration and outcome. */
  cycle?: (section: SectionName, durationMs: number, ok: boolean) => void;
}

/**
 * Each section's status (when its figures were fetched, as of when, its last error) and its failures in a row.
 * A failure keeps the section's last figures and says why; it is logged once when the section starts failing,
 * not once per retry, and its recovery once.
 */
export class SectionBook {
  readonly status: Record<SectionName, SectionStatus>;
  private readonly failures: Record<SectionName, number>;

  constructor(private readonly options: SectionBookOptions) {
    this.status = Object.fromEntries(SECTION_NAMES.map((name) => [name, emptySection()])) as Record<
      SectionName,
      SectionStatus
    >;
    this.failures = Object.fromEntries(SECTION_NAMES.map((name) => [name, 0])) as Record<SectionName, number>;
  }

  succeeded(
    section: SectionName,
    dataSnapshotTime: Date | null,
    started: number,
    intervalMs: number,
    missingIntervals?: number,
  ): void {
    const now = this.options.clock();
    if (this.failures[section] > 0) this.options.logger.info({ section }, 'section recovered');
    this.failures[section] = 0;
    this.status[section] = {
      fetchedAt: new Date(now).toISOString(),
      dataSnapshotTime: dataSnapshotTime ? dataSnapshotTime.toISOString() : null,
      error: null,
      stale: false,
      intervalMs,
      ...(missingIntervals ? { missingIntervals } : {}),
    };
    this.options.cycle?.(section, now - started, true);
  }

  failed(section: SectionName, error: unknown, started: number): void {
    const now = this.options.clock();
    const { code, message } = describeError(error);
    this.failures[section] += 1;
    // One line when a section starts failing, not one per retry.
    if (this.failures[section] === 1) {
      this.options.logger.warn(
        { section, err: { code, message } },
        'section failed; keeping its last figures',
      );
    }
    this.status[section] = {
      ...this.status[section],
      error: { code, message: forScreens(message), at: new Date(now).toISOString() },
    };
    this.options.cycle?.(section, now - started, false);
  }
}
