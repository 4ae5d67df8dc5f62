// How the simulated customer reacts to the reply they got: a follow-up asking for exactly what a
// hidden rule would have added when the reply lacked it (the outcome signal of a missed rule), a
// topic follow-up now and then, otherwise thanks; reopens and CSAT that are worse after a miss.
import { ruleById, type ReplySentence } from './agentRules.js';
import type { SeededRandom } from './seededRandom.js';
import type { TicketDice, TicketPlan } from './ticketPlan.js';
import { topicById } from './topics.js';

export const REOPEN_RATE = 0.03;
export const REOPEN_RATE_AFTER_MISS = 0.12;

export interface FollowUp {
  kind: 'rule-follow-up' | 'topic-follow-up';
  question: string;
  /** What a good agent answers; its sentences count as the answer of this exchange. */
  ideal: ReplySentence[];
  /** The rules the question is about (rule follow-ups). */
  ruleIds: string[];
}

/** Rules that applied to the ticket but whose additions the sent reply lacks. */
export const missedRules = (plan: Pick<TicketPlan, 'ruleIds'>, rulesInSent: readonly string[]): string[] => plan.ruleIds.filter((id) => !rulesInSent.includes(id));

/** The customer's next message after the first reply, if any. */
export function followUpAfter(plan: TicketPlan, rulesInSent: readonly string[], rng: SeededRandom): FollowUp | undefined {
  const missed = missedRules(plan, rulesInSent);
  if (missed.length > 0) {
    const rules = missed.map(ruleById);
    return {
      kind: 'rule-follow-up',
      question: rules.map((r) => rng.pick(r.followUpQuestions)).join(' '),
      ideal: rules.flatMap((r) => r.sentences.map((variants, i) => ({ slot: `rule:${r.id}:${i}`, source: 'answer', text: rng.pick(variants), variants }))),
      ruleIds: missed,
    };
  }
  if (!plan.dice.topicFollowUp) return undefined;
  const topic = topicById(plan.topicId);
  return {
    kind: 'topic-follow-up',
    question: rng.pick(topic.followUp.questions),
    ideal: topic.followUp.answer.map((variants, i) => ({ slot: `follow-up:${topic.id}:${i}`, source: 'answer', text: variants[0]!, variants })),
    ruleIds: [],
  };
}

export const reopens = (dice: TicketDice, missed: boolean): boolean => dice.reopen < (missed ? REOPEN_RATE_AFTER_MISS : REOPEN_RATE);

export interface TicketOutcome {
  missed: boolean;
  escalated: boolean;
  reopened: boolean;
}

/** Stars 1..5 (and the 0..1 score the product stores): five for a first reply that fit, one less per miss, escalation and reopen, some noise. */
export function csatRating(dice: TicketDice, outcome: TicketOutcome): { stars: number; score: number } {
  let stars = 5 - Number(outcome.missed) - Number(outcome.escalated) - Number(outcome.reopened);
  if (dice.csat < 0.15) stars -= 1;
  else if (dice.csat > 0.9) stars += 1;
  stars = Math.min(5, Math.max(1, stars));
  return { stars, score: (stars - 1) / 4 };
}
