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
