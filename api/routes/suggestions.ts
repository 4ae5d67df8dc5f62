// The draft for a ticket with its explanation and strategy, time travel (?asOf=: content and strategy
// as learned before the date), and explicit thumbs up/down.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TenantBandit } from '../../activities/tenantBandits.js';
import type { TenantLearners } from '../../activities/tenantLearners.js';
import { banditContextOf, banditFeatures } from '../../domain/bandit/banditContext.js';
import { assessRisk } from '../../domain/bandit/highRisk.js';
import { chooseStrategy, StrategyChoice } from '../../domain/bandit/strategyChoice.js';
import { suggestionInStrategy } from '../../domain/learning/explanation.js';
import type { Learner } from '../../domain/learning/learner.js';
import { Suggestion } from '../../domain/learning/records.js';
import type { FrustrationLevel } from '../../domain/text/frustration.js';
import { suggestionDifference } from '../../domain/learning/suggestionDifference.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { latestSuggestion, suggestionById, type StoredSuggestion } from '../../store/suggestions.js';
import { writeFeedback } from '../../store/suggestionFeedback.js';
import { ApiError, ErrorResponse } from '../errors.js';
import { InstantQuery, isoInstant, Query } from '../querySchemas.js';

export interface SuggestionRouteDeps {
  ch: ClickHouse;
  writer: BatchingWriter;
  learners: TenantLearners;
}

const Difference = Type.Object({
  sameDraft: Type.Boolean(),
  addedSentences: Type.Array(Type.String()),
  removedSentences: Type.Array(Type.String()),
  topic: Type.Object({ then: Type.String(), now: Type.String(), changed: Type.Boolean() }),
  rules: Type.Object({ added: Type.Array(Type.String()), removed: Type.Array(Type.String()) }),
  confidence: Type.Object({ then: Type.Number(), now: Type.Number(), delta: Type.Number() }),
  modelVersion: Type.Object({ then: Type.String(), now: Type.String() }),
});

const SuggestionResponse = Type.Object({
  /** What the agent was shown when the message arrived. */
  suggestion: Suggestion,
  /** The strategy it was sent in and why (null for drafts made before strategies existed). */
  strategy: Type.Union([StrategyChoice, Type.Null()]),
  asOf: Type.Optional(
    Type.Object({
      date: Type.String(),
      /** The same message drafted with only what was learned before `date`. */
      then: Suggestion,
      /** The same message drafted with everything learned until now. */
      today: Suggestion,
      difference: Difference,
      /** The strategy the bandit as of `date` would choose for the same context and draw, against today's. */
      strategy: Type.Object({ then: StrategyChoice, today: StrategyChoice, changed: Type.Boolean(), expectedRewardDelta: Type.Number() }),
    }),
  ),
});

/** Draft the stored message again with a learner and a bandit (same context, same seeded draw). */
function redraft(stored: StoredSuggestion, learner: Learner, bandit: TenantBandit, tenantId: string): { suggestion: Suggestion; strategy: StrategyChoice } {
  const content = learner.draft(stored.message);
  const frustration = content.features.frustrationLevel as FrustrationLevel;
  const choice = chooseStrategy({
    ...bandit,
    features: stored.strategy?.features ?? banditFeatures(banditContextOf(stored.message, frustration, content.topic.topic)),
    tenantId,
    ticketId: stored.suggestion.ticketId,
    suggestionId: stored.suggestion.suggestionId,
    risk: stored.strategy ? { highRisk: stored.strategy.highRisk, reasons: stored.strategy.highRiskReasons } : assessRisk({ frustrationSignals: content.features.frustrationSignals }),
  });
  return { suggestion: suggestionInStrategy(content, choice, stored.suggestion.ticketId), strategy: choice };
}

export const suggestionRoutes: FastifyPluginAsync<SuggestionRouteDeps> = async (app, deps) => {
  app.get<{ Params: { ticketId: string }; Querystring: { asOf?: string } }>(
    '/v1/tickets/:ticketId/suggestion',
    {
      schema: {
        summary: "The draft reply for the ticket's latest customer message, with its explanation and response strategy",
        description: 'With `asOf`, the same message is drafted again from only what was learned before that date (content and strategy bandit), and compared with today.',
        tags: ['suggestions'],
        security: [{ apiKey: [] }],
        params: Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Query({ asOf: Type.Optional(InstantQuery('draft again from what was learned before this time')) }),
        response: { 200: SuggestionResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = request.tenant.tenantId;
      const stored = await latestSuggestion(deps.ch, tenantId, request.params.ticketId);
      if (!stored) throw new ApiError(404, 'suggestion_not_found', `ticketId: no suggestion for ticket "${request.params.ticketId}" (yet)`, 'ticketId');
      const asOf = isoInstant(request.query.asOf);
      const strategy = stored.strategy ?? null;
      if (!asOf) return { suggestion: stored.suggestion, strategy };
      const [past, current, pastBandit, currentBandit] = await Promise.all([
        deps.learners.asOf(tenantId, asOf),
        deps.learners.current(tenantId),
        deps.learners.bandits.asOf(tenantId, asOf),
        deps.learners.bandits.current(tenantId),
      ]);
      const then = redraft(stored, past, pastBandit, tenantId);
      const today = redraft(stored, current, currentBandit, tenantId);
      return {
        suggestion: stored.suggestion,
        strategy,
        asOf: {
          date: asOf,
          then: then.suggestion,
          today: today.suggestion,
          difference: suggestionDifference(then.suggestion, today.suggestion),
          strategy: { then: then.strategy, today: today.strategy, changed: then.strategy.id !== today.strategy.id, expectedRewardDelta: today.strategy.expectedReward - then.strategy.expectedReward },
        },
      };
    },
  );

  app.post<{ Params: { suggestionId: string }; Body: { rating: 'up' | 'down'; comment?: string; authorId?: string } }>(
    '/v1/suggestions/:suggestionId/feedback',
    {
      schema: {
        summary: 'Thumbs up or down on a suggestion (learned at the next refresh, no retraining step)',
        tags: ['suggestions'],
        security: [{ apiKey: [] }],
        params: Type.Object({ suggestionId: Type.String({ minLength: 1, maxLength: 300 }) }),
        body: Type.Object(
          {
            rating: Type.Union([Type.Literal('up'), Type.Literal('down')]),
            comment: Type.Optional(Type.String({ maxLength: 5000 })),
            authorId: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ feedbackId: Type.String(), suggestionId: Type.String() }), 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const tenantId = request.tenant.tenantId;
      const suggestion = await suggestionById(deps.ch, tenantId, request.params.suggestionId);
      if (!suggestion) throw new ApiError(404, 'suggestion_not_found', `suggestionId: no suggestion "${request.params.suggestionId}"`, 'suggestionId');
      const feedbackId = randomUUID();
      await writeFeedback(deps.writer, {
        tenantId,
        ticketId: suggestion.ticketId,
        suggestionId: suggestion.suggestionId,
        feedbackId,
        rating: request.body.rating,
        comment: request.body.comment ?? '',
        authorId: request.body.authorId ?? '',
        createdAtMs: Date.now(),
      });
      return reply.status(201).send({ feedbackId, suggestionId: suggestion.suggestionId });
    },
  );
};
