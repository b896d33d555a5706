import type { ScreenReport } from '@switchboard/shared';

/** A healthy wall's report (a current build, fresh figures, just drawn), with what a test changes. */
export function screenReport(overrides: Partial<ScreenReport> = {}): ScreenReport {
  return {
    id: 'abcdefghijklmnopqrstuv',
    view: 'wall',
    board: 'sales',
    build: 'v2',
    dataAgeMs: 2000,
    renderAgeMs: 1000,
    heapBytes: 20e6,
    errors: 0,
    viewport: { width: 1920, height: 1080 },
    uptimeMs: 600_000,
    ...overrides,
  };
}
