// What would page a series (domain/spikeDetection.ts seriesSensitivity, detection/pagingCounts.ts):
// the counts at which the windowed count test reaches its alert level, checked against the test
// itself and against the detector, on seeded constructed series.
import { describe, expect, it } from 'vitest';
import { testWindows } from '../../../domain/detection/countWindows.js';
import { pagingCounts } from '../../../domain/detection/pagingCounts.js';
import { resolveOptions } from '../../../domain/detection/detectorOptions.js';
import { createShareDetector } from '../../../domain/detection/shareDetector.js';
import { countParams, createStreamingDetector, restoreStreamingDetector, type DetectorSnapshot } from '../../../domain/detection/streamingDetector.js';
import { seriesSensitivity, VOLUME_DETECTOR_OPTIONS } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
const daily = (t: number) => 1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2);

/** A volume detector fed `days` of a seasonal Poisson series at `base` a minute; its snapshot and the next minute. */
function fed(days: number, base: number, seed: number, endHourUtc = 14): { snapshot: DetectorSnapshot; next: number } {
  const random = seededRandom(seed);
  const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
  const end = START_MS + days * DAY_MS + endHourUtc * HOUR_MS;
  for (let t = START_MS; t < end; t += MINUTE_MS) detector.update(t, poisson(random, base * daily(t)));
  return { snapshot: detector.snapshot(), next: end };
}

describe('what would page a series', () => {
  it.each([1, 2, 3])('names, per window, the fewest events at which the count test reaches its alert level (seed %i)', (seed) => {
    const { snapshot, next } = fed(10, 0.04, seed);
    const sensitivity = seriesSensitivity(snapshot, next);
    expect(sensitivity).toMatchObject({ test: 'count-windows', inEpisode: false });
    expect(sensitivity.windows.map((w) => w.minutes)).toEqual([5, 15, 60, 180]);
    const p = countParams(resolveOptions(VOLUME_DETECTOR_OPTIONS));
    const [fiveMinutes] = sensitivity.windows;
    // This minute's events bring the 5-minute window to pagesAt: the test reaches its level there and not one below.
    const events = fiveMinutes.pagesAt! - fiveMinutes.held;
    const at = testWindows(structuredClone(snapshot.counts!), p, next, events);
    const below = testWindows(structuredClone(snapshot.counts!), p, next, events - 1);
    expect(at.surprise).toBeGreaterThanOrEqual(at.alertSurprise);
    expect(at.perWidth[0].observed).toBe(fiveMinutes.pagesAt);
    expect(below.perWidth[0].surprise - Math.log10(4)).toBeLessThan(below.alertSurprise);
    for (const w of sensitivity.windows) {
      expect(w.pagesAt!).toBeGreaterThan(w.expected);
      expect(w.pagesAt!).toBeGreaterThanOrEqual(3); // never fewer than sparseMinEvents
    }
    // The detector itself fires on them.
    expect(restoreStreamingDetector(structuredClone(snapshot)).update(next, events).isAnomaly).toBe(true);
  });

  it('never names fewer events than the detector needs before it reports anything (three in its widest window)', () => {
    // Three tickets on day one, then three weeks of zeros: two in five minutes would be a record.
    const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
    const end = START_MS + 21 * DAY_MS + 14 * HOUR_MS;
    for (let t = START_MS; t < end; t += MINUTE_MS) detector.update(t, t - START_MS === 10 * HOUR_MS ? 3 : 0);
    const snapshot = detector.snapshot();
    const p = countParams(resolveOptions(VOLUME_DETECTOR_OPTIONS));
    expect(pagingCounts(snapshot.counts!, p, end)[0].pagesAt).toBe(2); // the count test alone
    const [fiveMinutes] = seriesSensitivity(snapshot, end).windows;
    expect(fiveMinutes).toMatchObject({ held: 0, pagesAt: 3 });
    expect(restoreStreamingDetector(structuredClone(snapshot)).update(end, 2).isAnomaly).toBe(false);
    expect(restoreStreamingDetector(structuredClone(snapshot)).update(end, 3).isAnomaly).toBe(true);
  });

  it('asks more of a young series than of one with four weeks learned, at the same rate', () => {
    const bars = (days: number) => [1, 2, 3].map((seed) => { const { snapshot, next } = fed(days, 0.2, seed); return seriesSensitivity(snapshot, next).windows[1]; });
    const young = bars(3);
    const seasoned = bars(28);
    for (let i = 0; i < 3; i++) expect(young[i].pagesAt! / young[i].expected).toBeGreaterThan(seasoned[i].pagesAt! / seasoned[i].expected);
  });

  it('says how a series is judged when the count windows do not apply yet or at all', () => {
    const young = fed(0, 0.04, 1, 20);
    const warming = seriesSensitivity(young.snapshot, young.next);
    expect(warming).toMatchObject({ test: 'warming-up', windows: [] });
    expect(warming.countingFromMs).toBe(START_MS + DAY_MS + 12 * HOUR_MS);
    const busy = fed(2, 30, 1);
    const perMinute = seriesSensitivity(busy.snapshot, busy.next);
    expect(perMinute.test).toBe('per-minute');
    expect(perMinute.expectedPerMinute!).toBeGreaterThan(20);
    expect(seriesSensitivity(createShareDetector().release(), START_MS)).toEqual({ test: 'share', expectedPerMinute: null, countingFromMs: null, windows: [], inEpisode: false });
  });
});
