// One ticket's life, played against the product: the customer writes, the product drafts, the agent
// sends (agentPolicy), the customer reacts (customerBehaviour), the ticket is solved, maybe
// escalated, reopened and rated. Events carry simulated occurredAt times; only the draft comes from
// the product, so given the same drafts a ticket always plays out the same way.
import { agentReply, type AgentDecision, type AgentImperfection } from './agentPolicy.js';
import { renderReply, type ReplySentence } from './agentRules.js';
import type { DraftResult, WebhookEvent } from './client.js';
import { thanksMessage, reopenMessage } from './customerMessages.js';
import { csatRating, followUpAfter, missedRules, reopens } from './customerBehaviour.js';
import type { ExchangeKind, ExchangeTruth, TicketTruth } from './groundTruth.js';
import { SeededRandom } from './seededRandom.js';
import type { TicketPlan } from './ticketPlan.js';
import { topicById } from './topics.js';

/** The product as a helpdesk sees it (SupportloopClient implements it over HTTP). */
export interface HelpdeskConnection {
  postEvents(tenantId: string, events: readonly WebhookEvent[]): Promise<void>;
  fetchDraft(tenantId: string, ticketId: string, previousSuggestionId?: string, messageAt?: string): Promise<DraftResult>;
}

const MINUTE_MS = 60_000;
const AGENTS_PER_TENANT = 6;

export async function playTicket(plan: TicketPlan, connection: HelpdeskConnection, seed: number): Promise<TicketTruth> {
  const rng = new SeededRandom(seed, `play/${plan.ticketId}`);
  const topic = topicById(plan.topicId);
  const agentId = `agent-${rng.int(1, AGENTS_PER_TENANT)}`;
  let clock = Date.parse(plan.openedAt);
  let eventNo = 0;
  let eventsPosted = 0;
  let lastSuggestion: string | undefined;
  const exchanges: ExchangeTruth[] = [];

  const event = (kind: WebhookEvent['kind'], fields: Partial<WebhookEvent> = {}): WebhookEvent => ({
    eventId: `${plan.ticketId}-e${++eventNo}`,
    kind,
    ticketId: plan.ticketId,
    occurredAt: new Date(clock).toISOString(),
    channel: plan.channel,
    tags: topic.tags,
    ...fields,
  });
  const post = async (...events: WebhookEvent[]) => {
    await connection.postEvents(plan.tenantId, events);
    eventsPosted += events.length;
  };
  const advance = (minutes: number) => (clock += Math.round(minutes * MINUTE_MS));

  /** Customer message already posted: fetch the draft, let the agent reply, post the reply. */
  const exchange = async (kind: ExchangeKind, customerMessage: string, ideal: ReplySentence[], replyAfterMinutes: number, imperfection?: AgentImperfection): Promise<AgentDecision> => {
    const draft = await connection.fetchDraft(plan.tenantId, plan.ticketId, lastSuggestion, new Date(clock).toISOString());
    lastSuggestion = draft.suggestionId ?? lastSuggestion;
    const decision = agentReply(draft.draft, ideal, imperfection);
    advance(replyAfterMinutes);
    await post(event('reply.agent', { body: decision.sent, authorId: agentId, status: 'pending' }));
    const { sent, action, editDistance, accepted, answerCoverage, rulesInDraft, rulesInSent } = decision;
    exchanges.push({
      kind,
      customerMessage,
      repliedAt: new Date(clock).toISOString(),
      draftStatus: draft.status,
      suggestionId: draft.suggestionId,
      draftWaitMs: draft.waitedMs,
      draft: draft.draft,
      ideal: renderReply(ideal),
      sent,
      action,
      editDistance,
      accepted,
      answerCoverage,
      rulesInDraft,
      rulesInSent,
    });
    return decision;
  };

  const customer = { ...plan.customer };
  await post(
    event('ticket.created', { subject: plan.subject, customer, authorId: customer.customerId, status: 'open' }),
    event('message.customer', { subject: plan.subject, body: plan.body, customer, authorId: customer.customerId }),
  );
  const first = await exchange('first', plan.body, plan.ideal, plan.dice.minutes.firstReply, { lapse: plan.dice.agentLapse, forgets: plan.dice.agentForgets });
  if (plan.dice.escalate) {
    advance(1);
    await post(event('ticket.escalated', { escalationTier: 'tier2', authorId: agentId }));
  }

  const followUp = followUpAfter(plan, first.rulesInSent, rng.derive('follow-up'));
  if (followUp) {
    advance(plan.dice.minutes.followUp);
    await post(event('message.customer', { body: followUp.question, authorId: customer.customerId }));
    await exchange(followUp.kind, followUp.question, followUp.ideal, plan.dice.minutes.followUpReply);
  }

  const solve = async () => {
    advance(plan.dice.minutes.thanks);
    const thanks = event('message.customer', { body: thanksMessage(rng), authorId: customer.customerId });
    advance(plan.dice.minutes.solve);
    // Agents categorise the ticket when they solve it (the topic label the learner learns from).
    await post(thanks, event('ticket.solved', { status: 'solved', authorId: agentId, tags: [...topic.tags, `topic:${topic.id}`] }));
  };
  await solve();

  const missed = missedRules(plan, first.rulesInSent).length > 0;
  const reopened = reopens(plan.dice, missed);
  if (reopened) {
    advance(plan.dice.minutes.reopen);
    const text = reopenMessage(rng);
    await post(event('ticket.reopened', { status: 'open', authorId: customer.customerId }), event('message.customer', { body: text, authorId: customer.customerId }));
    await exchange('reopen', text, plan.ideal, plan.dice.minutes.reopenReply);
    await solve();
  }
  const solvedAt = new Date(clock).toISOString();

  let csat: TicketTruth['csat'] = null;
  if (plan.dice.csatRated) {
    csat = csatRating(plan.dice, { missed, escalated: plan.dice.escalate, reopened });
    advance(plan.dice.minutes.csat);
    await post(event('csat.rated', { csat: { score: csat.score, raw: csat.stars }, authorId: customer.customerId }));
  }

  const opening = exchanges[0]!;
  return {
    index: plan.index,
    ticketId: plan.ticketId,
    tenantId: plan.tenantId,
    topicId: plan.topicId,
    openedAt: plan.openedAt,
    channel: plan.channel,
    customer: plan.customer,
    tenureDays: plan.tenureDays,
    frustrated: plan.frustrated,
    ruleIds: plan.ruleIds,
    transfer: plan.transfer,
    draft: opening.draft,
    sent: opening.sent,
    accepted: opening.accepted,
    action: opening.action,
    editDistance: opening.editDistance,
    rulesInDraft: opening.rulesInDraft,
    rulesMissingFromDraft: plan.ruleIds.filter((id) => !opening.rulesInDraft.includes(id)),
    rulesWronglyInDraft: opening.rulesInDraft.filter((id) => !plan.ruleIds.includes(id)),
    exchanges,
    escalated: plan.dice.escalate,
    reopened,
    csat,
    solvedAt,
    eventsPosted,
  };
}
