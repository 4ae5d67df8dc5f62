// NAB's scorer (SCORING.md C.5–C.7; NAB's sweeper.py and optimizer.py): score a file at a threshold,
// sweep every distinct score for the corpus-wide best threshold, and normalise between the null and
// the perfect detector. Pure: callers read CSVs and labels and hand in arrays.
import type { CostMatrix } from './profiles.js';
import { probationaryLength, rowWeights, type RowWindow } from './windows.js';

/** One labelled data file: its length and its anomaly windows as row ranges (in time order). */
export interface LabelledFile {
  name: string;
  rowCount: number;
  windows: readonly RowWindow[];
}

/** A detector's output for one file: one anomaly score per row, in file order. */
export interface ScoredFile extends LabelledFile {
  scores: ArrayLike<number>;
}

/** A score at one threshold, with NAB's informational row counts (not used in the score). */
export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

function assertAligned(file: ScoredFile): void {
  if (file.scores.length !== file.rowCount) {
    throw new Error(`${file.name}: ${file.scores.length} scores for ${file.rowCount} rows; a detector must score every row`);
  }
}

/**
 * S_f(θ): every detection (score ≥ θ, after probation) outside a window adds its (negative) weight;
 * each window adds the best weight among its detections, or −A_FN if it has none.
 */
export function scoreFile(file: ScoredFile, profile: CostMatrix, threshold: number): ThresholdScore {
  assertAligned(file);
  const { weights, windowOf } = rowWeights(file.rowCount, file.windows, profile);
  const best = new Array<number>(file.windows.length).fill(-Infinity);
  let fpSum = 0;
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = probationaryLength(file.rowCount); i < file.rowCount; i++) {
    const detected = file.scores[i] >= threshold;
    const k = windowOf[i];
    if (k >= 0) {
      if (detected) {
        tp++;
        if (weights[i] > best[k]) best[k] = weights[i];
      } else fn++;
    } else if (detected) {
      fp++;
      fpSum += weights[i];
    } else tn++;
  }
  let score = fpSum;
  for (const b of best) score += b === -Infinity ? -profile.fnWeight : b;
  return { threshold, score, tp, fp, fn, tn };
}

/**
 * Every candidate threshold of a corpus with its pooled score S(θ), highest threshold first. The
 * first entry is the sentinel (1.1, or +∞ if some score reaches 1.1) meaning "no detections".
 * Incremental over rows sorted by score: O(M log M) for M scorable rows.
 */
export function sweepThresholds(files: readonly ScoredFile[], profile: CostMatrix): ThresholdScore[] {
  let total = 0;
  for (const f of files) {
    assertAligned(f);
    total += f.rowCount - probationaryLength(f.rowCount);
  }
  const scores = new Float64Array(total);
  const weights = new Float64Array(total);
  const windowIds = new Int32Array(total);
  let windowCount = 0;
  let m = 0;
  let maxScore = -Infinity;
  for (const f of files) {
    const rw = rowWeights(f.rowCount, f.windows, profile);
    for (let i = probationaryLength(f.rowCount); i < f.rowCount; i++, m++) {
      scores[m] = f.scores[i];
      weights[m] = rw.weights[i];
      windowIds[m] = rw.windowOf[i] >= 0 ? windowCount + rw.windowOf[i] : -1;
      if (!(scores[m] >= -Infinity)) throw new Error(`${f.name}: row ${i} has a non-numeric score`);
      if (scores[m] > maxScore) maxScore = scores[m];
    }
    windowCount += f.windows.length;
  }
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);

  const best = new Float64Array(windowCount).fill(-profile.fnWeight);
  let fpSum = 0;
  let windowSum = -profile.fnWeight * windowCount;
  let tp = 0, fp = 0;
  let inWindowRows = 0;
  for (let i = 0; i < total; i++) if (windowIds[i] >= 0) inWindowRows++;
  const snapshot = (threshold: number): ThresholdScore => ({
    threshold, score: fpSum + windowSum, tp, fp, fn: inWindowRows - tp, tn: total - inWindowRows - fp,
  });

  const out: ThresholdScore[] = [snapshot(maxScore >= 1.1 ? Infinity : 1.1)];
  for (let j = 0; j < total; ) {
    const value = scores[order[j]];
    // Add every row tied at this value before reading the score: ties are one threshold.
    for (; j < total && scores[order[j]] === value; j++) {
      const r = order[j];
      const k = windowIds[r];
      if (k < 0) {
        fp++;
        fpSum += weights[r];
      } else {
        tp++;
        if (weights[r] > best[k]) {
          windowSum += weights[r] - best[k];
          best[k] = weights[r];
        }
      }
    }
    out.push(snapshot(value));
  }
  return out;
}

/** The threshold with the highest pooled score; ties keep the highest threshold, as NAB does. */
export function optimizeThreshold(files: readonly ScoredFile[], profile: CostMatrix): ThresholdScore {
  let best: ThresholdScore | undefined;
  for (const s of sweepThresholds(files, profile)) if (!best || s.score > best.score) best = s;
  return best!;
}

/** Total windows in a corpus (N in the normalisation). */
export function windowCount(files: readonly LabelledFile[]): number {
  return files.reduce((n, f) => n + f.windows.length, 0);
}

/** S_null = −A_FN·N: a detector that never fires misses every window and has no false positives. */
export function nullDetectorScore(windows: number, profile: CostMatrix): number {
  return -profile.fnWeight * windows;
}

/** S_perfect = A_TP·N: every window detected on its first row, no false positives. */
export function perfectDetectorScore(windows: number, profile: CostMatrix): number {
  return profile.tpWeight * windows;
}

/** 100·(S − S_null)/(S_perfect − S_null): 0 for the null detector, 100 for the perfect one. */
export function normalizedScore(rawScore: number, windows: number, profile: CostMatrix): number {
  const nullScore = nullDetectorScore(windows, profile);
  const perfect = perfectDetectorScore(windows, profile);
  if (perfect === nullScore) throw new Error('cannot normalise a corpus with no anomaly windows');
  return (100 * (rawScore - nullScore)) / (perfect - nullScore);
}

/** Scores of NAB's perfect detector for a file: 1 on the first row of each window, 0 elsewhere. */
export function perfectDetectorOutput(file: LabelledFile): Float64Array {
  const out = new Float64Array(file.rowCount);
  for (const w of file.windows) out[w.start] = 1;
  return out;
}

/** Scores of NAB's null detector: a constant 0.5 on every row. */
export function nullDetectorOutput(file: LabelledFile): Float64Array {
  return new Float64Array(file.rowCount).fill(0.5);
}
