// The strategy a draft is sent in, and why: the contextual bandit's choice for the ticket's context
// (or the control arm's fixed default), with what the explanation and off-policy evaluation need —
// propensity, whether it explored, the expected reward of the chosen arm and of the runner-up, and
// the context features that made the difference between them.
import { Type, type Static } from '@sinclair/typebox';
import { LENGTHS, OPENINGS, parseStrategyId, STRATEGY_IDS, TONES } from '../strategies.js';
import { allowedFeatures, isControlTicket, modelConfig, type BanditSettings } from './banditSettings.js';
import type { BanditState } from './banditState.js';
import { chooseArm, predictArms } from './chooseArm.js';
import { choiceRandom } from './choiceRandom.js';
import type { RiskAssessment } from './highRisk.js';

export const POLICIES = ['bandit', 'control'] as const;
export type Policy = (typeof POLICIES)[number];

export const StrategyChoice = Type.Object({
  /** Strategy id, e.g. "answer.concise.plain". */
  id: Type.String(),
  opening: Type.Union(OPENINGS.map((o) => Type.Literal(o))),
  length: Type.Union(LENGTHS.map((l) => Type.Literal(l))),
  tone: Type.Union(TONES.map((t) => Type.Literal(t))),
  /** bandit: the contextual bandit chose; control: the randomized control arm (install-time model, default strategy). */
  policy: Type.Union(POLICIES.map((p) => Type.Literal(p))),
  /** Probability the policy gave this strategy (1 on the control arm and on high-risk tickets). */
  propensity: Type.Number(),
  /** The choice differs from the best-estimated strategy (exploration). */
  explored: Type.Boolean(),
  highRisk: Type.Boolean(),
  highRiskReasons: Type.Array(Type.String()),
  /** Posterior mean of the chosen strategy's reward in this context. */
  expectedReward: Type.Number(),
  runnerUp: Type.Union([Type.Object({ id: Type.String(), expectedReward: Type.Number() }), Type.Null()]),
  /** Context features by how much they favour the chosen strategy over the runner-up (reward points), most favouring first. */
  deciding: Type.Array(Type.Object({ feature: Type.String(), difference: Type.Number() })),
  /** The context features the bandit read ("name=value"), as logged for learning. */
  features: Type.Array(Type.String()),
  /** Outcomes the bandit had learned from when it chose. */
  learnedFrom: Type.Integer(),
});
export type StrategyChoice = Static<typeof StrategyChoice>;

export interface StrategyChoiceInput {
  state: BanditState;
  settings: BanditSettings;
  /** Every context feature of the message (banditFeatures); the settings decide which are read. */
  features: readonly string[];
  tenantId: string;
  ticketId: string;
  /** Seeds the draw, so a replay or an asOf redraft of the same suggestion draws the same number. */
  suggestionId: string;
  risk: RiskAssessment;
}

/** Arms with the default first: chooseArm breaks ties towards the first, so an untrained bandit uses the default. */
export function armsWithDefaultFirst(defaultStrategy: string): string[] {
  return [defaultStrategy, ...STRATEGY_IDS.filter((id) => id !== defaultStrategy)];
}

const axes = (id: string) => {
  const strategy = parseStrategyId(id);
  if (!strategy) throw new RangeError(`unknown strategy id "${id}"`);
  return strategy;
};

/** Round for storage and display: the weights are estimates, six decimals is more than they carry. */
const round = (x: number) => Math.round(x * 1e6) / 1e6;

export function chooseStrategy(input: StrategyChoiceInput): StrategyChoice {
  const { state, settings, risk } = input;
  const config = modelConfig(settings);
  const features = allowedFeatures(input.features, settings.features);
  const arms = armsWithDefaultFirst(settings.defaultStrategy);
  const base = { highRisk: risk.highRisk, highRiskReasons: risk.reasons, features, learnedFrom: state.rows };
  if (isControlTicket(input.tenantId, input.ticketId, settings.controlShare)) {
    const [expected] = predictArms(state, features, [settings.defaultStrategy], config);
    return { id: settings.defaultStrategy, ...axes(settings.defaultStrategy), policy: 'control', propensity: 1, explored: false, expectedReward: round(expected!.mean), runnerUp: null, deciding: [], ...base };
  }
  const choice = chooseArm(state, features, arms, choiceRandom(input.suggestionId), { highRisk: risk.highRisk, config });
  const chosen = choice.expectedRewards.find((e) => e.arm === choice.arm)!;
  return {
    id: choice.arm,
    ...axes(choice.arm),
    policy: 'bandit',
    propensity: choice.propensity,
    explored: choice.explored,
    expectedReward: round(chosen.mean),
    runnerUp: choice.runnerUp ? { id: choice.runnerUp.arm, expectedReward: round(choice.runnerUp.mean) } : null,
    deciding: choice.deciding.filter((d) => Math.abs(d.difference) >= 0.0005).slice(0, 5).map((d) => ({ feature: d.feature, difference: round(d.difference) })),
    ...base,
  };
}

const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

/** One or two sentences for the suggestion's explanation. */
export function describeStrategyChoice(choice: StrategyChoice): string {
  if (choice.policy === 'control') {
    return `Strategy ${choice.id}: this ticket is on the control arm (install-time model, the tenant's default strategy, no bandit), expected reward ${choice.expectedReward.toFixed(2)}.`;
  }
  const parts = [`Strategy ${choice.id}, expected reward ${choice.expectedReward.toFixed(2)}`];
  if (choice.runnerUp) parts.push(`vs ${choice.runnerUp.expectedReward.toFixed(2)} for the runner-up ${choice.runnerUp.id}`);
  let text = `${parts.join(' ')} (learned from ${choice.learnedFrom} outcomes)`;
  if (choice.deciding.length > 0) text += `; the context that made the difference: ${choice.deciding.slice(0, 3).map((d) => `${d.feature} ${signed(d.difference)}`).join(', ')}`;
  text += '.';
  if (choice.explored) text += ` Exploring: chosen with probability ${(choice.propensity * 100).toFixed(1)}% although another strategy is estimated better.`;
  if (choice.highRisk) text += ` High-risk ticket (${choice.highRiskReasons.join(', ')}): no exploration.`;
  return text;
}
