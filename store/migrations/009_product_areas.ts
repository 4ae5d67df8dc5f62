// Product areas (domain/productAreas.ts) as detected series: a per-minute rollup by topic and tag set,
// so that an area — any of its tags, or its topic — counts each event once however the tenant
// defines or redefines its areas; and the detector state records what an area series counted, so an
// area whose tags or topics change is learned again. The events already stored are copied in once,
// after the view counts new ones (distinct event ids: an event both copied and counted counts once).
import { addColumns, backfillFromView, createMaterializedView, createTable, type DdlContext, type ViewDef } from '../ddl.js';
import { NEGATIVE_MESSAGE, TABLES } from '../tables.js';

export const version = 9;
export const name = 'product-areas';

const topicTagsPerMinute: ViewDef = {
  name: TABLES.topicTagsEventsPerMinuteView,
  to: TABLES.topicTagsEventsPerMinute,
  from: TABLES.ticketEvents,
  select:
    'SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, topic, arraySort(arrayDistinct(tags)) AS tag_set, ' +
    `uniqExactState(event_id) AS events, uniqExactStateIf(event_id, ${NEGATIVE_MESSAGE}) AS negative FROM {from} GROUP BY tenant_id, minute, kind, topic, tag_set`,
};

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.topicTagsEventsPerMinute,
      columns: [
        'tenant_id LowCardinality(String)',
        "minute DateTime('UTC')",
        'kind LowCardinality(String)',
        'topic LowCardinality(String)',
        // The event's tags, sorted, each once.
        'tag_set Array(String)',
        'events AggregateFunction(uniqExact, String)',
        'negative AggregateFunction(uniqExact, String)',
      ],
      engine: 'AggregatingMergeTree',
      partitionBy: 'toYYYYMM(minute)',
      orderBy: '(tenant_id, minute, kind, topic, tag_set)',
      shardingKey: 'cityHash64(tenant_id)',
    }),
    createMaterializedView(ctx, topicTagsPerMinute),
    backfillFromView(ctx, topicTagsPerMinute),
    // What an area series counted (domain/productAreas.ts areaDefinition); '' for every other series.
    ...addColumns(ctx, TABLES.detectorState, ["definition String DEFAULT ''"]),
  ];
}
