// One durable lifecycle per ticket: de-duplicates events, keeps the ticket state, records every
// change, fires the first-response SLA timer and, after solve, waits out the outcome window before
// recording the ticket's outcome. Deterministic orchestration only; the state machine is in domain/.
import { condition, continueAsNew, proxyLocalActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { DerivedEvent, MessageClassification, TicketEvent } from '../domain/events.js';
import { applyEvent, newTicketState, outcomeDeadline, outcomeEvent, slaBreachEvent, slaDeadline, withClassifiedTopic, type TicketState } from '../domain/ticketState.js';
import type { createActivities } from '../activities/index.js';
import { ticketEventsSignal, ticketStateQuery, type TicketLifecycleInput } from './messages.js';

// Local activities: the writes are short and idempotent (event ids), and running them inside the
// workflow task saves the dev server an activity task round trip per event — measured on
// bench:ingest as the difference that matters on a SQLite-backed server. A crashed worker's
// task times out and re-runs them; the store collapses the repeat.
const retry = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;
const { resumeTicket, recordTicketChanges, recordCorrection, recordReward } = proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '30 seconds', retry });
// Drafting may first build the tenant's learner from its whole history: allow it time.
const { suggestReply, refreshLearner } = proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '5 minutes', retry });

export async function ticketLifecycle(input: TicketLifecycleInput): Promise<void> {
  const pending: TicketEvent[] = [];
  /** The last recorded state, what the query answers. */
  let recorded: TicketState | undefined = input.carried?.state;
  setHandler(ticketEventsSignal, (events) => void pending.push(...events));
  setHandler(ticketStateQuery, () => recorded);

  // A ticket whose earlier run completed (outcome recorded) resumes from the store.
  const resumed = input.carried ?? (await resumeTicket({ tenantId: input.tenantId, ticketId: input.ticketId }));
  let current: TicketState = resumed.state ?? newTicketState(input.tenantId, input.ticketId);
  const seen = new Set(resumed.seenEventIds);
  recorded ??= resumed.state;

  const record = async (inbound: TicketEvent[], derived: DerivedEvent[], classifications?: Record<string, MessageClassification>) => {
    await recordTicketChanges({ inbound, derived, state: current, classifications });
    recorded = current;
  };

  for (;;) {
    if (pending.length === 0) {
      const deadlines = [slaDeadline(current, input.timers), outcomeDeadline(current, input.timers)].filter((d): d is number => d !== undefined);
      const next = deadlines.length ? Math.min(...deadlines) : undefined;
      const hasEvents = () => pending.length > 0;
      const woke = next === undefined ? (await condition(hasEvents)) === undefined : await condition(hasEvents, Math.max(1, next - Date.now()));
      if (!woke) {
        const sla = slaDeadline(current, input.timers);
        if (sla !== undefined && sla <= Date.now()) {
          const breach = slaBreachEvent(current, input.timers);
          current = { ...current, slaBreached: true, version: current.version + 1 };
          await record([], [breach]);
        }
        const outcomeAt = outcomeDeadline(current, input.timers);
        if (outcomeAt !== undefined && outcomeAt <= Date.now()) {
          const outcome = outcomeEvent(current, Date.now());
          current = { ...current, outcomeRecorded: true, version: current.version + 1 };
          await record([], [outcome]);
          await recordReward({ ticket: current, outcome });
          await refreshLearner({ tenantId: input.tenantId });
          // Done unless the customer wrote again while the outcome was being recorded.
          if (pending.length === 0) return;
        }
        continue;
      }
    }

    const fresh: TicketEvent[] = [];
    for (const event of pending.splice(0)) {
      if (seen.has(event.eventId)) continue;
      seen.add(event.eventId);
      fresh.push(event);
    }
    if (fresh.length > 0) {
      for (const event of fresh) current = applyEvent(current, event);
      // Classify every new customer message and draft a reply to the latest one.
      const messages = fresh.filter((e) => e.kind === 'message.customer');
      const suggested = messages.length > 0 ? await suggestReply({ ticket: current, messages }) : undefined;
      if (suggested) current = withClassifiedTopic(current, suggested.topic);
      await record(fresh, [], suggested?.classifications);
      // What the agent did with the draft is the training signal.
      for (const event of fresh) {
        if (event.kind === 'reply.agent' || event.kind === 'ticket.escalated') await recordCorrection({ ticket: current, event });
      }
      if (fresh.some((e) => e.kind === 'ticket.solved')) await refreshLearner({ tenantId: input.tenantId });
    }

    if (pending.length === 0 && (workflowInfo().historyLength > input.historyLimit || workflowInfo().continueAsNewSuggested)) {
      await continueAsNew<typeof ticketLifecycle>({ ...input, carried: { state: current, seenEventIds: [...seen] } });
    }
  }
}
