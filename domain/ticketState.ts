// The ticket state machine: what one ticket's lifecycle knows, updated event by event. Pure and
// deterministic, so the workflow can hold it, query it and carry it across continueAsNew.
import type { CustomerContext, DerivedEvent, TicketEvent, TicketStatus } from './events.js';
import { topicFromTags } from './outcomeQuality.js';
import { isThanksOnlyMessage } from './reward.js';

export interface TicketState {
  tenantId: string;
  ticketId: string;
  /** Events applied so far; doubles as the version of the stored state row. */
  version: number;
  status: TicketStatus;
  provider: string;
  channel: string;
  subject: string;
  priority: string;
  tags: string[];
  topic: string;
  customer: CustomerContext;
  assigneeId: string;
  groupId: string;
  /** Event times (ISO). */
  createdAt: string | undefined;
  /** The first customer message still waiting for a first agent reply (starts the SLA clock). */
  awaitingFirstResponseSince: string | undefined;
  firstResponseAt: string | undefined;
  solvedAt: string | undefined;
  updatedAt: string | undefined;
  customerMessages: number;
  agentReplies: number;
  /** Customer messages after the first agent reply: the customer had to come back. */
  followUps: number;
  /** Follow-ups that only thanked or confirmed (not held against the reply). */
  thanksFollowUps: number;
  reopens: number;
  escalations: number;
  slaBreached: boolean;
  csatScore: number | undefined;
  outcomeRecorded: boolean;
}

export function newTicketState(tenantId: string, ticketId: string): TicketState {
  return {
    tenantId,
    ticketId,
    version: 0,
    status: 'new',
    provider: '',
    channel: 'other',
    subject: '',
    priority: '',
    tags: [],
    topic: '',
    customer: {},
    assigneeId: '',
    groupId: '',
    createdAt: undefined,
    awaitingFirstResponseSince: undefined,
    firstResponseAt: undefined,
    solvedAt: undefined,
    updatedAt: undefined,
    customerMessages: 0,
    agentReplies: 0,
    followUps: 0,
    thanksFollowUps: 0,
    reopens: 0,
    escalations: 0,
    slaBreached: false,
    csatScore: undefined,
    outcomeRecorded: false,
  };
}

const isClosed = (status: TicketStatus) => status === 'solved' || status === 'closed';
const later = (a: string | undefined, b: string) => (a && Date.parse(a) > Date.parse(b) ? a : b);

/** Reopen bookkeeping shared by an explicit reopen, a status change and a customer reply on a solved ticket. */
function reopen(state: TicketState): void {
  state.reopens++;
  state.status = 'open';
  state.solvedAt = undefined;
  state.outcomeRecorded = false;
}

/** Apply one inbound event (already de-duplicated by the caller). Returns a new state. */
export function applyEvent(previous: TicketState, event: TicketEvent): TicketState {
  const state: TicketState = { ...previous, tags: [...previous.tags], customer: { ...previous.customer } };
  state.version++;
  state.provider ||= event.provider;
  if (state.channel === 'other') state.channel = event.channel;
  if (event.subject) state.subject = event.subject;
  if (event.priority) state.priority = event.priority;
  for (const tag of event.tags) if (!state.tags.includes(tag)) state.tags.push(tag);
  // An agent's topic label beats the classifier's guess.
  state.topic = topicFromTags(state.tags) ?? state.topic;
  if (event.customer) state.customer = { ...state.customer, ...event.customer };
  if (event.assigneeId) state.assigneeId = event.assigneeId;
  if (event.groupId) state.groupId = event.groupId;
  state.createdAt ??= event.occurredAt;
  state.updatedAt = later(state.updatedAt, event.occurredAt);

  switch (event.kind) {
    case 'ticket.created':
      if (state.status === 'new') state.status = event.status ?? 'open';
      state.createdAt = event.occurredAt < state.createdAt ? event.occurredAt : state.createdAt;
      break;
    case 'message.customer':
      state.customerMessages++;
      if (state.firstResponseAt) {
        state.followUps++;
        if (isThanksOnlyMessage(event.body ?? '')) state.thanksFollowUps = (state.thanksFollowUps ?? 0) + 1;
      }
      else state.awaitingFirstResponseSince ??= event.occurredAt;
      if (isClosed(state.status)) reopen(state);
      else if (state.status === 'new' || state.status === 'pending') state.status = 'open';
      break;
    case 'reply.agent':
      state.agentReplies++;
      if (!state.firstResponseAt) {
        state.firstResponseAt = event.occurredAt;
        state.awaitingFirstResponseSince = undefined;
      }
      if (event.status) state.status = event.status;
      break;
    case 'ticket.escalated':
      state.escalations++;
      break;
    case 'ticket.solved':
      state.status = event.status === 'closed' ? 'closed' : 'solved';
      state.solvedAt = event.occurredAt;
      state.awaitingFirstResponseSince = undefined;
      break;
    case 'ticket.reopened':
      if (isClosed(state.status)) reopen(state);
      break;
    case 'ticket.status_changed':
      if (!event.status) break;
      if (isClosed(state.status) && !isClosed(event.status)) reopen(state);
      else if (!isClosed(state.status) && isClosed(event.status)) state.solvedAt = event.occurredAt;
      state.status = event.status;
      break;
    case 'csat.rated':
      state.csatScore = event.csat?.score;
      break;
    case 'note.internal':
    case 'ticket.assigned':
      break;
  }
  // Any event that leaves the ticket solved (e.g. a reply sent with "submit as solved") solves it.
  if (isClosed(state.status) && !state.solvedAt) state.solvedAt = event.occurredAt;
  return state;
}

/** The classifier's topic for the ticket, unless agents labelled it. */
export function withClassifiedTopic(state: TicketState, topic: string): TicketState {
  return topicFromTags(state.tags) ? state : { ...state, topic };
}

export interface LifecycleTimers {
  slaFirstResponseMs: number;
  outcomeWindowMs: number;
}

/** When the first-response SLA breaches (ms since epoch), if it still can. */
export function slaDeadline(state: TicketState, timers: LifecycleTimers): number | undefined {
  if (state.slaBreached || !state.awaitingFirstResponseSince || isClosed(state.status)) return undefined;
  return Date.parse(state.awaitingFirstResponseSince) + timers.slaFirstResponseMs;
}

/** When the outcome window of a solved ticket closes (ms since epoch). */
export function outcomeDeadline(state: TicketState, timers: LifecycleTimers): number | undefined {
  if (state.outcomeRecorded || !state.solvedAt || !isClosed(state.status)) return undefined;
  return Date.parse(state.solvedAt) + timers.outcomeWindowMs;
}

export function slaBreachEvent(state: TicketState, timers: LifecycleTimers): DerivedEvent {
  const since = state.awaitingFirstResponseSince!;
  return {
    eventId: `sla.breached:${state.ticketId}:${since}`,
    kind: 'sla.breached',
    tenantId: state.tenantId,
    ticketId: state.ticketId,
    occurredAt: new Date(Date.parse(since) + timers.slaFirstResponseMs).toISOString(),
    details: { waitingSince: since, slaSeconds: timers.slaFirstResponseMs / 1000 },
  };
}

/** The outcome of a ticket once its window closed: the reward's raw components. */
export function outcomeEvent(state: TicketState, closedAtMs: number): DerivedEvent {
  const seconds = (from?: string, to?: string) => (from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : null);
  return {
    eventId: `ticket.outcome:${state.ticketId}:${state.solvedAt}`,
    kind: 'ticket.outcome',
    tenantId: state.tenantId,
    ticketId: state.ticketId,
    occurredAt: new Date(closedAtMs).toISOString(),
    details: {
      resolutionSeconds: seconds(state.createdAt, state.solvedAt),
      firstResponseSeconds: seconds(state.createdAt, state.firstResponseAt),
      followUps: state.followUps,
      thanksFollowUps: state.thanksFollowUps ?? 0,
      customerMessages: state.customerMessages,
      agentReplies: state.agentReplies,
      escalated: state.escalations > 0,
      reopened: state.reopens > 0,
      reopens: state.reopens,
      csat: state.csatScore ?? null,
      slaBreached: state.slaBreached,
    },
  };
}
