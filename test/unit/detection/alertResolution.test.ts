// When a spike's alert resolves: on a sparse series a minute in band says nothing (2 messages against a
// band of 3), so the alert stays open while a count window still holds significantly more than expected,
// and resolves once the last hour looks ordinary again. Seeded, minute by minute as the schedule runs.
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

/** Notices of a topic at `perMinute` with a ×`factor` rise for `hours` from day 9, 13:00, as minutes from the rise's start. */
function noticesOf(perMinute: number, factor: number, hours: number, seed: number): { kind: NoticeKind; minute: number }[] {
  const random = seededRandom(seed);
  const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
  const riseFrom = START_MS + 9 * DAY_MS + 13 * HOUR_MS;
  const riseTo = riseFrom + hours * HOUR_MS;
  let alert: AlertState | undefined;
  const notices: { kind: NoticeKind; minute: number }[] = [];
  for (let t = START_MS; t < riseTo + 6 * HOUR_MS; t += MINUTE_MS) {
    const observed = poisson(random, perMinute * rhythm(t) * (t >= riseFrom && t < riseTo ? factor : 1));
    const step = stepAlert('topic=billing', alert, { minuteMs: t, observed, ...detector.update(t, observed) }, t, DEFAULT_ALERT_POLICY);
    alert = step.alert;
    if (step.notice) notices.push({ kind: step.notice, minute: (t - riseFrom) / MINUTE_MS });
  }
  return notices;
}

describe('alert resolution on a sparse series', () => {
  it.each([1, 2, 3, 4, 5])('keeps a 4-hour ×4 rise on a 0.04/min topic open until it ends, then resolves within 3 hours (seed %i)', (seed) => {
    const notices = noticesOf(0.04, 4, 4, seed);
    expect(notices.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    const [fired, resolved] = notices.map((n) => n.minute);
    expect(fired).toBeGreaterThanOrEqual(0);
    expect(fired).toBeLessThan(4 * 60);
    expect(resolved).toBeGreaterThan(4 * 60);
    expect(resolved).toBeLessThan(7 * 60);
  });

  it.each([1, 2, 3])('resolves a 20-minute burst on a 0.04/min topic within two hours of its end (seed %i)', (seed) => {
    const notices = noticesOf(0.04, 25, 1 / 3, seed);
    expect(notices.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(notices[0].minute).toBeLessThan(20);
    expect(notices[1].minute).toBeGreaterThan(20);
    expect(notices[1].minute).toBeLessThan(20 + 120);
  });

  it.each([1, 2, 3])('resolves a 3-minute burst 100× the usual rate within 40 minutes of its end (seed %i)', (seed) => {
    const notices = noticesOf(0.25, 100, 0.05, seed);
    expect(notices.map((n) => n.kind)).toEqual(['firing', 'resolved']);
    expect(notices[0].minute).toBeLessThan(3);
    expect(notices[1].minute).toBeGreaterThan(3);
    expect(notices[1].minute).toBeLessThan(3 + 40);
  });

  it('gives no windows while too few events make a pile-up, then every width', () => {
    const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
    const random = seededRandom(9);
    for (let t = START_MS; t < START_MS + 14 * DAY_MS; t += MINUTE_MS) detector.update(t, poisson(random, 0.002));
    let t = START_MS + 14 * DAY_MS;
    // Two messages in a quiet series: improbable, but no pile-up (sparseMinEvents).
    for (let i = 0; i < 2; i++, t += MINUTE_MS) expect(detector.update(t, 1).windows).toEqual([]);
    const windows = detector.update(t, 1).windows;
    expect(windows.map((w) => w.minutes)).toEqual([5, 15, 60, 180]);
    expect(windows.map((w) => w.observed)).toEqual([3, 3, 3, 3]);
    expect(windows.every((w) => w.expected > 0 && w.expected < 1)).toBe(true);
  });
});
