// Each arm's posterior from its sufficient statistics (Bayesian ridge regression):
//   precision P = Λ + Σ x xᵀ,  mean weights θ = P⁻¹ (Σ r x + Λ θ₀),  θ₀ = priorMean on the bias,
//   Λ = diag(ridge on the bias, contextRidge on every context feature),
//   expected reward in context x: μ = xᵀθ,  its uncertainty: sd = noise · √(xᵀ P⁻¹ x).
// A feature the arm has never seen keeps its prior (weight 0, variance 1/contextRidge). P is factorised once per
// arm statistics object (Cholesky) and memoised: states are immutable, so a factor never goes stale.
import type { ArmStatistics, BanditConfig, ResolvedFeatures } from './banditState.js';

export interface ArmPosterior {
  d: number;
  /** Mean weight per vocabulary index. */
  theta: Float64Array;
  /** Lower-triangular Cholesky factor L of the precision, row-major d×d. */
  factor: Float64Array;
}

export interface ArmPrediction {
  mean: number;
  sd: number;
}

function cholesky(matrix: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = matrix[i * d + j]!;
      for (let k = 0; k < j; k += 1) sum -= L[i * d + k]! * L[j * d + k]!;
      // The precision is λI + a Gram matrix: positive definite, so sum > 0 on the diagonal.
      L[i * d + j] = i === j ? Math.sqrt(sum) : sum / L[j * d + j]!;
    }
  }
  return L;
}

/** Solve L y = v (forward substitution). */
function forward(L: Float64Array, d: number, v: Float64Array): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i += 1) {
    let sum = v[i]!;
    for (let k = 0; k < i; k += 1) sum -= L[i * d + k]! * y[k]!;
    y[i] = sum / L[i * d + i]!;
  }
  return y;
}

/** Solve Lᵀ x = y (back substitution). */
function backward(L: Float64Array, d: number, y: Float64Array): Float64Array {
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i -= 1) {
    let sum = y[i]!;
    for (let k = i + 1; k < d; k += 1) sum -= L[k * d + i]! * x[k]!;
    x[i] = sum / L[i * d + i]!;
  }
  return x;
}

const cache = new WeakMap<ArmStatistics, Map<string, ArmPosterior>>();
const NO_DATA: ArmStatistics = { n: 0, sumReward: 0, sumSquaredReward: 0, gram: [], rewardSums: [] };

export function armPosterior(stats: ArmStatistics | undefined, d: number, config: BanditConfig): ArmPosterior {
  const arm = stats ?? NO_DATA;
  const key = `${d}|${config.ridge}|${config.contextRidge}|${config.priorMean}`;
  const memo = cache.get(arm) ?? new Map<string, ArmPosterior>();
  cache.set(arm, memo);
  const hit = memo.get(key);
  if (hit) return hit;
  const precision = new Float64Array(d * d);
  const rhs = new Float64Array(d);
  for (let i = 0; i < d; i += 1) {
    const row = arm.gram[i];
    for (let j = 0; j < d; j += 1) precision[i * d + j] = (row?.[j] ?? 0) + (i === j ? (i === 0 ? config.ridge : config.contextRidge) : 0);
    rhs[i] = arm.rewardSums[i] ?? 0;
  }
  rhs[0]! += config.ridge * config.priorMean;
  const factor = cholesky(precision, d);
  const posterior = { d, theta: backward(factor, d, forward(factor, d, rhs)), factor };
  memo.set(key, posterior);
  return posterior;
}

/** Expected reward and its posterior sd for one context (resolved against the same vocabulary). */
export function predictArm(posterior: ArmPosterior, features: ResolvedFeatures, config: BanditConfig): ArmPrediction {
  const { d, theta, factor } = posterior;
  const x = new Float64Array(d);
  let mean = 0;
  for (const i of features.known) {
    x[i] = 1;
    mean += theta[i]!;
  }
  const v = forward(factor, d, x);
  let quadratic = features.unseen.length / config.contextRidge;
  for (let i = 0; i < d; i += 1) quadratic += v[i]! * v[i]!;
  return { mean, sd: config.noise * Math.sqrt(quadratic) };
}
