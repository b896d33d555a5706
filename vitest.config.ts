import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that wait longest on real time (the poller's cycles, Connect's quotas, the fuzzers' rounds), longest
 * first, from a CI run's report: 98 (the benchmarks' smallest runs, timed alone), 90, 48, 41, 33, 27, 22, 22 and
 * 19 s. Vitest starts a fresh clone's files largest first, which left the longest of these to start late and run
 * on alone after every other file was done; started first, they run beside the many short files instead. A file
 * not named here keeps Vitest's order.
 */
const LONGEST_FIRST = [
  'server/test/benchCommands.test.ts',
  'server/test/poller/quotas.test.ts',
  'server/test/poller/faults.test.ts',
  'server/test/fuzz/connectResponses.fuzz.test.ts',
  'server/test/poller/recovery.test.ts',
  'server/test/boardScope.test.ts',
  'server/test/readmeCommands.test.ts',
  'server/test/poller/deletedQueue.test.ts',
  'server/test/displays.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    return sorted
      .map((spec, index) => ({ spec, index, rank: rank(spec) }))
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map(({ spec }) => spec);
  }
}

// One run over every package's unit and integration tests, so the suite ends with one summary.
export default defineConfig({
  test: {
    projects: ['shared', 'server/vitest.config.ts', 'web/vite.config.ts'],
    // Four files at a time at least. Vitest's default leaves a core free, which on a 2-core machine runs one file at
    // a time, and the longest integration tests mostly wait on the poller's real cycles and Connect's quotas: on 2
    // cores the whole run took 475 s one at a time, 271 s two at a time, and in one later pair of runs 363 s two
    // at a time against 254 s four at a time (1.8 cores busy).
    maxWorkers: Math.max(4, availableParallelism() - 1),
    sequence: { sequencer: LongestFirst },
  },
});
