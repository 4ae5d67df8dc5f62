// Past resolved tickets → the same canonical events and state a live ticket produces, so imported
// history is learning material exactly like live tickets. Event ids derive from the imported
// ticket id, so re-importing the same file adds nothing.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CHANNELS, CustomerContext, dottedField, schemaErrorMessage, type DerivedEvent, type MessageClassification, type TicketEvent } from './events.js';
import { extractTextFeatures, storedTextSignals } from './text/textFeatures.js';
import { applyEvent, newTicketState, outcomeEvent, type TicketState } from './ticketState.js';

const DateTime = Type.String({ format: 'date-time' });

/** Tickets per import request: bounds one request's validation and write. */
export const MAX_IMPORT_BATCH = 2000;

export const ImportTicket = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    createdAt: DateTime,
    subject: Type.Optional(Type.String({ maxLength: 1000 })),
    /** The customer's message. */
    body: Type.String({ minLength: 1, maxLength: 100_000 }),
    channel: Type.Optional(Type.Union(CHANNELS.map((c) => Type.Literal(c)))),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
    /** The resolved ticket's topic/intent label (stored as a `topic:<label>` tag, as agents' labels are). */
    topic: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    customer: Type.Optional(CustomerContext),
    /** The agent's public reply. */
    reply: Type.Optional(Type.String({ maxLength: 100_000 })),
    repliedAt: Type.Optional(DateTime),
    solvedAt: Type.Optional(DateTime),
    /** 0..1 */
    csat: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    escalated: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ImportTicket = Static<typeof ImportTicket>;

const checkImportTicket = TypeCompiler.Compile(ImportTicket);

/** What is wrong with one ticket to import (its first problem, the field as a dotted path), or undefined. */
export function importTicketProblem(ticket: unknown, nowMs: number): { field: string; message: string } | undefined {
  if (!checkImportTicket.Check(ticket)) {
    const first = checkImportTicket.Errors(ticket).First();
    return { field: first ? dottedField(first.path) : '', message: schemaErrorMessage(first) };
  }
  return importTimeInFuture(ticket, nowMs) ?? importTimeDisorder(ticket);
}

/** Clocks of the exporting system and of this one may differ by this much. */
const IMPORT_CLOCK_SLACK_MS = 5 * 60_000;

/**
 * History is past tickets: a time later than now is a wrong year or time zone in the export, and
 * stored it would be fed to detection and the learner as it comes due.
 */
function importTimeInFuture(t: ImportTicket, nowMs: number): { field: 'createdAt' | 'repliedAt' | 'solvedAt'; message: string } | undefined {
  for (const field of ['createdAt', 'repliedAt', 'solvedAt'] as const) {
    const value = t[field];
    if (value !== undefined && Date.parse(value) > nowMs + IMPORT_CLOCK_SLACK_MS) return { field, message: `${value} is in the future: history is past tickets` };
  }
  return undefined;
}

/** Times out of order (a reply before the question, a solve before the reply) would give a negative or zero time to resolve and a reward it never earned. */
function importTimeDisorder(t: ImportTicket): { field: 'repliedAt' | 'solvedAt'; message: string } | undefined {
  const created = Date.parse(t.createdAt);
  if (t.repliedAt && Date.parse(t.repliedAt) < created) return { field: 'repliedAt', message: 'before createdAt' };
  if (t.solvedAt && Date.parse(t.solvedAt) < created) return { field: 'solvedAt', message: 'before createdAt' };
  if (t.solvedAt && t.repliedAt && Date.parse(t.solvedAt) < Date.parse(t.repliedAt)) return { field: 'solvedAt', message: 'before repliedAt' };
  return undefined;
}

export interface ImportedTicket {
  events: TicketEvent[];
  derived: DerivedEvent[];
  state: TicketState;
  /** The customer message's classification: text signals, and the label (when given) as its topic so history slices by topic. */
  classifications: Record<string, MessageClassification>;
}

export function importedTicket(tenantId: string, t: ImportTicket): ImportedTicket {
  const tags = [...(t.tags ?? []), ...(t.topic ? [`topic:${t.topic}`] : [])];
  const base = { tenantId, ticketId: t.id, provider: 'import', channel: t.channel ?? 'other', tags } as const;
  const id = (what: string) => `import:${t.id}:${what}`;
  const repliedAt = t.repliedAt ?? t.solvedAt ?? t.createdAt;
  const solvedAt = t.solvedAt ?? (t.reply ? repliedAt : undefined);
  const events: TicketEvent[] = [
    { ...base, eventId: id('created'), kind: 'ticket.created', occurredAt: t.createdAt, subject: t.subject, customer: t.customer, status: 'open' },
    { ...base, eventId: id('message'), kind: 'message.customer', occurredAt: t.createdAt, body: t.body, customer: t.customer },
  ];
  if (t.escalated) events.push({ ...base, eventId: id('escalated'), kind: 'ticket.escalated', occurredAt: t.createdAt });
  if (t.reply) events.push({ ...base, eventId: id('reply'), kind: 'reply.agent', occurredAt: repliedAt, body: t.reply });
  if (t.csat !== undefined) events.push({ ...base, eventId: id('csat'), kind: 'csat.rated', occurredAt: solvedAt ?? repliedAt, csat: { score: t.csat, raw: t.csat } });
  if (solvedAt) events.push({ ...base, eventId: id('solved'), kind: 'ticket.solved', occurredAt: solvedAt, status: 'solved' });

  let state = events.reduce(applyEvent, newTicketState(tenantId, t.id));
  const derived: DerivedEvent[] = [];
  if (solvedAt) {
    // History's outcome windows closed long ago: record the outcome now, at the solve time.
    derived.push(outcomeEvent(state, Date.parse(solvedAt)));
    state = { ...state, outcomeRecorded: true, version: state.version + 1 };
  }
  // Sentiment, frustration and language are read off the text as for a live message. The topic is the
  // agents' label when there is one; without it the message is left unclassified by topic (the topic
  // classifier is the tenant's learner, which learns from this history rather than labelling it).
  const message: MessageClassification = {
    topic: t.topic ? t.topic.toLowerCase() : '',
    topicConfidence: t.topic ? 1 : 0,
    ...storedTextSignals(extractTextFeatures(t.body)),
  };
  const classifications = { [id('message')]: message };
  return { events, derived, state, classifications };
}
