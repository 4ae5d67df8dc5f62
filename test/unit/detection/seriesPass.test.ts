// The scheduled detection pass end to end (domain only): detector state stored as JSON between
// passes, the alert lifecycle stepped minute by minute. Two separate incidents on one topic on the
// same day are two alerts, each announced and resolved once. Seeded.
import { describe, expect, it } from 'vitest';
import type { AlertState, NoticeKind } from '../../../domain/alerts.js';
import { resolveOptions } from '../../../domain/detection/detectorOptions.js';
import { createShareDetector, DEFAULT_SHARE_OPTIONS, type ShareSnapshot } from '../../../domain/detection/shareDetector.js';
import { adoptStreamingDetector, createStreamingDetector, type DetectorSnapshot } from '../../../domain/detection/streamingDetector.js';
import { MINUTE_MS, runSeriesPass, VOLUME_DETECTOR_OPTIONS, type SeriesPassResult } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
/** Office-hours rhythm around 0.1 tickets a minute (~144 a day). */
const rate = (t: number) => 0.1 * (1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2));

describe('scheduled detection passes on one topic', () => {
  it.each([1, 2, 3, 4, 5])('two ×4 rises 6 hours apart on day 9 are two alerts, each fired and resolved once (seed %i)', (seed) => {
    const random = seededRandom(seed);
    const rises = [START_MS + 9 * DAY_MS + 9 * HOUR_MS, START_MS + 9 * DAY_MS + 15 * HOUR_MS];
    const inRise = (t: number) => rises.some((from) => t >= from && t < from + 90 * MINUTE_MS);
    const counts = new Map<number, number>();
    for (let t = START_MS; t < START_MS + 10 * DAY_MS; t += MINUTE_MS) {
      const c = poisson(random, rate(t) * (inRise(t) ? 4 : 1));
      if (c > 0) counts.set(t, c);
    }
    // One pass per hour, each resuming from the previous pass's JSON snapshot, as the schedule's activity does.
    let previous: { lastMinuteMs: number; snapshot: SeriesPassResult['snapshot'] } | undefined;
    let alert: AlertState | undefined;
    const notices: { kind: NoticeKind; alertId: string }[] = [];
    for (let until = START_MS + HOUR_MS - MINUTE_MS; until < START_MS + 10 * DAY_MS; until += HOUR_MS) {
      const r = runSeriesPass({ series: 'topic=billing', previous, counts, newSeriesFromMs: START_MS, untilMs: until, alert }, until);
      previous = { lastMinuteMs: r.lastMinuteMs, snapshot: JSON.parse(JSON.stringify(r.snapshot)) };
      alert = r.alert;
      notices.push(...r.notices.map((n) => ({ kind: n.kind, alertId: n.alert.alertId })));
    }
    const firing = notices.filter((n) => n.kind === 'firing');
    expect(firing).toHaveLength(2);
    firing.forEach((n, i) => {
      const startedAt = Date.parse(n.alertId.slice(n.alertId.indexOf('@') + 1));
      expect(startedAt).toBeGreaterThanOrEqual(rises[i]);
      expect(startedAt).toBeLessThan(rises[i] + 90 * MINUTE_MS);
    });
    expect(notices.filter((n) => n.kind === 'resolved').map((n) => n.alertId)).toEqual(firing.map((n) => n.alertId));
  });
});

describe('a series starting over on history that arrived after it fed its minutes', () => {
  it('rebuilds its detector over them but does not judge them again: no alert raised or notified twice', () => {
    const random = seededRandom(1);
    const rise = START_MS + 9 * DAY_MS + 9 * HOUR_MS;
    const counts = new Map<number, number>();
    for (let t = START_MS; t < START_MS + 10 * DAY_MS; t += MINUTE_MS) {
      const c = poisson(random, rate(t) * (t >= rise && t < rise + 90 * MINUTE_MS ? 4 : 1));
      if (c > 0) counts.set(t, c);
    }
    const until = START_MS + 10 * DAY_MS - MINUTE_MS;
    const first = runSeriesPass({ series: 'topic=billing', counts, newSeriesFromMs: START_MS, untilMs: until, alert: undefined }, until);
    expect(first.alert?.startedAtMs).toBeGreaterThanOrEqual(rise);
    // The same minutes again from scratch (as after an import), with the alert the first pass left.
    const again = (judgedUntilMs?: number) => runSeriesPass({ series: 'topic=billing', counts, newSeriesFromMs: START_MS, untilMs: until, alert: first.alert, judgedUntilMs }, until);
    const restarted = again(first.lastMinuteMs);
    expect([restarted.changedAlerts, restarted.notices]).toEqual([[], []]);
    expect(restarted.snapshot).toEqual(first.snapshot);
    // Judged again, the replay would have raised the rise's alert a second time.
    expect(again().changedAlerts.length).toBeGreaterThan(0);
  });
});

describe('a series stored by an earlier version', () => {
  /** What an earlier version created series with: no count test above 1 a minute, three weeks remembered (ten days are two). */
  const EARLIER = { ...VOLUME_DETECTOR_OPTIONS, sparseBelowPerStep: 1, weeklyDepth: 3 };

  it.each([
    [2, 1],
    [2, 2],
    [4, 3],
  ])('takes up the current options on its next pass: a 3-hour ×2 rise at %i a minute is paged within the hour (seed %i)', (perMinute, seed) => {
    const random = seededRandom(seed);
    const rise = START_MS + 9 * DAY_MS + 10 * HOUR_MS;
    const counts = new Map<number, number>();
    for (let t = START_MS; t < START_MS + 10 * DAY_MS; t += MINUTE_MS) {
      const c = poisson(random, perMinute * (1 + 0.5 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2)) * (t >= rise && t < rise + 3 * HOUR_MS ? 2 : 1));
      if (c > 0) counts.set(t, c);
    }
    const earlier = runSeriesPass({ series: 'topic=billing', counts, newSeriesFromMs: START_MS, untilMs: START_MS + 8 * DAY_MS - MINUTE_MS, alert: undefined }, 0, undefined, EARLIER);
    const upgraded = runSeriesPass(
      { series: 'topic=billing', previous: { lastMinuteMs: earlier.lastMinuteMs, snapshot: JSON.parse(JSON.stringify(earlier.snapshot)) }, counts, newSeriesFromMs: START_MS, untilMs: START_MS + 10 * DAY_MS - MINUTE_MS, alert: earlier.alert },
      START_MS + 10 * DAY_MS,
    );
    expect(upgraded.changedAlerts.map((a) => a.startedAtMs - rise).filter((ms) => ms >= 0 && ms < HOUR_MS)).toHaveLength(1);
    expect(upgraded.changedAlerts).toHaveLength(1);
    const { options, baseline } = upgraded.snapshot as DetectorSnapshot;
    const current = resolveOptions(VOLUME_DETECTOR_OPTIONS);
    expect(options.sparseBelowPerStep).toBe(current.sparseBelowPerStep);
    // The weekly memory keeps what it learned and remembers the current number of weeks from now on.
    expect(options.weeklyDepth).toBe(current.weeklyDepth);
    expect(baseline!.memories.weekly!.depth).toBe(current.weeklyDepth);
    expect(Math.max(...baseline!.memories.weekly!.history.map((h) => h.length))).toBe(2);
  });

  it('a shallower weekly memory keeps its newest weeks', () => {
    const detector = createStreamingDetector({ direction: 'up', weeklyDepth: 3 });
    for (let t = START_MS; t < START_MS + 22 * DAY_MS; t += MINUTE_MS) detector.update(t, (t / MINUTE_MS) % 5);
    const stored = detector.snapshot();
    const adopted = adoptStreamingDetector(JSON.parse(JSON.stringify(stored)), { direction: 'up', weeklyDepth: 1 }).snapshot();
    expect(stored.baseline!.memories.weekly!.history.every((h) => h.length === 3)).toBe(true);
    expect(adopted.baseline!.memories.weekly!.history).toEqual(stored.baseline!.memories.weekly!.history.map((h) => h.slice(-1)));
  });

  it('a negative-share series takes up the current options too', () => {
    const stored = createShareDetector({ zThreshold: 9 });
    stored.update(START_MS, 3, 1, false);
    const upgraded = runSeriesPass({ series: 'negative_share:topic=billing', previous: { lastMinuteMs: START_MS, snapshot: JSON.parse(JSON.stringify(stored.snapshot())) }, counts: new Map(), negatives: new Map(), newSeriesFromMs: START_MS, untilMs: START_MS + MINUTE_MS, alert: undefined }, START_MS);
    expect((upgraded.snapshot as ShareSnapshot).options).toEqual(DEFAULT_SHARE_OPTIONS);
  });
});
