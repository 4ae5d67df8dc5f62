// The strategy bandit's state: per arm, the sufficient statistics of a ridge (Bayesian linear)
// regression of reward on one-hot context features — Σ x xᵀ, Σ r x, n, Σ r, Σ r². They are sums over
// logged (context, arm, propensity, reward) rows, so the state is a deterministic fold of the log:
// "the bandit as of D" is foldBandit(rows, { asOf: D }), and updating incrementally in (at, id) order
// gives the same state. Priors (ridge, prior mean, noise) are applied when reading, not stored, so a
// config change needs no refold. The state is plain JSON and treated as immutable: updateBandit
// returns a new state sharing the arms it did not touch.
//
// Why our own module: no maintained npm package does contextual bandits with exact propensities and
// state that is a fold over an event log (Vowpal Wabbit's wasm build learns online by SGD, so its
// model is not a function of "rows before D", and it is a large native-style dependency). The maths
// here is a few dozen lines of ridge regression, tested in test/unit/bandit.
import { Type, type Static } from '@sinclair/typebox';

export const BanditConfig = Type.Object(
  {
    ridge: Type.Number({ exclusiveMinimum: 0, maximum: 1000, description: "Prior precision λ of each arm's own weight (the bias): how many rows an arm needs before its data outweighs the prior." }),
    contextRidge: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1000,
      description: "Prior precision of each context feature's weight: how sure the model is, before data, that a feature changes an arm's reward only a little. Higher = behaves context-free until the data shows a context matters.",
    }),
    priorMean: Type.Number({ minimum: 0, maximum: 1, description: 'Expected reward of an arm nothing is known about.' }),
    noise: Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Standard deviation of one reward around its expectation; scales the posterior uncertainty.' }),
    epsilon: Type.Number({ minimum: 0, maximum: 1, description: 'Most share of choices that may differ from the best-estimated arm (exploration), floor included.' }),
    explorationFloor: Type.Number({ minimum: 0, maximum: 1, description: 'Share of choices always spread uniformly over the allowed arms: keeps learning when tastes drift, and keeps every arm evaluable off-policy.' }),
    maxValuesPerFeature: Type.Integer({ minimum: 1, maximum: 1000, description: 'Distinct values a feature keeps its own weight for; later values share "name=other".' }),
  },
  { additionalProperties: false },
);
export type BanditConfig = Static<typeof BanditConfig>;
export const BanditConfigOverrides = Type.Partial(BanditConfig, { additionalProperties: false });
export type BanditConfigOverrides = Static<typeof BanditConfigOverrides>;

/**
 * Defaults. ridge 1: one row moves an arm's own weight halfway to its data. contextRidge 8: a prior
 * of hierarchical shrinkage — the arm's overall effect is unknown on the whole reward scale (prior sd
 * = noise), while one context feature a priori shifts it by a third of that (sd noise/√8), so the
 * eight feature families together are as uncertain as the arm itself; with equal ridges a context
 * of 9 active weights starts 3× as uncertain as the arm, and the bandit keeps exploring rare
 * combinations where context does not matter (harness of simulation.ts, 5,000 rounds, 3 seeds:
 * cumulative regret 124 → 74 in a world where no context matters, 286 → 287 and 122 → 123 in the
 * two contextual test worlds). priorMean 0.5: the middle of the reward scale, so an
 * untried arm is neither favoured nor ruled out. noise 0.25: ticket rewards (see domain/reward.ts)
 * spread about that much for the same context and strategy. epsilon 0.1 and floor 0.02: at most 1
 * in 10 tickets gets a strategy other than the best-estimated one, 1 in 50 at random.
 */
export const DEFAULT_BANDIT_CONFIG: BanditConfig = { ridge: 1, contextRidge: 8, priorMean: 0.5, noise: 0.25, epsilon: 0.1, explorationFloor: 0.02, maxValuesPerFeature: 20 };

export function banditConfigFor(overrides: BanditConfigOverrides = {}): BanditConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_BANDIT_CONFIG, ...defined };
}

/** One logged choice with its outcome: what the bandit learns from and what off-policy evaluation reads. */
export interface BanditRow {
  /** Unique and stable (e.g. the suggestion id): rows are folded in (at, id) order. */
  id: string;
  /** ISO time the reward became known (the outcome event): asOf=D keeps at < D. */
  at: string;
  /** The context features at choice time (banditFeatures), as logged. */
  features: string[];
  arm: string;
  /** Probability the logging policy gave this arm (choice.propensity). */
  propensity: number;
  reward: number;
  /** The arms that were allowed at choice time (for off-policy evaluation); default: every arm in the model. */
  armsAllowed?: string[];
}

export interface ArmStatistics {
  n: number;
  sumReward: number;
  sumSquaredReward: number;
  /** Σ x xᵀ over the arm's rows, square over the vocabulary as of the arm's last row (missing entries are 0). */
  gram: number[][];
  /** Σ reward · x, same indexing. */
  rewardSums: number[];
}

export interface BanditState {
  version: 1;
  /** Feature vocabulary in first-seen order; index 0 is the bias, present in every context. */
  features: string[];
  arms: Record<string, ArmStatistics>;
  rows: number;
  /** Time of the latest row folded in. */
  lastAt: string | null;
}

export const BIAS = 'bias';

export function emptyBanditState(): BanditState {
  return { version: 1, features: [BIAS], arms: {}, rows: 0, lastAt: null };
}

export interface ResolvedFeatures {
  /** Vocabulary indexes of the features the state knows (the bias first). */
  known: number[];
  /** Feature names not in the vocabulary yet (they join it when a row with them is learned). */
  unseen: string[];
  /** Every feature as the model reads it ("topic=other" past the cap). */
  names: string[];
}

const featureName = (feature: string) => {
  const eq = feature.indexOf('=');
  return eq < 0 ? feature : feature.slice(0, eq);
};

/** Map raw features onto the state's vocabulary: known values, new values while the feature has room, else "name=other". */
export function resolveFeatures(state: BanditState, features: readonly string[], config: BanditConfig = DEFAULT_BANDIT_CONFIG): ResolvedFeatures {
  const index = new Map(state.features.map((f, i) => [f, i]));
  const valuesPerName = new Map<string, number>();
  for (const f of state.features) if (f !== BIAS && !f.endsWith('=other')) valuesPerName.set(featureName(f), (valuesPerName.get(featureName(f)) ?? 0) + 1);
  const known = [0];
  const unseen: string[] = [];
  const names = [BIAS];
  for (const raw of features) {
    let feature = raw;
    if (!index.has(feature) && !unseen.includes(feature)) {
      const name = featureName(feature);
      const count = valuesPerName.get(name) ?? 0;
      // "name=other" is always allowed and does not take one of the name's value slots.
      const isOther = feature.endsWith('=other');
      if (!isOther && count >= config.maxValuesPerFeature) feature = `${name}=other`;
      else if (!isOther) valuesPerName.set(name, count + 1);
    }
    if (names.includes(feature)) continue;
    names.push(feature);
    const i = index.get(feature);
    if (i === undefined) unseen.push(feature);
    else known.push(i);
  }
  return { known, unseen, names };
}

/** Learn one row into a state the caller owns (mutates it): the arithmetic both update and fold share. */
function learnRowInto(state: BanditState, row: BanditRow, config: BanditConfig): void {
  if (!Number.isFinite(row.reward)) throw new RangeError(`bandit row ${row.id}: reward must be a finite number`);
  const resolved = resolveFeatures(state, row.features, config);
  const active = [...resolved.known, ...resolved.unseen.map((_, k) => state.features.length + k)];
  state.features.push(...resolved.unseen);
  const d = state.features.length;
  const arm = (state.arms[row.arm] ??= { n: 0, sumReward: 0, sumSquaredReward: 0, gram: [], rewardSums: [] });
  // Grow the arm's statistics to the vocabulary: features it never saw have zero sums.
  for (const line of arm.gram) while (line.length < d) line.push(0);
  while (arm.gram.length < d) arm.gram.push(new Array<number>(d).fill(0));
  while (arm.rewardSums.length < d) arm.rewardSums.push(0);
  for (const i of active) {
    arm.rewardSums[i]! += row.reward;
    for (const j of active) arm.gram[i]![j]! += 1;
  }
  arm.n += 1;
  arm.sumReward += row.reward;
  arm.sumSquaredReward += row.reward * row.reward;
  state.rows += 1;
  if (state.lastAt === null || Date.parse(row.at) >= Date.parse(state.lastAt)) state.lastAt = row.at;
}

const copyArm = (arm: ArmStatistics): ArmStatistics => ({ ...arm, gram: arm.gram.map((line) => [...line]), rewardSums: [...arm.rewardSums] });

/** Learn one row. Pure: returns a new state that shares the arms the row did not touch. */
export function updateBandit(state: BanditState, row: BanditRow, config: BanditConfig = DEFAULT_BANDIT_CONFIG): BanditState {
  const touched = state.arms[row.arm];
  const next: BanditState = { ...state, features: [...state.features], arms: { ...state.arms } };
  if (touched) next.arms[row.arm] = copyArm(touched);
  learnRowInto(next, row, config);
  return next;
}

/** The canonical order rows are learned in: by time, then id. */
export function compareRows(a: BanditRow, b: BanditRow): number {
  const byTime = Date.parse(a.at) - Date.parse(b.at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The bandit as of a date: every row with at < asOf (all rows without asOf), learned in (at, id) order. */
export function foldBandit(rows: Iterable<BanditRow>, options: { asOf?: string; config?: BanditConfig } = {}): BanditState {
  const cutoff = options.asOf === undefined ? Infinity : Date.parse(options.asOf);
  const ordered = [...rows].filter((row) => Date.parse(row.at) < cutoff).sort(compareRows);
  // The fold owns the state it builds, so it learns in place: same arithmetic as updateBandit, no copies.
  const state = emptyBanditState();
  for (const row of ordered) learnRowInto(state, row, options.config ?? DEFAULT_BANDIT_CONFIG);
  return state;
}
