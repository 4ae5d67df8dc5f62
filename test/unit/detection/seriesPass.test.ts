// The scheduled detection pass end to end (domain only): detector state stored as JSON between
// passes, the alert lifecycle stepped minute by minute. Two separate incidents on one topic on the
// same day are two alerts, each announced and resolved once. Seeded.
import { describe, expect, it } from 'vitest';
import type { AlertState, NoticeKind } from '../../../domain/alerts.js';
import { MINUTE_MS, runSeriesPass, type SeriesPassResult } from '../../../domain/spikeDetection.js';
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
