// A detector's seasonal memories stored apart from the rest of its state, in runs of buckets
// (domain/detection/memoryParts.ts) rewritten only when they change: the rest changes every minute,
// a memory one bucket every few minutes, and whole states made every pass write ~1 MB per tenant.
// States stored before keep their memories inline and are split on their next pass.
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 14;
export const name = 'detector-memory-parts';

export function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: TABLES.detectorMemoryParts,
    columns: [
      'tenant_id LowCardinality(String)',
      'series String',
      // 'daily' or 'weekly'
      'memory LowCardinality(String)',
      // buckets from part · BUCKETS_PER_PART on
      'part UInt16',
      // their histories as JSON; '' once the series is retired
      'buckets String',
      "updated_at DateTime64(3, 'UTC')",
    ],
    engine: 'ReplacingMergeTree',
    engineArgs: 'updated_at',
    orderBy: '(tenant_id, series, memory, part)',
    shardingKey: 'cityHash64(tenant_id)',
  });
}
