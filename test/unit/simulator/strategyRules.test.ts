// The simulator's hidden strategy rules and its oracle: who resolves best with which strategy, an
// exact expectation that matches what the dice realise, and a played ticket whose customer receives
// the draft's strategy only when the agent sent the draft.
import { describe, expect, it } from 'vitest';
import { computeReward } from '../../../domain/reward.js';
import { STRATEGY_IDS } from '../../../domain/strategies.js';
import { renderReply } from '../../../simulator/agentRules.js';
import type { DraftResult, WebhookEvent } from '../../../simulator/client.js';
import { SeededRandom } from '../../../simulator/seededRandom.js';
import { playTicket, type HelpdeskConnection } from '../../../simulator/simulatedTicket.js';
import { drawsFromDice, expectedReward, outcomeOf, strategyOracle, type TicketFacts } from '../../../simulator/strategyOutcome.js';
import { AGENT_HABIT_STRATEGY, strategyEffects, strategyOf, type StrategyAudience } from '../../../simulator/strategyRules.js';
import { planSimulation, type TicketPlan } from '../../../simulator/ticketPlan.js';

const minutes = { firstReply: 60, followUp: 120, followUpReply: 60, thanks: 120, solve: 10, reopen: 1440, reopenReply: 60, clarifyAnswer: 15 };
const calmEndUser: StrategyAudience = { segment: 'smb', plan: 'team', role: 'end-user', tenureDays: 200, frustrated: false, topicId: 'password-reset' };
const facts = (audience: Partial<StrategyAudience>, more: Partial<TicketFacts> = {}): TicketFacts => ({
  audience: { ...calmEndUser, ...audience },
  contentMissed: false,
  apologyInReply: false,
  baseEscalation: 0.04,
  minutes,
  ...more,
});
const best = (f: TicketFacts) => strategyOracle(f).best.strategyId;

describe('hidden strategy rules', () => {
  it('give each kind of customer its own best strategy', () => {
    expect(best(facts({ segment: 'enterprise', plan: 'enterprise', frustrated: true }))).toBe('answer.detailed.acknowledge');
    expect(best(facts({ role: 'developer' }))).toBe('answer.detailed.plain');
    expect(best(facts({ role: 'admin' }))).toBe('answer.detailed.plain');
    expect(best(facts({ plan: 'trial', tenureDays: 2 }))).toBe('answer.concise.plain');
    expect(strategyOf(best(facts({ frustrated: true }))).tone).toBe('acknowledge');
    expect(strategyOf(best(facts({ topicId: 'webhook-failures' }))).opening).toBe('clarify');
    expect(strategyOf(best(facts({}))).opening).toBe('answer');
    // A trial user past the first week has no length preference.
    const trial = strategyOracle(facts({ plan: 'trial', tenureDays: 20 })).byStrategy;
    expect(trial['answer.detailed.plain']).toBeCloseTo(trial['answer.concise.plain']!, 12);
  });

  it("an apology already in the reply's content counts as acknowledgement", () => {
    const frustrated = { frustrated: true };
    const withApology = strategyOracle(facts(frustrated, { apologyInReply: true })).byStrategy;
    expect(withApology['answer.detailed.plain']).toBeCloseTo(withApology['answer.detailed.acknowledge']!, 12);
    const without = strategyOracle(facts(frustrated)).byStrategy;
    expect(without['answer.detailed.acknowledge']! - without['answer.detailed.plain']!).toBeGreaterThan(0.05);
  });

  it('combine the chances of several rules as independent events', () => {
    const effects = strategyEffects({ ...calmEndUser, role: 'developer', topicId: 'webhook-failures' }, strategyOf('answer.concise.acknowledge'));
    // technical-want-detail 0.6, ambiguous 0.85, calm-dislike-scripted 0.1
    expect(effects.followUp).toBeCloseTo(1 - 0.4 * 0.15 * 0.9, 12);
    expect(effects.secondFollowUp).toBeCloseTo(0.5, 12);
  });
});

describe('the oracle', () => {
  it("is an exact expectation: the mean reward of the dice's outcomes converges to it", () => {
    const rng = new SeededRandom(3, 'oracle-check');
    for (const [f, strategy] of [
      [facts({ frustrated: true, segment: 'enterprise' }), 'answer.concise.plain'],
      [facts({ topicId: 'csv-import-errors', role: 'developer' }, { contentMissed: true }), 'clarify.detailed.acknowledge'],
      [facts({ plan: 'trial', tenureDays: 1 }), 'answer.detailed.plain'],
    ] as const) {
      const n = 40_000;
      let sum = 0;
      let sumSq = 0;
      for (let i = 0; i < n; i++) {
        const dice = {
          topicFollowUp: rng.chance(0.1),
          escalate: rng.chance(f.baseEscalation),
          reopen: rng.float(),
          csatRated: rng.chance(0.35),
          csat: rng.float(),
          strategy: { followUp: rng.float(), secondFollowUp: rng.float(), escalation: rng.float(), csatPenalty: rng.float() },
        };
        const r = computeReward(outcomeOf(drawsFromDice(f, strategy, dice), f.minutes).signals).reward;
        sum += r;
        sumSq += r * r;
      }
      const mean = sum / n;
      const se = Math.sqrt((sumSq / n - mean * mean) / n);
      expect(Math.abs(mean - expectedReward(f, strategy)), `${strategy}: ${mean} vs ${expectedReward(f, strategy)}`).toBeLessThan(4 * se);
    }
  });

  it('is at least every strategy’s expected reward, and depends on the strategy only through the rules', () => {
    const o = strategyOracle(facts({ role: 'developer', frustrated: true }));
    expect(Object.keys(o.byStrategy)).toEqual([...STRATEGY_IDS]);
    for (const value of Object.values(o.byStrategy)) expect(value).toBeLessThanOrEqual(o.best.expectedReward);
    expect(o.byStrategy[o.best.strategyId]).toBe(o.best.expectedReward);
  });

  it('counts outcomes the way the product does: thank-yous apart, a reopen message as a follow-up, resolution until the last solve', () => {
    const draws = { clarify: true, contentFollowUp: false, topicFollowUp: false, strategyFollowUp: true, secondFollowUp: false, escalated: false, reopened: true, csatRated: true, csatPenalty: false, csatNoise: 0 as const };
    const { signals, stars, followUps } = outcomeOf(draws, minutes);
    expect(followUps).toEqual(['clarification', 'strategy']);
    expect(signals).toMatchObject({ followUps: 5, thanksFollowUps: 2, agentReplies: 4, reopens: 1, csat: 0.75 });
    expect(stars).toBe(4);
    expect(signals.resolutionSeconds).toBe(60 * (60 + 15 + 60 + 120 + 60 + 120 + 10 + 1440 + 60 + 120 + 10));
  });
});

/** A helpdesk endpoint answering every draft request with `draft(plan)` and strategy `strategyId`. */
function connection(draft: string, strategyId: string | undefined): HelpdeskConnection & { events: WebhookEvent[] } {
  const events: WebhookEvent[] = [];
  let call = 0;
  return {
    events,
    async postEvents(_tenant, batch) {
      events.push(...batch);
    },
    async fetchDraft(): Promise<DraftResult> {
      call++;
      return { status: 'drafted', suggestionId: `sg-${call}`, draft, waitedMs: 0, ...(strategyId ? { strategy: { id: strategyId, policy: 'bandit', propensity: 0.9 } } : {}) };
    },
  };
}

describe('a played ticket', () => {
  const { tickets } = planSimulation({ seed: 11, tenantIds: ['acme'], tickets: 600, start: new Date('2025-03-03T00:00:00Z') });
  const quiet = (t: TicketPlan): TicketPlan => ({
    ...t,
    dice: { ...t.dice, agentLapse: false, agentForgets: false, topicFollowUp: false, escalate: false, reopen: 1, csatRated: true, csat: 0.5, strategy: { followUp: 0, secondFollowUp: 1, escalation: 1, csatPenalty: 1 } },
  });
  const developer = quiet(tickets.find((t) => t.customer.role === 'developer' && !t.frustrated && t.topicId === 'password-reset')!);

  it('receives the draft’s strategy when the agent sends the draft, and the customer reacts to it', async () => {
    const c = connection(renderReply(developer.ideal), 'answer.concise.plain');
    const truth = await playTicket(developer, c, 11);
    expect(truth.action).toBe('accepted');
    expect(truth.strategy).toMatchObject({ suggested: 'answer.concise.plain', policy: 'bandit', received: 'answer.concise.plain', oracle: 'answer.detailed.plain' });
    expect(truth.strategy.regret).toBeGreaterThan(0.05);
    // The die says the misfit follow-up happens: the developer asks for the details.
    expect(truth.exchanges.map((e) => e.kind)).toContain('strategy-follow-up');
    const solved = c.events.find((e) => e.kind === 'ticket.solved')!;
    expect(solved.customer?.custom).toMatchObject({ 'simulator.received_strategy': 'answer.concise.plain', 'simulator.oracle_strategy': 'answer.detailed.plain' });
    expect(Number(solved.customer!.custom!['simulator.oracle_reward']) - Number(solved.customer!.custom!['simulator.received_reward'])).toBeCloseTo(truth.strategy.regret, 5);
  });

  it("receives the agent's habit when the agent rewrites the draft, whatever strategy the product chose", async () => {
    const truth = await playTicket(developer, connection('Something unrelated entirely. Nothing to reuse here.', 'clarify.concise.acknowledge'), 11);
    expect(truth.action).toBe('rewritten');
    expect(truth.strategy).toMatchObject({ suggested: 'clarify.concise.acknowledge', received: AGENT_HABIT_STRATEGY, regret: 0 });
  });

  it('a clarifying question first gets an answer from the customer before the solve', async () => {
    const truth = await playTicket(developer, connection(renderReply(developer.ideal), 'clarify.detailed.plain'), 11);
    expect(truth.strategy.received).toBe('clarify.detailed.plain');
    expect(truth.exchanges[1]!.kind).toBe('clarification');
  });
});
