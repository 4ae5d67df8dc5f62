// A topic whose volume rises for good (a launch, a new customer segment) is one incident: paged once,
// resolved once the detector has taken the new level as normal, and a rise on top of the new level is
// still paged. Before, the count model learned the level with a 3-day half-life and the alert bar faded
// in a day, so the same shift was paged again on the following days. Seeded, minute by minute.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY, stepAlert, type AlertState, type NoticeKind } from '../../../domain/alerts.js';
import { createStreamingDetector } from '../../../domain/detection/streamingDetector.js';
import { VOLUME_DETECTOR_OPTIONS } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
/** Office-hours rhythm and quiet weekends, as in sparseCounts.test.ts. */
const rhythm = (t: number) => (1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2)) * (Math.floor((t - START_MS) / DAY_MS) % 7 >= 5 ? 0.35 : 1.26);
/** The shift: day 9 (a Wednesday), 13:00, for good. */
const SHIFT_MS = START_MS + 9 * DAY_MS + 13 * HOUR_MS;

/** Notices (hours from the shift) of a topic at `perMinute` that rises ×4 for good, with `extra` multiplying a later span on top. */
function noticesOf(perMinute: number, seed: number, days: number, extra?: { fromMs: number; toMs: number; factor: number }): { kind: NoticeKind; hour: number }[] {
  const random = seededRandom(seed);
  const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
  let alert: AlertState | undefined;
  const notices: { kind: NoticeKind; hour: number }[] = [];
  for (let t = START_MS; t < SHIFT_MS + days * DAY_MS; t += MINUTE_MS) {
    const onTop = extra && t >= extra.fromMs && t < extra.toMs ? extra.factor : 1;
    const observed = poisson(random, perMinute * rhythm(t) * (t >= SHIFT_MS ? 4 : 1) * onTop);
    const step = stepAlert('topic=billing', alert, { minuteMs: t, observed, ...detector.update(t, observed) }, t, DEFAULT_ALERT_POLICY);
    alert = step.alert;
    if (step.notice) notices.push({ kind: step.notice, hour: (t - SHIFT_MS) / HOUR_MS });
  }
  return notices;
}

describe('a lasting level shift', () => {
  it.each([
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((seed) => [0.2, seed]),
    [5, 1], [5, 2], [5, 3],
  ])('at %f a minute rising ×4 for good is paged once within the hour and resolved within two days, over five days (seed %i)', (perMinute, seed) => {
    const notices = noticesOf(perMinute, seed, 5);
    expect(notices.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(notices[0].hour).toBeGreaterThanOrEqual(0);
    expect(notices[0].hour).toBeLessThan(1);
    expect(notices[1].hour).toBeLessThan(48);
  });

  it.each([1, 2, 3])('a 3-hour ×3 rise on top of the new level, four days later, is paged within the hour (seed %i)', (seed) => {
    const fromMs = SHIFT_MS + 4 * DAY_MS - 2 * HOUR_MS;
    const notices = noticesOf(0.5, seed, 5, { fromMs, toMs: fromMs + 3 * HOUR_MS, factor: 3 });
    const later = notices.filter((n) => n.kind === 'firing' && n.hour >= (fromMs - SHIFT_MS) / HOUR_MS);
    expect(later).toHaveLength(1);
    expect(later[0].hour - (fromMs - SHIFT_MS) / HOUR_MS).toBeLessThan(1);
  });
});
