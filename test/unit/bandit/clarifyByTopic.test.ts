import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { describe, expect, it } from 'vitest';
import { choiceRandom } from '../../../domain/bandit/choiceRandom.js';
import { clarifyEffectByTopic, type ClarifyOutcomeRow } from '../../../domain/bandit/clarifyByTopic.js';

const rng = choiceRandom('clarify-rows');
const noise = () => (uniformFloat64(rng) - 0.5) * 0.4;

/** Rows of one topic: each opening's mean reward and hours to resolve. */
function topicRows(topic: string, n: number, clarify: { reward: number; hours: number }, answer: { reward: number; hours: number }): ClarifyOutcomeRow[] {
  return Array.from({ length: n }, (_, i) => {
    const asks = i % 2 === 0;
    const truth = asks ? clarify : answer;
    return { topic, strategyId: asks ? 'clarify.concise.plain' : 'answer.detailed.plain', reward: truth.reward + noise(), resolutionSeconds: (truth.hours + noise() * 5) * 3600, propensity: 0.5 };
  });
}

describe('clarifying question first, by topic', () => {
  const rows = [
    ...topicRows('login-problem', 200, { reward: 0.8, hours: 3 }, { reward: 0.55, hours: 9 }),
    ...topicRows('billing-refund', 200, { reward: 0.45, hours: 10 }, { reward: 0.75, hours: 4 }),
    ...topicRows('data-export', 200, { reward: 0.6, hours: 6 }, { reward: 0.6, hours: 6 }),
    ...topicRows('sso-setup', 12, { reward: 0.9, hours: 2 }, { reward: 0.3, hours: 12 }),
    { topic: 'login-problem', strategyId: 'not-a-strategy', reward: 0, propensity: 1 },
  ];
  const effects = clarifyEffectByTopic(rows);
  const byTopic = Object.fromEntries(effects.map((e) => [e.topic, e]));

  it('finds where asking first helps, where it hurts, and where it makes no difference', () => {
    expect(byTopic['login-problem']!.verdict).toBe('clarify-first');
    expect(byTopic['billing-refund']!.verdict).toBe('answer-first');
    expect(byTopic['data-export']!.verdict).toBe('no-clear-difference');
    expect(byTopic['sso-setup']!.verdict).toBe('not-enough-data');
  });

  it('reports counts, reward and resolution-time differences with intervals', () => {
    const login = byTopic['login-problem']!;
    expect(login.clarify.tickets).toBe(100);
    expect(login.answer.tickets).toBe(100);
    expect(login.rewardDifference!.value).toBeCloseTo(0.25, 1);
    expect(login.rewardDifference!.lower).toBeGreaterThan(0);
    expect(login.resolutionHoursDifference!.value).toBeCloseTo(-6, 0);
    expect(login.resolutionHoursDifference!.upper).toBeLessThan(0);
    expect(login.summary).toMatch(/^asking first: reward \+0\.2\d \(95% CI \+0\.\d\d … \+0\.\d\d\); \d\.\d h faster; 100 tickets asked first, 100 answered directly$/);
    const exportTopic = byTopic['data-export']!;
    expect(exportTopic.rewardDifference!.lower).toBeLessThan(0);
    expect(exportTopic.rewardDifference!.upper).toBeGreaterThan(0);
    // Most evidence first.
    expect(effects.map((e) => e.topic)).toEqual(['billing-refund', 'data-export', 'login-problem', 'sso-setup']);
  });

  it('corrects for the bandit asking mostly the customers who would have done well anyway', () => {
    // Asking first has no effect here; easy customers (reward 0.8) were asked 90% of the time, hard ones (0.4) 10%.
    const confounded: ClarifyOutcomeRow[] = Array.from({ length: 4000 }, () => {
      const easy = uniformFloat64(rng) < 0.5;
      const pClarify = easy ? 0.9 : 0.1;
      const asks = uniformFloat64(rng) < pClarify;
      return { topic: 'integration-error', strategyId: asks ? 'clarify.detailed.plain' : 'answer.detailed.plain', reward: (easy ? 0.8 : 0.4) + noise(), propensity: asks ? pClarify : 1 - pClarify };
    });
    const weighted = clarifyEffectByTopic(confounded)[0]!;
    expect(weighted.verdict).toBe('no-clear-difference');
    expect(Math.abs(weighted.rewardDifference!.value)).toBeLessThan(0.05);
    const naive = clarifyEffectByTopic(confounded.map(({ propensity: _, ...row }) => row))[0]!;
    expect(naive.verdict).toBe('clarify-first');
    expect(naive.rewardDifference!.value).toBeGreaterThan(0.25);
  });

  it('handles a topic with only one opening and unsolved tickets', () => {
    const [only] = clarifyEffectByTopic([
      { topic: 'invoice-copy', strategyId: 'answer.concise.plain', reward: 0.7, resolutionSeconds: null },
      { topic: 'invoice-copy', strategyId: 'answer.concise.plain', reward: 0.9 },
    ]);
    expect(only).toMatchObject({ verdict: 'not-enough-data', rewardDifference: null, resolutionHoursDifference: null });
    expect(only!.clarify.tickets).toBe(0);
    expect(only!.answer.meanResolutionHours).toBeNull();
    expect(only!.answer.meanReward).toBeCloseTo(0.8, 10);
  });
});
