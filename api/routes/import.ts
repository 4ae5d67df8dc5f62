// POST /v1/import/tickets — history import. Past tickets are written straight to ClickHouse through
// the batching writer (no workflow per historical ticket: the dev server's signalWithStart ceiling
// is a few hundred per second, far below what an import needs). The whole batch is validated
// before anything is written. A ticket the tenant already has — imported before, or live through a
// webhook — is left as it is and counted as already present: re-importing adds nothing, and an
// export that overlaps the live period cannot overwrite a live ticket's state or add its messages twice.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { EventLoopSlices } from '../../activities/eventLoopSlices.js';
import type { TenantLearners } from '../../activities/tenantLearners.js';
import { importedTicket, importTicketProblem, MAX_IMPORT_BATCH, type ImportedTicket, type ImportTicket } from '../../domain/historyImport.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { writeHistoryArrival } from '../../store/historyArrivals.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { existingTicketIds, writeTicketState } from '../../store/tickets.js';
import { ApiError, ErrorResponse } from '../errors.js';

export const importRoutes: FastifyPluginAsync<{ ch: ClickHouse; writer: BatchingWriter; learners: TenantLearners }> = async (app, { ch, writer, learners }) => {
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
        response: {
          200: Type.Object({
            imported: Type.Integer({ description: 'tickets written by this request' }),
            alreadyPresent: Type.Integer({ description: 'tickets the tenant already had (an earlier import or live webhooks), left unchanged' }),
            events: Type.Integer({ description: 'events written' }),
          }), 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse },
      },
    },
    async (request) => {
      const tenantId = request.tenant.tenantId;
      const receivedAt = Date.now();
      const tickets: ImportTicket[] = [];
      const indexOfId = new Map<string, number>();
      for (const [i, given] of request.body.tickets.entries()) {
        const problem = importTicketProblem(given, receivedAt);
        if (problem) {
          const field = [`tickets.${i}`, problem.field].filter(Boolean).join('.');
          throw new ApiError(400, 'invalid_request', `${field}: ${problem.message}`, field);
        }
        const ticket = given as ImportTicket; // checked just above
        // Two rows with one id would become one ticket with the later row's text: refuse rather than guess.
        const earlier = indexOfId.get(ticket.id);
        if (earlier !== undefined) throw new ApiError(400, 'invalid_request', `tickets.${i}.id: "${ticket.id}" is also tickets.${earlier}.id`, `tickets.${i}.id`);
        indexOfId.set(ticket.id, i);
        tickets.push(ticket);
      }
      const present = await existingTicketIds(ch, tenantId, [...indexOfId.keys()]);
      // Mapping classifies every message (sentiment, frustration, language): about a second per
      // 2,000 tickets, given back to the event loop in slices so live drafts and webhooks keep moving.
      const slices = new EventLoopSlices();
      const imported: ImportedTicket[] = [];
      for (const ticket of tickets) {
        if (present.has(ticket.id)) continue;
        await slices.pause();
        imported.push(importedTicket(tenantId, ticket));
      }
      if (imported.length === 0) return { imported: 0, alreadyPresent: present.size, events: 0 };
      const now = Date.now();
      const times = imported.flatMap((t) => t.events.map((e) => Date.parse(e.occurredAt)));
      const earliestMs = times.reduce((a, b) => Math.min(a, b), Infinity);
      // Detection is told as the events go in (events 0: on their way), so a pass meanwhile does not
      // start series on part of them: it waits for the import to go quiet (activities/detection.ts).
      const announced = writeHistoryArrival(writer, tenantId, { arrivedAtMs: now, earliestMs, events: 0 });
      // Events first, states once they are stored: a ticket's state is what marks it present, so a
      // request that fails between the two is imported again in full by a retry (event ids dedupe).
      await Promise.all([
        announced,
        ...imported.map((t) =>
          writeTicketEvents(
            writer,
            {
              inbound: t.events.map((event) => ({ event, classification: t.classifications[event.eventId] })),
              derived: t.derived,
              context: { channel: t.state.channel, provider: 'import', segment: t.state.customer.segment ?? '', plan: t.state.customer.plan ?? '', topic: t.state.topic },
            },
            now,
          ),
        ),
      ]);
      // Detection may have fed these minutes already: a pass that began before this starts what they
      // cover over. Told before the states are written, so a request that fails in between tells it
      // again on retry.
      await writeHistoryArrival(writer, tenantId, { arrivedAtMs: Date.now(), earliestMs, events: times.length });
      await Promise.all(imported.map((t) => writeTicketState(writer, t.state)));
      // The history is learned once the import goes quiet, not at the tenant's next draft.
      learners.refreshSoon(tenantId);
      return { imported: imported.length, alreadyPresent: present.size, events: imported.reduce((n, t) => n + t.events.length + t.derived.length, 0) };
    },
  );
};

