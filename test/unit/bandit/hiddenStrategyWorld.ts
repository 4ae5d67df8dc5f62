// A simulated world with hidden strategy rules, for the bandit's tests: which response strategy
// works for whom is written only here, never in domain/bandit. Customers are drawn like the product
// simulator's (segments, plans, roles, 12% frustrated); the expected reward of a strategy follows a
// few plain rules a support leader would recognise, and realised rewards scatter around it.
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { banditFeatures } from '../../../domain/bandit/banditContext.js';
import type { SimulationWorld } from '../../../domain/bandit/simulation.js';
import { parseStrategyId } from '../../../domain/strategies.js';

export interface SimulatedCustomer {
  segment: string;
  plan: string;
  role: string;
  tenure: string;
  frustration: string;
  topic: string;
  channel: string;
  priorContacts: number;
}

const TOPICS = ['billing-refund', 'shipping-delay', 'password-reset', 'api-rate-limit', 'sso-setup', 'data-export', 'integration-error', 'login-problem', 'invoice-copy', 'plan-upgrade', 'webhook-failure', 'account-deletion'];
/** Questions too vague to answer without asking first. */
const AMBIGUOUS_TOPICS = new Set(['integration-error', 'login-problem', 'webhook-failure']);

function pick<T>(rng: RandomGenerator, options: readonly (readonly [T, number])[]): T {
  let u = uniformFloat64(rng) * options.reduce((s, [, w]) => s + w, 0);
  for (const [value, weight] of options) {
    u -= weight;
    if (u < 0) return value;
  }
  return options[options.length - 1]![0];
}

export function drawCustomer(rng: RandomGenerator): SimulatedCustomer {
  const segment = pick(rng, [['smb', 0.55], ['mid-market', 0.3], ['enterprise', 0.15]] as const);
  const plan = segment === 'enterprise' ? 'enterprise' : pick(rng, [['trial', 0.3], ['team', 0.4], ['business', 0.3]] as const);
  return {
    segment,
    plan,
    role: pick(rng, [['admin', 0.3], ['developer', 0.25], ['end-user', 0.45]] as const),
    tenure: plan === 'trial' ? 'under-30d' : pick(rng, [['under-30d', 0.1], ['30-90d', 0.2], ['90-365d', 0.35], ['over-1y', 0.35]] as const),
    frustration: pick(rng, [['calm', 0.68], ['annoyed', 0.2], ['frustrated', 0.12]] as const),
    topic: TOPICS[Math.floor(uniformFloat64(rng) * TOPICS.length)]!,
    channel: pick(rng, [['email', 0.5], ['chat', 0.35], ['web', 0.15]] as const),
    priorContacts: pick(rng, [[0, 0.7], [1, 0.2], [2, 0.1]] as const),
  };
}

/** The hidden rules: expected reward (0..1) of a strategy for a customer. */
export function hiddenExpectedReward(c: SimulatedCustomer, arm: string): number {
  const s = parseStrategyId(arm);
  if (!s) throw new Error(`not a strategy: ${arm}`);
  const acknowledge = s.tone === 'acknowledge';
  const detailed = s.length === 'detailed';
  const clarify = s.opening === 'clarify';
  let r = 0.3;
  // Frustrated customers need to feel heard; calm ones find it scripted.
  if (c.frustration === 'frustrated') r += acknowledge ? 0.3 : -0.05;
  else if (c.frustration === 'annoyed') r += acknowledge ? 0.1 : 0;
  else r += acknowledge ? -0.05 : 0.05;
  // Developers want the details; end users want the short version.
  if (c.role === 'developer') r += detailed ? 0.25 : 0;
  else if (c.role === 'end-user') r += detailed ? 0 : 0.2;
  else r += detailed ? 0.1 : 0.05;
  // Frustrated enterprise customers resolve best with acknowledgement and clear next steps.
  if (c.frustration === 'frustrated' && c.segment === 'enterprise' && acknowledge && detailed) r += 0.1;
  // Vague questions go better with a question first; clear ones are slowed down by it, and a
  // customer who already wrote in twice does not want to explain again.
  r += AMBIGUOUS_TOPICS.has(c.topic) ? (clarify ? 0.25 : 0) : clarify ? -0.1 : 0;
  if (c.priorContacts >= 2 && clarify) r -= 0.15;
  if (c.channel === 'chat' && !detailed) r += 0.05;
  if (c.tenure === 'under-30d' && detailed) r += 0.05;
  return Math.min(0.95, Math.max(0.05, r));
}

/** Half the reward is the expectation, half a resolved / not-resolved coin: mean p, sd ≈ 0.2. */
export function drawHiddenReward(c: SimulatedCustomer, arm: string, rng: RandomGenerator): number {
  const p = hiddenExpectedReward(c, arm);
  return 0.5 * p + 0.5 * (uniformFloat64(rng) < p ? 1 : 0);
}

export const hiddenStrategyWorld: SimulationWorld<SimulatedCustomer> = {
  drawContext: drawCustomer,
  features: (c) => banditFeatures(c),
  expectedReward: hiddenExpectedReward,
  drawReward: drawHiddenReward,
  highRisk: (c) => c.frustration === 'frustrated' && c.priorContacts >= 2,
};
