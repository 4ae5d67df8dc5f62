// A ticket's outcome as a function of the strategy the customer received, and the oracle.
//
// One function (outcomeOf) turns the ticket's draws — did the customer answer a clarifying question,
// follow up about missing content, follow up because the form did not fit (once, twice), ask a
// topic question, escalate, reopen, rate, lose a star — into the outcome signals the product counts
// (domain/ticketState.ts: every customer message after the first reply is a follow-up, thank-yous
// counted apart; resolution = creation → last solve). simulatedTicket.ts realises the draws with the
// ticket's dice; expectedReward enumerates every combination of the draws with its probability and
// applies the product's reward (domain/reward.ts, default weights) — an exact expectation over the
// outcome noise for the ticket's customer, content and reply timings. The oracle is the best
// strategy's expected reward for the same customer and content; regret of a ticket = oracle −
// expected reward of the strategy actually received.
//
// The expectation uses the full outcome window (a reopen counts in the ticket's reward, CSAT too),
// which is what the product's reward means; how the product's run times its outcome timer does not
// change it.
import { computeReward, DEFAULT_REWARD_WEIGHTS, type OutcomeSignals, type RewardWeights } from '../domain/reward.js';
import { STRATEGY_IDS } from '../domain/strategies.js';
import { perceivedStrategy, strategyEffects, type StrategyAudience } from './strategyRules.js';

export const CSAT_RATED_SHARE = 0.35;
export const TOPIC_FOLLOW_UP_SHARE = 0.1;
export const REOPEN_RATE = 0.03;
export const REOPEN_RATE_AFTER_MISS = 0.12;
/** CSAT noise: a star less below this dice value, a star more above CSAT_BONUS_ABOVE. */
export const CSAT_MALUS_BELOW = 0.15;
export const CSAT_BONUS_ABOVE = 0.9;

/** Simulated minutes between the steps of a ticket (TicketDice.minutes). */
export interface StepMinutes {
  firstReply: number;
  followUp: number;
  followUpReply: number;
  thanks: number;
  solve: number;
  reopen: number;
  reopenReply: number;
  clarifyAnswer: number;
}

export interface OutcomeDraws {
  /** The reply opened with a clarifying question: the customer answers it. */
  clarify: boolean;
  /** The reply lacked a hidden agent rule's addition: the customer asks for it. */
  contentFollowUp: boolean;
  topicFollowUp: boolean;
  strategyFollowUp: boolean;
  secondFollowUp: boolean;
  escalated: boolean;
  reopened: boolean;
  csatRated: boolean;
  csatPenalty: boolean;
  csatNoise: -1 | 0 | 1;
}

export interface TicketOutcome {
  signals: OutcomeSignals;
  /** 1..5, or null when the customer did not rate. */
  stars: number | null;
  /** Customer messages after the first reply that are not thank-yous, in order. */
  followUps: ('clarification' | 'content' | 'strategy' | 'strategy-again' | 'topic')[];
}

/** Stars: five for a first reply that fit, one less per content miss, escalation, reopen and misfit, plus noise. */
export function csatStars(d: Pick<OutcomeDraws, 'contentFollowUp' | 'escalated' | 'reopened' | 'csatPenalty' | 'csatNoise'>): number {
  const stars = 5 - Number(d.contentFollowUp) - Number(d.escalated) - Number(d.reopened) - Number(d.csatPenalty) + d.csatNoise;
  return Math.min(5, Math.max(1, stars));
}

export const csatScore = (stars: number) => (stars - 1) / 4;

export function outcomeOf(d: OutcomeDraws, minutes: StepMinutes): TicketOutcome {
  const followUps: TicketOutcome['followUps'] = [];
  if (d.clarify) followUps.push('clarification');
  if (d.contentFollowUp) followUps.push('content');
  if (d.strategyFollowUp) followUps.push('strategy');
  if (d.strategyFollowUp && d.secondFollowUp) followUps.push('strategy-again');
  if (d.topicFollowUp && !d.contentFollowUp) followUps.push('topic');
  let elapsed = minutes.firstReply;
  for (const kind of followUps) elapsed += (kind === 'clarification' ? minutes.clarifyAnswer : minutes.followUp) + minutes.followUpReply;
  elapsed += minutes.thanks + minutes.solve;
  // A reopen: "it's back" (a follow-up), the agent answers, thanks again, solved again.
  if (d.reopened) elapsed += minutes.reopen + minutes.reopenReply + minutes.thanks + minutes.solve;
  const thanks = d.reopened ? 2 : 1;
  const asked = followUps.length + Number(d.reopened);
  const stars = d.csatRated ? csatStars(d) : null;
  return {
    signals: {
      resolutionSeconds: elapsed * 60,
      followUps: asked + thanks,
      thanksFollowUps: thanks,
      agentReplies: 1 + asked,
      escalated: d.escalated,
      reopens: Number(d.reopened),
      csat: stars === null ? null : csatScore(stars),
      slaBreached: false,
    },
    stars,
    followUps,
  };
}

/** What is fixed about a ticket before the strategy: who asks, what the reply's content did, base chances, timings. */
export interface TicketFacts {
  audience: StrategyAudience;
  /** The sent reply lacked an applicable rule's addition. */
  contentMissed: boolean;
  /** The sent reply carries the agents' apology (frustrated-apology). */
  apologyInReply: boolean;
  /** The topic's escalation chance for this customer (doubled when frustrated). */
  baseEscalation: number;
  minutes: StepMinutes;
}

/** Every draw's chance for a strategy: what the enumeration and the dice share. */
export function drawChances(facts: TicketFacts, strategyId: string) {
  const strategy = perceivedStrategy(strategyId, facts.apologyInReply);
  const effects = strategyEffects(facts.audience, strategy);
  const orBoth = (a: number, b: number) => 1 - (1 - a) * (1 - b);
  return {
    clarify: strategy.opening === 'clarify',
    strategyFollowUp: effects.followUp,
    secondFollowUp: effects.secondFollowUp,
    escalation: orBoth(facts.baseEscalation, effects.escalation),
    strategyEscalation: effects.escalation,
    reopen: orBoth(facts.contentMissed ? REOPEN_RATE_AFTER_MISS : REOPEN_RATE, effects.reopen),
    csatPenalty: effects.csatPenalty,
  };
}

/** The ticket's dice that the draws compare with (TicketDice): uniforms, and the strategy-free booleans. */
export interface OutcomeDice {
  topicFollowUp: boolean;
  /** The topic's own escalation, rolled with baseEscalation. */
  escalate: boolean;
  reopen: number;
  csatRated: boolean;
  csat: number;
  strategy: { followUp: number; secondFollowUp: number; escalation: number; csatPenalty: number };
}

/** The draws of a ticket whose customer received `strategyId`: each chance of drawChances met by its die. */
export function drawsFromDice(facts: TicketFacts, strategyId: string, dice: OutcomeDice): OutcomeDraws {
  const c = drawChances(facts, strategyId);
  return {
    clarify: c.clarify,
    contentFollowUp: facts.contentMissed,
    topicFollowUp: dice.topicFollowUp,
    strategyFollowUp: dice.strategy.followUp < c.strategyFollowUp,
    secondFollowUp: dice.strategy.secondFollowUp < c.secondFollowUp,
    escalated: dice.escalate || dice.strategy.escalation < c.strategyEscalation,
    reopened: dice.reopen < c.reopen,
    csatRated: dice.csatRated,
    csatPenalty: dice.strategy.csatPenalty < c.csatPenalty,
    csatNoise: dice.csat < CSAT_MALUS_BELOW ? -1 : dice.csat > CSAT_BONUS_ABOVE ? 1 : 0,
  };
}

type Branch<T> = [T, number][];
const bool = (p: number): Branch<boolean> => (p <= 0 ? [[false, 1]] : p >= 1 ? [[true, 1]] : [[false, 1 - p], [true, p]]);
const NOISE: Branch<-1 | 0 | 1> = [[-1, CSAT_MALUS_BELOW], [0, CSAT_BONUS_ABOVE - CSAT_MALUS_BELOW], [1, 1 - CSAT_BONUS_ABOVE]];

/** Exact expected reward of a strategy for this ticket under the product's reward definition. */
export function expectedReward(facts: TicketFacts, strategyId: string, weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): number {
  const c = drawChances(facts, strategyId);
  let total = 0;
  for (const [strategyFollowUp, pF] of bool(c.strategyFollowUp))
    for (const [secondFollowUp, pS] of strategyFollowUp ? bool(c.secondFollowUp) : bool(0))
      for (const [topicFollowUp, pT] of facts.contentMissed ? bool(0) : bool(TOPIC_FOLLOW_UP_SHARE))
        for (const [escalated, pE] of bool(c.escalation))
          for (const [reopened, pR] of bool(c.reopen))
            for (const [csatRated, pC] of bool(CSAT_RATED_SHARE))
              for (const [csatPenalty, pP] of csatRated ? bool(c.csatPenalty) : bool(0))
                for (const [csatNoise, pN] of csatRated ? NOISE : ([[0, 1]] as Branch<0>)) {
                  const p = pF * pS * pT * pE * pR * pC * pP * pN;
                  if (p === 0) continue;
                  const draws = { clarify: c.clarify, contentFollowUp: facts.contentMissed, topicFollowUp, strategyFollowUp, secondFollowUp, escalated, reopened, csatRated, csatPenalty, csatNoise };
                  total += p * computeReward(outcomeOf(draws, facts.minutes).signals, weights).reward;
                }
  return total;
}

export interface StrategyOracle {
  /** Expected reward of every strategy, in STRATEGY_IDS order. */
  byStrategy: Record<string, number>;
  best: { strategyId: string; expectedReward: number };
}

/** The best strategy for this ticket under the hidden rules (ties: first in STRATEGY_IDS). */
export function strategyOracle(facts: TicketFacts, weights: RewardWeights = DEFAULT_REWARD_WEIGHTS): StrategyOracle {
  const byStrategy: Record<string, number> = {};
  let best = { strategyId: STRATEGY_IDS[0]!, expectedReward: -Infinity };
  for (const id of STRATEGY_IDS) {
    const value = expectedReward(facts, id, weights);
    byStrategy[id] = value;
    if (value > best.expectedReward + 1e-12) best = { strategyId: id, expectedReward: value };
  }
  return { byStrategy, best };
}
