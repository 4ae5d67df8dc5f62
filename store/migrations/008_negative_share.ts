// The negative-sentiment share as a detected series: the per-minute rollups detection reads (overall
// and by topic/channel/segment, and by tag) also count negative customer messages, alerts record
// which metric fired, and subscriptions can choose metrics. Existing negative messages are copied
// into the rollups once, after the views count new ones (so none is missed): the rollups count
// distinct event ids, so a message both copied and counted by a view counts once, and its volume
// count is unchanged.
import { addColumns, alterMaterializedViewQuery, backfillFromView, type DdlContext, type ViewDef } from '../ddl.js';
import { NEGATIVE_MESSAGE, TABLES } from '../tables.js';

export const version = 8;
export const name = 'negative-share';

const NEGATIVE = 'negative AggregateFunction(uniqExact, String)';

/** The per-minute views with the negative count (migration 001's and 003's queries plus one column). */
const perMinute: ViewDef = {
  name: TABLES.eventsPerMinuteView,
  to: TABLES.eventsPerMinute,
  from: TABLES.ticketEvents,
  select:
    "SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, channel, if(segment != '', segment, plan) AS segment, topic, " +
    `uniqExactState(event_id) AS events, uniqExactStateIf(event_id, ${NEGATIVE_MESSAGE}) AS negative FROM {from} GROUP BY tenant_id, minute, kind, channel, segment, topic`,
};
const tagsPerMinute: ViewDef = {
  name: TABLES.tagEventsPerMinuteView,
  to: TABLES.tagEventsPerMinute,
  from: TABLES.ticketEvents,
  select:
    `SELECT tenant_id, toStartOfMinute(occurred_at) AS minute, kind, tag, uniqExactState(event_id) AS events, uniqExactStateIf(event_id, ${NEGATIVE_MESSAGE}) AS negative ` +
    'FROM {from} ARRAY JOIN tags AS tag GROUP BY tenant_id, minute, kind, tag',
};

export function statements(ctx: DdlContext): string[] {
  return [
    ...addColumns(ctx, TABLES.eventsPerMinute, [NEGATIVE]),
    ...addColumns(ctx, TABLES.tagEventsPerMinute, [NEGATIVE]),
    alterMaterializedViewQuery(ctx, perMinute),
    alterMaterializedViewQuery(ctx, tagsPerMinute),
    backfillFromView(ctx, perMinute, NEGATIVE_MESSAGE),
    backfillFromView(ctx, tagsPerMinute, NEGATIVE_MESSAGE),
    ...addColumns(ctx, TABLES.alerts, ["metric LowCardinality(String) DEFAULT 'volume'"]),
    ...addColumns(ctx, TABLES.alertSubscriptions, ['metrics Array(String)']),
  ];
}
