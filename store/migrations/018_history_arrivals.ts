// History written for minutes detection has already fed (an import of past tickets): one row per
// write, so the next detection pass starts the series it covers over on the completed history
// instead of continuing from states that counted those minutes as empty (store/historyArrivals.ts).
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 18;
export const name = 'history-arrivals';

export function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: TABLES.historyArrivals,
    columns: [
      'tenant_id LowCardinality(String)',
      // when the history was durably stored: a detection pass that began before it may not have read it
      "arrived_at DateTime64(3, 'UTC')",
      // the earliest event time it holds
      "earliest DateTime64(3, 'UTC')",
      'events UInt32',
    ],
    engine: 'MergeTree',
    orderBy: '(tenant_id, arrived_at)',
    shardingKey: 'cityHash64(tenant_id)',
  });
}
