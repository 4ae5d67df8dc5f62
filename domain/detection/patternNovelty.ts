// Is the recent *shape* of the series one it has shown before? A point-wise residual misses
// anomalies that are made of ordinary values in an unusual order: a slow sag that never leaves the
// normal range, a day whose rhythm is off. Here the last `segments` segment means (together
// spanning patternSpanMs) form a vector, standardised by the series' long-run level and spread,
// and are compared with a small codebook of patterns learned online, in the spirit of adaptive
// resonance (ART, as in NAB's best published detector, ARTime): a vector close to a known pattern
// refines it, one far from all of them becomes a new pattern (the least used one makes room). The
// evidence is the distance to the nearest known pattern in units of the vigilance radius.
// Hand-written: no maintained JS library offers an online, bounded, JSON-serialisable codebook.
import { ewmaWeight, robustLevelStep, samplesIn } from './cadence.js';

export interface PatternParams {
  /** Time the compared window spans. */
  patternSpanMs: number;
  /** Segment means per window (the shape's resolution). */
  patternSegments: number;
  /** Patterns remembered (bounds state size and cost). */
  patternCapacity: number;
  /** A window within this RMS distance (in long-run spreads) of a pattern matches it. */
  patternVigilance: number;
  /** Memory of the long-run level and spread that standardise the windows. */
  levelMemoryMs: number;
  /** Deviations beyond this many spreads are clipped before they move the long-run level. */
  clipScales: number;
}

export interface PatternState {
  segmentSamples: number;
  /** Closed segment means, oldest first (at most `patternSegments`). */
  closed: number[];
  open: { sum: number; count: number };
  /** Long-run level and mean absolute deviation of the values. */
  level: number;
  spread: number;
  seen: number;
  /** Standardised patterns; how much each has been matched lately (decayed); times matched (capped). */
  patterns: number[][];
  usage: number[];
  matches: number[];
  /** Segments closed so far, and the segment count at each pattern's creation. */
  segmentsClosed: number;
  bornAt: number[];
}

export function newPatternState(p: PatternParams, stepMs: number): PatternState {
  return {
    segmentSamples: samplesIn(p.patternSpanMs / p.patternSegments, stepMs),
    closed: [], open: { sum: 0, count: 0 }, level: 0, spread: 0, seen: 0, patterns: [], usage: [], matches: [], segmentsClosed: 0, bornAt: [],
  };
}

/** After this many matches a pattern keeps adapting at rate 1/20 (follows slow drift, resists one odd window). */
const MAX_MATCHES = 19;

/** Patterns are kept to 0.001 spreads (far below any vigilance): a third of the JSON of full doubles. */
function stored(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function standardised(s: PatternState, means: number[]): number[] {
  const unit = Math.max(1.2533 * s.spread, 1e-9, 1e-6 * Math.abs(s.level));
  return means.map((m) => (m - s.level) / unit);
}

/** Nearest pattern; `established` skips patterns no later, non-overlapping window has matched yet. */
function nearest(s: PatternState, v: number[], established: boolean): { index: number; distance: number } {
  let index = -1;
  let best = Infinity;
  s.patterns.forEach((q, i) => {
    if (established && s.matches[i] === 0) return;
    let d = 0;
    for (let k = 0; k < v.length; k++) d += (v[k] - q[k]) ** 2;
    if (d < best) {
      best = d;
      index = i;
    }
  });
  return { index, distance: Math.sqrt(best / Math.max(v.length, 1)) };
}

/**
 * Novelty of the window ending with `value` (the open segment counts with its partial mean), before
 * anything is learned from it; 0 until a full window and one pattern exist.
 */
export function patternNovelty(s: PatternState, p: PatternParams, value: number): number {
  if (s.closed.length < p.patternSegments - 1 || !s.matches.some((m) => m > 0) || s.spread === 0) return 0;
  const openMean = (s.open.sum + value) / (s.open.count + 1);
  const window = [...s.closed.slice(-(p.patternSegments - 1)), openMean];
  // Against established patterns only: the windows of an unfolding new shape, each one segment on
  // from the last, would otherwise each look close to the one learned a segment ago.
  return nearest(s, standardised(s, window), true).distance / p.patternVigilance;
}

/** Learns one value: the long-run level always, the codebook each time a segment closes. */
export function learnPattern(s: PatternState, p: PatternParams, stepMs: number, value: number): void {
  s.seen++;
  const level = { mean: s.level, mad: s.spread };
  robustLevelStep(level, ewmaWeight(p.levelMemoryMs, stepMs), p.clipScales, s.seen, value);
  s.level = level.mean;
  s.spread = level.mad;

  s.open.sum += value;
  s.open.count++;
  if (s.open.count < s.segmentSamples) return;
  s.closed.push(s.open.sum / s.open.count);
  s.open = { sum: 0, count: 0 };
  s.segmentsClosed++;
  if (s.closed.length > p.patternSegments) s.closed.shift();
  if (s.closed.length < p.patternSegments || s.spread === 0) return;

  const v = standardised(s, s.closed);
  // Usage halves every 4 × capacity closed windows: a full codebook whose patterns each recur once a
  // cycle keeps them all, while patterns the series stopped showing make room first.
  const fade = Math.pow(0.5, 1 / (p.patternCapacity * 4));
  for (let i = 0; i < s.usage.length; i++) s.usage[i] *= fade;
  const { index, distance } = nearest(s, v, false);
  if (index >= 0 && distance <= p.patternVigilance) {
    const q = s.patterns[index];
    s.usage[index]++;
    // Only a window that does not overlap the one that created the pattern shows it recurring.
    if (s.segmentsClosed - s.bornAt[index] >= p.patternSegments) s.matches[index] = Math.min(s.matches[index] + 1, MAX_MATCHES);
    const step = 1 / (s.matches[index] + 2);
    for (let k = 0; k < v.length; k++) q[k] = stored(q[k] + step * (v[k] - q[k]));
    return;
  }
  const pattern = v.map(stored);
  if (s.patterns.length < p.patternCapacity) {
    s.patterns.push(pattern);
    s.usage.push(1);
    s.matches.push(0);
    s.bornAt.push(s.segmentsClosed);
    return;
  }
  const weakest = s.usage.indexOf(Math.min(...s.usage));
  s.patterns[weakest] = pattern;
  s.usage[weakest] = 1;
  s.matches[weakest] = 0;
  s.bornAt[weakest] = s.segmentsClosed;
}
