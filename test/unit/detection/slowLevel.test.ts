import { describe, expect, it } from 'vitest';
import { forecast, learn, newBaseline, slowLevelDeviation } from '../../../domain/detection/seasonalBaseline.js';
import { DEFAULT_DETECTOR_OPTIONS } from '../../../domain/detection/detectorOptions.js';
import { seededRandom } from '../../helpers/seededRandom.js';

const STEP_MS = 5 * 60_000;
const DAY_STEPS = 288;
const START_MS = Date.UTC(2026, 0, 5);
const P = DEFAULT_DETECTOR_OPTIONS;

const gaussian = (random: () => number) => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

describe('slow level', () => {
  it.each([1, 2, 3])('adds up a day running one noise σ high, which no single point shows (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const state = newBaseline(P, STEP_MS);
    const deviations: number[] = [];
    const residuals: number[] = [];
    for (let i = 0; i < 15 * DAY_STEPS; i++) {
      const t = START_MS + i * STEP_MS;
      const high = i >= 14 * DAY_STEPS ? 1 : 0;
      const value = 100 + 20 * Math.sin((2 * Math.PI * i) / DAY_STEPS) + high + gaussian(random);
      const fc = forecast(state, P, t, STEP_MS);
      if (fc) {
        deviations.push(slowLevelDeviation(state, P, fc.chosen, t, value, STEP_MS));
        residuals.push(Math.abs(value - fc.expected) / fc.scale);
      }
      learn(state, P, t, STEP_MS, value, fc);
    }
    const usual = deviations.slice(deviations.length - 7 * DAY_STEPS, deviations.length - DAY_STEPS).map(Math.abs);
    const highDay = deviations.slice(deviations.length - DAY_STEPS);
    expect(Math.max(...usual)).toBeLessThan(DEFAULT_DETECTOR_OPTIONS.minEvidence);
    expect(Math.max(...highDay)).toBeGreaterThan(DEFAULT_DETECTOR_OPTIONS.minEvidence);
    expect(Math.max(...highDay)).toBeGreaterThan(2.5 * Math.max(...usual));
    // Point by point the high day is unremarkable: no residual beyond what usual days show.
    expect(Math.max(...residuals.slice(residuals.length - DAY_STEPS))).toBeLessThan(4);
  });
});
