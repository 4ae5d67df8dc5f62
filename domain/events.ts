// The canonical ticket event: every helpdesk adapter maps its payloads to this shape, the
// lifecycle workflow consumes it and the store persists it. Defined once, here, as a TypeBox
// schema so the same definition validates adapters' output, documents the generic webhook in
// OpenAPI and types the code.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { FormatRegistry } from '@sinclair/typebox';
import { INSTANT_HINT, instantMs } from './instants.js';

// TypeBox checks formats only once they are registered. RFC 3339 date-time as JSON Schema means it,
// within the range the store holds (domain/instants.ts).
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => instantMs(v) !== undefined);

/** Event kinds a helpdesk can send (through an adapter). */
export const INBOUND_EVENT_KINDS = [
  'ticket.created',
  'message.customer',
  'reply.agent',
  'note.internal',
  'ticket.assigned',
  'ticket.escalated',
  'ticket.status_changed',
  'ticket.solved',
  'ticket.reopened',
  'csat.rated',
] as const;

/** Event kinds only the lifecycle itself records (never accepted from a webhook). */
export const DERIVED_EVENT_KINDS = ['sla.breached', 'ticket.outcome'] as const;

export type InboundEventKind = (typeof INBOUND_EVENT_KINDS)[number];
export type DerivedEventKind = (typeof DERIVED_EVENT_KINDS)[number];
export type EventKind = InboundEventKind | DerivedEventKind;

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const CHANNELS = ['email', 'chat', 'web', 'phone', 'api', 'social', 'other'] as const;
export type Channel = (typeof CHANNELS)[number];

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Text = (maxLength: number) => Type.String({ maxLength });

export const CustomerContext = Type.Object(
  {
    customerId: Type.Optional(Id),
    accountId: Type.Optional(Id),
    plan: Type.Optional(Text(100)),
    segment: Type.Optional(Text(100)),
    role: Type.Optional(Text(100)),
    signupAt: Type.Optional(Type.String({ format: 'date-time' })),
    custom: Type.Optional(Type.Record(Type.String(), Text(1000), { maxProperties: 50 })),
  },
  { additionalProperties: false },
);
export type CustomerContext = Static<typeof CustomerContext>;

export const Csat = Type.Object(
  {
    /** Normalised to 0..1 so providers with different scales aggregate together. */
    score: Type.Number({ minimum: 0, maximum: 1 }),
    /** The provider's own value ("good", 4, "great") for display. */
    raw: Type.Union([Type.String({ maxLength: 50 }), Type.Number()]),
    comment: Type.Optional(Text(5000)),
  },
  { additionalProperties: false },
);
export type Csat = Static<typeof Csat>;

export const TicketEvent = Type.Object(
  {
    eventId: Id,
    kind: Type.Union(INBOUND_EVENT_KINDS.map((k) => Type.Literal(k))),
    tenantId: Id,
    ticketId: Id,
    occurredAt: Type.String({ format: 'date-time' }),
    provider: Type.String({ minLength: 1, maxLength: 50 }),
    channel: Type.Union(CHANNELS.map((c) => Type.Literal(c))),
    tags: Type.Array(Text(200), { maxItems: 100 }),
    subject: Type.Optional(Text(1000)),
    /** Plain text of the message, reply or note (HTML already stripped by the adapter). */
    body: Type.Optional(Text(100_000)),
    authorId: Type.Optional(Id),
    status: Type.Optional(Type.Union(TICKET_STATUSES.map((s) => Type.Literal(s)))),
    priority: Type.Optional(Text(50)),
    assigneeId: Type.Optional(Id),
    groupId: Type.Optional(Id),
    /** Escalation tier or target, for ticket.escalated. */
    escalationTier: Type.Optional(Text(100)),
    csat: Type.Optional(Csat),
    customer: Type.Optional(CustomerContext),
  },
  { additionalProperties: false },
);
export type TicketEvent = Static<typeof TicketEvent>;

const compiledTicketEvent = TypeCompiler.Compile(TicketEvent);

export class InvalidEventError extends Error {
  constructor(
    /** Dotted path of the offending field, e.g. "customer.signupAt". */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/** Validate an adapter's output; throws InvalidEventError naming the first bad field. */
export function assertTicketEvent(value: unknown): TicketEvent {
  if (compiledTicketEvent.Check(value)) {
    const event = value as TicketEvent;
    if (event.kind === 'csat.rated' && !event.csat) throw new InvalidEventError('csat', 'csat.rated events need a csat rating');
    return event;
  }
  const first = compiledTicketEvent.Errors(value).First();
  const field = (first && dottedField(first.path)) || '(root)';
  throw new InvalidEventError(field, `${field}: ${schemaErrorMessage(first)}`);
}

/** A schema error's JSON Pointer (`/customer/signupAt`, TypeBox's path or ajv's instancePath) as the dotted field name messages use. */
export const dottedField = (pointer: string): string => pointer.replace(/^\//, '').replace(/\//g, '.');

/** A TypeBox complaint as a person can act on it (a time says what a time must look like). */
export function schemaErrorMessage(error: ValueError | undefined): string {
  if (!error) return 'invalid';
  return error.type === ValueErrorType.StringFormat && error.schema.format === 'date-time' ? `must be ${INSTANT_HINT}` : error.message;
}

/** Events derived by the lifecycle itself (SLA breach, outcome); stored beside inbound events. */
export interface DerivedEvent {
  eventId: string;
  kind: DerivedEventKind;
  tenantId: string;
  ticketId: string;
  occurredAt: string;
  details: Record<string, number | string | boolean | null>;
}

/** What classification found in a customer message; stored on its event row. */
export interface MessageClassification {
  topic: string;
  topicConfidence: number;
  sentiment: number;
  frustration: number;
  language: string;
}
