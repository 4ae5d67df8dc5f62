// Learning side effects of the ticket lifecycle: classify and draft on a customer message (content
// from the learner, strategy from the tenant's bandit), mine the correction when the agent replies
// (or escalates), keep the tenant's learner and bandit fresh after a solve and an outcome.
import { banditContextOf, banditFeatures } from '../domain/bandit/banditContext.js';
import { assessRisk } from '../domain/bandit/highRisk.js';
import { chooseStrategy } from '../domain/bandit/strategyChoice.js';
import { mineCorrection } from '../domain/learning/correctionMining.js';
import { suggestionInStrategy } from '../domain/learning/explanation.js';
import { messageText, type TicketMessage } from '../domain/learning/records.js';
import { DEFAULT_THRESHOLDS } from '../domain/learning/thresholds.js';
import type { FrustrationLevel } from '../domain/text/frustration.js';
import type { MessageClassification, TicketEvent } from '../domain/events.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from '../store/batchingWriter.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { writeCorrection } from '../store/corrections.js';
import { priorContacts, type PriorContactsLookup } from '../store/customerHistory.js';
import { latestSuggestion, writeSuggestion } from '../store/suggestions.js';
import { createCoalescingLoader } from './coalescingLoader.js';
import type { TenantLearners } from './tenantLearners.js';

export interface LearningDeps {
  ch: ClickHouse;
  writer: BatchingWriter;
  learners: TenantLearners;
  /** A draft waits this long at most for the learner to finish learning, then drafts from what it has learned. */
  draftWaitMs: number;
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

/** Concurrent drafts' customer-history lookups answered by one query per tenant (activities/coalescingLoader.ts). */
function createPriorContactsLoader(ch: ClickHouse): (lookup: PriorContactsLookup & { tenantId: string }) => Promise<number> {
  return createCoalescingLoader(
    async (lookups: readonly (PriorContactsLookup & { tenantId: string })[]) => {
      const byTenant = new Map<string, number[]>();
      lookups.forEach((l, i) => byTenant.set(l.tenantId, [...(byTenant.get(l.tenantId) ?? []), i]));
      const counts: number[] = [];
      await Promise.all(
        [...byTenant].map(async ([tenantId, indexes]) => {
          const found = await priorContacts(ch, tenantId, indexes.map((i) => lookups[i]!));
          indexes.forEach((i, k) => (counts[i] = found[k]!));
        }),
      );
      return counts;
    },
    { maxBatchSize: 500 },
  );
}

export function createLearningActivities(deps: LearningDeps) {
  const priorContactsOf = createPriorContactsLoader(deps.ch);
  return {
    async suggestReply(input: SuggestInput): Promise<SuggestResult> {
      const { tenantId } = input.ticket;
      const [learner, bandit] = await Promise.all([deps.learners.current(tenantId, { waitAtMostMs: deps.draftWaitMs }), deps.learners.bandits.current(tenantId)]);
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
          const { customerId } = message.customer ?? {};
          const prior = customerId ? await priorContactsOf({ tenantId, customerId, ticketId: input.ticket.ticketId, at: message.at }) : undefined;
          const frustration = suggestion.features.frustrationLevel as FrustrationLevel;
          const choice = chooseStrategy({
            ...bandit,
            features: banditFeatures(banditContextOf({ ...message, priorContacts: prior }, frustration, suggestion.topic.topic)),
            tenantId,
            ticketId: input.ticket.ticketId,
            suggestionId: suggestion.suggestionId,
            risk: assessRisk({ frustrationSignals: suggestion.features.frustrationSignals, escalations: input.ticket.escalations, reopens: input.ticket.reopens, priority: input.ticket.priority, priorContacts: prior }),
          });
          // The control arm's content comes from the install-time model; its classification stays the live one.
          const content = choice.policy === 'control' ? (await deps.learners.atInstall(tenantId)).draft(message) : suggestion;
          const shown = suggestionInStrategy(content, choice, input.ticket.ticketId);
          await writeSuggestion(deps.writer, tenantId, event.eventId, message, shown, deps.now(), choice);
          last = { suggestionId: shown.suggestionId, topic: suggestion.topic.topic };
        }
      }
      return { classifications, suggestionId: last!.suggestionId, topic: last!.topic };
    },

    /** Compare the draft the agent saw with what they sent (or escalated instead) and store the correction. */
    async recordCorrection(input: { ticket: TicketState; event: TicketEvent }): Promise<boolean> {
      const { ticket, event } = input;
      const shown = await latestSuggestion(deps.ch, ticket.tenantId, ticket.ticketId, event.occurredAt);
      if (!shown) return false;
      const escalated = event.kind === 'ticket.escalated';
      // Mining a correction reads only the two texts and the learner's thresholds (the tenant learners
      // use the defaults), not what it has learned: it does not wait for a refresh, which during a
      // large import would outlast this activity's timeout.
      const correction = mineCorrection({ suggestion: shown.suggestion, sentReply: escalated ? '' : (event.body ?? ''), escalated, thresholds: DEFAULT_THRESHOLDS });
      await writeCorrection(
        deps.writer,
        { tenantId: ticket.tenantId, replyEventId: event.eventId, repliedAt: event.occurredAt, channel: ticket.channel, segment: ticket.customer.segment ?? ticket.customer.plan ?? '', correction },
        deps.now(),
      );
      return true;
    },

    /** After a solve or a closed outcome window: learn it now rather than at the next draft (content and strategy). */
    async refreshLearner(input: { tenantId: string }): Promise<void> {
      await Promise.all([deps.learners.current(input.tenantId, { force: true }), deps.learners.bandits.current(input.tenantId, { force: true })]);
    },
  };
}
