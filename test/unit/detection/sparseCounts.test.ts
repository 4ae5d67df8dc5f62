// The windowed count test on constructed sparse series (a topic at a few tickets an hour): a ×4
// rise is caught within the hour, a quiet week raises nothing, a strong daily rhythm is not a spike,
// a topic appearing from nothing is. Seeded, so every run sees the same numbers.
import { poissonDistribution } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { tailAndMass, upperTail } from '../../../domain/detection/negativeBinomial.js';
import { createStreamingDetector, restoreStreamingDetector, SNAPSHOT_VERSION } from '../../../domain/detection/streamingDetector.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);


/** Office-hours rhythm, mean ≈ 1 over a day: 0.2 at night, up to 1.8 in the afternoon. */
const daily = (t: number) => 1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2);
/** Quiet weekends (days 5 and 6 from a Monday start). */
const weekly = (t: number) => (Math.floor((t - START_MS) / DAY_MS) % 7 >= 5 ? 0.35 : 1.26);

/** Minutes of alerts (since START) for a series with rate(t) per minute. */
function alertMinutes(days: number, rate: (t: number) => number, seed: number): number[] {
  const random = seededRandom(seed);
  const detector = createStreamingDetector({ direction: 'up' });
  const alerts: number[] = [];
  for (let t = START_MS; t < START_MS + days * DAY_MS; t += MINUTE_MS) {
    if (detector.update(t, poisson(random, rate(t))).isAnomaly) alerts.push((t - START_MS) / MINUTE_MS);
  }
  return alerts;
}

const SEEDS = [1, 2, 3, 4, 5];
const BASE = 0.04; // tickets per minute: ~58 a day, a typical topic of an 800-ticket/day tenant

describe('windowed count test on sparse series', () => {
  it.each(SEEDS)('catches a 90-minute ×4 rise on a 0.04/min topic within the hour, and nothing else (seed %i)', (seed) => {
    const spikeFrom = 9 * DAY_MS + 13 * HOUR_MS;
    const inSpike = (t: number) => t - START_MS >= spikeFrom && t - START_MS < spikeFrom + 90 * MINUTE_MS;
    const alerts = alertMinutes(10, (t) => BASE * daily(t) * weekly(t) * (inSpike(t) ? 4 : 1), seed);
    expect(alerts.length).toBe(1);
    const latency = alerts[0] - spikeFrom / MINUTE_MS;
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(60);
  });

  it.each(SEEDS)('raises nothing on three spike-free weeks of a seasonal 0.04/min topic (seed %i)', (seed) => {
    expect(alertMinutes(21, (t) => BASE * daily(t) * weekly(t), seed)).toEqual([]);
  });

  it.each(SEEDS)('learns a strong daily rhythm instead of calling every afternoon a spike (seed %i)', (seed) => {
    // Nights at 0.05× and afternoons at 3× the mean: a flat model would see a ×3 rise every day.
    const rhythm = (t: number) => Math.max(0.05, 1 + 2 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2));
    expect(alertMinutes(14, (t) => 0.1 * rhythm(t), seed)).toEqual([]);
  });

  it.each(SEEDS)('flags a sparse topic that appears from nothing within half an hour (seed %i)', (seed) => {
    const appearsAt = 4 * DAY_MS + 10 * HOUR_MS;
    const alerts = alertMinutes(6, (t) => (t - START_MS >= appearsAt ? 0.2 : 0), seed);
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    const latency = alerts[0] - appearsAt / MINUTE_MS;
    expect(latency).toBeGreaterThanOrEqual(0);
    expect(latency).toBeLessThan(30);
  });

  it('does not page on one or two tickets in a series of zeros (a one-off tag); the third within three hours does', () => {
    // Two weeks of zeros, then tickets at the given minutes after 10:00 on day 14.
    const alertsAfter = (ticketMinutes: number[]) => {
      const detector = createStreamingDetector({ direction: 'up' });
      const from = 14 * DAY_MS + 10 * HOUR_MS;
      const alerts: number[] = [];
      for (let t = START_MS; t < START_MS + from + 6 * HOUR_MS; t += MINUTE_MS) {
        const minute = (t - START_MS - from) / MINUTE_MS;
        if (detector.update(t, ticketMinutes.filter((m) => m === minute).length).isAnomaly) alerts.push(minute);
      }
      return alerts;
    };
    expect(alertsAfter([0])).toEqual([]);
    expect(alertsAfter([0, 0])).toEqual([]);
    expect(alertsAfter([0, 170])).toEqual([]);
    // Two tickets more than three hours apart, then a third: the window holds two again.
    expect(alertsAfter([0, 100, 200])).toEqual([]);
    expect(alertsAfter([0, 100, 150])).toEqual([150]);
    expect(alertsAfter([0, 0, 0])).toEqual([0]);
  });

  it.each(SEEDS)('alerts again for a second, separate rise on the same topic hours after the first has ended (seed %i)', (seed) => {
    // Two 90-minute ×4 rises on one working day, 6 hours apart (start to start): two incidents, two alerts. The
    // second used to be silenced for about a day by the first alert's bar.
    const rises = [9 * DAY_MS + 9 * HOUR_MS, 9 * DAY_MS + 15 * HOUR_MS];
    const inRise = (t: number) => rises.some((from) => t - START_MS >= from && t - START_MS < from + 90 * MINUTE_MS);
    const alerts = alertMinutes(10, (t) => BASE * daily(t) * weekly(t) * (inRise(t) ? 4 : 1), seed);
    expect(alerts.map((a) => rises.findIndex((from) => a >= from / MINUTE_MS && a < from / MINUTE_MS + 90))).toEqual([0, 1]);
  });

  it('alerts once for a burst, not again while the burst is still inside the longer windows', () => {
    // One ticket every 4 minutes for two days, 30 a minute for 3 minutes, then quiet again for 4 hours.
    const detector = createStreamingDetector({ direction: 'up' });
    const burstAt = 2 * DAY_MS;
    const alerts: number[] = [];
    for (let m = 0; m * MINUTE_MS < burstAt + 4 * HOUR_MS; m++) {
      const t = m * MINUTE_MS;
      const value = t >= burstAt && t < burstAt + 3 * MINUTE_MS ? 30 : m % 4 === 0 ? 1 : 0;
      if (detector.update(START_MS + t, value).isAnomaly) alerts.push(t);
    }
    expect(alerts).toEqual([burstAt]);
  });

  it.each(SEEDS)('says which window raised a sparse alert: its count against the count expected (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const detector = createStreamingDetector({ direction: 'up' });
    const spikeFrom = START_MS + 9 * DAY_MS + 13 * HOUR_MS;
    const recent: number[] = [];
    const windows: { minutes: number; observed: number; expected: number; inWindow: number }[] = [];
    for (let t = START_MS; t < START_MS + 10 * DAY_MS; t += MINUTE_MS) {
      const inSpike = t >= spikeFrom && t < spikeFrom + 90 * MINUTE_MS;
      const value = poisson(random, BASE * daily(t) * weekly(t) * (inSpike ? 4 : 1));
      recent.push(value);
      const result = detector.update(t, value);
      if (!result.isAnomaly) {
        expect(result.countWindow === null || result.score > 0).toBe(true);
        continue;
      }
      const w = result.countWindow!;
      // The window's count is this series' own: the last w.minutes values fed.
      windows.push({ ...w, inWindow: recent.slice(-w.minutes).reduce((a, b) => a + b, 0) });
    }
    expect(windows).toHaveLength(1);
    const [w] = windows;
    expect([5, 15, 60, 180]).toContain(w.minutes);
    expect(w.observed).toBe(w.inWindow);
    expect(w.observed).toBeGreaterThan(2 * w.expected);
  });

  it('gives no count window on a busy series, whose minutes the count windows do not test', () => {
    const detector = createStreamingDetector({ direction: 'up' });
    const random = seededRandom(9);
    let alerted: ReturnType<typeof detector.update> | undefined;
    for (let t = START_MS; t < START_MS + 10 * DAY_MS; t += MINUTE_MS) {
      const spike = t >= START_MS + 9 * DAY_MS + 13 * HOUR_MS && t < START_MS + 9 * DAY_MS + 13 * HOUR_MS + 10 * MINUTE_MS;
      const result = detector.update(t, poisson(random, 40 * daily(t) * (spike ? 3 : 1)));
      if (result.isAnomaly && !alerted) alerted = result;
    }
    expect(alerted).toBeDefined();
    expect(alerted!.countWindow).toBeNull();
  });

  it('reports the seasonal rate as the expectation of a sparse series', () => {
    const random = seededRandom(21);
    const detector = createStreamingDetector({ direction: 'up' });
    const rate = (t: number) => BASE * daily(t) * weekly(t);
    const expectedAt = new Map<number, number>();
    for (let t = START_MS; t < START_MS + 15 * DAY_MS; t += MINUTE_MS) expectedAt.set(t, detector.update(t, poisson(random, rate(t))).expected);
    // Day 14 is a Monday: the afternoon is busy, the night quiet, and the model knows both.
    for (const hour of [3, 13]) {
      const t = START_MS + 14 * DAY_MS + hour * HOUR_MS;
      expect(expectedAt.get(t)! / rate(t)).toBeGreaterThan(0.7);
      expect(expectedAt.get(t)! / rate(t)).toBeLessThan(1.3);
    }
  });

  it('keeps its count memory in the JSON snapshot and resumes identically', () => {
    const random = seededRandom(9);
    const points = Array.from({ length: 4 * 1440 }, (_, i) => ({ t: START_MS + i * MINUTE_MS, v: poisson(random, BASE * (i > 3 * 1440 + 600 && i < 3 * 1440 + 700 ? 5 : 1)) }));
    const straight = createStreamingDetector({ direction: 'up' });
    const expected = points.map((p) => straight.update(p.t, p.v));
    const first = createStreamingDetector({ direction: 'up' });
    const half = 3 * 1440 + 650;
    const before = points.slice(0, half).map((p) => first.update(p.t, p.v));
    const snapshot = JSON.parse(JSON.stringify(first.snapshot()));
    expect(snapshot.counts.widths).toEqual([5, 15, 60, 180]);
    const resumed = restoreStreamingDetector(snapshot);
    expect([...before, ...points.slice(half).map((p) => resumed.update(p.t, p.v))]).toEqual(expected);
  });

  it('resumes a version-1 snapshot (from before the count memory) without losing the rest of its state', () => {
    const detector = createStreamingDetector({ direction: 'up' });
    for (let i = 0; i < 100; i++) detector.update(START_MS + i * MINUTE_MS, i % 7 === 0 ? 1 : 0);
    const { counts: _dropped, ...rest } = detector.snapshot();
    // Version 1 also kept the since-dropped shift stream's history second.
    const restored = restoreStreamingDetector({ ...rest, version: 1, tails: [rest.tails[0], rest.tails[0], ...rest.tails.slice(1)] } as never);
    expect(restored.snapshot().version).toBe(SNAPSHOT_VERSION);
    expect(restored.snapshot().tails).toEqual(rest.tails);
    expect(restored.snapshot().cadence.stepMs).toBe(MINUTE_MS);
    expect(() => restored.update(START_MS + 100 * MINUTE_MS, 0)).not.toThrow();
  });
});

describe('negative-binomial / Poisson upper tail', () => {
  it('matches the Poisson table of simple-statistics (which stops once it has 99.999% of the mass)', () => {
    for (const mu of [0.3, 2, 7.5]) {
      const pmf = poissonDistribution(mu)!;
      for (const k of [1, 3, 6]) {
        const fromTable = 1 - pmf.slice(0, k).reduce((a, b) => a + b, 0);
        expect(Math.abs(upperTail(k, mu, Infinity) - fromTable)).toBeLessThan(2e-5);
      }
    }
    expect(tailAndMass(3, 2, Infinity).mass).toBeCloseTo(poissonDistribution(2)![3]!, 12);
  });

  it('keeps tiny tails precise and widens with overdispersion', () => {
    // P(X ≥ 20 | Poisson 2) = 6.4e-14 (P(X = 20) = 5.8e-14): 1 − CDF would round it away.
    expect(upperTail(20, 2, Infinity)).toBeGreaterThan(6.3e-14);
    expect(upperTail(20, 2, Infinity)).toBeLessThan(6.5e-14);
    expect(upperTail(20, 2, 5)).toBeGreaterThan(upperTail(20, 2, 1e6));
    expect(upperTail(0, 2, 5)).toBe(1);
    expect(upperTail(3, 0, 5)).toBe(0);
  });
});
