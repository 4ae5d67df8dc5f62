// Choosing a strategy: capped Thompson sampling with exact propensities.
//
// Thompson sampling draws each arm's reward from its posterior and takes the best draw; the chance
// that arm a wins, pTS(a), is computed here by quadrature instead of drawn, because the arms'
// predictive distributions are independent normals N(μ_a, sd_a²):
//   pTS(a) = ∫ φ(z) Π_{b≠a} Φ((μ_a + sd_a z − μ_b) / sd_b) dz.
// The policy then mixes, with the greedy arm g = argmax μ (ties: first allowed):
//   π(a) = (1 − floor)·[(1 − α)·1{a = g} + α·pTS(a)] + floor / K,
// where α ≤ 1 is the largest weight keeping the non-greedy share ≤ epsilon. Early on (wide posteriors)
// α is small, so exploration is capped; once posteriors are narrow α = 1 and exploration fades to the
// floor. On a high-risk ticket π = 1{a = g}: pure exploitation. The arm is drawn from π with one
// uniform from the caller's seeded RNG, and π(arm) is the propensity logged for off-policy evaluation.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { errorFunction } from 'simple-statistics';
import { armPosterior, predictArm } from './armPosterior.js';
import { BIAS, DEFAULT_BANDIT_CONFIG, resolveFeatures, type BanditConfig, type BanditState, type ResolvedFeatures } from './banditState.js';

export interface ArmEstimate {
  arm: string;
  /** Posterior mean of the expected reward in this context. */
  mean: number;
  /** Posterior standard deviation of that mean. */
  sd: number;
  /** Chance the arm is the best one (what plain Thompson sampling would pick it with). */
  probabilityBest: number;
  /** Probability this choice gave the arm. */
  propensity: number;
}

export interface FeatureInfluence {
  feature: string;
  /** The feature's weight for the chosen arm minus its weight for the runner-up, in reward points. */
  difference: number;
}

export interface BanditChoice {
  arm: string;
  propensity: number;
  /** The arm with the highest expected reward; differs from `arm` when the choice explored. */
  greedyArm: string;
  explored: boolean;
  highRisk: boolean;
  /** Allowed arms, best expected reward first. */
  expectedRewards: ArmEstimate[];
  /** The best other arm by expected reward, if there was another. */
  runnerUp: ArmEstimate | null;
  /** Context features by how much they favour the chosen arm over the runner-up, most favouring first (the bias excluded). */
  deciding: FeatureInfluence[];
  /** The features as the model read them. */
  features: string[];
}

export interface ChooseOptions {
  /** A high-risk ticket (e.g. escalation risk above threshold): never explore. */
  highRisk?: boolean;
  config?: BanditConfig;
}

const normalCdf = (z: number) => 0.5 * (1 + errorFunction(z / Math.SQRT2));
const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
// Simpson's rule on z ∈ [−6, 6], step 0.15. Quadrature error only makes π differ slightly from exact
// Thompson sampling; the logged propensity is still exact, because the arm is drawn from π itself.
const Z_STEP = 0.15;
const Z_POINTS = Array.from({ length: 81 }, (_, i) => -6 + i * Z_STEP);
const SIMPSON = Z_POINTS.map((_, i) => (i === 0 || i === Z_POINTS.length - 1 ? 1 : i % 2 === 1 ? 4 : 2) * (Z_STEP / 3));

/** P(arm i has the highest draw) for independent normals N(means[i], sds[i]²). */
export function probabilityBest(means: readonly number[], sds: readonly number[]): number[] {
  const k = means.length;
  if (k === 1) return [1];
  // Below the highest "mean − 6 sd" every product is ~0, and an arm entirely below it never wins and
  // never matters (its CDF is ~1 wherever a contender can win): both are skipped.
  const floorValue = Math.max(...means.map((mu, a) => mu - 6 * sds[a]!));
  const contenders = means.map((_, a) => a).filter((a) => means[a]! + 6 * sds[a]! >= floorValue);
  const raw = means.map((mu, a) => {
    if (!contenders.includes(a)) return 0;
    let total = 0;
    Z_POINTS.forEach((z, p) => {
      const t = mu + sds[a]! * z;
      if (t < floorValue) return;
      let product = normalPdf(z);
      for (const b of contenders) if (b !== a) product *= normalCdf((t - means[b]!) / sds[b]!);
      total += SIMPSON[p]! * product;
    });
    return total;
  });
  const sum = raw.reduce((s, x) => s + x, 0);
  return sum > 0 ? raw.map((x) => x / sum) : raw.map(() => 1 / k);
}

/** Expected reward (mean, sd) of each arm in a context, with nothing chosen. */
export function predictArms(state: BanditState, features: readonly string[] | ResolvedFeatures, arms: readonly string[], config: BanditConfig = DEFAULT_BANDIT_CONFIG): { arm: string; mean: number; sd: number }[] {
  const resolved = Array.isArray(features) ? resolveFeatures(state, features, config) : (features as ResolvedFeatures);
  const d = state.features.length;
  return arms.map((arm) => ({ arm, ...predictArm(armPosterior(state.arms[arm], d, config), resolved, config) }));
}

/** The arm with the highest expected reward (ties: first in `arms`). */
export function greedyArm(state: BanditState, features: readonly string[], arms: readonly string[], config: BanditConfig = DEFAULT_BANDIT_CONFIG): string {
  const predictions = predictArms(state, features, arms, config);
  return predictions.reduce((best, p) => (p.mean > best.mean ? p : best)).arm;
}

function influences(state: BanditState, resolved: ResolvedFeatures, arm: string, other: string, config: BanditConfig): FeatureInfluence[] {
  const d = state.features.length;
  const a = armPosterior(state.arms[arm], d, config).theta;
  const b = armPosterior(state.arms[other], d, config).theta;
  return resolved.known
    .filter((i) => state.features[i] !== BIAS)
    .map((i) => ({ feature: state.features[i]!, difference: a[i]! - b[i]! }))
    .sort((x, y) => y.difference - x.difference || (x.feature < y.feature ? -1 : 1));
}

export function chooseArm(state: BanditState, features: readonly string[], armsAllowed: readonly string[], rng: RandomGenerator, options: ChooseOptions = {}): BanditChoice {
  const config = options.config ?? DEFAULT_BANDIT_CONFIG;
  const arms = [...new Set(armsAllowed)];
  if (arms.length === 0) throw new RangeError('chooseArm: no arm allowed');
  const resolved = resolveFeatures(state, features, config);
  const predictions = predictArms(state, resolved, arms, config);
  const greedy = predictions.reduce((best, p, i) => (p.mean > predictions[best]!.mean ? i : best), 0);
  const pBest = probabilityBest(
    predictions.map((p) => p.mean),
    predictions.map((p) => p.sd),
  );
  const highRisk = options.highRisk === true;
  const k = arms.length;
  let policy: number[];
  if (highRisk || k === 1) policy = arms.map((_, i) => (i === greedy ? 1 : 0));
  else {
    const floor = Math.min(config.explorationFloor, config.epsilon);
    // The floor puts (k−1)/k of itself on other arms; the rest of the budget goes to Thompson sampling.
    const budget = floor >= 1 ? 0 : Math.max(0, config.epsilon - (floor * (k - 1)) / k) / (1 - floor);
    const nonGreedy = 1 - pBest[greedy]!;
    const alpha = nonGreedy > budget ? budget / nonGreedy : 1;
    policy = arms.map((_, i) => (1 - floor) * ((i === greedy ? 1 - alpha : 0) + alpha * pBest[i]!) + floor / k);
  }
  let chosen = greedy;
  if (!highRisk && k > 1) {
    const u = uniformFloat64(rng);
    let cumulative = 0;
    chosen = k - 1;
    for (let i = 0; i < k; i += 1) {
      cumulative += policy[i]!;
      if (u < cumulative) {
        chosen = i;
        break;
      }
    }
  }
  const estimates: ArmEstimate[] = predictions.map((p, i) => ({ arm: p.arm, mean: p.mean, sd: p.sd, probabilityBest: pBest[i]!, propensity: policy[i]! }));
  const ranked = [...estimates].sort((x, y) => y.mean - x.mean || arms.indexOf(x.arm) - arms.indexOf(y.arm));
  const arm = arms[chosen]!;
  const runnerUp = ranked.find((e) => e.arm !== arm) ?? null;
  return {
    arm,
    propensity: policy[chosen]!,
    greedyArm: arms[greedy]!,
    explored: chosen !== greedy,
    highRisk,
    expectedRewards: ranked,
    runnerUp,
    deciding: runnerUp ? influences(state, resolved, arm, runnerUp.arm, config) : [],
    features: resolved.names,
  };
}
