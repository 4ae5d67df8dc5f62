import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../domain/events.js';
import {
  computeReward,
  DEFAULT_REWARD_WEIGHTS,
  describeReward,
  isThanksOnlyMessage,
  outcomeSignalsFromDetails,
  RewardWeightOverrides,
  rewardWeightsFor,
  type OutcomeSignals,
} from '../../domain/reward.js';
import { applyEvent, newTicketState, outcomeEvent } from '../../domain/ticketState.js';

/** A ticket solved after one reply in 2 hours, no rating. */
const clean: OutcomeSignals = { resolutionSeconds: 2 * 3600, followUps: 0, agentReplies: 1, escalated: false, reopens: 0, csat: null, slaBreached: false };
const reward = (changes: Partial<OutcomeSignals>, weights = DEFAULT_REWARD_WEIGHTS) => computeReward({ ...clean, ...changes }, weights).reward;
const component = (signals: Partial<OutcomeSignals>, name: string) => computeReward({ ...clean, ...signals }).components.find((c) => c.name === name)!;

describe('reward from outcome components', () => {
  it('is bounded: the best ticket is 1, the worst 0, a clean one high', () => {
    expect(reward({ csat: 1 })).toBeCloseTo(1, 10);
    expect(reward({ followUps: 9, escalated: true, reopens: 5, csat: 0, resolutionSeconds: 30 * 24 * 3600, slaBreached: true, agentReplies: 4 })).toBeCloseTo(0, 10);
    expect(reward({})).toBeGreaterThan(0.8);
  });

  it('escalation, follow-ups, reopens and slowness lower it; CSAT raises it', () => {
    const base = reward({});
    expect(reward({ escalated: true })).toBeLessThan(base);
    expect(reward({ followUps: 1 })).toBeLessThan(base);
    expect(reward({ followUps: 2 })).toBeLessThan(reward({ followUps: 1 }));
    expect(reward({ reopens: 1 })).toBeLessThan(base);
    expect(reward({ resolutionSeconds: 36 * 3600 })).toBeLessThan(base);
    expect(reward({ csat: 0.9 })).toBeGreaterThan(reward({ csat: 0.5 }));
    expect(reward({ csat: 0.2 })).toBeLessThan(base);
    // CSAT is monotone over its whole range, also on an escalated ticket.
    const csats = [0, 0.25, 0.5, 0.75, 1].map((csat) => reward({ csat, escalated: true, followUps: 2 }));
    expect([...csats].sort((a, b) => a - b)).toEqual(csats);
    expect(new Set(csats).size).toBe(5);
  });

  it('no rating is neutral (like CSAT 0.5) and a resolution within target costs nothing', () => {
    expect(reward({ csat: null })).toBeCloseTo(reward({ csat: 0.5 }), 12);
    expect(reward({ resolutionSeconds: 23 * 3600 })).toBe(reward({ resolutionSeconds: 60 }));
    expect(component({ resolutionSeconds: 36 * 3600 }, 'slowResolution').value).toBeCloseTo(0.5, 10);
    expect(component({ resolutionSeconds: 96 * 3600 }, 'slowResolution').value).toBe(1);
  });

  it('a thank-you follow-up is not penalised and counts as closed with thanks', () => {
    const thanked = computeReward({ ...clean, followUps: 1, thanksFollowUps: 1 });
    expect(thanked.reward).toBe(reward({}));
    expect(thanked.components[0]!.label).toBe('closed with thanks after the first reply');
    expect(reward({ followUps: 2, thanksFollowUps: 1 })).toBe(reward({ followUps: 1 }));
  });

  it('components explain the reward exactly: baseline + Σ contributions', () => {
    const result = computeReward({ ...clean, followUps: 2, escalated: true, csat: 0.8 });
    const sum = result.components.reduce((s, c) => s + c.contribution, 0);
    expect(result.reward).toBeCloseTo(result.baseline + sum, 12);
    expect(result.components.map((c) => c.name)).toEqual(['resolvedOnFirstReply', 'followUps', 'escalation', 'reopens', 'csat', 'slowResolution', 'slaBreach']);
    expect(result.components.find((c) => c.name === 'escalation')).toMatchObject({ value: 1, weight: -0.3 });
    expect(result.components.find((c) => c.name === 'followUps')!.contribution).toBeLessThan(0);
    expect(describeReward(result)).toMatch(/^0\.\d\d \(baseline 0\.\d\d; 2 follow-ups −0\.\d\d, escalated −0\.\d\d, CSAT 0\.80 \+0\.\d\d\)$/);
  });

  it('tenant weights override the defaults and change the reward', () => {
    const escalationHeavy = rewardWeightsFor({ escalation: 2 });
    expect(escalationHeavy).toEqual({ ...DEFAULT_REWARD_WEIGHTS, escalation: 2 });
    expect(reward({ escalated: true }, escalationHeavy)).toBeLessThan(reward({ escalated: true }));
    const ignoreCsat = rewardWeightsFor({ csat: 0 });
    expect(reward({ csat: 0 }, ignoreCsat)).toBe(reward({ csat: 1 }, ignoreCsat));
    const strictTarget = rewardWeightsFor({ resolutionTargetHours: 1 });
    expect(reward({}, strictTarget)).toBeLessThan(reward({}));
    const nothingCounts = rewardWeightsFor(Object.fromEntries(['resolvedOnFirstReply', 'perFollowUp', 'escalation', 'perReopen', 'csat', 'slowResolution', 'slaBreach'].map((k) => [k, 0])));
    expect(computeReward({ ...clean, escalated: true }, nothingCounts).reward).toBe(0.5);
  });

  it('the TypeBox schema accepts a partial tenant config and rejects wrong directions and unknown keys', () => {
    expect(Value.Check(RewardWeightOverrides, { escalation: 0.5, resolutionTargetHours: 8 })).toBe(true);
    expect(Value.Check(RewardWeightOverrides, { escalation: -0.5 })).toBe(false);
    expect(Value.Check(RewardWeightOverrides, { resolutionTargetHours: 0 })).toBe(false);
    expect(Value.Check(RewardWeightOverrides, { escalations: 1 })).toBe(false);
  });

  it('reads the ticket.outcome event the lifecycle records', () => {
    let n = 0;
    const ev = (kind: TicketEvent['kind'], minute: number, extra: Partial<TicketEvent> = {}): TicketEvent => ({
      eventId: `e${++n}`, kind, tenantId: 't', ticketId: 'k', occurredAt: new Date(Date.UTC(2026, 0, 5, 10, minute)).toISOString(), provider: 'generic', channel: 'email', tags: [], ...extra,
    });
    const events = [ev('message.customer', 0), ev('reply.agent', 5), ev('message.customer', 20), ev('ticket.escalated', 21), ev('reply.agent', 30), ev('ticket.solved', 40, { status: 'solved' })];
    const state = events.reduce(applyEvent, newTicketState('t', 'k'));
    const signals = outcomeSignalsFromDetails(outcomeEvent(state, Date.UTC(2026, 0, 12)).details);
    expect(signals).toEqual({ resolutionSeconds: 2400, followUps: 1, agentReplies: 2, escalated: true, reopens: 0, csat: null, slaBreached: false, thanksFollowUps: 0 });
    expect(computeReward(signals).reward).toBeLessThan(reward({}));
  });

  it('recognises thank-you messages and not problems', () => {
    for (const text of ['Thanks, that worked!', 'thank you so much', 'Perfect, cheers', 'All sorted, much appreciated', 'Thank you, problem solved.', 'Great, the issue is resolved now, thanks', 'No problem, thanks!']) expect(isThanksOnlyMessage(text), text).toBe(true);
    for (const text of ['Thanks, but it still does not work', 'thanks - any update?', 'I have another problem', '', 'Thank you. '.repeat(10), 'Thanks, problem solved but now I get an error', 'Thanks, the problem is not solved', 'thanks, the issue is back']) expect(isThanksOnlyMessage(text), text).toBe(false);
  });
});
