// A customer's recent contact history, as the strategy bandit's "account history" context reads it:
// from customer_messages (migration 007), sorted by customer, so a lookup reads short ranges of the
// key instead of the tenant's whole event log. Drafts ask for it concurrently, so one query answers
// many lookups: it fetches the customers' messages over the union of their windows and each lookup
// counts its own window.
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseTime } from './tables.js';

export const PRIOR_CONTACT_WINDOW_DAYS = 30;
const WINDOW_MS = PRIOR_CONTACT_WINDOW_DAYS * 86_400_000;

export interface PriorContactsLookup {
  customerId: string;
  /** The ticket being drafted for: not a prior contact of itself. */
  ticketId: string;
  /** The message's time: contacts in the 30 days before it count. */
  at: string;
}

/** Per lookup, the customer's other tickets with a customer message in the 30 days before `at`. */
export async function priorContacts(ch: ClickHouse, tenantId: string, lookups: readonly PriorContactsLookup[]): Promise<number[]> {
  if (lookups.length === 0) return [];
  const ats = lookups.map((l) => Date.parse(l.at));
  const rows = await ch.query<{ customer_id: string; ticket_id: string; occurred_at: string }>(
    `SELECT customer_id, ticket_id, occurred_at FROM ${ch.table(TABLES.customerMessages)}
     WHERE tenant_id = {tenantId:String} AND customer_id IN JSONExtract({customerIds:String}, 'Array(String)')
       AND occurred_at >= {from:DateTime64(3)} AND occurred_at < {to:DateTime64(3)}`,
    {
      tenantId,
      customerIds: JSON.stringify([...new Set(lookups.map((l) => l.customerId))]),
      from: toClickHouseTime(Math.min(...ats) - WINDOW_MS),
      to: toClickHouseTime(Math.max(...ats)),
    },
  );
  const byCustomer = new Map<string, { ticketId: string; at: number }[]>();
  for (const r of rows) {
    const message = { ticketId: r.ticket_id, at: clickHouseTimeMs(r.occurred_at) };
    const messages = byCustomer.get(r.customer_id);
    if (messages) messages.push(message);
    else byCustomer.set(r.customer_id, [message]);
  }
  return lookups.map((lookup, i) => {
    const tickets = new Set<string>();
    for (const message of byCustomer.get(lookup.customerId) ?? []) {
      if (message.ticketId !== lookup.ticketId && message.at >= ats[i]! - WINDOW_MS && message.at < ats[i]!) tickets.add(message.ticketId);
    }
    return tickets.size;
  });
}
