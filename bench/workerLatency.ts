// Where the worker's time goes, for bench:ingest: activity execution time from the product's own
// Prometheus histogram (supportloop_activity_seconds), and workflow task latency read back from the
// Temporal server's histories (scheduled → started = waiting for a free workflow task slot; started
// → completed = the task itself, including the local activities it runs).
import type { Client } from '@temporalio/client';
import { quantileSorted } from 'simple-statistics';

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Quantile of a cumulative-bucket histogram, interpolated linearly inside the bucket it falls in
 * (what Prometheus' histogram_quantile does): as exact as the buckets are fine.
 */
function bucketQuantile(buckets: { le: number; count: number }[], q: number): number {
  const total = buckets.at(-1)?.count ?? 0;
  if (total === 0) return NaN;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const { le, count } of buckets) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return lower; // beyond the last finite bucket: its bound is all we know
      return lower + ((le - lower) * (rank - below)) / Math.max(1, count - below);
    }
    lower = le;
    below = count;
  }
  return lower;
}

/**
 * Per activity type: executions, mean and bucket-interpolated p50/p99 in ms, from the product's
 * Prometheus exposition text (GET /metrics), as an operator's scraper would see them.
 */
export function activityLatencies(metricsText: string): Record<string, LatencySummary> {
  const byActivity = new Map<string, { buckets: { le: number; count: number }[]; sum: number; count: number }>();
  const entry = (activity: string) => byActivity.get(activity) ?? byActivity.set(activity, { buckets: [], sum: 0, count: 0 }).get(activity)!;
  for (const line of metricsText.split('\n')) {
    const m = /^supportloop_activity_seconds_(bucket|sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const labels = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k, v]));
    const e = entry(labels.activity ?? '');
    const value = Number(m[3]);
    if (m[1] === 'bucket') e.buckets.push({ le: labels.le === '+Inf' ? Infinity : Number(labels.le), count: value });
    else if (m[1] === 'sum') e.sum = value;
    else e.count = value;
  }
  const out: Record<string, LatencySummary> = {};
  for (const [activity, { buckets, sum, count }] of byActivity) {
    buckets.sort((a, b) => a.le - b.le);
    out[activity] = { count, meanMs: count ? (1000 * sum) / count : NaN, p50Ms: 1000 * bucketQuantile(buckets, 0.5), p99Ms: 1000 * bucketQuantile(buckets, 0.99) };
  }
  return out;
}

const summarise = (values: number[]): LatencySummary => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    meanMs: sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN,
    p50Ms: sorted.length ? quantileSorted(sorted, 0.5) : NaN,
    p99Ms: sorted.length ? quantileSorted(sorted, 0.99) : NaN,
  };
};

/** History event times are protobuf Timestamps whose seconds may be a Long. */
const eventMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined): number => {
  const seconds = time?.seconds as number | { toNumber(): number } | null | undefined;
  return (typeof seconds === 'object' && seconds ? seconds.toNumber() : Number(seconds ?? 0)) * 1000 + (time?.nanos ?? 0) / 1e6;
};

/** Workflow task latencies over the given workflows' histories. */
export async function workflowTaskLatencies(client: Client, workflowIds: readonly string[]): Promise<{ waiting: LatencySummary; running: LatencySummary }> {
  const waiting: number[] = [];
  const running: number[] = [];
  for (const workflowId of workflowIds) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    let scheduledAt = 0;
    let startedAt = 0;
    for (const event of history.events ?? []) {
      if (event.workflowTaskScheduledEventAttributes) scheduledAt = eventMs(event.eventTime);
      else if (event.workflowTaskStartedEventAttributes) {
        startedAt = eventMs(event.eventTime);
        waiting.push(startedAt - scheduledAt);
      } else if (event.workflowTaskCompletedEventAttributes) running.push(eventMs(event.eventTime) - startedAt);
    }
  }
  return { waiting: summarise(waiting), running: summarise(running) };
}
