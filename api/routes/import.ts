// POST /v1/import/tickets — history import. Past tickets are written straight to ClickHouse through
// the batching writer (no workflow per historical ticket: the dev server's signalWithStart ceiling
// is a few hundred per second, far below what an import needs). The whole batch is validated
// before anything is written.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { checkImportTicket, importedTicket, MAX_IMPORT_BATCH, type ImportTicket } from '../../domain/historyImport.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { writeTicketState } from '../../store/tickets.js';
import { ApiError, ErrorResponse } from '../errors.js';

export const importRoutes: FastifyPluginAsync<{ writer: BatchingWriter }> = async (app, { writer }) => {
  app.post<{ Body: { tickets: unknown[] } }>(
    '/v1/import/tickets',
    {
      bodyLimit: 64 * 1024 * 1024,
      schema: {
        summary: 'Import past resolved tickets (idempotent: re-importing adds nothing)',
        tags: ['import'],
        security: [{ apiKey: [] }],
        // Tickets are checked one by one below so the error names the ticket's index and field.
        body: Type.Object({ tickets: Type.Array(Type.Unknown(), { minItems: 1, maxItems: MAX_IMPORT_BATCH }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ imported: Type.Integer(), events: Type.Integer() }), 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = request.tenant.tenantId;
      const tickets: ImportTicket[] = [];
      for (const [i, ticket] of request.body.tickets.entries()) {
        if (!checkImportTicket.Check(ticket)) {
          const first = checkImportTicket.Errors(ticket).First();
          const field = `tickets.${i}${first?.path.replace(/\//g, '.') ?? ''}`;
          throw new ApiError(400, 'invalid_request', `${field}: ${first?.message ?? 'invalid'}`, field);
        }
        tickets.push(ticket);
      }
      const imported = tickets.map((t) => importedTicket(tenantId, t));
      const now = Date.now();
      await Promise.all(
        imported.flatMap((t) => [
          writeTicketEvents(
            writer,
            {
              inbound: t.events.map((event) => ({ event, classification: t.classifications[event.eventId] })),
              derived: t.derived,
              context: { channel: t.state.channel, provider: 'import', segment: t.state.customer.segment ?? '', plan: t.state.customer.plan ?? '', topic: t.state.topic },
            },
            now,
          ),
          writeTicketState(writer, t.state),
        ]),
      );
      return { imported: imported.length, events: imported.reduce((n, t) => n + t.events.length + t.derived.length, 0) };
    },
  );
};

