// Silences of alert notices (domain/alertSilences.ts): one row per silence and change (expiring one
// early rewrites its end), the latest kept.
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 15;
export const name = 'alert-silences';

export function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: TABLES.alertSilences,
    columns: [
      'tenant_id LowCardinality(String)',
      'silence_id String',
      // the series filter, as a subscription's: '' = every dimension, [] = any value / every metric
      'dimension LowCardinality(String)',
      'values Array(String)',
      'metrics Array(String)',
      "starts_at DateTime64(3, 'UTC')",
      "ends_at DateTime64(3, 'UTC')",
      'comment String',
      'created_by String',
      "created_at DateTime64(3, 'UTC')",
      "updated_at DateTime64(3, 'UTC')",
    ],
    engine: 'ReplacingMergeTree',
    engineArgs: 'updated_at',
    orderBy: '(tenant_id, silence_id)',
    shardingKey: 'cityHash64(tenant_id)',
  });
}
