// Should a leader trust "the learned strategy policy is better"? From the logged, credited outcomes:
// - the rows are split in time: the learned policy is the bandit folded from the earlier part
//   (trainShare of the rows), exploiting (greedy); it is evaluated only on the later bandit-logged rows,
//   which it never learned from (scored on its own training rows it would look better than it is);
// - on those rows: what the logging policy (the live bandit, exploring) actually earned, the
//   learned policy's IPS / SNIPS / doubly-robust estimates, and the same for always using the
//   tenant's default strategy (what the product did before strategies were learned);
// - the control arm's observed reward over the same period (tickets hashed to the install-time model
//   with the default strategy, randomized, so no propensity is needed).
// The improvement claim is the learned policy's DR estimate minus the control arm's / the default
// policy's, each with a confidence interval; with too few rows the report says so instead.
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { compareRows, DEFAULT_BANDIT_CONFIG, foldBandit, type BanditConfig, type BanditRow } from './banditState.js';
import { evaluateOffPolicy, fixedArmPolicy, greedyPolicy, zFor, type Estimate, type OffPolicyReport } from './offPolicy.js';

export interface LoggedOutcome extends BanditRow {
  /** 'bandit' or 'control' (the arm of the randomized control). */
  policy: string;
}

export interface PolicyEvaluationOptions {
  config?: BanditConfig;
  defaultStrategy: string;
  /** Share of rows (the earliest) the learned policy is folded from. Default 0.5. */
  trainShare?: number;
  confidence?: number;
}

export interface PolicyEvaluation {
  status: 'ok' | 'not-enough-data';
  /** Rows by role. */
  rows: { total: number; training: number; evaluated: number; control: number };
  /** Outcome time splitting training from evaluation rows (null when there is nothing to split). */
  splitAt: string | null;
  confidence: number;
  /** What the logging policy earned on the evaluated rows. */
  logged: Estimate | null;
  /** The learned (greedy) policy on the evaluated rows. */
  learned: OffPolicyReport | null;
  /** Always the default strategy, on the evaluated rows. */
  defaultStrategy: OffPolicyReport | null;
  /** The control arm's mean reward over the evaluation period. */
  control: Estimate | null;
  /** learned DR − control mean, when both exist (interval from both standard errors). */
  learnedVsControl: Estimate | null;
  /** learned DR − logged mean. */
  learnedVsLogged: Estimate | null;
}

const MIN_ROWS = 2;

function meanEstimate(values: readonly number[], z: number): Estimate | null {
  if (values.length < MIN_ROWS) return null;
  const value = mean(values as number[]);
  const stdError = sampleStandardDeviation(values as number[]) / Math.sqrt(values.length);
  return { value, stdError, lower: value - z * stdError, upper: value + z * stdError };
}

function difference(a: Estimate | null, b: Estimate | null, z: number): Estimate | null {
  if (!a || !b) return null;
  const value = a.value - b.value;
  // Control rows and evaluated rows are disjoint (independent). The logged mean shares the learned
  // estimate's rows: positively correlated, so treating them as independent makes the interval wider, not narrower.
  const stdError = Math.sqrt(a.stdError ** 2 + b.stdError ** 2);
  return { value, stdError, lower: value - z * stdError, upper: value + z * stdError };
}

export function evaluatePolicies(outcomes: Iterable<LoggedOutcome>, options: PolicyEvaluationOptions): PolicyEvaluation {
  const config = options.config ?? DEFAULT_BANDIT_CONFIG;
  const confidence = options.confidence ?? 0.95;
  const z = zFor(confidence);
  const trainShare = options.trainShare ?? 0.5;
  if (!(trainShare > 0 && trainShare < 1)) throw new RangeError('trainShare must be between 0 and 1 (exclusive)');
  const rows = [...outcomes].sort(compareRows);
  const cut = Math.floor(rows.length * trainShare);
  const training = rows.slice(0, cut);
  const later = rows.slice(cut);
  const splitAt = later[0]?.at ?? null;
  const evaluated = later.filter((r) => r.policy === 'bandit' && r.propensity > 0);
  const control = later.filter((r) => r.policy === 'control');
  const counts = { total: rows.length, training: training.length, evaluated: evaluated.length, control: control.length };
  const controlEstimate = meanEstimate(control.map((r) => r.reward), z);
  if (training.length < MIN_ROWS || evaluated.length < MIN_ROWS) {
    return { status: 'not-enough-data', rows: counts, splitAt, confidence, logged: null, learned: null, defaultStrategy: null, control: controlEstimate, learnedVsControl: null, learnedVsLogged: null };
  }
  const state = foldBandit(training, { config });
  const common = { confidence, config, rewardModelRows: training };
  const learned = evaluateOffPolicy(evaluated, greedyPolicy(state, config), common);
  const byDefault = evaluateOffPolicy(evaluated, fixedArmPolicy(options.defaultStrategy), common);
  return {
    status: 'ok',
    rows: counts,
    splitAt,
    confidence,
    logged: learned.logged,
    learned,
    defaultStrategy: byDefault,
    control: controlEstimate,
    learnedVsControl: difference(learned.doublyRobust, controlEstimate, z),
    learnedVsLogged: difference(learned.doublyRobust, learned.logged, z),
  };
}
