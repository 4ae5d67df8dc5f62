// The platform spine's tables: tenants, the raw event log, latest ticket state, per-minute volume
// rollups and the record of acknowledged-but-ignored webhooks.
import { createMaterializedView, createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

const customerColumns = [
  'customer_id String',
  'account_id String',
  'plan LowCardinality(String)',
  'segment LowCardinality(String)',
  'customer_role LowCardinality(String)',
  "signup_at Nullable(DateTime64(3, 'UTC'))",
];

export const version = 1;
export const name = 'spine';

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.tenants,
      columns: [
        'tenant_id String',
        'name String',
        // sha256 of each API key: keys are 32 random bytes, so a fast hash is enough (no password stretching needed).
        'api_key_hashes Array(String)',
        // JSON {provider: [{secret, notAfter|null}]}: secrets must stay usable to verify HMACs.
        'webhook_secrets String',
        'disabled UInt8',
        "updated_at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      orderBy: 'tenant_id',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.ticketEvents,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        'event_id String',
        'kind LowCardinality(String)',
        "occurred_at DateTime64(3, 'UTC')",
        "recorded_at DateTime64(3, 'UTC')",
        'provider LowCardinality(String)',
        'channel LowCardinality(String)',
        'tags Array(String)',
        'subject String',
        'body String',
        'author_id String',
        'status LowCardinality(String)',
        'priority LowCardinality(String)',
        'assignee_id String',
        'group_id String',
        'escalation_tier String',
        'csat_score Nullable(Float32)',
        'csat_raw String',
        'csat_comment String',
        ...customerColumns,
        'custom Map(String, String)',
        // Filled by classification on customer messages ('' until it exists).
        'topic LowCardinality(String)',
        'topic_confidence Float32',
        'sentiment Float32',
        'frustration Float32',
        'language LowCardinality(String)',
        // JSON details of lifecycle-derived events (sla.breached, ticket.outcome).
        'details String',
      ],
      // A retried insert of the same event id collapses to one row; queries read with FINAL.
      engine: 'ReplacingMergeTree',
      engineArgs: 'recorded_at',
      partitionBy: 'toYYYYMM(occurred_at)',
      orderBy: '(tenant_id, ticket_id, event_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.tickets,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        // Number of events the lifecycle has applied: later state wins.
        'version UInt64',
        'status LowCardinality(String)',
        'provider LowCardinality(String)',
        'channel LowCardinality(String)',
        'subject String',
        'priority LowCardinality(String)',
        'tags Array(String)',
        'topic LowCardinality(String)',
        ...customerColumns,
        'assignee_id String',
        'group_id String',
        "created_at DateTime64(3, 'UTC')",
        "first_response_at Nullable(DateTime64(3, 'UTC'))",
        "solved_at Nullable(DateTime64(3, 'UTC'))",
        "updated_at DateTime64(3, 'UTC')",
        'customer_messages UInt32',
        'agent_replies UInt32',
        'follow_ups UInt32',
        'reopens UInt32',
        'escalations UInt32',
        'sla_breached UInt8',
        'csat_score Nullable(Float32)',
        'outcome_recorded UInt8',
        // The lifecycle's full TicketState, so a later workflow run for this ticket resumes exactly.
        'state_json String',
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      orderBy: '(tenant_id, ticket_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.eventsPerMinute,
      columns: [
        'tenant_id LowCardinality(String)',
        "minute DateTime('UTC')",
        'kind LowCardinality(String)',
        'channel LowCardinality(String)',
        'segment LowCardinality(String)',
        'topic LowCardinality(String)',
        // Distinct event ids, not a row count: a retried insert cannot double-count volume.
        'events AggregateFunction(uniqExact, String)',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(minute)',
      orderBy: '(tenant_id, minute, kind, channel, segment, topic)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    createMaterializedView(ctx, {
      name: TABLES.eventsPerMinuteView,
      to: TABLES.eventsPerMinute,
      from: TABLES.ticketEvents,
      select:
        "SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, channel, if(segment != '', segment, plan) AS segment, topic, " +
        'uniqExactState(event_id) AS events FROM {from} GROUP BY tenant_id, minute, kind, channel, segment, topic',
    }),
    ...createTable(ctx, {
      name: TABLES.ignoredWebhooks,
      columns: [
        'tenant_id LowCardinality(String)',
        "received_at DateTime64(3, 'UTC')",
        'provider LowCardinality(String)',
        'event_type String',
        'reason String',
        'body_sha256 String',
      ],
      engine: 'MergeTree',
      partitionBy: 'toYYYYMM(received_at)',
      orderBy: '(tenant_id, received_at)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
  ];
}
