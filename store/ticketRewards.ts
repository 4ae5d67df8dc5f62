// The reward of each closed ticket, with the components a leader reads to see why.
import type { RewardResult } from '../domain/reward.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export function writeTicketReward(writer: BatchingWriter, ticket: TicketState, outcomeEventId: string, at: string, result: RewardResult, nowMs: number): Promise<void> {
  return writer.write(TABLES.ticketRewards, [
    {
      tenant_id: ticket.tenantId,
      ticket_id: ticket.ticketId,
      outcome_event_id: outcomeEventId,
      at: toClickHouseTime(at),
      reward: result.reward,
      components: JSON.stringify(result.components),
      weights: JSON.stringify(result.weights),
      channel: ticket.channel,
      segment: ticket.customer.segment ?? '',
      plan: ticket.customer.plan ?? '',
      topic: ticket.topic,
      recorded_at: toClickHouseTime(nowMs),
    },
  ]);
}

export interface StoredReward {
  outcomeEventId: string;
  at: string;
  reward: number;
  components: unknown[];
  weights: Record<string, number>;
}

export async function ticketRewards(ch: ClickHouse, tenantId: string, ticketId: string): Promise<StoredReward[]> {
  const rows = await ch.query<{ outcome_event_id: string; at: string; reward: number; components: string; weights: string }>(
    `SELECT outcome_event_id, at, reward, components, weights FROM ${ch.table(TABLES.ticketRewards)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String} ORDER BY at`,
    { tenantId, ticketId },
  );
  return rows.map((r) => ({ outcomeEventId: r.outcome_event_id, at: fromClickHouseTime(r.at), reward: Number(r.reward), components: JSON.parse(r.components) as unknown[], weights: JSON.parse(r.weights) as Record<string, number> }));
}
