// What a series "should" be now. Three candidate baselines compete and the one that has predicted
// best lately wins: a flat recent level, the same time on recent days, the same time in recent
// weeks. Each seasonal reference is a median over past periods (one bad day cannot drag it), shifted
// by the median of how far the series has sat from it over the last hour or so; that offset follows
// trends and absorbs level shifts within half a window. State is plain JSON.
import { median } from 'simple-statistics';
import { ewmaWeight, robustLevelStep, samplesIn } from './cadence.js';
import type { ResolvedOptions } from './detectorOptions.js';
import { newPeriodicMemory, rememberValue, seasonalReference, type PeriodicMemoryState } from './periodicMemory.js';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** The detector options the baselines read (documented once, in detectorOptions.ts). */
export type BaselineParams = Pick<
  ResolvedOptions,
  | 'levelWindowMs'
  | 'minLevelSamples'
  | 'dailySeasonality'
  | 'weeklySeasonality'
  | 'dailyDepth'
  | 'weeklyDepth'
  | 'maxDailyBuckets'
  | 'maxWeeklyBuckets'
  | 'errorHalfLifeMs'
  | 'selectionHalfLifeMs'
  | 'clipScales'
  | 'minTrackRecordMs'
  | 'levelMemoryMs'
  | 'slowLevelHalfLifeMs'
  | 'countScaling'
>;

export type BaselineKind = 'flat' | 'daily' | 'weekly';
type Period = 'daily' | 'weekly';

interface Candidate {
  kind: BaselineKind;
  /** Which periodic memory the reference comes from (none for the flat level). */
  period: Period | null;
  /** value − reference over the level window, oldest first. */
  deviations: number[];
  /** Clipped mean absolute error: the residual scale, robust to the anomalies themselves. */
  meanAbsError: number;
  /** Unclipped mean absolute error: picks the baseline. Clipping would hide a baseline's systematic misses (e.g. a flat level at every daily ramp). */
  selectionError: number;
  predictions: number;
  /** Long-run mean and mean absolute deviation of the offset (median deviation) from the reference. */
  offsetMean: number;
  offsetMad: number;
  offsets: number;
  /** Slow offset (EWMA of value − reference over slowLevelHalfLifeMs) and its long-run mean and MAD; absent in older snapshots. */
  slow?: SlowOffset;
}

interface SlowOffset {
  offset: number;
  mean: number;
  mad: number;
  count: number;
}

export interface BaselineState {
  memories: Partial<Record<Period, PeriodicMemoryState>>;
  candidates: Candidate[];
  /** True while every value seen is a non-negative integer: counts get Poisson-style scaling. */
  countLike: boolean;
}

export interface Forecast {
  expected: number;
  /**
   * Lowest and highest long-run normal for this time among the qualified baselines (reference plus
   * the offset's long-run mean): a value inside it is normal by at least one account.
   */
  normalRange: [number, number];
  /** Residual scale (≈ σ) around the expectation. */
  scale: number;
  /** Residual scale around another centre (counts are noisier at higher levels). */
  scaleAt: (centre: number) => number;
  kind: BaselineKind;
  /** Every available candidate's expectation, to score and learn each of them. */
  perCandidate: (number | null)[];
  /** Index of the chosen candidate. */
  chosen: number;
}

function candidate(kind: BaselineKind, period: Period | null): Candidate {
  return { kind, period, deviations: [], meanAbsError: 0, selectionError: 0, predictions: 0, offsetMean: 0, offsetMad: 0, offsets: 0 };
}

export function newBaseline(p: BaselineParams, stepMs: number): BaselineState {
  const state: BaselineState = { memories: {}, candidates: [candidate('flat', null)], countLike: true };
  const add = (period: Period, periodMs: number, maxBuckets: number, depth: number): void => {
    const memory = newPeriodicMemory(periodMs, stepMs, maxBuckets, depth);
    state.memories[period] = memory;
    state.candidates.push(candidate(period, period));
  };
  // A period needs a few samples per cycle to have a shape worth learning.
  if (p.dailySeasonality && DAY_MS / stepMs >= 4) add('daily', DAY_MS, p.maxDailyBuckets, p.dailyDepth);
  if (p.weeklySeasonality && WEEK_MS / stepMs >= 14) add('weekly', WEEK_MS, p.maxWeeklyBuckets, p.weeklyDepth);
  return state;
}

function reference(state: BaselineState, c: Candidate, timestampMs: number): number | null {
  return c.period ? seasonalReference(state.memories[c.period]!, timestampMs) : 0;
}

function candidateExpectation(state: BaselineState, c: Candidate, timestampMs: number): number | null {
  const ref = reference(state, c, timestampMs);
  if (ref === null || c.deviations.length === 0) return null;
  return ref + median(c.deviations);
}

/** The forecast for a point before it is learned from (no look-ahead). Null until there is history. */
export function forecast(state: BaselineState, p: BaselineParams, timestampMs: number, stepMs: number): Forecast | null {
  const perCandidate = state.candidates.map((c) => candidateExpectation(state, c, timestampMs));
  const minPredictions = samplesIn(p.minTrackRecordMs, stepMs);
  let best = -1;
  const normals: number[] = [];
  state.candidates.forEach((c, i) => {
    if (perCandidate[i] === null || !(i === 0 || c.predictions >= minPredictions)) return;
    if (c.offsets > 0) normals.push(reference(state, c, timestampMs)! + c.offsetMean);
    if (best < 0 || c.selectionError < state.candidates[best].selectionError) best = i;
  });
  if (best < 0) return null;
  const chosen = state.candidates[best];
  const expected = perCandidate[best]!;
  const scaleAt = (centre: number): number => {
    let scale = errorUnit(state, p, centre) * 1.2533 * chosen.meanAbsError;
    // Counts are at least Poisson-noisy: never claim more certainty than √λ (and one event near zero).
    if (state.countLike) scale = Math.max(scale, Math.sqrt(Math.max(centre, 1)));
    // A perfectly flat series has zero spread; keep z finite while any real change still stands out.
    return Math.max(scale, 1e-9, 1e-6 * Math.abs(centre));
  };
  const normalRange: [number, number] = normals.length > 0 ? [Math.min(...normals), Math.max(...normals)] : [expected, expected];
  return { expected, normalRange, scale: scaleAt(expected), scaleAt, kind: chosen.kind, perCandidate, chosen: best };
}

/**
 * How far the level — the median offset from a candidate's reference over the level window, this
 * point included — sits from that offset's long-run normal, in units of its long-run spread (never
 * tighter than the point scale). For the flat candidate this is "is the value itself unusual", for
 * the seasonal ones "is today unusual for this time of day / week".
 */
export function levelDeviation(state: BaselineState, candidate: number, timestampMs: number, value: number, pointScale: number): number {
  const c = state.candidates[candidate];
  const ref = reference(state, c, timestampMs);
  if (ref === null || c.offsets === 0) return 0;
  const offset = median([...c.deviations, value - ref]);
  return (offset - c.offsetMean) / Math.max(1.2533 * c.offsetMad, pointScale);
}

/**
 * How far the slow offset from a candidate's reference — a day-long average of value − reference,
 * this point included — sits from its own long-run normal, in its long-run MAD. A day running
 * steadily high or low (a holiday, a topic that stays busy) can hide inside every hour's noise and
 * inside the hour-scale level, yet add up over the day.
 */
export function slowLevelDeviation(state: BaselineState, p: BaselineParams, candidate: number, timestampMs: number, value: number, stepMs: number): number {
  const c = state.candidates[candidate];
  const ref = reference(state, c, timestampMs);
  // Its long-run spread needs about a day of slow offsets before it means anything.
  if (ref === null || !c.slow || c.slow.count < samplesIn(DAY_MS, stepMs) || c.slow.mad === 0) return 0;
  const offset = c.slow.offset + ewmaWeight(p.slowLevelHalfLifeMs, stepMs) * (value - ref - c.slow.offset);
  return (offset - c.slow.mean) / (1.2533 * c.slow.mad);
}

/**
 * Errors of counts are measured in units of √λ (Pearson residuals): a busy hour is noisier than a
 * quiet one in absolute terms, and one overdispersion factor then fits the whole day.
 */
function errorUnit(state: BaselineState, p: BaselineParams, expected: number): number {
  return state.countLike && p.countScaling ? Math.sqrt(Math.max(expected, 1)) : 1;
}

/** Learns from one point after it has been scored. */
export function learn(state: BaselineState, p: BaselineParams, timestampMs: number, stepMs: number, value: number, fc: Forecast | null): void {
  if (!(Number.isInteger(value) && value >= 0)) state.countLike = false;
  const window = Math.max(p.minLevelSamples, samplesIn(p.levelWindowMs, stepMs));
  const errorRate = ewmaWeight(p.errorHalfLifeMs, stepMs);
  state.candidates.forEach((c, i) => {
    const expected = fc?.perCandidate[i];
    if (expected !== null && expected !== undefined) {
      c.predictions++;
      const error = Math.abs(value - expected) / errorUnit(state, p, expected);
      const scale = 1.2533 * c.meanAbsError;
      // Average the first errors plainly, then forget with the half-life and clip outliers.
      const clipped = c.predictions <= window || scale === 0 ? error : Math.min(error, p.clipScales * scale);
      c.meanAbsError += Math.max(errorRate, 1 / c.predictions) * (clipped - c.meanAbsError);
      c.selectionError += Math.max(ewmaWeight(p.selectionHalfLifeMs, stepMs), 1 / c.predictions) * (error - c.selectionError);
    }
    const ref = reference(state, c, timestampMs);
    if (ref !== null) {
      c.deviations.push(value - ref);
      if (c.deviations.length > window) c.deviations.shift();
      trackOffset(c, p, stepMs, median(c.deviations));
      trackSlowOffset(c, p, stepMs, value - ref);
    }
  });
  for (const memory of Object.values(state.memories)) rememberValue(memory, timestampMs, value);
}

/** Long-run normal of a candidate's offset: robust EWMA mean and mean absolute deviation. */
function trackOffset(c: Candidate, p: BaselineParams, stepMs: number, offset: number): void {
  c.offsets++;
  const level = { mean: c.offsetMean, mad: c.offsetMad };
  robustLevelStep(level, ewmaWeight(p.levelMemoryMs, stepMs), p.clipScales, c.offsets, offset);
  c.offsetMean = level.mean;
  c.offsetMad = level.mad;
}

/** The slow offset and its long-run normal (robust EWMA mean and MAD, like the hour-scale offset's). */
function trackSlowOffset(c: Candidate, p: BaselineParams, stepMs: number, deviation: number): void {
  const slow = (c.slow ??= { offset: deviation, mean: 0, mad: 0, count: 0 });
  slow.count++;
  slow.offset += Math.max(ewmaWeight(p.slowLevelHalfLifeMs, stepMs), 1 / slow.count) * (deviation - slow.offset);
  robustLevelStep(slow, ewmaWeight(p.levelMemoryMs, stepMs), p.clipScales, slow.count, slow.offset);
}
