// What the simulated customer writes after the first reply (which messages come is decided in
// strategyOutcome.ts from the ticket's dice): the answer to a clarifying question, a request for
// exactly what a hidden agent rule would have added when the reply lacked it, a complaint about a
// reply whose form did not fit (strategyRules.ts), or a natural second question on the topic.
import { ruleById, type ReplySentence } from './agentRules.js';
import { firstMessage } from './customerMessages.js';
import type { SeededRandom } from './seededRandom.js';
import type { TicketOutcome } from './strategyOutcome.js';
import type { StrategyRule } from './strategyRules.js';
import type { TicketPlan } from './ticketPlan.js';
import { topicById } from './topics.js';

export interface FollowUp {
  kind: 'clarification' | 'rule-follow-up' | 'strategy-follow-up' | 'topic-follow-up';
  question: string;
  /** What a good agent answers; its sentences count as the answer of this exchange. */
  ideal: ReplySentence[];
  /** The rules the question is about (rule follow-ups). */
  ruleIds: string[];
}

/** Rules that applied to the ticket but whose additions the sent reply lacks. */
export const missedRules = (plan: Pick<TicketPlan, 'ruleIds'>, rulesInSent: readonly string[]): string[] => plan.ruleIds.filter((id) => !rulesInSent.includes(id));

const answerOf = (plan: TicketPlan): ReplySentence[] => plan.ideal.filter((s) => s.source === 'answer');

/** The follow-up messages of a ticket, in the order strategyOutcome decided them. */
export function followUpsFor(plan: TicketPlan, kinds: TicketOutcome['followUps'], rulesInSent: readonly string[], misfit: readonly StrategyRule[], rng: SeededRandom, at: Date): FollowUp[] {
  const topic = topicById(plan.topicId);
  return kinds.map((kind): FollowUp => {
    switch (kind) {
      case 'clarification':
        // The customer explains their case in other words; the agent then answers it.
        return { kind: 'clarification', question: `Sure. ${firstMessage(topic, false, rng, at).body}`, ideal: answerOf(plan), ruleIds: [] };
      case 'content': {
        const missed = missedRules(plan, rulesInSent).map(ruleById);
        return {
          kind: 'rule-follow-up',
          question: missed.map((r) => rng.pick(r.followUpQuestions)).join(' '),
          ideal: missed.flatMap((r) => r.sentences.map((variants, i) => ({ slot: `rule:${r.id}:${i}`, source: 'answer', text: rng.pick(variants), variants }))),
          ruleIds: missed.map((r) => r.id),
        };
      }
      case 'strategy':
      case 'strategy-again': {
        const questions = misfit.flatMap((r) => r.followUpQuestions);
        return { kind: 'strategy-follow-up', question: questions.length ? rng.pick(questions) : 'Could you explain that again, please?', ideal: answerOf(plan), ruleIds: [] };
      }
      case 'topic':
        return {
          kind: 'topic-follow-up',
          question: rng.pick(topic.followUp.questions),
          ideal: topic.followUp.answer.map((variants, i) => ({ slot: `follow-up:${topic.id}:${i}`, source: 'answer', text: variants[0]!, variants })),
          ruleIds: [],
        };
    }
  });
}
