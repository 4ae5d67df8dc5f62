// A simulation harness for the strategy bandit: a world with a hidden expected reward per (context,
// arm) — known only to the caller (a test or a benchmark), never to the bandit — and N rounds of
// choose → reward → update. It reports what the product owner's targets are stated in:
// - cumulative (pseudo-)regret per round: Σ max_a E[r | x_t, a] − E[r | x_t, a_t];
// - the mean expected reward over the last `window` rounds of the policy, the oracle (best arm per
//   context), a context-free baseline (the same bandit seeing only its bias feature, on the same
//   contexts) and uniform random choice;
// - how regret grows: the log-log slope of R(t) over the second nine tenths (1 = linear), and the
//   regret added in each half;
// - the learned policy as of the start of the last window (exploiting), evaluated both ways: on-policy
//   on fresh contexts (realised mean reward with a confidence interval, and its true expected value)
//   and off-policy from the rows the run logged after that point (IPS, SNIPS, doubly robust) — the
//   same "bandit as of D, judged on what came after D" that `supportloop eval` computes from the log.
import { linearRegression } from 'simple-statistics';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { emptyBanditState, foldBandit, updateBandit, DEFAULT_BANDIT_CONFIG, type BanditConfig, type BanditRow, type BanditState } from './banditState.js';
import { chooseArm, greedyArm } from './chooseArm.js';
import { choiceRandom } from './choiceRandom.js';
import { evaluateOffPolicy, greedyPolicy, zFor, type Estimate, type OffPolicyReport } from './offPolicy.js';

export interface SimulationWorld<C> {
  /** The next customer context. */
  drawContext(rng: RandomGenerator): C;
  /** What the bandit is shown of the context (banditFeatures). */
  features(context: C): string[];
  /** Hidden: the expected reward of an arm in a context. */
  expectedReward(context: C, arm: string): number;
  /** A realised reward whose expectation is expectedReward. */
  drawReward(context: C, arm: string, rng: RandomGenerator): number;
  /** Tickets the product would flag high-risk (never explored). */
  highRisk?(context: C): boolean;
}

export interface SimulationOptions {
  rounds: number;
  arms: readonly string[];
  seed: number;
  config?: BanditConfig;
  /** Rounds at the end the reward averages are taken over. Default 1000. */
  window?: number;
  /** Fresh contexts the held-out policy is evaluated on-policy with. Default: the window, the same number of tickets the off-policy estimate has. */
  evaluationContexts?: number;
}

export interface PolicyRun {
  /** Cumulative pseudo-regret after each round. */
  cumulativeRegret: number[];
  /** Mean expected reward of the chosen arms over the last window. */
  lastWindowReward: number;
  /** Share of rounds the chosen arm was not the greedy one. */
  exploredShare: number;
  /** Rounds flagged high-risk, and how many of them explored (must be 0). */
  highRiskRounds: number;
  highRiskExplored: number;
  finalState: BanditState;
  rows: BanditRow[];
}

export interface SimulationReport {
  rounds: number;
  window: number;
  policy: PolicyRun;
  contextFreeBaseline: PolicyRun;
  oracleLastWindowReward: number;
  randomLastWindowReward: number;
  regretGrowth: { exponent: number; firstHalf: number; secondHalf: number };
  heldOutPolicy: {
    /** The policy is the bandit as of this round (exploiting); the rounds from here on are its off-policy evaluation set. */
    asOfRound: number;
    /** Realised mean reward on fresh contexts, with a normal-approximation confidence interval. */
    onPolicy: Estimate;
    /** Its exact expected value on those contexts (known only to the simulation). */
    trueValue: number;
    offPolicy: OffPolicyReport;
  };
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);

function runPolicy<C>(world: SimulationWorld<C>, contexts: readonly C[], options: SimulationOptions, label: string, features: (context: C) => string[]): PolicyRun {
  const config = options.config ?? DEFAULT_BANDIT_CONFIG;
  const rewardRng = choiceRandom(`${options.seed}:${label}:rewards`);
  const start = Date.UTC(2025, 0, 1);
  let state = emptyBanditState();
  let regret = 0;
  let explored = 0;
  let highRiskRounds = 0;
  let highRiskExplored = 0;
  const cumulativeRegret: number[] = [];
  const chosenValues: number[] = [];
  const rows: BanditRow[] = [];
  contexts.forEach((context, t) => {
    const x = features(context);
    const highRisk = world.highRisk?.(context) ?? false;
    const choice = chooseArm(state, x, options.arms, choiceRandom(`${options.seed}:${label}:${t}`), { config, highRisk });
    const values = options.arms.map((arm) => world.expectedReward(context, arm));
    const value = world.expectedReward(context, choice.arm);
    regret += Math.max(...values) - value;
    cumulativeRegret.push(regret);
    chosenValues.push(value);
    if (choice.explored) explored += 1;
    if (highRisk) highRiskRounds += 1;
    if (highRisk && choice.explored) highRiskExplored += 1;
    const row: BanditRow = { id: `${label}-${String(t).padStart(7, '0')}`, at: new Date(start + t * 60_000).toISOString(), features: x, arm: choice.arm, propensity: choice.propensity, reward: world.drawReward(context, choice.arm, rewardRng) };
    rows.push(row);
    state = updateBandit(state, row, config);
  });
  const window = options.window ?? 1000;
  return { cumulativeRegret, lastWindowReward: mean(chosenValues.slice(-window)), exploredShare: explored / contexts.length, highRiskRounds, highRiskExplored, finalState: state, rows };
}

/** Log-log slope of cumulative regret over rounds (from a tenth of the run on): < 1 means sublinear growth. */
export function regretExponent(cumulativeRegret: readonly number[]): number {
  const from = Math.max(1, Math.floor(cumulativeRegret.length / 10));
  const points: [number, number][] = [];
  for (let t = from; t < cumulativeRegret.length; t += 1) if (cumulativeRegret[t]! > 0) points.push([Math.log(t + 1), Math.log(cumulativeRegret[t]!)]);
  return points.length >= 2 ? linearRegression(points).m : 0;
}

export function simulateBandit<C>(world: SimulationWorld<C>, options: SimulationOptions): SimulationReport {
  const config = options.config ?? DEFAULT_BANDIT_CONFIG;
  const window = Math.min(options.window ?? 1000, options.rounds);
  const contextRng = choiceRandom(`${options.seed}:contexts`);
  const contexts = Array.from({ length: options.rounds }, () => world.drawContext(contextRng));
  const policy = runPolicy(world, contexts, options, 'policy', (c) => world.features(c));
  const contextFreeBaseline = runPolicy(world, contexts, options, 'context-free', () => []);
  const last = contexts.slice(-window);
  const oracleLastWindowReward = mean(last.map((c) => Math.max(...options.arms.map((arm) => world.expectedReward(c, arm)))));
  const randomLastWindowReward = mean(last.map((c) => mean(options.arms.map((arm) => world.expectedReward(c, arm)))));
  const regret = policy.cumulativeRegret;
  const half = Math.floor(regret.length / 2);
  const regretGrowth = { exponent: regretExponent(regret), firstHalf: regret[half - 1] ?? 0, secondHalf: regret[regret.length - 1]! - (regret[half - 1] ?? 0) };

  // The learned policy as of the last window, exploiting: on fresh contexts vs estimated from the rows logged after it.
  const asOfRound = options.rounds - window;
  const learned = foldBandit(policy.rows.slice(0, asOfRound), { config });
  const evaluationRng = choiceRandom(`${options.seed}:evaluation`);
  const fresh = Array.from({ length: options.evaluationContexts ?? window }, () => world.drawContext(evaluationRng));
  const chosen = fresh.map((c) => greedyArm(learned, world.features(c), options.arms, config));
  const realised = fresh.map((c, i) => world.drawReward(c, chosen[i]!, evaluationRng));
  const onPolicyValue = mean(realised);
  const sd = Math.sqrt(realised.reduce((s, r) => s + (r - onPolicyValue) ** 2, 0) / Math.max(1, realised.length - 1));
  const stdError = sd / Math.sqrt(realised.length);
  const z = zFor(0.95);
  const onPolicy = { value: onPolicyValue, stdError, lower: onPolicyValue - z * stdError, upper: onPolicyValue + z * stdError };
  const trueValue = mean(fresh.map((c, i) => world.expectedReward(c, chosen[i]!)));
  const offPolicy = evaluateOffPolicy(policy.rows.slice(asOfRound), greedyPolicy(learned, config), { config, rewardModelRows: policy.rows.slice(0, asOfRound) });
  return { rounds: options.rounds, window, policy, contextFreeBaseline, oracleLastWindowReward, randomLastWindowReward, regretGrowth, heldOutPolicy: { asOfRound, onPolicy, trueValue, offPolicy } };
}
