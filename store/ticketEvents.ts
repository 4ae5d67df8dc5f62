// The raw event log: one row per canonical or lifecycle-derived event, keyed by event id.
import type { DerivedEvent, MessageClassification, TicketEvent } from '../domain/events.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';


export interface StoredEventRow {
  event_id: string;
  kind: string;
  occurred_at: string;
  provider: string;
  channel: string;
  tags: string[];
  subject: string;
  body: string;
  author_id: string;
  status: string;
  csat_score: number | null;
  topic: string;
  details: string;
}

/**
 * An event from the helpdesk. A customer message carries its own classification; every other event
 * (an escalation, a reopen, an agent reply) the ticket's topic at the time, so the rollups can count
 * escalations and reopens per topic.
 */
function inboundRow(event: TicketEvent, recordedAt: string, ticketTopic: string, classification?: MessageClassification) {
  const c = event.customer ?? {};
  return {
    tenant_id: event.tenantId,
    ticket_id: event.ticketId,
    event_id: event.eventId,
    kind: event.kind,
    occurred_at: toClickHouseTime(event.occurredAt),
    recorded_at: recordedAt,
    provider: event.provider,
    channel: event.channel,
    tags: event.tags,
    subject: event.subject ?? '',
    body: event.body ?? '',
    author_id: event.authorId ?? '',
    status: event.status ?? '',
    priority: event.priority ?? '',
    assignee_id: event.assigneeId ?? '',
    group_id: event.groupId ?? '',
    escalation_tier: event.escalationTier ?? '',
    csat_score: event.csat?.score ?? null,
    csat_raw: event.csat ? String(event.csat.raw) : '',
    csat_comment: event.csat?.comment ?? '',
    customer_id: c.customerId ?? '',
    account_id: c.accountId ?? '',
    plan: c.plan ?? '',
    segment: c.segment ?? '',
    customer_role: c.role ?? '',
    signup_at: c.signupAt ? toClickHouseTime(c.signupAt) : null,
    custom: c.custom ?? {},
    topic: classification?.topic ?? ticketTopic,
    topic_confidence: classification?.topicConfidence ?? 0,
    sentiment: classification?.sentiment ?? 0,
    frustration: classification?.frustration ?? 0,
    language: classification?.language ?? '',
    details: '',
  };
}

function derivedRow(event: DerivedEvent, recordedAt: string, context: { channel: string; provider: string; segment: string; plan: string; topic: string }) {
  return {
    tenant_id: event.tenantId,
    ticket_id: event.ticketId,
    event_id: event.eventId,
    kind: event.kind,
    occurred_at: toClickHouseTime(event.occurredAt),
    recorded_at: recordedAt,
    provider: context.provider,
    channel: context.channel,
    segment: context.segment,
    plan: context.plan,
    topic: context.topic,
    details: JSON.stringify(event.details),
  };
}

export interface EventsToRecord {
  inbound: { event: TicketEvent; classification?: MessageClassification }[];
  derived: DerivedEvent[];
  /** Ticket context copied onto derived rows so rollups can slice them like inbound events (and its topic onto unclassified inbound ones). */
  context: { channel: string; provider: string; segment: string; plan: string; topic: string };
}

export function writeTicketEvents(writer: BatchingWriter, events: EventsToRecord, recordedAtMs: number): Promise<void> {
  const recordedAt = toClickHouseTime(recordedAtMs);
  const rows = [
    ...events.inbound.map(({ event, classification }) => inboundRow(event, recordedAt, events.context.topic, classification)),
    ...events.derived.map((event) => derivedRow(event, recordedAt, events.context)),
  ];
  return writer.write(TABLES.ticketEvents, rows);
}

export async function ticketEventHistory(ch: ClickHouse, tenantId: string, ticketId: string, limit = 1000): Promise<StoredEventRow[]> {
  const rows = await ch.query<StoredEventRow>(
    `SELECT event_id, kind, occurred_at, provider, channel, tags, subject, body, author_id, status, csat_score, topic, details
     FROM ${ch.table(TABLES.ticketEvents)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String}
     ORDER BY occurred_at, event_id
     LIMIT {limit:UInt32}`,
    { tenantId, ticketId, limit },
  );
  return rows.map((r) => ({ ...r, occurred_at: fromClickHouseTime(r.occurred_at) }));
}

/**
 * Event ids already stored per ticket (ticket id → ids; absent when none), for many tickets in one
 * query: a new workflow run for an old ticket starts de-duplicating from these. Ids are bound as in
 * store/tickets.ts loadTicketStates.
 */
export async function storedEventIdsByTicket(ch: ClickHouse, tenantId: string, ticketIds: readonly string[]): Promise<Map<string, string[]>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await ch.query<{ ticket_id: string; event_ids: string[] }>(
    `SELECT ticket_id, groupUniqArray(event_id) AS event_ids FROM ${ch.table(TABLES.ticketEvents)}
     WHERE tenant_id = {tenantId:String} AND ticket_id IN JSONExtract({ticketIds:String}, 'Array(String)')
     GROUP BY ticket_id`,
    { tenantId, ticketIds: JSON.stringify(ticketIds) },
  );
  return new Map(rows.map((r) => [r.ticket_id, r.event_ids]));
}
