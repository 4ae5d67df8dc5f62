import { describe, expect, it } from 'vitest';
import { randomStratifiedHalves, splitHalf, splitHalves } from '../../../bench/nabSplitHalf.js';
import { NAB_PROFILES } from '../../../domain/nab/profiles.js';
import { SeededRandom } from '../../../simulator/seededRandom.js';

const files = ['a/1', 'a/2', 'a/3', 'a/4', 'a/5', 'b/1', 'b/2', 'c/1', 'c/2', 'c/3'].map((name) => ({ name }));
const names = (half: { name: string }[]) => half.map((f) => f.name).sort();

describe('split-half partitions of the NAB files', () => {
  it('alternates within each category in name order', () => {
    const { A, B } = splitHalves(files);
    expect(names(A)).toEqual(['a/1', 'a/3', 'a/5', 'b/1', 'c/1', 'c/3']);
    expect(names(B)).toEqual(['a/2', 'a/4', 'b/2', 'c/2']);
  });

  it('draws random halves that keep every category split evenly, each file in exactly one half, the same for the same seed', () => {
    const draw = (seed: number) => {
      const rng = new SeededRandom(seed);
      return Array.from({ length: 20 }, () => randomStratifiedHalves(files, () => rng.float()));
    };
    const splits = draw(7);
    for (const { A, B } of splits) {
      expect([...names(A), ...names(B)].sort()).toEqual(names(files));
      for (const category of ['a', 'b', 'c']) {
        const inA = A.filter((f) => f.name.startsWith(`${category}/`)).length;
        const inB = B.filter((f) => f.name.startsWith(`${category}/`)).length;
        expect(Math.abs(inA - inB)).toBeLessThanOrEqual(1);
      }
    }
    // Not always the fixed alternation: the draws differ from one another.
    expect(new Set(splits.map((s) => names(s.A).join())).size).toBeGreaterThan(1);
    expect(draw(7).map((s) => names(s.A))).toEqual(splits.map((s) => names(s.A)));
  });

  it('refuses a split whose half has no anomaly windows, naming the half, instead of dividing by a zero-width score range', () => {
    // Two files in two categories: each category's only file lands in half A, half B is empty.
    const scored = ['x/1', 'y/1'].map((name) => ({ name, rowCount: 10, windows: [{ start: 3, end: 5 }], scores: new Array<number>(10).fill(0) }));
    expect(() => splitHalf([{ options: {}, files: scored }], NAB_PROFILES)).toThrow(/half B \(0 files\) has no anomaly windows/);
  });
});
