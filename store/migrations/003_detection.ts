// Spike detection and alerting: hourly and per-tag rollups, durable detector state, alerts with
// their lifecycle, product teams' subscriptions and the delivery log.
import { createMaterializedView, createTable, type DdlContext } from '../ddl.js';
import { NEGATIVE_MESSAGE, TABLES } from '../tables.js';

export const version = 3;
export const name = 'detection';

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.eventsPerHour,
      columns: [
        'tenant_id LowCardinality(String)',
        "hour DateTime('UTC')",
        'kind LowCardinality(String)',
        'channel LowCardinality(String)',
        'segment LowCardinality(String)',
        'topic LowCardinality(String)',
        'events AggregateFunction(uniqExact, String)',
        // Customer messages with negative sentiment (the negative-sentiment share's numerator).
        'negative AggregateFunction(uniqExact, String)',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(hour)',
      orderBy: '(tenant_id, hour, kind, channel, segment, topic)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    createMaterializedView(ctx, {
      name: TABLES.eventsPerHourView,
      to: TABLES.eventsPerHour,
      from: TABLES.ticketEvents,
      select:
        "SELECT tenant_id, toStartOfHour(occurred_at) AS hour, kind, channel, if(segment != '', segment, plan) AS segment, topic, " +
        `uniqExactState(event_id) AS events, uniqExactStateIf(event_id, ${NEGATIVE_MESSAGE}) AS negative FROM {from} GROUP BY tenant_id, hour, kind, channel, segment, topic`,
    }),
    ...createTable(ctx, {
      name: TABLES.tagEventsPerMinute,
      columns: [
        'tenant_id LowCardinality(String)',
        "minute DateTime('UTC')",
        'kind LowCardinality(String)',
        'tag String',
        'events AggregateFunction(uniqExact, String)',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(minute)',
      orderBy: '(tenant_id, minute, kind, tag)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    createMaterializedView(ctx, {
      name: TABLES.tagEventsPerMinuteView,
      to: TABLES.tagEventsPerMinute,
      from: TABLES.ticketEvents,
      select:
        'SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, tag, uniqExactState(event_id) AS events ' +
        'FROM {from} ARRAY JOIN tags AS tag GROUP BY tenant_id, minute, kind, tag',
    }),
    ...createTable(ctx, {
      name: TABLES.detectorState,
      columns: [
        'tenant_id LowCardinality(String)',
        // e.g. "topic=billing", "channel=email", "all"
        'series String',
        // Last minute fed to the detector: the next run continues after it (no re-fired alerts).
        "last_minute DateTime('UTC')",
        'snapshot String',
        "updated_at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      orderBy: '(tenant_id, series)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.alerts,
      columns: [
        'tenant_id LowCardinality(String)',
        'alert_id String',
        'series String',
        'dimension LowCardinality(String)',
        'value String',
        'status LowCardinality(String)',
        'severity LowCardinality(String)',
        'score Float64',
        'observed Float64',
        'expected Float64',
        'lower Float64',
        'upper Float64',
        "started_at DateTime('UTC')",
        "last_anomaly_at DateTime('UTC')",
        "resolved_at Nullable(DateTime('UTC'))",
        'notified_severity LowCardinality(String)',
        'quiet_minutes UInt32',
        'version UInt64',
        "updated_at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'version',
      partitionBy: 'toYYYYMM(started_at)',
      orderBy: '(tenant_id, alert_id)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.alertSubscriptions,
      columns: [
        'tenant_id LowCardinality(String)',
        'subscription_id String',
        'name String',
        'dimension LowCardinality(String)',
        'values Array(String)',
        'min_severity LowCardinality(String)',
        'target_url String',
        'format LowCardinality(String)',
        'secret String',
        'deleted UInt8',
        "created_at DateTime64(3, 'UTC')",
        "updated_at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'updated_at',
      orderBy: '(tenant_id, subscription_id)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.alertDeliveries,
      columns: [
        'tenant_id LowCardinality(String)',
        'delivery_id String',
        'alert_id String',
        'subscription_id String',
        'notice LowCardinality(String)',
        'status LowCardinality(String)',
        'attempts UInt32',
        'http_status UInt16',
        'error String',
        "at DateTime64(3, 'UTC')",
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'at',
      orderBy: '(tenant_id, delivery_id)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
  ];
}
