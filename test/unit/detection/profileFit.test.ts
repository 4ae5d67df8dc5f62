// A new series' first pass fits the count model's hour-of-day profile to the backfill it replays
// (domain/detection/profileFit.ts): on constructed series with the simulator's
// weekly profile, a young model's windows stay near Poisson and a ×3 rise right after the history
// pages, where the profile learned online asks for more; under a week of history nothing is fitted,
// and nothing after the pass's last minute is read. Seeded.
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../domain/alerts.js';
import { PROFILE_FIT_MIN_HISTORY_MS } from '../../../domain/detection/profileFit.js';
import type { DetectorSnapshot } from '../../../domain/detection/streamingDetector.js';
import { MINUTE_MS, runSeriesPass, type SeriesPassResult } from '../../../domain/spikeDetection.js';
import { seasonalFactor } from '../../../simulator/arrivals.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
/** A topic at 0.12 tickets a minute on average, busy weekday office hours, quiet nights and weekends. */
const BASE = 0.12;
const SERIES = 'topic=checkout';

/** Minute counts from START_MS to `endMs`, times `factor(t)`. */
function counts(seed: number, endMs: number, factor: (t: number) => number = () => 1): Map<number, number> {
  const random = seededRandom(seed);
  const out = new Map<number, number>();
  for (let t = START_MS; t < endMs; t += MINUTE_MS) {
    const c = poisson(random, BASE * seasonalFactor(new Date(t)) * factor(t));
    if (c > 0) out.set(t, c);
  }
  return out;
}

/** A new series' first pass up to `untilMs`, as the schedule runs it (fitted), or one minute first and then the rest (nothing to fit). */
function firstPass(series: Map<number, number>, untilMs: number, fit: boolean): SeriesPassResult {
  if (fit) return runSeriesPass({ series: SERIES, counts: series, newSeriesFromMs: START_MS, untilMs, alert: undefined }, untilMs + MINUTE_MS);
  const one = runSeriesPass({ series: SERIES, counts: series, newSeriesFromMs: START_MS, untilMs: START_MS, alert: undefined }, untilMs + MINUTE_MS);
  return nextPass(series, one, untilMs);
}

function nextPass(series: Map<number, number>, previous: SeriesPassResult, untilMs: number): SeriesPassResult {
  return runSeriesPass({ series: SERIES, previous: { lastMinuteMs: previous.lastMinuteMs, snapshot: previous.snapshot }, counts: series, newSeriesFromMs: START_MS, untilMs, alert: previous.alert }, untilMs + MINUTE_MS);
}

/** Alerts started at or after `fromMs` in a pass's changes. */
const startedFrom = (alerts: AlertState[], fromMs: number) => alerts.filter((a) => a.startedAtMs >= fromMs);

/** The 180-minute window's learned dispersion (1 = Poisson). */
const widestDispersion = (r: SeriesPassResult) => {
  const s = (r.snapshot as DetectorSnapshot).counts!;
  const k = s.widths.length - 1;
  return s.dispersionNum[k] / s.dispersionDen[k];
};

describe('a new series fits its hour-of-day profile to the history its first pass replays', () => {
  // Eight days of history, then Tuesday 10:00: a ×3 rise for 40 minutes (≈ 27 tickets where ≈ 9 are usual).
  const riseAt = START_MS + 8 * DAY_MS + 10 * HOUR_MS;
  const rise = (t: number) => (t >= riseAt && t < riseAt + 40 * MINUTE_MS ? 3 : 1);
  const seeds = [1, 2, 3, 4, 5, 6];

  it('after eight days, its widest window stays near Poisson and a ×3 rise pages in 5 of 6 seeds, more than learned online', () => {
    let [fittedCaught, onlineCaught] = [0, 0];
    for (const seed of seeds) {
      const series = counts(seed, riseAt + 2 * HOUR_MS, rise);
      const [fitted, online] = [firstPass(series, riseAt - MINUTE_MS, true), firstPass(series, riseAt - MINUTE_MS, false)];
      expect(widestDispersion(fitted)).toBeLessThan(widestDispersion(online));
      expect(widestDispersion(fitted)).toBeLessThan(1.75);
      if (startedFrom(nextPass(series, fitted, riseAt + 2 * HOUR_MS).changedAlerts, riseAt).length > 0) fittedCaught++;
      if (startedFrom(nextPass(series, online, riseAt + 2 * HOUR_MS).changedAlerts, riseAt).length > 0) onlineCaught++;
    }
    expect(fittedCaught).toBeGreaterThanOrEqual(5);
    expect(onlineCaught).toBeLessThan(fittedCaught);
  });

  it('spends no more than its false-alert budget on the spike-free week after (0.1 a series-week; at most 2 in 6 series-weeks)', () => {
    const historyEnd = START_MS + 8 * DAY_MS + 10 * HOUR_MS;
    let alerts = 0;
    for (const seed of seeds) {
      const series = counts(seed, historyEnd + 7 * DAY_MS);
      const week = nextPass(series, firstPass(series, historyEnd - MINUTE_MS, true), historyEnd + 7 * DAY_MS - MINUTE_MS);
      alerts += startedFrom(week.changedAlerts, historyEnd).length;
    }
    expect(alerts).toBeLessThanOrEqual(2);
  });

  it('fits nothing from less than a week of history: the first pass is the online one', () => {
    const weekMs = START_MS + PROFILE_FIT_MIN_HISTORY_MS;
    const series = counts(1, weekMs + MINUTE_MS);
    expect(firstPass(series, weekMs - MINUTE_MS, true).snapshot).toEqual(firstPass(series, weekMs - MINUTE_MS, false).snapshot);
    // A week and it does.
    expect(firstPass(series, weekMs, true).snapshot).not.toEqual(firstPass(series, weekMs, false).snapshot);
  });

  it('reads nothing after the pass’s last minute', () => {
    const untilMs = START_MS + 9 * DAY_MS;
    const series = counts(2, untilMs + MINUTE_MS);
    const withLater = new Map(series);
    for (let t = untilMs + MINUTE_MS; t < untilMs + DAY_MS; t += MINUTE_MS) withLater.set(t, 50);
    expect(firstPass(withLater, untilMs, true).snapshot).toEqual(firstPass(series, untilMs, true).snapshot);
  });
});
