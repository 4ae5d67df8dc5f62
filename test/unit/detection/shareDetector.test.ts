// The negative-sentiment share detector on constructed series: a share that drifts from hour to hour
// but does not rise stays quiet, a tripled share is caught within the hour and resolves, a volume
// spike at the usual share is not a share alert, sparse series are never judged, holidays are not
// learned, and a resumed snapshot continues exactly.
import { describe, expect, it } from 'vitest';
import { seriesKey } from '../../../domain/alerts.js';
import { createShareDetector, restoreShareDetector, type ShareResult } from '../../../domain/detection/shareDetector.js';
import { MINUTE_MS, runSeriesPass } from '../../../domain/spikeDetection.js';
import { gaussian, poisson, seededRandom } from '../../helpers/seededRandom.js';

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const START = Date.UTC(2026, 0, 5);

interface Stream {
  /** Customer messages per minute on an office-hours afternoon (nights get a quarter). */
  perMinute: number;
  share: number;
  /** Hour-to-hour drift of the true share, in log-odds. */
  drift?: number;
  days: number;
  /** From `at` for `minutes`: the share multiplied and/or the volume multiplied. */
  rise?: { at: number; minutes: number; shareFactor?: number; volumeFactor?: number };
}

function generate(seed: number, s: Stream): { minute: number; messages: number; negative: number }[] {
  const random = seededRandom(seed);
  const out = [];
  let hourLogOdds = 0;
  for (let minute = START; minute < START + s.days * DAY_MS; minute += MINUTE_MS) {
    if (minute % HOUR_MS === 0) hourLogOdds = (s.drift ?? 0) * gaussian(random);
    const hour = new Date(minute).getUTCHours();
    const inRise = s.rise && minute >= s.rise.at && minute < s.rise.at + s.rise.minutes * MINUTE_MS;
    const rate = s.perMinute * (hour >= 8 && hour < 18 ? 1 : 0.25) * (inRise ? (s.rise!.volumeFactor ?? 1) : 1);
    const base = 1 / (1 + Math.exp(-(Math.log(s.share / (1 - s.share)) + hourLogOdds)));
    const p = Math.min(0.95, base * (inRise ? (s.rise!.shareFactor ?? 1) : 1));
    const messages = poisson(random, rate);
    let negative = 0;
    for (let i = 0; i < messages; i++) if (random() < p) negative++;
    out.push({ minute, messages, negative });
  }
  return out;
}

function feed(seed: number, s: Stream): ShareResult[] {
  const detector = createShareDetector();
  return generate(seed, s).map((m) => detector.update(m.minute, m.messages, m.negative));
}

const anomalousMinutes = (results: ShareResult[]) => results.flatMap((r, i) => (r.isAnomaly ? [START + i * MINUTE_MS] : []));

describe('negative-sentiment share detector', () => {
  it.each([1, 2, 3])('stays quiet for three weeks of a share drifting by about a third from hour to hour at 5 messages/min (seed %i)', (seed) => {
    expect(anomalousMinutes(feed(seed, { perMinute: 5, share: 0.15, drift: 0.3, days: 21 }))).toEqual([]);
  });

  it.each([1, 2, 3])('catches a tripled share within the hour and lets it go after (seed %i)', (seed) => {
    const at = START + 17 * DAY_MS + 14 * HOUR_MS;
    const results = feed(seed, { perMinute: 5, share: 0.12, drift: 0.2, days: 19, rise: { at, minutes: 120, shareFactor: 3 } });
    const anomalies = anomalousMinutes(results);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies[0]! - at).toBeGreaterThanOrEqual(0);
    expect(anomalies[0]! - at).toBeLessThanOrEqual(HOUR_MS);
    const first = results[(anomalies[0]! - START) / MINUTE_MS]!;
    expect(first.expected).toBeGreaterThan(0.08);
    expect(first.expected).toBeLessThan(0.18);
    expect(first.observed).toBeGreaterThan(first.upper);
    // Nothing after the rise has left both windows' memory (the day window holds it for a day).
    expect(anomalies.every((t) => t < at + 120 * MINUTE_MS + DAY_MS)).toBe(true);
  });

  it('does not mistake a volume spike at the usual share for a rise in the share', () => {
    const at = START + 17 * DAY_MS + 14 * HOUR_MS;
    expect(anomalousMinutes(feed(4, { perMinute: 5, share: 0.15, drift: 0.2, days: 18, rise: { at, minutes: 90, volumeFactor: 6 } }))).toEqual([]);
  });

  it('never judges a series too quiet for a share to mean anything, however negative', () => {
    const at = START + 10 * DAY_MS;
    const results = feed(5, { perMinute: 0.005, share: 0.1, days: 14, rise: { at, minutes: 4 * DAY_MS / MINUTE_MS, shareFactor: 9 } });
    expect(anomalousMinutes(results)).toEqual([]);
    expect(results.every((r) => r.window === null)).toBe(true);
  });

  it('judges a small window of a usually-negative series by its binomial tail too, not by the log-odds alone', () => {
    const warmed = () => {
      const detector = createShareDetector();
      for (const m of generate(9, { perMinute: 1, share: 0.53, days: 3 })) detector.update(m.minute, m.messages, m.negative);
      // An hour with no messages, then 20 at once: the hour window holds just those.
      for (let i = 0; i < 59; i++) detector.update(START + 3 * DAY_MS + i * MINUTE_MS, 0, 0);
      return detector;
    };
    // 18 of 20: the log-odds read it as z ≈ 4, the binomial tail as z ≈ 3.1.
    const eighteen = warmed().update(START + 3 * DAY_MS + 59 * MINUTE_MS, 20, 18);
    expect([eighteen.window, eighteen.messages, eighteen.isAnomaly]).toEqual(['hour', 20, false]);
    const twenty = warmed().update(START + 3 * DAY_MS + 59 * MINUTE_MS, 20, 20);
    expect(twenty.isAnomaly).toBe(true);
  });

  it('lets a usually half-negative topic rise: 45% to 65% is an odds ratio above 2, though not 1.5× the share', () => {
    const at = START + 10 * DAY_MS + 14 * HOUR_MS;
    const anomalies = anomalousMinutes(feed(10, { perMinute: 5, share: 0.45, days: 11, rise: { at, minutes: 120, shareFactor: 0.65 / 0.45 } }));
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies[0]! - at).toBeGreaterThanOrEqual(0);
    expect(anomalies[0]! - at).toBeLessThanOrEqual(HOUR_MS);
  });

  it('scores a holiday minute but learns nothing from it', () => {
    const detector = createShareDetector();
    for (const m of generate(6, { perMinute: 5, share: 0.15, days: 3 })) detector.update(m.minute, m.messages, m.negative);
    const before = detector.snapshot().baseline;
    const holiday = detector.update(START + 3 * DAY_MS, 40, 30, true);
    expect(holiday.isAnomaly).toBe(true);
    expect(detector.snapshot().baseline).toEqual(before);
    expect(detector.snapshot().spread.hour.tainted).toBe(true);
  });

  it('resumes from a JSON snapshot exactly where it stopped', () => {
    const minutes = generate(7, { perMinute: 5, share: 0.15, drift: 0.2, days: 6, rise: { at: START + 5 * DAY_MS + 10 * HOUR_MS, minutes: 90, shareFactor: 3.5 } });
    const whole = createShareDetector();
    const expected = minutes.map((m) => whole.update(m.minute, m.messages, m.negative));
    let split = createShareDetector();
    const resumed = minutes.map((m, i) => {
      if (i % 997 === 0) split = restoreShareDetector(JSON.parse(JSON.stringify(split.snapshot())));
      return split.update(m.minute, m.messages, m.negative);
    });
    expect(resumed).toEqual(expected);
    expect(expected.some((r) => r.isAnomaly)).toBe(true);
  });

  it('runs as a negative_share series in a detection pass: one alert, resolved, beside a quiet volume series', () => {
    const at = START + 17 * DAY_MS + 14 * HOUR_MS;
    const minutes = generate(8, { perMinute: 5, share: 0.12, drift: 0.2, days: 19, rise: { at, minutes: 120, shareFactor: 3 } });
    const counts = new Map(minutes.filter((m) => m.messages > 0).map((m) => [m.minute, m.messages]));
    const negatives = new Map(minutes.filter((m) => m.negative > 0).map((m) => [m.minute, m.negative]));
    const untilMs = minutes.at(-1)!.minute;
    const pass = (metric: 'volume' | 'negative_share') =>
      runSeriesPass({ series: seriesKey(metric, 'topic=billing'), counts, negatives, newSeriesFromMs: START, untilMs, alert: undefined }, untilMs, { resolveAfterMinutes: 10, cooldownMinutes: 30, notifyWithinMinutes: 30 * 24 * 60 });
    const share = pass('negative_share');
    expect(share.changedAlerts.map((a) => [a.series, a.status])).toEqual([['negative_share:topic=billing', 'resolved']]);
    expect(share.notices.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(share.changedAlerts[0]!.startedAtMs).toBeGreaterThanOrEqual(at);
    expect(share.snapshot).toMatchObject({ kind: 'share' });
    expect(pass('volume').changedAlerts).toEqual([]);
  });
});
