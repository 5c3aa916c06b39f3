// A seeded pseudo-random generator for property tests: the same seed replays the same inputs, so a
// failure found once can be reproduced exactly. Math.random is never used where a test depends on it.

export interface Prng {
  /** The seed this generator started from, for failure messages. */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
  /** A new array with the items in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent generator derived from this one (for a sub-task that must not shift the main sequence). */
  fork(): Prng;
}

/** mulberry32: tiny, fast, and good enough to spread test inputs; not for cryptography. */
export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const prng: Prng = {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    chance: (probability) => next() < probability,
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    fork: () => createPrng(Math.floor(next() * 4_294_967_296)),
  };
  return prng;
}

/** The seed for a suite: fixed by default, overridable to explore (RELIABILITY_SEED=1234 npm test). */
export function suiteSeed(fallback: number): number {
  const raw = process.env['RELIABILITY_SEED'];
  const parsed = raw === undefined ? NaN : Number(raw);
  return Number.isInteger(parsed) ? parsed : fallback;
}
