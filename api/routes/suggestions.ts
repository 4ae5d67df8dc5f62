// The draft for a ticket with its explanation, time travel (?asOf=), and explicit thumbs up/down.
import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TenantLearners } from '../../activities/tenantLearners.js';
import { Suggestion } from '../../domain/learning/records.js';
import { suggestionDifference } from '../../domain/learning/suggestionDifference.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { latestSuggestion, suggestionById } from '../../store/suggestions.js';
import { writeFeedback } from '../../store/suggestionFeedback.js';
import { ApiError, ErrorResponse } from '../errors.js';

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
  asOf: Type.Optional(
    Type.Object({
      date: Type.String(),
      /** The same message drafted with only what was learned before `date`. */
      then: Suggestion,
      /** The same message drafted with everything learned until now. */
      today: Suggestion,
      difference: Difference,
    }),
  ),
});

export const suggestionRoutes: FastifyPluginAsync<SuggestionRouteDeps> = async (app, deps) => {
  app.get<{ Params: { ticketId: string }; Querystring: { asOf?: string } }>(
    '/v1/tickets/:ticketId/suggestion',
    {
      schema: {
        summary: "The draft reply for the ticket's latest customer message, with its explanation",
        description: 'With `asOf`, the same message is drafted again from only what was learned before that date, and compared with today.',
        tags: ['suggestions'],
        security: [{ apiKey: [] }],
        params: Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) }),
        querystring: Type.Object({ asOf: Type.Optional(Type.String({ format: 'date-time' })) }),
        response: { 200: SuggestionResponse, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = request.tenant.tenantId;
      const stored = await latestSuggestion(deps.ch, tenantId, request.params.ticketId);
      if (!stored) throw new ApiError(404, 'suggestion_not_found', `ticketId: no suggestion for ticket "${request.params.ticketId}" (yet)`, 'ticketId');
      const { asOf } = request.query;
      if (!asOf) return { suggestion: stored.suggestion };
      const [past, current] = await Promise.all([deps.learners.asOf(tenantId, asOf), deps.learners.current(tenantId)]);
      const then = past.draft(stored.message);
      const today = current.draft(stored.message);
      return { suggestion: stored.suggestion, asOf: { date: asOf, then, today, difference: suggestionDifference(then, today) } };
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
