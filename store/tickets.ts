// Latest state per ticket, written by the lifecycle after every change (highest version wins).
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { TABLES, toClickHouseTime } from './tables.js';

const time = (iso: string | undefined) => (iso ? toClickHouseTime(iso) : null);

export function writeTicketState(writer: BatchingWriter, state: TicketState): Promise<void> {
  const c = state.customer;
  return writer.write(TABLES.tickets, [
    {
      tenant_id: state.tenantId,
      ticket_id: state.ticketId,
      version: state.version,
      status: state.status,
      provider: state.provider,
      channel: state.channel,
      subject: state.subject,
      priority: state.priority,
      tags: state.tags,
      topic: state.topic,
      customer_id: c.customerId ?? '',
      account_id: c.accountId ?? '',
      plan: c.plan ?? '',
      segment: c.segment ?? '',
      customer_role: c.role ?? '',
      signup_at: time(c.signupAt),
      assignee_id: state.assigneeId,
      group_id: state.groupId,
      created_at: time(state.createdAt) ?? toClickHouseTime(0),
      first_response_at: time(state.firstResponseAt),
      solved_at: time(state.solvedAt),
      updated_at: time(state.updatedAt) ?? toClickHouseTime(0),
      customer_messages: state.customerMessages,
      agent_replies: state.agentReplies,
      follow_ups: state.followUps,
      reopens: state.reopens,
      escalations: state.escalations,
      sla_breached: state.slaBreached ? 1 : 0,
      csat_score: state.csatScore ?? null,
      outcome_recorded: state.outcomeRecorded ? 1 : 0,
      state_json: JSON.stringify(state),
    },
  ]);
}

export async function loadTicketState(ch: ClickHouse, tenantId: string, ticketId: string): Promise<TicketState | undefined> {
  const rows = await ch.query<{ state_json: string }>(
    `SELECT state_json FROM ${ch.table(TABLES.tickets)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String}`,
    { tenantId, ticketId },
  );
  return rows[0] ? (JSON.parse(rows[0].state_json) as TicketState) : undefined;
}

/**
 * Stored states of many tickets in one query (ticket id → state; absent when none). The ids travel as
 * one JSON string parameter: it binds on chDB, a server and the store's HTTP interface alike, for
 * any characters, and ClickHouse folds it into a set the primary key can use.
 */
export async function loadTicketStates(ch: ClickHouse, tenantId: string, ticketIds: readonly string[]): Promise<Map<string, TicketState>> {
  if (ticketIds.length === 0) return new Map();
  const rows = await ch.query<{ ticket_id: string; state_json: string }>(
    `SELECT ticket_id, state_json FROM ${ch.table(TABLES.tickets)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id IN JSONExtract({ticketIds:String}, 'Array(String)')`,
    { tenantId, ticketIds: JSON.stringify(ticketIds) },
  );
  return new Map(rows.map((r) => [r.ticket_id, JSON.parse(r.state_json) as TicketState]));
}

/** Which of these tickets the tenant already has (any source: webhooks or an earlier import). */
export async function existingTicketIds(ch: ClickHouse, tenantId: string, ticketIds: readonly string[]): Promise<Set<string>> {
  if (ticketIds.length === 0) return new Set();
  const rows = await ch.query<{ ticket_id: string }>(
    `SELECT DISTINCT ticket_id FROM ${ch.table(TABLES.tickets)}
     WHERE tenant_id = {tenantId:String} AND ticket_id IN JSONExtract({ticketIds:String}, 'Array(String)')`,
    { tenantId, ticketIds: JSON.stringify(ticketIds) },
  );
  return new Set(rows.map((r) => r.ticket_id));
}
