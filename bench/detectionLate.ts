// bench:detection section 7 — spikes whose messages are stored late. A spike is load, and under load
// ingest lags: a message can be stored after the scheduled pass that fed its minute. Each spike of
// section 2 is replayed through passes a minute apart, as the schedule runs them (each feeding the
// minutes that ended a settle time ago), three ways: every message stored within a second (on time);
// every message of the spike's minutes stored --late-minutes after its minute, each pass reading only
// the minutes it feeds (before: such messages were never counted); the same, each pass also reading
// again the minutes its count windows hold (now: late messages join those windows).
import { quantile } from 'simple-statistics';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts.js';
import type { DetectorOptions } from '../domain/detection/detectorOptions.js';
import { LATE_EVENTS_LOOKBACK_MS, MINUTE_MS, runSeriesPass } from '../domain/spikeDetection.js';

export interface LateSpike {
  series: string;
  counts: ReadonlyMap<number, number>;
  startMs: number;
  endMs: number;
}

type Variant = 'onTime' | 'lateReadOnce' | 'lateReadAgain';
const VARIANTS: readonly Variant[] = ['onTime', 'lateReadOnce', 'lateReadAgain'];

/** Passes continue this long after a spike ends: an alert on late messages can only come after them. */
const AFTER_SPIKE_MS = 30 * MINUTE_MS;

function firstFiring(spike: LateSpike, variant: Variant, input: { streamStartMs: number; lateMs: number; settleMs: number; options: DetectorOptions }): { alertMs: number | null; lateEvents: number } {
  const policy = { ...DEFAULT_ALERT_POLICY, notifyWithinMinutes: Number.MAX_SAFE_INTEGER };
  const late = variant !== 'onTime';
  const storedAt = (minuteMs: number) => minuteMs + MINUTE_MS + (late && minuteMs >= spike.startMs && minuteMs < spike.endMs ? input.lateMs : 1_000);
  const stored = (fromMs: number, atMs: number) => new Map([...spike.counts].filter(([m]) => m > fromMs && storedAt(m) <= atMs));
  // Everything before the spike was stored on time: one pass up to it.
  const warmUntil = spike.startMs - MINUTE_MS;
  let result = runSeriesPass({ series: spike.series, counts: stored(-Infinity, Infinity), newSeriesFromMs: input.streamStartMs, untilMs: warmUntil - MINUTE_MS, alert: undefined }, warmUntil, policy, input.options);
  let lateEvents = 0;
  for (let until = warmUntil; until < spike.endMs + AFTER_SPIKE_MS; until += MINUTE_MS) {
    const nowMs = until + MINUTE_MS + input.settleMs;
    const readFrom = variant === 'lateReadAgain' ? result.lastMinuteMs - LATE_EVENTS_LOOKBACK_MS : result.lastMinuteMs;
    result = runSeriesPass(
      { series: spike.series, previous: { lastMinuteMs: result.lastMinuteMs, snapshot: result.snapshot }, counts: stored(readFrom, nowMs), newSeriesFromMs: input.streamStartMs, untilMs: until, alert: result.alert },
      nowMs,
      policy,
      input.options,
    );
    lateEvents += result.lateEvents;
    const firing = result.notices.find((n) => n.kind === 'firing' && n.alert.startedAtMs >= spike.startMs);
    if (firing) return { alertMs: firing.alert.startedAtMs, lateEvents };
  }
  return { alertMs: null, lateEvents };
}

export function lateRowsBench(spikes: readonly LateSpike[], input: { streamStartMs: number; lateMinutes: number; settleMs: number; options: DetectorOptions; onSpike?: () => void }) {
  const perVariant = Object.fromEntries(VARIANTS.map((v) => [v, { latencies: [] as number[], lateEvents: 0 }])) as Record<Variant, { latencies: number[]; lateEvents: number }>;
  const perSpike: ({ series: string; startsAt: string } & Record<Variant, number | null>)[] = [];
  for (const spike of spikes) {
    const row = { series: spike.series, startsAt: new Date(spike.startMs).toISOString(), onTime: null, lateReadOnce: null, lateReadAgain: null } as (typeof perSpike)[number];
    for (const variant of VARIANTS) {
      const { alertMs, lateEvents } = firstFiring(spike, variant, { ...input, lateMs: input.lateMinutes * MINUTE_MS });
      row[variant] = alertMs === null ? null : (alertMs - spike.startMs) / MINUTE_MS;
      if (row[variant] !== null) perVariant[variant].latencies.push(row[variant]);
      perVariant[variant].lateEvents += lateEvents;
    }
    perSpike.push(row);
    input.onSpike?.();
  }
  const summary = ({ latencies, lateEvents }: { latencies: number[]; lateEvents: number }) => ({
    caught: latencies.length,
    p50: latencies.length ? quantile(latencies, 0.5) : NaN,
    p95: latencies.length ? quantile(latencies, 0.95) : NaN,
    lateEventsAdded: lateEvents,
  });
  return { spikes: spikes.length, lateMinutes: input.lateMinutes, settleSeconds: input.settleMs / 1000, onTime: summary(perVariant.onTime), lateReadOnce: summary(perVariant.lateReadOnce), lateReadAgain: summary(perVariant.lateReadAgain), perSpike };
}
