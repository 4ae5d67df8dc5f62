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
  for (const event of events) {
    const ticketEvents = byTicket.get(event.ticketId);
    if (ticketEvents) ticketEvents.push(event);
    else byTicket.set(event.ticketId, [event]);
  }
  // The gRPC deadline alone overshoots when Temporal is down: the client's retry backoff sleeps past
  // it (measured 14.5 s for a 10 s deadline), so the answer is also bounded by a timer. A signal
  // that still lands after the 503 is harmless: the helpdesk retries and event ids de-duplicate.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${options.deadlineMs} ms`)), options.deadlineMs);
  });
  try {
    await Promise.race([timeout, options.client.connection.withDeadline(Date.now() + options.deadlineMs, () =>
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
    )]);
  } catch (err) {
    throw new ApiError(503, 'temporal_unavailable', `could not hand the events to Temporal (${err instanceof Error ? err.message : String(err)}); retry later`, undefined, 5);
  } finally {
    clearTimeout(timer);
  }
  return [...byTicket.keys()];
}
