// Between sparse and busy: series at 1–10 messages a minute (a mid-size tenant's overall volume, a
// large tenant's main topics). A single minute's residual shows a rise only on its first minutes,
// before the baselines follow the new level, so the windowed count test watches these too; its
// misfit term keeps an ordinary busy day from looking like a spike. Seeded.
import { describe, expect, it } from 'vitest';
import { createStreamingDetector } from '../../../domain/detection/streamingDetector.js';
import { VOLUME_DETECTOR_OPTIONS } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
/** Office-hours rhythm (0.2–1.8) and quiet weekends, mean ≈ 1. */
const rhythm = (t: number) => (1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2)) * (Math.floor((t - START_MS) / DAY_MS) % 7 >= 5 ? 0.35 : 1.26);

/** Minutes (from START) of alerts on `days` of a series at perMinute × rhythm × that day's factor × rise(t). */
function alertMinutes(perMinute: number, days: number, seed: number, rise: (t: number) => number = () => 1, dayToDay = 0): number[] {
  const random = seededRandom(seed);
  const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
  const alerts: number[] = [];
  let dayFactor = 1;
  for (let t = START_MS; t < START_MS + days * DAY_MS; t += MINUTE_MS) {
    // An ordinary day is up to 1.5× busier or quieter than the rhythm says.
    if ((t - START_MS) % DAY_MS === 0) dayFactor = Math.exp(dayToDay * (2 * random() - 1));
    if (detector.update(t, poisson(random, perMinute * rhythm(t) * dayFactor * rise(t))).isAnomaly) alerts.push((t - START_MS) / MINUTE_MS);
  }
  return alerts;
}

describe('windowed count test on series at a few messages a minute', () => {
  it.each([1, 2, 3])('pages a 3-hour ×3 rise on a series at 1 a minute within 10 minutes (seed %i)', (seed) => {
    const from = START_MS + 16 * DAY_MS + 13 * HOUR_MS;
    const alerts = alertMinutes(1, 17, seed, (t) => (t >= from && t < from + 3 * HOUR_MS ? 3 : 1));
    const latency = alerts.map((m) => m - (from - START_MS) / MINUTE_MS).filter((m) => m >= 0);
    expect(latency.length).toBeGreaterThan(0);
    expect(latency[0]).toBeLessThan(10);
  });

  it.each([1, 2, 3])('raises nothing on five weeks at 10 a minute whose days are up to 1.5× busier or quieter than usual (seed %i)', (seed) => {
    expect(alertMinutes(10, 35, seed, undefined, Math.log(1.5))).toEqual([]);
  });

  it.each([1, 2])('raises nothing on a flat series at 10 a minute, whatever a weekday’s first minute holds (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
    const alerts: number[] = [];
    for (let t = START_MS; t < START_MS + 14 * DAY_MS; t += MINUTE_MS) if (detector.update(t, poisson(random, 10)).isAnomaly) alerts.push((t - START_MS) / MINUTE_MS);
    expect(alerts).toEqual([]);
  });
});
