import { describe, expect, it } from 'vitest';
import { NAB_PROFILES } from '../../../domain/nab/profiles.js';
import {
  normalizedScore, nullDetectorOutput, optimizeThreshold, perfectDetectorOutput, scoreFile, sweepThresholds, windowCount,
  type LabelledFile, type ScoredFile,
} from '../../../domain/nab/scorer.js';
import { probationaryLength } from '../../../domain/nab/windows.js';

const { standard, reward_low_FP_rate: lowFP, reward_low_FN_rate: lowFN } = NAB_PROFILES;

// 1,000 rows: probation is rows 0–149; one window of 51 rows, and a second file with two windows.
const fileA: LabelledFile = { name: 'a.csv', rowCount: 1000, windows: [{ start: 400, end: 450 }] };
const fileB: LabelledFile = { name: 'b.csv', rowCount: 1000, windows: [{ start: 300, end: 340 }, { start: 700, end: 760 }] };
const quiet: LabelledFile = { name: 'quiet.csv', rowCount: 1000, windows: [] };

function withDetections(file: LabelledFile, rows: Record<number, number>): ScoredFile {
  const scores = new Float64Array(file.rowCount);
  for (const [row, score] of Object.entries(rows)) scores[Number(row)] = score;
  return { ...file, scores };
}

describe('NAB scoring of one file', () => {
  it('scores a detection on the first row of a window exactly A_TP, and a missed window −A_FN', () => {
    expect(scoreFile(withDetections(fileA, { 400: 1 }), standard, 0.5).score).toBeCloseTo(1, 12);
    expect(scoreFile(withDetections(fileA, {}), standard, 0.5).score).toBe(-1);
    expect(scoreFile(withDetections(fileA, {}), lowFN, 0.5).score).toBe(-2);
  });

  it('rewards an early detection in a window more than a late one', () => {
    const early = scoreFile(withDetections(fileA, { 405: 1 }), standard, 0.5).score;
    const middle = scoreFile(withDetections(fileA, { 425: 1 }), standard, 0.5).score;
    const late = scoreFile(withDetections(fileA, { 449: 1 }), standard, 0.5).score;
    expect(early).toBeGreaterThan(middle);
    expect(middle).toBeGreaterThan(late);
    expect(late).toBeGreaterThan(0);
    // Only the best (earliest) detection in a window counts; later ones add nothing.
    expect(scoreFile(withDetections(fileA, { 405: 1, 449: 1 }), standard, 0.5).score).toBe(early);
  });

  it('charges each false positive the profile weight, less right after a window', () => {
    expect(scoreFile(withDetections(quiet, { 500: 1 }), standard, 0.5).score).toBeCloseTo(-0.11, 12);
    expect(scoreFile(withDetections(quiet, { 500: 1 }), lowFP, 0.5).score).toBeCloseTo(-0.22, 12);
    expect(scoreFile(withDetections(quiet, { 500: 1, 600: 1, 700: 1 }), standard, 0.5).score).toBeCloseTo(-0.33, 12);
    // Before any window: full penalty. Just after the window: scaled down by the sigmoid.
    const before = scoreFile(withDetections(fileA, { 400: 1, 200: 1 }), standard, 0.5).score - 1;
    const justAfter = scoreFile(withDetections(fileA, { 400: 1, 455: 1 }), standard, 0.5).score - 1;
    expect(before).toBeCloseTo(-0.11, 12);
    expect(justAfter).toBeLessThan(0);
    expect(justAfter).toBeGreaterThan(-0.11 * 0.5);
  });

  it('counts a detection at exactly the threshold (≥), and never in the probationary period', () => {
    expect(scoreFile(withDetections(fileA, { 400: 0.7 }), standard, 0.7).score).toBeCloseTo(1, 12);
    expect(scoreFile(withDetections(fileA, { 400: 0.7 }), standard, 0.70001).score).toBe(-1);
    expect(probationaryLength(1000)).toBe(150);
    expect(scoreFile(withDetections(quiet, { 10: 1, 149: 1 }), standard, 0.5).score).toBe(0);
    expect(scoreFile(withDetections(quiet, { 150: 1 }), standard, 0.5).score).toBeCloseTo(-0.11, 12);
  });

  it('rejects outputs that do not score every row', () => {
    expect(() => scoreFile({ ...fileA, scores: [1, 2] }, standard, 0.5)).toThrow(/2 scores for 1000 rows/);
  });
});

describe('NAB threshold optimisation and normalisation', () => {
  const corpus = [fileA, fileB, quiet];

  it('gives the perfect detector 100 and the null detector 0 on every profile', () => {
    const windows = windowCount(corpus);
    expect(windows).toBe(3);
    for (const profile of [standard, lowFP, lowFN]) {
      const perfect = optimizeThreshold(corpus.map((f) => ({ ...f, scores: perfectDetectorOutput(f) })), profile);
      const none = optimizeThreshold(corpus.map((f) => ({ ...f, scores: nullDetectorOutput(f) })), profile);
      expect(normalizedScore(perfect.score, windows, profile)).toBeCloseTo(100, 10);
      expect(normalizedScore(none.score, windows, profile)).toBeCloseTo(0, 10);
      expect(none.threshold).toBe(1.1);
    }
  });

  it('picks the threshold that maximises the pooled score, and it matches the per-file sum', () => {
    // Strong evidence (0.9) in every window; weaker (0.6) noise scattered in the quiet file.
    const scored = [
      withDetections(fileA, { 410: 0.9 }),
      withDetections(fileB, { 305: 0.9, 710: 0.9 }),
      withDetections(quiet, { 200: 0.6, 300: 0.6, 400: 0.6, 500: 0.95 }),
    ];
    const best = optimizeThreshold(scored, standard);
    expect(best.threshold).toBe(0.9);
    const perFile = scored.reduce((sum, f) => sum + scoreFile(f, standard, best.threshold).score, 0);
    expect(best.score).toBeCloseTo(perFile, 12);
    // Lower thresholds only add false positives; the sweep lists every candidate, highest first.
    const sweep = sweepThresholds(scored, standard);
    expect(sweep.map((s) => s.threshold)).toEqual([1.1, 0.95, 0.9, 0.6, 0]);
    expect(sweep.find((s) => s.threshold === 0.6)!.score).toBeLessThan(best.score);
    expect(best.fp).toBe(1);
    expect(best.tp).toBe(3);
  });

  it('keeps the highest of tied thresholds, as NAB does', () => {
    // 0.8 and 0.7 both detect the same window (0.7 is later in it and adds nothing): equal scores.
    const best = optimizeThreshold([withDetections(fileA, { 400: 0.8, 430: 0.7 })], standard);
    expect(best.threshold).toBe(0.8);
  });

  it('normalises between null (−A_FN·N) and perfect (A_TP·N)', () => {
    expect(normalizedScore(46.6344501971, 116, standard)).toBeCloseTo(70.1011, 4);
    expect(normalizedScore(26.6344501971, 116, lowFN)).toBeCloseTo(74.3202, 4);
    expect(() => normalizedScore(0, 0, standard)).toThrow(/no anomaly windows/);
  });
});
