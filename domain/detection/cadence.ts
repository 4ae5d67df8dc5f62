// Infers a series' sampling step from its timestamps, so one detector serves 1-minute support
// volumes, 5-minute metrics and hourly sensors without being told. The median of the first few
// positive gaps ignores the odd missing sample or DST repeat.
import { median } from 'simple-statistics';

export interface CadenceState {
  /** Positive gaps between consecutive timestamps seen so far (only until the step is fixed). */
  gapsMs: number[];
  /** The inferred step, or null while still collecting gaps. */
  stepMs: number | null;
  lastTimestampMs: number | null;
}

export function newCadence(): CadenceState {
  return { gapsMs: [], stepMs: null, lastTimestampMs: null };
}

/**
 * Feeds one timestamp; fixes the step once `gapsNeeded` positive gaps are known. Non-increasing
 * timestamps (duplicates, clock jumps back) are not gaps and are skipped.
 */
export function observeTimestamp(state: CadenceState, timestampMs: number, gapsNeeded: number): void {
  const last = state.lastTimestampMs;
  state.lastTimestampMs = last === null ? timestampMs : Math.max(last, timestampMs);
  if (state.stepMs !== null || last === null || timestampMs <= last) return;
  state.gapsMs.push(timestampMs - last);
  if (state.gapsMs.length >= gapsNeeded) {
    state.stepMs = median(state.gapsMs);
    state.gapsMs = [];
  }
}

/** How many samples of this cadence fit in a duration (at least 1). */
export function samplesIn(durationMs: number, stepMs: number): number {
  return Math.max(1, Math.round(durationMs / stepMs));
}

/** Per-sample EWMA weight giving the requested half-life in wall-clock time. */
export function ewmaWeight(halfLifeMs: number, stepMs: number): number {
  return 1 - Math.pow(0.5, stepMs / halfLifeMs);
}

/** A robust running mean and mean absolute deviation (EWMA), as the detector's streams keep them. */
export interface RobustLevel {
  mean: number;
  mad: number;
}

/**
 * One step of a robust EWMA mean and MAD toward `value`: at `memoryRate`, or 1/count while fewer values
 * than the memory spans have been seen (a plain mean at first); once there is a spread, the step is
 * clipped at clipScales standard deviations (σ ≈ 1.2533 × MAD), so one outlier cannot drag the level.
 * `count` is the number of values seen, this one included.
 */
export function robustLevelStep(level: RobustLevel, memoryRate: number, clipScales: number, count: number, value: number): void {
  const rate = Math.max(memoryRate, 1 / count);
  const limit = count > 1 && level.mad > 0 ? clipScales * 1.2533 * level.mad : Infinity;
  const delta = Math.max(-limit, Math.min(limit, value - level.mean));
  level.mean += rate * delta;
  level.mad += rate * (Math.abs(delta) - level.mad);
}
