// The Outcomes dashboard's part of the learning seed (learningSeed.ts writes the rows): the response
// strategy of every draft (bandit-chosen with a propensity, or the control arm's default strategy),
// the credit of every reward (credited when the agent's first reply kept the draft), the outcome
// events (resolution time) and, as the simulator sends them, the oracle figures on every solve.
// Strategy draws come from a stream of their own per tenant, so adding them changed none of the
// learning rows. Alongside, the figures each Outcomes panel should show, in plain TypeScript.
import type { StrategyChoice } from '../../domain/bandit/strategyChoice.js';
import { parseStrategyId, STRATEGY_IDS } from '../../domain/strategies.js';
import { ORACLE_FIELD, RECEIVED_FIELD } from '../../dashboards/outcomes.js';
import { SeededRandom } from '../../simulator/seededRandom.js';
import { bucketOf, DAY, groupBy, mean, type ExpectedRow, type Figure, type SeededLearning, type Window } from './learningSeed.js';

export interface SeededReward {
  /** The outcome time (ms). */
  at: number;
  ticketId: string;
  topic: string;
  /** The segment the dashboard shows: the customer segment, else the plan. */
  segment: string;
  reward: number;
  strategy: string;
  policy: string;
  /** As ClickHouse stores it (Float32). */
  propensity: number;
  credited: boolean;
  resolutionHours: number | null;
  /** The solve the oracle figures ride on (ms). */
  solvedAt: number;
  oracle: number;
  received: number;
}

const CONTROL_SHARE = 0.1;
const DEFAULT_STRATEGY = 'answer.detailed.plain';

export const strategyRandom = (tenantId: string) => new SeededRandom(41, `outcomes-seed/${tenantId}`);

/** A draft's strategy: the control arm's default now and then, else a bandit choice (clarify first a third of the time). */
export function seededStrategyChoice(rng: SeededRandom, topic: string): StrategyChoice {
  const control = rng.chance(CONTROL_SHARE);
  const id = control ? DEFAULT_STRATEGY : rng.chance(0.35) ? rng.pick(STRATEGY_IDS.filter((s) => s.startsWith('clarify.'))) : rng.pick(STRATEGY_IDS.filter((s) => s.startsWith('answer.')));
  const strategy = parseStrategyId(id)!;
  const propensity = control ? 1 : Math.round(rng.between(0.05, 0.95) * 1000) / 1000;
  return {
    id,
    ...strategy,
    policy: control ? 'control' : 'bandit',
    propensity,
    explored: !control && propensity < 0.5,
    highRisk: false,
    highRiskReasons: [],
    expectedReward: 0.6,
    runnerUp: null,
    deciding: [],
    features: [`topic=${topic}`],
    learnedFrom: 0,
  };
}

/** The simulator's figures for a ticket: the best strategy's expected reward and the received one's (equal when the draft had the best). */
export function seededOracle(rng: SeededRandom, choice: StrategyChoice) {
  const oracle = Number(rng.between(0.7, 0.9).toFixed(6));
  const received = choice.opening === 'answer' && rng.chance(0.6) ? oracle : Number((oracle - rng.between(0.01, 0.2)).toFixed(6));
  return { oracle, received, custom: { [ORACLE_FIELD]: oracle.toFixed(6), [RECEIVED_FIELD]: received.toFixed(6) } };
}

const opening = (strategy: string) => strategy.split('.')[0];

/** Σ value / propensity ÷ Σ 1 / propensity over the rows with a value; null without any. */
function weighted(rows: SeededReward[], value: (r: SeededReward) => number | null): Figure {
  const kept = rows.filter((r) => value(r) !== null);
  if (kept.length === 0) return null;
  return kept.reduce((s, r) => s + value(r)! / r.propensity, 0) / kept.reduce((s, r) => s + 1 / r.propensity, 0);
}

export function outcomesFigures(seeded: SeededLearning, baselineDays: number, w: Window) {
  const inRange = (at: number) => at >= w.from && at <= w.to;
  const inTopics = (topic: string) => !w.topics || w.topics.includes(topic);
  // Rewards count from the tenant's first reward, whatever the topic filter.
  const rewardsFrom = Math.min(...seeded.rewards.map((r) => r.at));
  // Every panel counts a ticket once, by its latest outcome (a reopened ticket's second reward supersedes its first).
  const latest = groupBy(seeded.rewards, (r) => r.ticketId).map(([, group]) => group.reduce((a, b) => (b.at > a.at ? b : a)));
  const rewards = latest.filter((r) => inTopics(r.topic));
  const rewardBaseline = mean(rewards.filter((r) => r.at < rewardsFrom + baselineDays * DAY).map((r) => r.reward));
  const inRangeRewards = rewards.filter((r) => inRange(r.at));
  const credited = inRangeRewards.filter((r) => r.credited);
  const meanReward = (group: SeededReward[]) => mean(group.map((r) => r.reward));
  const tickets = (group: SeededReward[]) => new Set(group.map((r) => r.ticketId)).size;
  const overTime = (items: SeededReward[], label: string, key: (r: SeededReward) => string) =>
    groupBy(items, (r) => `${bucketOf(r.at, w.intervalMs)}|${key(r)}`).map(([k, group]) => ({ time: k.split('|')[0]!, [label]: k.split('|')[1]!, mean_reward: meanReward(group) }));
  const drafts = seeded.suggestions.filter((s) => inTopics(s.topic) && inRange(s.at));
  const arm = (s: { strategy: string; policy: string }) => (s.policy === 'control' ? 'control arm' : s.strategy);
  const draftsPerBucket = new Map(groupBy(drafts, (s) => bucketOf(s.at, w.intervalMs)).map(([time, group]) => [time, group.length]));
  // One row per ticket with oracle figures: the first solve, values as sent.
  const simulated = groupBy(seeded.rewards.filter((r) => inTopics(r.topic)), (r) => r.ticketId).map(([, group]) => ({ solvedAt: Math.min(...group.map((r) => r.solvedAt)), oracle: group[0]!.oracle, received: group[0]!.received }));
  const clarifyRows = credited.filter((r) => r.propensity > 0);
  const hours = (group: SeededReward[], which: string) => weighted(group.filter((r) => opening(r.strategy) === which), (r) => r.resolutionHours);

  return {
    'Tickets with a reward': [{ tickets_rewarded: tickets(inRangeRewards) }],
    'Outcomes credited to a strategy': [{ credited_share: mean(inRangeRewards.map((r) => (r.credited ? 1 : 0))) }],
    'Mean reward': groupBy(inRangeRewards, (r) => bucketOf(r.at, w.intervalMs)).map(([time, group]) => ({ time, mean_reward: meanReward(group), install_baseline: rewardBaseline })),
    'Mean reward by strategy': overTime(credited, 'strategy', (r) => r.strategy),
    'Bandit vs control arm': overTime(inRangeRewards, 'policy', (r) => r.policy),
    'Strategy share of drafts': groupBy(drafts, (s) => `${bucketOf(s.at, w.intervalMs)}|${arm(s)}`).map(([k, group]) => ({
      time: k.split('|')[0]!,
      arm: k.split('|')[1]!,
      draft_share: group.length / draftsPerBucket.get(k.split('|')[0]!)!,
    })),
    'Mean reward by segment': overTime(inRangeRewards, 'customer_segment', (r) => r.segment),
    'Mean reward per segment and strategy': groupBy(credited, (r) => `${r.segment}|${r.strategy}`)
      .map(([k, group]) => ({ customer_segment: k.split('|')[0]!, strategy: k.split('|')[1]!, tickets: tickets(group), mean_reward: meanReward(group)! }))
      .sort((a, b) => (a.customer_segment < b.customer_segment ? -1 : a.customer_segment > b.customer_segment ? 1 : b.mean_reward - a.mean_reward || (a.strategy < b.strategy ? -1 : 1))),
    'Mean reward by topic': groupBy(inRangeRewards, (r) => r.topic)
      .map(([topic, group]) => ({ topic, tickets: tickets(group), mean_reward: meanReward(group) }))
      .sort((a, b) => b.tickets - a.tickets || (a.topic < b.topic ? -1 : 1)),
    'Clarify first vs answer first, per topic': groupBy(clarifyRows, (r) => r.topic)
      .map(([topic, group]) => {
        const clarify = group.filter((r) => opening(r.strategy) === 'clarify');
        const answer = group.filter((r) => opening(r.strategy) === 'answer');
        const [clarifyHours, answerHours] = [hours(group, 'clarify'), hours(group, 'answer')];
        return {
          topic,
          clarify_tickets: tickets(clarify),
          answer_tickets: tickets(answer),
          clarify_hours: clarifyHours,
          answer_hours: answerHours,
          hours_difference: clarifyHours === null || answerHours === null ? null : clarifyHours - answerHours,
          clarify_reward: weighted(clarify, (r) => r.reward),
          answer_reward: weighted(answer, (r) => r.reward),
        } satisfies ExpectedRow;
      })
      .sort((a, b) => b.clarify_tickets + b.answer_tickets - (a.clarify_tickets + a.answer_tickets) || (a.topic < b.topic ? -1 : 1)),
    'Regret vs simulator oracle': groupBy(simulated.filter((t) => inRange(t.solvedAt)), (t) => bucketOf(t.solvedAt, w.intervalMs)).map(([time, group]) => ({
      time,
      oracle_reward: mean(group.map((t) => t.oracle)),
      received_reward: mean(group.map((t) => t.received)),
      regret: group.reduce((s, t) => s + (t.oracle - t.received), 0),
    })),
  } satisfies Record<string, ExpectedRow[]>;
}
