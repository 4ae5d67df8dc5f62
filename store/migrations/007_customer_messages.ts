// The customers' messages by customer: what the strategy bandit's "other tickets in the last 30
// days" context reads on every draft (store/customerHistory.ts). ticket_events is sorted by ticket,
// so reading one customer's messages there scanned all of the tenant's events on the hot path;
// here a customer's messages are one short range of the primary key. A materialized view fills it
// from every new customer message; the messages already stored are copied in once (after the view
// exists, so none is missed; a message both copied and caught by the view counts once, as the
// lookup counts distinct tickets).
import { createMaterializedView, createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 7;
export const name = 'customer-messages';

const MESSAGES = "kind = 'message.customer' AND customer_id != ''";

export function statements(ctx: DdlContext): string[] {
  const db = `\`${ctx.db}\``;
  return [
    ...createTable(ctx, {
      name: TABLES.customerMessages,
      columns: ['tenant_id LowCardinality(String)', 'customer_id String', "occurred_at DateTime64(3, 'UTC')", 'ticket_id String', 'event_id String'],
      engine: 'ReplacingMergeTree',
      orderBy: '(tenant_id, customer_id, occurred_at, ticket_id, event_id)',
      shardingKey: 'cityHash64(tenant_id, customer_id)',
    }),
    createMaterializedView(ctx, {
      name: TABLES.customerMessagesView,
      to: TABLES.customerMessages,
      from: TABLES.ticketEvents,
      select: `SELECT tenant_id, customer_id, occurred_at, ticket_id, event_id FROM {from} WHERE ${MESSAGES}`,
    }),
    `INSERT INTO ${db}.\`${TABLES.customerMessages}\` (tenant_id, customer_id, occurred_at, ticket_id, event_id)
SELECT tenant_id, customer_id, occurred_at, ticket_id, event_id FROM ${db}.\`${TABLES.ticketEvents}\` WHERE ${MESSAGES}`,
  ];
}
