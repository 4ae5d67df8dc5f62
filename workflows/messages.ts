// Everything the API, the worker and tests share about the ticket workflows: ids, the task queue
// default, and every signal/query, each defined exactly once.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TicketEvent } from '../domain/events.js';
import type { LifecycleTimers, TicketState } from '../domain/ticketState.js';

/** Business workflow id: one lifecycle per ticket per tenant. */
export function ticketWorkflowId(tenantId: string, ticketId: string): string {
  return `ticket/${tenantId}/${ticketId}`;
}

export interface TicketLifecycleInput {
  tenantId: string;
  ticketId: string;
  /** Fixed at start so a config change never alters a running history (determinism). */
  timers: LifecycleTimers;
  /** Continue as new once the run's history is longer than this (keeps replays fast). */
  historyLimit: number;
  /** Carried across continueAsNew. */
  carried?: { state: TicketState; seenEventIds: string[] };
}

/** New canonical events for the ticket (one webhook delivery may carry several). */
export const ticketEventsSignal = defineSignal<[TicketEvent[]]>('ticketEvents');

export const ticketStateQuery = defineQuery<TicketState | undefined>('ticketState');

export interface DetectSpikesInput {
  tenantId: string;
  alertRetryInitialMs: number;
}

/** The per-tenant schedule that runs detectSpikes. */
export function detectionScheduleId(tenantId: string): string {
  return `detect/${tenantId}`;
}

export function alertDeliveryWorkflowId(tenantId: string, deliveryId: string): string {
  return `alert-delivery/${tenantId}/${deliveryId}`;
}
