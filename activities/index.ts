// The only side effects the ticket workflows reach: built from injected dependencies so the worker
// and tests wire the same code to real engines.
import type { DerivedEvent, MessageClassification, TicketEvent } from '../domain/events.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from '../store/batchingWriter.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { writeTicketEvents } from '../store/ticketEvents.js';
import { writeTicketState } from '../store/tickets.js';
import { createDetectionActivities, type DetectionDeps } from './detection.js';
import { createLearningActivities } from './learning.js';
import { createOutcomeActivities } from './outcomes.js';
import type { TenantLearners } from './tenantLearners.js';
import { createTicketResumeLoader, type ResumedTicket } from './ticketResume.js';

export interface ActivityDeps {
  ch: ClickHouse;
  writer: BatchingWriter;
  learners: TenantLearners;
  /** How long a draft waits for the tenant's learner to finish learning new records (TenantLearners.current). */
  draftWaitMs: number;
  detection: Omit<DetectionDeps, 'ch' | 'writer' | 'now'>;
  now?: () => number;
}

export interface TicketChanges {
  inbound: TicketEvent[];
  derived: DerivedEvent[];
  state: TicketState;
  /** Classification per customer-message event id. */
  classifications?: Record<string, MessageClassification>;
}

export function createActivities(deps: ActivityDeps) {
  const now = deps.now ?? Date.now;
  const resume = createTicketResumeLoader(deps.ch);
  return {
    ...createLearningActivities({ ch: deps.ch, writer: deps.writer, learners: deps.learners, draftWaitMs: deps.draftWaitMs, now }),
    ...createDetectionActivities({ ch: deps.ch, writer: deps.writer, now, ...deps.detection }),
    ...createOutcomeActivities({ ch: deps.ch, writer: deps.writer, now }),
    /** What a new run of a ticket's workflow starts from: its stored state and the event ids already recorded. */
    resumeTicket(input: { tenantId: string; ticketId: string }): Promise<ResumedTicket> {
      return resume({ tenantId: input.tenantId, ticketId: input.ticketId });
    },

    /** Record new events and the resulting state; completes only once both are written. */
    async recordTicketChanges(changes: TicketChanges): Promise<void> {
      const { state } = changes;
      const context = {
        channel: state.channel,
        provider: state.provider,
        segment: state.customer.segment ?? '',
        plan: state.customer.plan ?? '',
        topic: state.topic,
      };
      await Promise.all([
        writeTicketEvents(deps.writer, { inbound: changes.inbound.map((event) => ({ event, classification: changes.classifications?.[event.eventId] })), derived: changes.derived, context }, now()),
        writeTicketState(deps.writer, state),
      ]);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
