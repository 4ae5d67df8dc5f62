// Every slice of an event in one per-minute rollup (topic, channel, segment and tag set together), so
// that what drove an alert (domain/alertContributors.ts) is read the same way for every series: a
// tag's or a product area's alert names the channels and segments that rose too, a channel's the
// tags and areas. The other per-minute rollups each lack one side (events_per_minute has no tags,
// topic_tags_events_per_minute no channel or segment). The events already stored are copied in once,
// after the view counts new ones (distinct event ids: an event both copied and counted counts once).
import { backfillFromView, createMaterializedView, createTable, type DdlContext, type ViewDef } from '../ddl.js';
import { NEGATIVE_MESSAGE, TABLES } from '../tables.js';

export const version = 12;
export const name = 'slice-rollup';

const slicesPerMinute: ViewDef = {
  name: TABLES.sliceEventsPerMinuteView,
  to: TABLES.sliceEventsPerMinute,
  from: TABLES.ticketEvents,
  select:
    "SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, topic, channel, if(segment != '', segment, plan) AS segment, arraySort(arrayDistinct(tags)) AS tag_set, " +
    `uniqExactState(event_id) AS events, uniqExactStateIf(event_id, ${NEGATIVE_MESSAGE}) AS negative FROM {from} GROUP BY tenant_id, minute, kind, topic, channel, segment, tag_set`,
};

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.sliceEventsPerMinute,
      columns: [
        'tenant_id LowCardinality(String)',
        "minute DateTime('UTC')",
        'kind LowCardinality(String)',
        'topic LowCardinality(String)',
        'channel LowCardinality(String)',
        'segment LowCardinality(String)',
        // The event's tags, sorted, each once.
        'tag_set Array(String)',
        'events AggregateFunction(uniqExact, String)',
        'negative AggregateFunction(uniqExact, String)',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(minute)',
      orderBy: '(tenant_id, minute, kind, topic, channel, segment, tag_set)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    createMaterializedView(ctx, slicesPerMinute),
    backfillFromView(ctx, slicesPerMinute),
  ];
}
