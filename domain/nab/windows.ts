// NAB anomaly windows as row ranges, the probationary period, and the per-row weights of NAB's
// scaled sigmoid (SCORING.md C.2–C.4, NAB's sweeper.py). Everything works by row index in file
// order: NAB files contain duplicate timestamps (DST repeats), so rows are never sorted or merged.
import type { CostMatrix } from './profiles.js';

/** An anomaly window as inclusive row indices. */
export interface RowWindow {
  start: number;
  end: number;
}

/** NAB's probationary share of each file, and its cap (0.15 × 5000 rows). */
export const PROBATION_FRACTION = 0.15;
export const PROBATION_CAP = 750;

/** Rows 0…p−1 of a file are never scored: p = min(⌊0.15·n⌋, 750), computed in IEEE double like NAB. */
export function probationaryLength(rowCount: number): number {
  return Math.min(Math.floor(PROBATION_FRACTION * rowCount), PROBATION_CAP);
}

const NAB_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/;

/**
 * Parses a NAB timestamp (`YYYY-MM-DD HH:MM:SS`, optionally with a fractional part as in the label
 * JSON) to epoch milliseconds, reading it as UTC. NAB's times are naive wall-clock times; treating
 * them as UTC keeps every step the same length, which is what a cadence estimate wants.
 */
export function parseNabTimestamp(text: string): number {
  const m = NAB_TIMESTAMP.exec(text.trim());
  if (!m) throw new Error(`not a NAB timestamp: "${text}" (expected YYYY-MM-DD HH:MM:SS)`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

/**
 * Maps label windows (timestamp pairs) to row ranges using the first row carrying each exact
 * timestamp, as NAB does. Throws if an edge timestamp is absent from the file: a silently dropped
 * window would inflate every score.
 */
export function windowsToRows(timestampsMs: readonly number[], windows: readonly (readonly [string, string])[]): RowWindow[] {
  const firstRow = new Map<number, number>();
  timestampsMs.forEach((t, i) => {
    if (!firstRow.has(t)) firstRow.set(t, i);
  });
  return windows.map(([startText, endText]) => {
    const start = firstRow.get(parseNabTimestamp(startText));
    const end = firstRow.get(parseNabTimestamp(endText));
    if (start === undefined || end === undefined) throw new Error(`window [${startText}, ${endText}] has an edge that is not a row of the file`);
    if (end < start) throw new Error(`window [${startText}, ${endText}] ends before it starts`);
    return { start, end };
  });
}

/** σ̃(x) = 2·sigmoid(−5x) − 1, clamped to −1 from x = 3 on (NAB's scaledSigmoid). */
export function scaledSigmoid(relativePosition: number): number {
  if (relativePosition >= 3.0) return -1.0;
  return 2 / (1 + Math.exp(5 * relativePosition)) - 1.0;
}

/** The weight of a detection on each row of a file under one profile, and which window holds the row. */
export interface RowWeights {
  /** u_i: positive inside a window (earlier is larger), negative outside. */
  weights: Float64Array;
  /** Index of the window containing row i, or −1. */
  windowOf: Int32Array;
}

/**
 * Per-row weights of NAB's sweeper: inside window k, u = A_TP·σ̃(−(b−i+1)/w)/σ̃(−1); outside, u =
 * A_FP·σ̃(x) with x the distance past the most recent ended window over its width − 1, or the full
 * −A_FP when no window has ended yet in this file. Probationary rows get weights too (they still
 * advance the window state); the scorer is what skips them.
 */
export function rowWeights(rowCount: number, windows: readonly RowWindow[], profile: CostMatrix): RowWeights {
  const weights = new Float64Array(rowCount);
  const windowOf = new Int32Array(rowCount).fill(-1);
  const maxTP = scaledSigmoid(-1.0);
  let next = 0; // index of the next window not yet entered
  let current = -1; // window we are inside, or −1
  let prevEnd = -1;
  let prevWidth = 0;
  for (let i = 0; i < rowCount; i++) {
    if (current < 0 && next < windows.length && i === windows[next].start) current = next++;
    if (current >= 0) {
      const w = windows[current];
      const width = w.end - w.start + 1;
      weights[i] = (scaledSigmoid(-(w.end - i + 1) / width) * profile.tpWeight) / maxTP;
      windowOf[i] = current;
      if (i === w.end) {
        prevEnd = i;
        prevWidth = width;
        current = -1;
      }
    } else {
      // A width-1 previous window would divide by zero in NAB; treat it as "far past" (full penalty).
      const position = prevEnd < 0 ? 3.0 : prevWidth > 1 ? Math.abs(prevEnd - i) / (prevWidth - 1) : 3.0;
      weights[i] = scaledSigmoid(position) * profile.fpWeight;
    }
  }
  return { weights, windowOf };
}
