// Tenant settings as a history of changes: one row per save of one kind of settings (reward weights
// or strategy-bandit settings), so the settings in force at any date can be read back (the bandit as
// of a date uses the settings of that date) and saving one kind never rewrites the other (no
// read-then-write between two PUTs). The single-row table of migrations 004/005 is copied in and
// dropped.
import { createTable, dropTable, type DdlContext } from '../ddl.js';
import { RETIRED_TABLES, TABLES } from '../tables.js';

export const version = 6;
export const name = 'setting-changes';

export function statements(ctx: DdlContext): string[] {
  const db = `\`${ctx.db}\``;
  const copy = (kind: string, column: string) =>
    `INSERT INTO ${db}.\`${TABLES.tenantSettingChanges}\` (tenant_id, kind, overrides, updated_at)
SELECT tenant_id, '${kind}', ${column}, updated_at FROM ${db}.\`${RETIRED_TABLES.tenantSettings}\` FINAL WHERE ${column} NOT IN ('', '{}')`;
  return [
    ...createTable(ctx, {
      name: TABLES.tenantSettingChanges,
      columns: [
        'tenant_id LowCardinality(String)',
        // One of store/tenantSettings.ts SETTING_KINDS.
        'kind LowCardinality(String)',
        // JSON of the overrides saved (what the leader set; defaults fill the rest when read).
        'overrides String',
        "updated_at DateTime64(3, 'UTC')",
      ],
      // Replacing on the full key: the same save delivered twice is one change.
      engine: 'ReplacingMergeTree',
      orderBy: '(tenant_id, kind, updated_at)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    copy('reward-weights', 'reward_weights'),
    copy('bandit', 'bandit_settings'),
    ...dropTable(ctx, RETIRED_TABLES.tenantSettings),
  ];
}
