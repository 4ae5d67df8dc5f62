// Events stored after the scheduled pass that fed their minute (ingest lagging behind a spike): a
// later pass re-reads the minutes its series' count windows still hold and adds them there. Passes a
// minute apart over a seeded sparse topic, each seeing only the events stored by its time.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../../domain/alerts.js';
import type { DetectorSnapshot } from '../../../domain/detection/streamingDetector.js';
import { LATE_EVENTS_LOOKBACK_MS, MINUTE_MS, runSeriesPass, type SeriesPassResult } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
const SPIKE_MS = START_MS + 15 * DAY_MS + 14 * HOUR_MS;
const SPIKE_MINUTES = 30;
/** Passes run this long after the minute they feed ends (the settle time). */
const SETTLE_MS = MINUTE_MS;

interface StoredEvent {
  minuteMs: number;
  storedAtMs: number;
}

/** A 0.05/min topic for 16 days; from SPIKE_MS, SPIKE_MINUTES at 1/min whose events are stored `spikeDelayMs` after their minute ends. */
function stream(seed: number, spikeDelayMs: number): StoredEvent[] {
  const random = seededRandom(seed);
  const events: StoredEvent[] = [];
  for (let m = START_MS; m < START_MS + 16 * DAY_MS; m += MINUTE_MS) {
    const inSpike = m >= SPIKE_MS && m < SPIKE_MS + SPIKE_MINUTES * MINUTE_MS;
    const n = poisson(random, inSpike ? 1 : 0.05);
    for (let i = 0; i < n; i++) events.push({ minuteMs: m, storedAtMs: m + MINUTE_MS + (inSpike ? spikeDelayMs : 1_000) });
  }
  return events;
}

/** Counts per minute of the events stored by `atMs`, for minutes after `fromMs`. */
function storedCounts(events: readonly StoredEvent[], fromMs: number, atMs: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const e of events) if (e.minuteMs > fromMs && e.storedAtMs <= atMs) counts.set(e.minuteMs, (counts.get(e.minuteMs) ?? 0) + 1);
  return counts;
}

/**
 * One pass over the history up to 2 hours before the spike, then a pass a minute from there on.
 * Each pass reads the minutes already fed as well, `lookbackMs` before the last one (0: only the new ones).
 */
function passes(events: readonly StoredEvent[], lookbackMs: number): { firings: number[]; lateEvents: number; last: SeriesPassResult } {
  const policy = { ...DEFAULT_ALERT_POLICY, notifyWithinMinutes: Number.MAX_SAFE_INTEGER };
  const warmUntil = SPIKE_MS - 2 * HOUR_MS;
  let result = runSeriesPass({ series: 'topic=billing', counts: storedCounts(events, START_MS - MINUTE_MS, warmUntil + SETTLE_MS), newSeriesFromMs: START_MS, untilMs: warmUntil - MINUTE_MS, alert: undefined }, warmUntil + SETTLE_MS, policy);
  const firings: number[] = [];
  let lateEvents = 0;
  for (let until = warmUntil; until < SPIKE_MS + 4 * HOUR_MS; until += MINUTE_MS) {
    const nowMs = until + MINUTE_MS + SETTLE_MS;
    const readFrom = result.lastMinuteMs - lookbackMs;
    const previous = { lastMinuteMs: result.lastMinuteMs, snapshot: result.snapshot };
    result = runSeriesPass({ series: 'topic=billing', previous, counts: storedCounts(events, readFrom, nowMs), newSeriesFromMs: START_MS, untilMs: until, alert: result.alert }, nowMs, policy);
    firings.push(...result.notices.filter((n) => n.kind === 'firing').map((n) => n.alert.startedAtMs));
    lateEvents += result.lateEvents;
  }
  return { firings, lateEvents, last: result };
}

/** The count model's learned rate and profile (what late events must reach), without the per-window dispersions. */
function learnedCounts(result: SeriesPassResult) {
  const counts = (result.snapshot as DetectorSnapshot).counts!;
  return { events: counts.events, exposure: counts.exposure, hourCounts: counts.hourCounts, dayCounts: counts.dayCounts, totalCounts: counts.totalCounts, recent: counts.recent };
}

describe('events stored after their minute was fed', () => {
  it.each([1, 2, 3])('a spike whose events are all stored 3 minutes late is caught, and its events are learned as if on time (seed %i)', (seed) => {
    const onTime = passes(stream(seed, 1_000), LATE_EVENTS_LOOKBACK_MS);
    const late = passes(stream(seed, 3 * MINUTE_MS), LATE_EVENTS_LOOKBACK_MS);
    const spikeEvents = stream(seed, 0).filter((e) => e.minuteMs >= SPIKE_MS && e.minuteMs < SPIKE_MS + SPIKE_MINUTES * MINUTE_MS).length;

    expect(onTime.lateEvents).toBe(0);
    expect(onTime.firings.filter((t) => t >= SPIKE_MS && t < SPIKE_MS + SPIKE_MINUTES * MINUTE_MS)).toHaveLength(1);
    // Each spike minute is fed before its events are stored; the next passes add all of them.
    expect(late.lateEvents).toBe(spikeEvents);
    const caught = late.firings.filter((t) => t >= SPIKE_MS && t < SPIKE_MS + (SPIKE_MINUTES + 5) * MINUTE_MS);
    expect(caught).toHaveLength(1);
    expect(caught[0] - onTime.firings[0]).toBeLessThanOrEqual(5 * MINUTE_MS);
    // Hours later the spike has left every window: the rate model learned the same counts.
    expect(learnedCounts(late.last)).toEqual(learnedCounts(onTime.last));
  });

  it.each([1, 2, 3])('without reading the fed minutes again, the late spike is lost (seed %i)', (seed) => {
    const late = passes(stream(seed, 3 * MINUTE_MS), 0);
    expect(late.lateEvents).toBe(0);
    expect(late.firings.filter((t) => t >= SPIKE_MS - HOUR_MS)).toEqual([]);
  });

  it('an event stored later than the count windows reach changes nothing, even when its minute is read', () => {
    // The activity reads from the earliest series' last minute, so a series can see older minutes than its windows hold.
    const events = stream(4, 1_000);
    const tooLate = [...events, { minuteMs: SPIKE_MS - 2 * HOUR_MS - 4 * HOUR_MS, storedAtMs: SPIKE_MS }];
    const a = passes(events, 2 * LATE_EVENTS_LOOKBACK_MS);
    const b = passes(tooLate, 2 * LATE_EVENTS_LOOKBACK_MS);
    expect(b.lateEvents).toBe(0);
    expect(learnedCounts(b.last)).toEqual(learnedCounts(a.last));
  });
});
