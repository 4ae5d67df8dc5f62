// A compact memory of what a series did at each phase of a period (time of day, time of week):
// per phase bucket, the bucket means of the last few periods. Its median is a seasonal reference
// that one anomalous day cannot drag. Plain JSON state (null marks "never seen").
import { median } from 'simple-statistics';

export interface PeriodicMemoryState {
  periodMs: number;
  buckets: number;
  /** Periods remembered per bucket. */
  depth: number;
  /** history[b] = means of bucket b in the most recent periods, oldest first. */
  history: number[][];
  /** The bucket being filled now, identified by its absolute index since the epoch. */
  open: { key: number; sum: number; count: number } | null;
}

export function newPeriodicMemory(periodMs: number, stepMs: number, maxBuckets: number, depth: number): PeriodicMemoryState {
  const buckets = Math.max(1, Math.min(maxBuckets, Math.round(periodMs / stepMs)));
  return { periodMs, buckets, depth, history: Array.from({ length: buckets }, () => []), open: null };
}

/** Remembers `depth` periods from now on; a shallower memory forgets its oldest periods at once. */
export function setMemoryDepth(m: PeriodicMemoryState, depth: number): void {
  // Every pass adopts every stored series: an unchanged depth must not walk its thousands of buckets.
  if (depth === m.depth) return;
  m.depth = depth;
  for (const past of m.history) past.splice(0, Math.max(0, past.length - depth));
}

function bucketKey(m: PeriodicMemoryState, timestampMs: number): number {
  return Math.floor(timestampMs / (m.periodMs / m.buckets));
}

function bucketIndex(m: PeriodicMemoryState, key: number): number {
  return ((key % m.buckets) + m.buckets) % m.buckets;
}

/** Median of this phase over the remembered periods, or null if the phase was never seen. */
export function seasonalReference(m: PeriodicMemoryState, timestampMs: number): number | null {
  const past = m.history[bucketIndex(m, bucketKey(m, timestampMs))];
  return past.length === 0 ? null : median(past);
}

/** Adds a value to its phase bucket; a bucket's mean is committed once time moves past it. */
export function rememberValue(m: PeriodicMemoryState, timestampMs: number, value: number): void {
  const key = bucketKey(m, timestampMs);
  if (m.open && m.open.key !== key) {
    // A clock step backwards (DST repeat) also closes the bucket: its samples are still real.
    const past = m.history[bucketIndex(m, m.open.key)];
    past.push(m.open.sum / m.open.count);
    if (past.length > m.depth) past.shift();
    m.open = null;
  }
  m.open ??= { key, sum: 0, count: 0 };
  m.open.sum += value;
  m.open.count++;
}
