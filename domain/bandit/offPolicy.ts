// Off-policy evaluation: what reward would a target policy (e.g. the learned bandit, exploiting) have
// earned on the logged tickets, from rows logged by another policy with known propensities.
//   IPS:   mean of w·r, w = π_target(logged arm | x) / propensity            (unbiased, high variance)
//   SNIPS: Σ w·r / Σ w                                                        (self-normalised: less variance, small bias)
//   DR:    mean of Σ_a π_target(a|x)·q̂(x,a) + w·(r − q̂(x, logged arm))        (doubly robust)
// q̂ is the bandit's own linear model, cross-fitted: rows are split in two alternating halves and each
// half is scored by the model folded from the other (plus any earlier rows given as rewardModelRows),
// so a row never predicts its own reward. Evaluate a policy on rows it did not learn from (e.g. the
// bandit as of D on the rows after D): scored on its own training rows, a learned policy looks better
// than it is, because it favours arms whose rewards happened to come out high there.
// Confidence intervals are normal approximations over the per-row terms (delta method for SNIPS);
// no randomness, so an evaluation is reproducible from the log alone.
import { mean, probit, sampleStandardDeviation } from 'simple-statistics';
import { armPosterior } from './armPosterior.js';
import { compareRows, DEFAULT_BANDIT_CONFIG, foldBandit, resolveFeatures, type BanditConfig, type BanditRow, type BanditState } from './banditState.js';
import { greedyArm } from './chooseArm.js';

/** A policy to evaluate: the probability of each of `arms` (same order) in a context. */
export type TargetPolicy = (features: readonly string[], arms: readonly string[]) => number[];

/** The learned policy, exploiting: the best-estimated arm with probability 1. */
export function greedyPolicy(state: BanditState, config: BanditConfig = DEFAULT_BANDIT_CONFIG): TargetPolicy {
  return (features, arms) => {
    const best = greedyArm(state, features, arms, config);
    return arms.map((arm) => (arm === best ? 1 : 0));
  };
}

/** Always the same arm (e.g. the product's default strategy); uniform when it is not allowed. */
export function fixedArmPolicy(arm: string): TargetPolicy {
  return (_, arms) => (arms.includes(arm) ? arms.map((a) => (a === arm ? 1 : 0)) : arms.map(() => 1 / arms.length));
}

export const uniformPolicy: TargetPolicy = (_, arms) => arms.map(() => 1 / arms.length);

export interface Estimate {
  value: number;
  stdError: number;
  lower: number;
  upper: number;
}

export interface OffPolicyReport {
  rows: number;
  confidence: number;
  /** What the logging policy actually earned (on-policy mean of the logged rewards). */
  logged: Estimate;
  ips: Estimate;
  snips: Estimate;
  doublyRobust: Estimate;
  /** The reward model alone (biased when the model is wrong; shown for comparison). */
  directMethod: Estimate;
  /** (Σw)² / Σw²: how many logged rows the estimate is effectively worth. */
  effectiveSampleSize: number;
  maxWeight: number;
}

export interface OffPolicyOptions {
  /** Two-sided confidence level of the intervals. Default 0.95. */
  confidence?: number;
  config?: BanditConfig;
  /** Rows the reward model learns from besides the other half of the evaluated rows (never evaluated themselves). */
  rewardModelRows?: Iterable<BanditRow>;
}

function estimate(terms: readonly number[], z: number, value = mean(terms as number[])): Estimate {
  const stdError = terms.length > 1 ? sampleStandardDeviation(terms as number[]) / Math.sqrt(terms.length) : Infinity;
  return { value, stdError, lower: value - z * stdError, upper: value + z * stdError };
}

/** Two-sided normal quantile for a confidence level (0.95 → 1.96). */
export const zFor = (confidence: number) => probit(1 - (1 - confidence) / 2);

function expectedReward(state: BanditState, features: readonly string[], arm: string, config: BanditConfig): number {
  const resolved = resolveFeatures(state, features, config);
  const theta = armPosterior(state.arms[arm], state.features.length, config).theta;
  return resolved.known.reduce((sum, i) => sum + theta[i]!, 0);
}

export function evaluateOffPolicy(logged: Iterable<BanditRow>, target: TargetPolicy, options: OffPolicyOptions = {}): OffPolicyReport {
  const config = options.config ?? DEFAULT_BANDIT_CONFIG;
  const confidence = options.confidence ?? 0.95;
  const z = zFor(confidence);
  const rows = [...logged].sort(compareRows);
  if (rows.length < 2) throw new RangeError('evaluateOffPolicy: needs at least two logged rows');
  for (const row of rows) if (!(row.propensity > 0 && row.propensity <= 1)) throw new RangeError(`row ${row.id}: propensity must be in (0, 1], got ${row.propensity}`);
  const allArms = [...new Set(rows.map((r) => r.arm))];
  const extra = [...(options.rewardModelRows ?? [])];
  const halves = [0, 1].map((half) => foldBandit([...extra, ...rows.filter((_, i) => i % 2 !== half)], { config }));

  const ips: number[] = [];
  const dm: number[] = [];
  const dr: number[] = [];
  const weights: number[] = [];
  rows.forEach((row, i) => {
    const arms = row.armsAllowed && row.armsAllowed.length > 0 ? row.armsAllowed : allArms;
    const probabilities = target(row.features, arms);
    const model = halves[i % 2]!;
    const q = arms.map((arm) => expectedReward(model, row.features, arm, config));
    const loggedIndex = arms.indexOf(row.arm);
    const w = loggedIndex < 0 ? 0 : probabilities[loggedIndex]! / row.propensity;
    const qLogged = loggedIndex < 0 ? expectedReward(model, row.features, row.arm, config) : q[loggedIndex]!;
    const direct = probabilities.reduce((sum, p, a) => sum + p * q[a]!, 0);
    weights.push(w);
    ips.push(w * row.reward);
    dm.push(direct);
    dr.push(direct + w * (row.reward - qLogged));
  });
  const sumW = weights.reduce((s, w) => s + w, 0);
  const sumW2 = weights.reduce((s, w) => s + w * w, 0);
  const snipsValue = sumW > 0 ? ips.reduce((s, x) => s + x, 0) / sumW : 0;
  const meanW = sumW / rows.length;
  const snipsTerms = rows.map((row, i) => (meanW > 0 ? (weights[i]! * (row.reward - snipsValue)) / meanW : 0));
  return {
    rows: rows.length,
    confidence,
    logged: estimate(rows.map((r) => r.reward), z),
    ips: estimate(ips, z),
    snips: estimate(snipsTerms, z, snipsValue),
    doublyRobust: estimate(dr, z),
    directMethod: estimate(dm, z),
    effectiveSampleSize: sumW2 > 0 ? (sumW * sumW) / sumW2 : 0,
    maxWeight: weights.reduce((m, w) => Math.max(m, w), 0),
  };
}
