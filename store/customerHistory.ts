// A customer's recent contact history, as the strategy bandit's "account history" context reads it:
// from customer_messages (migration 007), sorted by customer, so each draft reads one short range
// of the key instead of the tenant's whole event log.
import type { ClickHouse } from './clickhouse.js';
import { TABLES, toClickHouseTime } from './tables.js';

export const PRIOR_CONTACT_WINDOW_DAYS = 30;

/** The customer's other tickets with a customer message in the 30 days before `at`. */
export async function priorContacts(ch: ClickHouse, tenantId: string, customerId: string, ticketId: string, at: string): Promise<number> {
  const rows = await ch.query<{ n: string }>(
    `SELECT uniqExact(ticket_id) AS n FROM ${ch.table(TABLES.customerMessages)}
     WHERE tenant_id = {tenantId:String} AND customer_id = {customerId:String} AND ticket_id != {ticketId:String}
       AND occurred_at >= {at:DateTime64(3)} - toIntervalDay({days:UInt32}) AND occurred_at < {at:DateTime64(3)}`,
    { tenantId, customerId, ticketId, at: toClickHouseTime(at), days: PRIOR_CONTACT_WINDOW_DAYS },
  );
  return Number(rows[0]?.n ?? 0);
}
