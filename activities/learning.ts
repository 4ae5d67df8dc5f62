// Learning side effects of the ticket lifecycle: classify and draft on a customer message, mine the
// correction when the agent replies (or escalates), keep the tenant's learner fresh after a solve.
import { messageText, type TicketMessage } from '../domain/learning/records.js';
import type { MessageClassification, TicketEvent } from '../domain/events.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from '../store/batchingWriter.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { writeCorrection } from '../store/corrections.js';
import { latestSuggestion, writeSuggestion } from '../store/suggestions.js';
import type { TenantLearners } from './tenantLearners.js';

export interface LearningDeps {
  ch: ClickHouse;
  writer: BatchingWriter;
  learners: TenantLearners;
  now: () => number;
}

export interface SuggestInput {
  ticket: TicketState;
  /** The batch's customer messages; every one is classified, the last one gets the draft. */
  messages: TicketEvent[];
}

export interface SuggestResult {
  classifications: Record<string, MessageClassification>;
  suggestionId: string;
  topic: string;
}

/** The customer message as the learner sees it: text plus the ticket's customer context. */
export function ticketMessage(ticket: TicketState, event: TicketEvent): TicketMessage {
  return { ticketId: ticket.ticketId, text: messageText(ticket.subject, event.body ?? ''), at: event.occurredAt, channel: event.channel, customer: { ...ticket.customer, ...event.customer } };
}

export function createLearningActivities(deps: LearningDeps) {
  return {
    async suggestReply(input: SuggestInput): Promise<SuggestResult> {
      const learner = await deps.learners.current(input.ticket.tenantId);
      const classifications: Record<string, MessageClassification> = {};
      let last: { suggestionId: string; topic: string } | undefined;
      for (const [i, event] of input.messages.entries()) {
        const message = ticketMessage(input.ticket, event);
        const suggestion = learner.draft(message);
        classifications[event.eventId] = {
          topic: suggestion.topic.topic,
          topicConfidence: suggestion.topic.confidence,
          sentiment: suggestion.features.sentiment,
          frustration: suggestion.features.frustration,
          language: suggestion.features.language,
        };
        if (i === input.messages.length - 1) {
          await writeSuggestion(deps.writer, input.ticket.tenantId, event.eventId, message, suggestion, deps.now());
          last = { suggestionId: suggestion.suggestionId, topic: suggestion.topic.topic };
        }
      }
      return { classifications, suggestionId: last!.suggestionId, topic: last!.topic };
    },

    /** Compare the draft the agent saw with what they sent (or escalated instead) and store the correction. */
    async recordCorrection(input: { ticket: TicketState; event: TicketEvent }): Promise<boolean> {
      const { ticket, event } = input;
      const shown = await latestSuggestion(deps.ch, ticket.tenantId, ticket.ticketId, event.occurredAt);
      if (!shown) return false;
      const learner = await deps.learners.current(ticket.tenantId);
      const escalated = event.kind === 'ticket.escalated';
      const correction = learner.compare(shown.suggestion, escalated ? '' : (event.body ?? ''), { escalated });
      await writeCorrection(
        deps.writer,
        { tenantId: ticket.tenantId, replyEventId: event.eventId, repliedAt: event.occurredAt, channel: ticket.channel, segment: ticket.customer.segment ?? ticket.customer.plan ?? '', correction },
        deps.now(),
      );
      return true;
    },

    /** After a solve or a closed outcome window: learn it now rather than at the next draft. */
    async refreshLearner(input: { tenantId: string }): Promise<void> {
      await deps.learners.current(input.tenantId, { force: true });
    },
  };
}
