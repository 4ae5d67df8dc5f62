// The simulator's only source of randomness: pure-rand's xoroshiro128+ behind a small sampling API.
// `derive(label)` gives an independent stream per named purpose (one per ticket, one for arrivals…),
// so adding a draw in one place never shifts the numbers another place sees.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** FNV-1a over the label, mixed with the seed: a stable 32-bit seed per (seed, label). */
function mixSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed | 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash | 0;
}

/**
 * The generator's 128-bit state from a 32-bit seed through splitmix32. pure-rand's own
 * xoroshiro128plus(seed) sets the state to (-1, ~seed, seed, 0), whose first outputs for nearby
 * seeds are nearly the same number: per-ticket streams seeded that way draw correlated customers.
 */
function stateFrom(seed: number): number[] {
  let a = seed | 0;
  const next = () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) | 0;
  };
  return [next(), next(), next(), next()];
}

export class SeededRandom {
  private readonly rng: RandomGenerator;

  constructor(
    readonly seed: number,
    readonly label = '',
  ) {
    this.rng = xoroshiro128plusFromState(stateFrom(mixSeed(seed, label)));
  }

  /** An independent stream for a named purpose; the same (seed, label) always gives the same numbers. */
  derive(label: string): SeededRandom {
    return new SeededRandom(this.seed, `${this.label}/${label}`);
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  between(from: number, to: number): number {
    return from + (to - from) * this.float();
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** Index drawn with probability proportional to weights[i] (all ≥ 0, not all 0). */
  weightedIndex(weights: readonly number[]): number {
    const total = weights.reduce((a, b) => a + b, 0);
    if (!(total > 0)) throw new Error('weightedIndex needs a positive total weight');
    let target = this.float() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i]!;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }

  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    return items[this.weightedIndex(items.map(weight))]!;
  }

  /** Exponential with the given mean (inter-arrival gaps). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Log-uniform between min and max: most waits short, a few long (response and reply delays). */
  logUniform(min: number, max: number): number {
    return Math.exp(this.between(Math.log(min), Math.log(max)));
  }
}
