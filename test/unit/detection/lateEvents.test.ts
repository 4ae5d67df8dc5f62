// Events stored after the scheduled pass that fed their minute (ingest lagging behind a spike): a
// later pass re-reads the minutes its series' windows still hold and adds them there — the count
// windows of a volume series, the hour and day windows of a negative share. Passes a minute apart over
// seeded series, each seeing only the events stored by its time.
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../../domain/alerts.js';
import type { ShareSnapshot } from '../../../domain/detection/shareDetector.js';
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

describe('negative messages stored after their minute was fed', () => {
  const INCIDENT_MS = START_MS + 15 * DAY_MS + 14 * HOUR_MS;
  /** 2 messages a minute, 10% negative, for 16 days; for an hour from INCIDENT_MS 60% negative and stored `delayMs` after their minute ends. */
  function messages(seed: number, delayMs: number) {
    const random = seededRandom(seed);
    const rows: { minuteMs: number; negative: boolean; storedAtMs: number }[] = [];
    for (let m = START_MS; m < START_MS + 16 * DAY_MS; m += MINUTE_MS) {
      const incident = m >= INCIDENT_MS && m < INCIDENT_MS + HOUR_MS;
      const n = poisson(random, 2);
      for (let i = 0; i < n; i++) rows.push({ minuteMs: m, negative: random() < (incident ? 0.6 : 0.1), storedAtMs: m + MINUTE_MS + (incident ? delayMs : 1_000) });
    }
    return rows;
  }

  function sharePasses(rows: ReturnType<typeof messages>, lookbackMs: number) {
    const policy = { ...DEFAULT_ALERT_POLICY, notifyWithinMinutes: Number.MAX_SAFE_INTEGER };
    const stored = (fromMs: number, atMs: number) => {
      const counts = new Map<number, number>();
      const negatives = new Map<number, number>();
      for (const r of rows) {
        if (r.minuteMs <= fromMs || r.storedAtMs > atMs) continue;
        counts.set(r.minuteMs, (counts.get(r.minuteMs) ?? 0) + 1);
        if (r.negative) negatives.set(r.minuteMs, (negatives.get(r.minuteMs) ?? 0) + 1);
      }
      return { counts, negatives };
    };
    const series = 'negative_share:topic=billing';
    const warmUntil = INCIDENT_MS - HOUR_MS;
    let result = runSeriesPass({ series, ...stored(-Infinity, warmUntil + SETTLE_MS), newSeriesFromMs: START_MS, untilMs: warmUntil - MINUTE_MS, alert: undefined }, warmUntil + SETTLE_MS, policy);
    let lateEvents = 0;
    const firings: number[] = [];
    for (let until = warmUntil; until < INCIDENT_MS + 2 * HOUR_MS; until += MINUTE_MS) {
      const nowMs = until + MINUTE_MS + SETTLE_MS;
      const previous = { lastMinuteMs: result.lastMinuteMs, snapshot: result.snapshot };
      result = runSeriesPass({ series, previous, ...stored(result.lastMinuteMs - lookbackMs, nowMs), newSeriesFromMs: START_MS, untilMs: until, alert: result.alert }, nowMs, policy);
      firings.push(...result.notices.filter((n) => n.kind === 'firing').map((n) => n.alert.startedAtMs));
      lateEvents += result.lateEvents;
    }
    return { firings, lateEvents, snapshot: result.snapshot as ShareSnapshot };
  }

  it.each([1, 2])('an hour of angry customers whose messages are stored 3 minutes late is caught; its windows end as if on time (seed %i)', (seed) => {
    const onTime = sharePasses(messages(seed, 1_000), LATE_EVENTS_LOOKBACK_MS);
    const late = sharePasses(messages(seed, 3 * MINUTE_MS), LATE_EVENTS_LOOKBACK_MS);
    const lost = sharePasses(messages(seed, 3 * MINUTE_MS), 0);
    const inIncident = (t: number) => t >= INCIDENT_MS && t < INCIDENT_MS + HOUR_MS + 5 * MINUTE_MS;
    expect(onTime.firings.filter(inIncident)).toHaveLength(1);
    expect(late.firings.filter(inIncident)).toHaveLength(1);
    expect(late.lateEvents).toBe(messages(seed, 0).filter((r) => r.minuteMs >= INCIDENT_MS && r.minuteMs < INCIDENT_MS + HOUR_MS).length);
    expect(lost.firings.filter(inIncident)).toEqual([]);
    // An hour after the incident: the same hour and day windows, and the long-run share within rounding of decay.
    expect(late.snapshot.minutes).toEqual(onTime.snapshot.minutes);
    expect(late.snapshot.hours).toEqual(onTime.snapshot.hours);
    expect(late.snapshot.baseline.negative).toBeCloseTo(onTime.snapshot.baseline.negative, 0);
    expect(Math.abs(late.snapshot.baseline.messages / onTime.snapshot.baseline.messages - 1)).toBeLessThan(1e-3);
  });
});
