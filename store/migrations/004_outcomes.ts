// Learning from outcomes: the reward of every closed ticket with its readable components, and
// per-tenant settings (reward weights a support leader configures).
import { createTable, type DdlContext } from '../ddl.js';
import { RETIRED_TABLES, TABLES } from '../tables.js';

export const version = 4;
export const name = 'outcomes';

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.ticketRewards,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        'outcome_event_id String',
        "at DateTime64(3, 'UTC')",
        'reward Float64',
        // JSON [{name, label, value, weight, contribution, range}]: why the reward is what it is.
        'components String',
        // JSON of the weights in force when it was computed.
        'weights String',
        'channel LowCardinality(String)',
        'segment LowCardinality(String)',
        'plan LowCardinality(String)',
        'topic LowCardinality(String)',
        "recorded_at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'recorded_at',
      partitionBy: 'toYYYYMM(at)',
      orderBy: '(tenant_id, ticket_id, outcome_event_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
    ...createTable(ctx, {
      name: RETIRED_TABLES.tenantSettings,
      columns: ['tenant_id LowCardinality(String)', 'reward_weights String', "updated_at DateTime64(3, 'UTC')"],
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      orderBy: 'tenant_id',
      shardingKey: 'cityHash64(tenant_id)',
    }),
  ];
}
