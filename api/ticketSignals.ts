// Hands canonical events to their tickets' lifecycles: one signalWithStart per ticket, and the
// caller acknowledges only after Temporal accepted every one (the ack means durable).
import type { Client } from '@temporalio/client';
import type { TicketEvent } from '../domain/events.js';
import type { LifecycleTimers } from '../domain/ticketState.js';
import { ticketEventsSignal, ticketWorkflowId, type TicketLifecycleInput } from '../workflows/messages.js';
import type { ticketLifecycle } from '../workflows/ticketLifecycle.js';
import { ApiError } from './errors.js';

export interface TicketSignalOptions {
  client: Client;
  taskQueue: string;
  timers: LifecycleTimers;
  historyLimit: number;
  /** Give up (→ 503, the helpdesk retries) rather than hold the webhook open. */
  deadlineMs: number;
}

export async function signalTicketEvents(options: TicketSignalOptions, events: TicketEvent[]): Promise<string[]> {
  const byTicket = new Map<string, TicketEvent[]>();
  for (const event of events) byTicket.set(event.ticketId, [...(byTicket.get(event.ticketId) ?? []), event]);
  try {
    await options.client.connection.withDeadline(Date.now() + options.deadlineMs, () =>
      Promise.all(
        [...byTicket].map(([ticketId, ticketEvents]) => {
          const tenantId = ticketEvents[0]!.tenantId;
          const input: TicketLifecycleInput = { tenantId, ticketId, timers: options.timers, historyLimit: options.historyLimit };
          return options.client.workflow.signalWithStart<typeof ticketLifecycle, [TicketEvent[]]>('ticketLifecycle', {
            workflowId: ticketWorkflowId(tenantId, ticketId),
            taskQueue: options.taskQueue,
            args: [input],
            signal: ticketEventsSignal,
            signalArgs: [ticketEvents],
          });
        }),
      ),
    );
  } catch (err) {
    throw new ApiError(503, 'temporal_unavailable', `could not hand the events to Temporal (${err instanceof Error ? err.message : String(err)}); retry later`, undefined, 5);
  }
  return [...byTicket.keys()];
}
