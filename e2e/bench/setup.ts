import { baselineDist } from './baseline.js';

/** Before the benchmark: the baseline's web app built (or found in the cache), so no test waits on a build. */
export default function setup(): void {
  baselineDist();
}
