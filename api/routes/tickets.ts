// Ticket state and event history, scoped to the caller's tenant (another tenant's ticket is a 404).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { ClickHouse } from '../../store/clickhouse.js';
import { ticketEventHistory } from '../../store/ticketEvents.js';
import { loadTicketState } from '../../store/tickets.js';
import { ApiError, ErrorResponse } from '../errors.js';
import { Query } from '../querySchemas.js';

const TicketParams = Type.Object({ ticketId: Type.String({ minLength: 1, maxLength: 200 }) });

const TicketStateSchema = Type.Object(
  {
    tenantId: Type.String(),
    ticketId: Type.String(),
    version: Type.Integer(),
    status: Type.String(),
    channel: Type.String(),
    subject: Type.String(),
    priority: Type.String(),
    tags: Type.Array(Type.String()),
    topic: Type.String(),
    customer: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.Optional(Type.String()),
    firstResponseAt: Type.Optional(Type.String()),
    solvedAt: Type.Optional(Type.String()),
    customerMessages: Type.Integer(),
    agentReplies: Type.Integer(),
    followUps: Type.Integer(),
    reopens: Type.Integer(),
    escalations: Type.Integer(),
    slaBreached: Type.Boolean(),
    csatScore: Type.Optional(Type.Number()),
    outcomeRecorded: Type.Boolean(),
  },
  { additionalProperties: true },
);

const EventSchema = Type.Object({
  eventId: Type.String(),
  kind: Type.String(),
  occurredAt: Type.String(),
  provider: Type.String(),
  channel: Type.String(),
  tags: Type.Array(Type.String()),
  subject: Type.String(),
  body: Type.String(),
  status: Type.String(),
  topic: Type.String(),
  csatScore: Type.Union([Type.Number(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});

export const ticketRoutes: FastifyPluginAsync<{ ch: ClickHouse }> = async (app, { ch }) => {
  app.get<{ Params: { ticketId: string } }>(
    '/v1/tickets/:ticketId',
    {
      schema: {
        summary: 'Latest state of a ticket',
        tags: ['tickets'],
        security: [{ apiKey: [] }],
        params: TicketParams,
        response: { 200: TicketStateSchema, 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const state = await loadTicketState(ch, request.tenant.tenantId, request.params.ticketId);
      if (!state) throw new ApiError(404, 'ticket_not_found', `ticketId: no ticket "${request.params.ticketId}"`, 'ticketId');
      return state;
    },
  );

  app.get<{ Params: { ticketId: string }; Querystring: { limit?: number } }>(
    '/v1/tickets/:ticketId/events',
    {
      schema: {
        summary: 'Event history of a ticket, oldest first',
        tags: ['tickets'],
        security: [{ apiKey: [] }],
        params: TicketParams,
        querystring: Query({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })) }),
        response: { 200: Type.Object({ ticketId: Type.String(), events: Type.Array(EventSchema) }), 401: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const rows = await ticketEventHistory(ch, request.tenant.tenantId, request.params.ticketId, request.query.limit ?? 1000);
      if (rows.length === 0) throw new ApiError(404, 'ticket_not_found', `ticketId: no ticket "${request.params.ticketId}"`, 'ticketId');
      return {
        ticketId: request.params.ticketId,
        events: rows.map((r) => ({
          eventId: r.event_id,
          kind: r.kind,
          occurredAt: r.occurred_at,
          provider: r.provider,
          channel: r.channel,
          tags: r.tags,
          subject: r.subject,
          body: r.body,
          status: r.status,
          topic: r.topic,
          csatScore: r.csat_score,
          details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
        })),
      };
    },
  );
};
