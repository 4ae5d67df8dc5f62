// The one way to get the RNG a choice draws from: a xoroshiro128+ generator whose whole 128-bit state
// comes from a SHA-256 of a stable key (the message id), so a Temporal replay draws the same number.
// pure-rand's xoroshiro128plus(seed) is not enough here: it sets the state to (−1, ~seed, seed, 0),
// and its first output for small or nearby seeds is ≈ 0.9999 — a choice uses exactly that first
// output, so exploration would silently never happen.
import { createHash } from 'node:crypto';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export function choiceRandom(key: string): RandomGenerator {
  const digest = createHash('sha256').update(`bandit-choice:${key}`).digest();
  const state = [0, 4, 8, 12].map((offset) => digest.readInt32BE(offset));
  // xoroshiro's all-zero state is a fixed point; a SHA-256 prefix of 128 zero bits will not occur, but guard anyway.
  if (!state.some((word) => word !== 0)) state[3] = 1;
  return xoroshiro128plusFromState(state);
}
