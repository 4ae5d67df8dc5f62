import { describe, expect, it } from 'vitest';
import { learnPattern, newPatternState, patternNovelty, type PatternParams } from '../../../domain/detection/patternNovelty.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../domain/detection/detectorOptions.js';
import { seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const STEP_MS = 5 * MINUTE_MS;
const DAY_STEPS = (24 * 60) / 5;
const PARAMS: PatternParams = DEFAULT_DETECTOR_OPTIONS;

/** A daily sawtooth (slow climb, sudden drop at midnight) plus a little noise. */
const daily = (i: number, noise: number) => 40 + (20 * (((i % DAY_STEPS) + DAY_STEPS) % DAY_STEPS)) / DAY_STEPS + noise;

/** Feeds values, returning each one's novelty (scored before it is learned). */
function run(values: number[], params = PARAMS) {
  const state = newPatternState(params, STEP_MS);
  const novelty = values.map((v) => {
    const n = patternNovelty(state, params, v);
    learnPattern(state, params, STEP_MS, v);
    return n;
  });
  return { state, novelty };
}

describe('pattern novelty', () => {
  it.each([1, 2, 3])('stays low on a shape it has seen, and rises on a day stuck at its usual peak (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const days = 12;
    // Day 10 stays at the daily peak: no value outside the usual range, but a shape never seen.
    const values = Array.from({ length: days * DAY_STEPS }, (_, i) => (Math.floor(i / DAY_STEPS) === 10 ? daily(DAY_STEPS - 1, 0) : daily(i, 0)) + random() - 0.5);
    const { novelty } = run(values);
    const usual = novelty.slice(5 * DAY_STEPS, 10 * DAY_STEPS);
    const stuck = novelty.slice(10 * DAY_STEPS, 11 * DAY_STEPS);
    // Known shapes sit within the match radius; the stuck day ends up past the evidence floor.
    expect(Math.max(...usual)).toBeLessThan(1);
    expect(Math.max(...stuck)).toBeGreaterThan(DEFAULT_DETECTOR_OPTIONS.minEvidence);
    expect(Math.max(...stuck)).toBeGreaterThan(5 * Math.max(...usual));
    expect(Math.max(...values.slice(10 * DAY_STEPS, 11 * DAY_STEPS))).toBeLessThanOrEqual(Math.max(...values.slice(0, 10 * DAY_STEPS)) + 1);
  });

  it('keeps at most patternCapacity patterns, and its state survives JSON', () => {
    const random = seededRandom(4);
    let walk = 0;
    const values = Array.from({ length: 30 * DAY_STEPS }, () => (walk += random() - 0.5));
    const params = { ...PARAMS, patternCapacity: 8 };
    const straight = run(values, params);
    expect(straight.state.patterns.length).toBeLessThanOrEqual(8);
    expect(straight.state.patterns.length).toBe(straight.state.usage.length);

    const half = run(values.slice(0, 15 * DAY_STEPS), params);
    const restored = JSON.parse(JSON.stringify(half.state));
    const rest = values.slice(15 * DAY_STEPS).map((v) => {
      const n = patternNovelty(restored, params, v);
      learnPattern(restored, params, STEP_MS, v);
      return n;
    });
    expect([...half.novelty, ...rest]).toEqual(straight.novelty);
  });

  it('says nothing before it has a full window and a pattern, or on a constant series', () => {
    const { novelty } = run(Array.from({ length: 3 * DAY_STEPS }, () => 7));
    expect(novelty.every((n) => n === 0)).toBe(true);
  });
});
