// One ticket's life, played against the product: the customer writes, the product drafts, the agent
// sends (agentPolicy), the customer reacts to the content (hidden agent rules) and to the form
// (hidden strategy rules, strategyOutcome.ts), the ticket is solved, maybe escalated, reopened and
// rated. Events carry simulated occurredAt times; only the draft (and its strategy) comes from the
// product, so given the same drafts a ticket always plays out the same way. The ground truth keeps
// the strategy the customer received, the oracle's and both expected rewards.
import { agentReply, type AgentDecision, type AgentImperfection } from './agentPolicy.js';
import { renderReply, type ReplySentence } from './agentRules.js';
import type { DraftResult, WebhookEvent } from './client.js';
import { thanksMessage, reopenMessage } from './customerMessages.js';
import { followUpsFor, missedRules } from './customerBehaviour.js';
import type { ExchangeKind, ExchangeTruth, TicketTruth } from './groundTruth.js';
import { SeededRandom } from './seededRandom.js';
import { csatScore, drawsFromDice, outcomeOf, strategyOracle, type TicketFacts } from './strategyOutcome.js';
import { AGENT_HABIT_STRATEGY, perceivedStrategy, rulesFor, strategyOf } from './strategyRules.js';
import { baseEscalation, type TicketPlan } from './ticketPlan.js';
import { topicById } from './topics.js';

/** The product as a helpdesk sees it (SupportloopClient implements it over HTTP). */
export interface HelpdeskConnection {
  postEvents(tenantId: string, events: readonly WebhookEvent[]): Promise<void>;
  fetchDraft(tenantId: string, ticketId: string, previousSuggestionId?: string, messageAt?: string): Promise<DraftResult>;
}

const MINUTE_MS = 60_000;
const AGENTS_PER_TENANT = 6;
/** Expected rewards as custom-field text: enough digits for sums over thousands of tickets. */
const oracleFigure = (x: number) => x.toFixed(6);

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
    const concise = draft.strategy ? strategyOf(draft.strategy.id).length === 'concise' : false;
    const decision = agentReply(draft.draft, ideal, imperfection, { concise });
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
      ...(draft.strategy ? { strategy: draft.strategy } : {}),
    });
    return decision;
  };

  const customer = { ...plan.customer };
  await post(
    event('ticket.created', { subject: plan.subject, customer, authorId: customer.customerId, status: 'open' }),
    event('message.customer', { subject: plan.subject, body: plan.body, customer, authorId: customer.customerId }),
  );
  const first = await exchange('first', plan.body, plan.ideal, plan.dice.minutes.firstReply, { lapse: plan.dice.agentLapse, forgets: plan.dice.agentForgets });
  const suggested = exchanges[0]!.strategy?.id;
  // The customer receives the draft's strategy when the agent sent the draft; otherwise the agent's habit.
  const received = first.action === 'accepted' || first.action === 'edited' ? (suggested ?? AGENT_HABIT_STRATEGY) : AGENT_HABIT_STRATEGY;
  const facts: TicketFacts = {
    audience: { segment: plan.customer.segment, plan: plan.customer.plan, role: plan.customer.role, tenureDays: plan.tenureDays, frustrated: plan.frustrated, topicId: plan.topicId },
    contentMissed: missedRules(plan, first.rulesInSent).length > 0,
    apologyInReply: first.rulesInSent.includes('frustrated-apology'),
    baseEscalation: baseEscalation(topic.escalationRate, plan.frustrated),
    minutes: plan.dice.minutes,
  };
  const dice = plan.dice;
  const outcome = outcomeOf(drawsFromDice(facts, received, dice), facts.minutes);
  const oracle = strategyOracle(facts);
  const receivedReward = oracle.byStrategy[received]!;
  if (outcome.signals.escalated) await post(event('ticket.escalated', { escalationTier: 'tier2', authorId: agentId }));

  const misfit = rulesFor(facts.audience, perceivedStrategy(received, facts.apologyInReply));
  for (const followUp of followUpsFor(plan, outcome.followUps, first.rulesInSent, misfit, rng.derive('follow-up'), new Date(clock))) {
    advance(followUp.kind === 'clarification' ? facts.minutes.clarifyAnswer : facts.minutes.followUp);
    await post(event('message.customer', { body: followUp.question, authorId: customer.customerId }));
    await exchange(followUp.kind, followUp.question, followUp.ideal, facts.minutes.followUpReply);
  }

  // Thanks, solve and (when this is the last solve) the rating go in one delivery, so the product
  // applies them together before its outcome timer, which has long passed for simulated times.
  // The solve carries the oracle figures in the customer's custom fields, the way a helpdesk passes
  // its own fields through (read by the Outcomes dashboard's regret panel, never by the product's logic).
  const simulatorFields = { 'simulator.oracle_reward': oracleFigure(oracle.best.expectedReward), 'simulator.received_reward': oracleFigure(receivedReward), 'simulator.received_strategy': received, 'simulator.oracle_strategy': oracle.best.strategyId };
  const csat = outcome.stars === null ? null : { stars: outcome.stars, score: csatScore(outcome.stars) };
  const solve = async (last: boolean) => {
    advance(facts.minutes.thanks);
    const thanks = event('message.customer', { body: thanksMessage(rng), authorId: customer.customerId });
    advance(facts.minutes.solve);
    // Agents categorise the ticket when they solve it (the topic label the learner learns from).
    const solved = event('ticket.solved', { status: 'solved', authorId: agentId, tags: [...topic.tags, `topic:${topic.id}`], customer: { ...customer, custom: simulatorFields } });
    if (!last || !csat) return post(thanks, solved);
    const solvedAt = clock;
    advance(dice.minutes.csat);
    const rated = event('csat.rated', { csat: { score: csat.score, raw: csat.stars }, authorId: customer.customerId });
    clock = solvedAt;
    return post(thanks, solved, rated);
  };
  const reopened = outcome.signals.reopens > 0;
  await solve(!reopened);
  if (reopened) {
    advance(facts.minutes.reopen);
    const text = reopenMessage(rng);
    await post(event('ticket.reopened', { status: 'open', authorId: customer.customerId }), event('message.customer', { body: text, authorId: customer.customerId }));
    await exchange('reopen', text, plan.ideal, facts.minutes.reopenReply);
    await solve(true);
  }
  const solvedAt = new Date(clock).toISOString();
  const escalated = outcome.signals.escalated;

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
    practiceChanged: plan.practiceChanged,
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
    escalated,
    reopened,
    csat,
    solvedAt,
    eventsPosted,
    strategy: {
      suggested: suggested ?? null,
      policy: exchanges[0]!.strategy?.policy ?? null,
      received,
      receivedExpectedReward: receivedReward,
      oracle: oracle.best.strategyId,
      oracleExpectedReward: oracle.best.expectedReward,
      regret: oracle.best.expectedReward - receivedReward,
      byStrategy: oracle.byStrategy,
      followUps: outcome.followUps,
    },
  };
}
