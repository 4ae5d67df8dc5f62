import { describe, expect, it } from 'vitest';
import { ewmaWeight, newCadence, observeTimestamp, samplesIn } from '../../../domain/detection/cadence.js';
import { newPeriodicMemory, rememberValue, seasonalReference } from '../../../domain/detection/periodicMemory.js';
import { newTail, observeTail, tailSurprise } from '../../../domain/detection/tailCalibrator.js';

const RULE = { recordSurprise: 6, recordIndex: 6 };
const NO_DECAY = 1;

describe('cadence inference', () => {
  it('takes the median positive gap, ignoring duplicates, clock steps back and a missing sample', () => {
    const cadence = newCadence();
    const t0 = Date.UTC(2014, 3, 1);
    const times = [0, 5, 10, 10, 20, 25, 30, 35, 30, 40, 45, 50].map((m) => t0 + m * 60_000);
    for (const t of times) observeTimestamp(cadence, t, 8);
    expect(cadence.stepMs).toBe(5 * 60_000);
  });

  it('converts wall-clock spans to samples and half-lives to EWMA weights', () => {
    expect(samplesIn(3_600_000, 300_000)).toBe(12);
    expect(samplesIn(60_000, 3_600_000)).toBe(1);
    expect(ewmaWeight(600_000, 300_000)).toBeCloseTo(1 - Math.SQRT1_2, 12);
  });
});

describe('periodic memory', () => {
  it('answers the median of the same phase over past periods, robust to one odd day', () => {
    const day = 86_400_000;
    const memory = newPeriodicMemory(day, 3_600_000, 288, 5);
    expect(memory.buckets).toBe(24);
    const nineAm = (d: number) => Date.UTC(2026, 0, 5 + d, 9);
    [10, 11, 500, 12, 13].forEach((v, d) => rememberValue(memory, nineAm(d), v));
    rememberValue(memory, nineAm(5) + 3_600_000, 0); // moving on closes the last 09:00 bucket
    expect(seasonalReference(memory, nineAm(6))).toBe(12);
    expect(seasonalReference(memory, Date.UTC(2026, 0, 12, 3))).toBeNull();
  });
});

describe('per-series tail calibration', () => {
  it('scores a value by the share of history at least as extreme, and records above all of it', () => {
    const tail = newTail();
    for (let i = 0; i < 1000; i++) observeTail(tail, i % 100 === 0 ? 8 : 1, 3, 1e9, NO_DECAY);
    // The bulk is unsurprising (its own bin counts pro rata, so a value tied with all of it is not exactly 0).
    expect(tailSurprise(tail, 1, 10, RULE)).toBeLessThan(1);
    expect(tailSurprise(tail, 8, 10, RULE)).toBeCloseTo(2, 1); // 10 of 1,000 values were ≥ 8
    const justAbove = tailSurprise(tail, 8.8, 10, RULE);
    const farAbove = tailSurprise(tail, 88, 10, RULE);
    expect(justAbove).toBeGreaterThanOrEqual(RULE.recordSurprise);
    expect(farAbove).toBeGreaterThan(justAbove + 5);
  });

  it('grows smoothly within a histogram bin instead of tying every value of the bin', () => {
    const tail = newTail();
    for (let i = 0; i < 10_000; i++) observeTail(tail, 10 * ((i * 0.6180339887) % 1), 1e9, 1e9, NO_DECAY); // uniform on [0, 10)
    // P(E ≥ 5) = 0.5 and P(E ≥ 9) = 0.1, to within a bin's share of interpolation error.
    expect(tailSurprise(tail, 5, 10, RULE)).toBeCloseTo(-Math.log10(0.5), 1);
    expect(tailSurprise(tail, 9, 10, RULE)).toBeCloseTo(1, 1);
    // 4.8 and 5.0 share a bin (5% wide in log(1 + e): 4.76–5.05) but not a score.
    expect(tailSurprise(tail, 5, 10, RULE)).toBeGreaterThan(tailSurprise(tail, 4.8, 10, RULE) + 0.01);
  });

  it('says nothing until it has seen enough history', () => {
    const tail = newTail();
    for (let i = 0; i < 5; i++) observeTail(tail, 1, 3, 1e9, NO_DECAY);
    expect(tailSurprise(tail, 50, 10, RULE)).toBe(0);
  });

  it('remembers a long incident once (declustered), so the next incident still stands out', () => {
    const clustered = newTail();
    const naive = newTail();
    for (let i = 0; i < 2000; i++) {
      const e = i >= 1000 && i < 1100 ? 10 : 1; // a 100-sample incident
      observeTail(clustered, e, 3, 1e9, NO_DECAY);
      observeTail(naive, e, 0, 1e9, NO_DECAY); // threshold 0: every value is its own event
    }
    expect(tailSurprise(clustered, 10, 10, RULE)).toBeGreaterThan(tailSurprise(naive, 10, 10, RULE) + 1.5);
  });

  it('commits a run longer than the incident limit: a new normal stops being rare', () => {
    const tail = newTail();
    for (let i = 0; i < 500; i++) observeTail(tail, 1, 3, 50, NO_DECAY);
    for (let i = 0; i < 200; i++) observeTail(tail, 10, 3, 50, NO_DECAY);
    expect(tailSurprise(tail, 10, 10, RULE)).toBeLessThan(RULE.recordSurprise);
  });

  it('forgets with the half-life: an old maximum fades from the share', () => {
    const tail = newTail();
    const decay = Math.pow(0.5, 1 / 100); // half-life 100 values
    observeTail(tail, 20, 30, 1e9, decay);
    for (let i = 0; i < 1000; i++) observeTail(tail, 1, 30, 1e9, decay);
    const fresh = newTail();
    observeTail(fresh, 20, 30, 1e9, NO_DECAY);
    for (let i = 0; i < 1000; i++) observeTail(fresh, 1, 30, 1e9, NO_DECAY);
    expect(tailSurprise(tail, 20, 10, RULE)).toBeGreaterThan(tailSurprise(fresh, 20, 10, RULE) + 2);
  });
});
