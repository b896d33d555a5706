/** A small seeded PRNG (mulberry32): the simulator is deterministic for a given seed. */
export type Rng = () => number;

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Poisson-distributed count with the given mean (Knuth for small means, normal approximation above). */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) {
    const u = Math.max(rng(), Number.EPSILON);
    const v = rng();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal));
  }
  const limit = Math.exp(-mean);
  let count = 0;
  let product = rng();
  while (product > limit) {
    count += 1;
    product *= rng();
  }
  return count;
}

/** An exponentially distributed duration with the given mean. */
export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(Math.max(rng(), Number.EPSILON));
}

/**
 * A log-normal duration with the given mean and a coefficient of variation of about 0.6: handle times are
 * skewed, most contacts short and a few very long.
 */
export function logNormal(rng: Rng, mean: number): number {
  const sigma = 0.55;
  const mu = Math.log(mean) - (sigma * sigma) / 2;
  const u = Math.max(rng(), Number.EPSILON);
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  return Math.exp(mu + sigma * normal);
}

/** A uniformly distributed number in [min, max). */
export function between(rng: Rng, min: number, max: number): number {
  return min + rng() * (max - min);
}

/** A UUID-shaped id drawn from the seeded stream, so ids are stable for a seed. */
export function uuid(rng: Rng): string {
  const hex = () =>
    Math.floor(rng() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}
