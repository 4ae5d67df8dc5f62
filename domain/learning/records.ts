// What the learner eats (learning records, built by a product activity from stored events) and
// what it produces (suggestions and corrections, stored and served by the API). The outputs are
// TypeBox schemas so the API can declare them in OpenAPI and the store can validate them on read.
import { Type, type Static } from '@sinclair/typebox';
import type { CustomerContext } from '../events.js';

/** Customer facts when the message arrived: the canonical context plus the lifecycle stage the product derives. */
export interface CustomerFacts extends CustomerContext {
  lifecycleStage?: string;
}

/** One customer message to classify and draft a reply for. */
export interface TicketMessage {
  ticketId: string;
  /** The customer's text (subject and body joined). */
  text: string;
  /** ISO 8601 time the message arrived; tenure is measured to it. */
  at: string;
  channel?: string;
  customer?: CustomerFacts;
  /** The customer's earlier tickets in the recent past (a repeat-contact signal for frustration). */
  priorContacts?: number;
}

/**
 * A customer message and what the agent did with it. Built when the agent replied (or at solve time,
 * with the topic). `suggestion` is the draft the agent saw; without it the learner drafts one itself
 * from what it knew before this record (a counterfactual, as in history import and `eval`).
 */
export interface TicketRecord {
  kind: 'ticket';
  /** Unique and stable (e.g. the agent reply's event id): learning the same id twice is a no-op. */
  id: string;
  /** ISO time of the agent reply: records are learned in this order, and asOf=D keeps at < D. */
  at: string;
  message: TicketMessage;
  /** Topic/intent label of the resolved ticket, when known. */
  topic?: string;
  /** The agent's public reply. Without it only the topic is learned. */
  reply?: string;
  /** How the ticket ended, when known: only replies on tickets that did not end badly become candidates. */
  outcome?: 'good' | 'bad';
  /** The ticket was escalated instead of answered. */
  escalated?: boolean;
  suggestion?: Suggestion;
}

/** A knowledge-base article was published, updated or unpublished. */
export interface ArticleRecord {
  kind: 'article';
  id: string;
  at: string;
  articleId: string;
  title: string;
  body: string;
  topic?: string;
  published: boolean;
}

/** An agent's explicit thumbs up/down on a suggestion. */
export interface FeedbackRecord {
  kind: 'feedback';
  id: string;
  at: string;
  rating: 'up' | 'down';
  comment?: string;
  /** The suggestion rated, as stored: the learner credits what it was built from. */
  suggestion: Suggestion;
}

/** A ticket's outcome became known after its reply was learned (reopened, CSAT, closed with thanks). */
export interface OutcomeRecord {
  kind: 'outcome';
  id: string;
  at: string;
  ticketId: string;
  outcome: 'good' | 'bad';
}

export type LearningRecord = TicketRecord | ArticleRecord | FeedbackRecord | OutcomeRecord;

const Score = Type.Number();
const Unit = Type.Number({ minimum: 0, maximum: 1 });

export const TopicPrediction = Type.Object({
  /** The topic, or 'unknown' when nothing fits well enough. */
  topic: Type.String(),
  /** Calibrated probability the topic is right. */
  confidence: Unit,
  /** Best topic even when below the threshold (for review). */
  best: Type.String(),
});
export type TopicPrediction = Static<typeof TopicPrediction>;

export const Candidate = Type.Object({
  kind: Type.Union([Type.Literal('resolution'), Type.Literal('article')]),
  /** Record id of the past resolution, or the article id. */
  id: Type.String(),
  ticketId: Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  topic: Type.Optional(Type.String()),
  templateId: Type.Optional(Type.String()),
  score: Score,
});
export type Candidate = Static<typeof Candidate>;

export const AppliedRule = Type.Object({
  ruleId: Type.String(),
  feature: Type.String(),
  value: Type.String(),
  /** added: inserted by the rule; kept: already in the base reply, kept because the rule matches; removed: cut because it is for other customers. */
  effect: Type.Union([Type.Literal('added'), Type.Literal('kept'), Type.Literal('removed')]),
  content: Type.String(),
  support: Type.Integer(),
  topics: Type.Array(Type.String()),
  recall: Unit,
});
export type AppliedRule = Static<typeof AppliedRule>;

export const Explanation = Type.Object({
  summary: Type.String(),
  topic: TopicPrediction,
  similarTickets: Type.Array(Type.Object({ ticketId: Type.String(), topic: Type.Optional(Type.String()), score: Score })),
  articles: Type.Array(Type.Object({ articleId: Type.String(), title: Type.String(), score: Score })),
  contextFeatures: Type.Array(Type.Object({ feature: Type.String(), value: Type.String(), mattered: Type.Boolean(), why: Type.String() })),
  rules: Type.Array(Type.String()),
  confidence: Unit,
});
export type Explanation = Static<typeof Explanation>;

export const Suggestion = Type.Object({
  suggestionId: Type.String(),
  ticketId: Type.String(),
  /** ISO time of the message drafted for. */
  messageAt: Type.String(),
  modelVersion: Type.String(),
  topic: TopicPrediction,
  /** The draft reply; empty when there was no candidate at all. */
  draft: Type.String(),
  /** ≈ P(topic right) × P(a draft from this basis is accepted), see thresholds.ts. */
  confidence: Unit,
  basis: Type.Object({
    kind: Type.Union([Type.Literal('template'), Type.Literal('article'), Type.Literal('none')]),
    templateId: Type.Optional(Type.String()),
    /** Record id of the past resolution whose text the draft starts from. */
    memberId: Type.Optional(Type.String()),
    articleId: Type.Optional(Type.String()),
  }),
  candidates: Type.Array(Candidate),
  groups: Type.Array(Type.Object({ id: Type.String(), topic: Type.Optional(Type.String()), score: Score, quality: Unit })),
  context: Type.Record(Type.String(), Type.String()),
  features: Type.Object({
    language: Type.String(),
    sentiment: Type.Number(),
    sentimentLabel: Type.String(),
    frustration: Unit,
    frustrationLevel: Type.String(),
    frustrationSignals: Type.Array(Type.String()),
  }),
  rules: Type.Array(AppliedRule),
  explanation: Explanation,
});
export type Suggestion = Static<typeof Suggestion>;

export const CORRECTION_CLASSES = ['accepted', 'lightly-edited', 'rewritten', 'ignored'] as const;
export type CorrectionClass = (typeof CORRECTION_CLASSES)[number];

export const Correction = Type.Object({
  suggestionId: Type.String(),
  ticketId: Type.String(),
  modelVersion: Type.String(),
  class: Type.Union(CORRECTION_CLASSES.map((c) => Type.Literal(c))),
  /** Levenshtein distance / longer length, on whitespace-normalised lower-case text; 1 when there was no draft. */
  editDistance: Unit,
  /** editDistance within the acceptance threshold. */
  accepted: Type.Boolean(),
  additions: Type.Array(Type.String()),
  removals: Type.Array(Type.String()),
  edits: Type.Array(Type.Object({ from: Type.String(), to: Type.String() })),
  /** Draft sentences that survived (verbatim or lightly edited). */
  kept: Type.Integer(),
  /** Ids of added or kept rules whose content the agent kept / removed. */
  rulesKept: Type.Array(Type.String()),
  rulesRemoved: Type.Array(Type.String()),
  /** The ticket was escalated although the draft was confident: a correction too. */
  escalatedWhileConfident: Type.Boolean(),
  topic: Type.String(),
  /** Context the correction is keyed by (plan, segment, role, tenure, lifecycle, channel, sentiment, language). */
  context: Type.Record(Type.String(), Type.String()),
});
export type Correction = Static<typeof Correction>;

/** The text the learner reads for a customer message: the subject first, unless the body already repeats it. */
export function messageText(subject: string | undefined, body: string): string {
  return subject && !body.includes(subject) ? `${subject}\n${body}` : body;
}
