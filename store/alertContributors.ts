// The counts behind an alert's contributors (domain/alertContributors.ts): per slice of the alerting
// series — topic, channel and segment from the per-minute rollup, tag and product area from the
// topic × tag-set rollup — the events of the series' metric in the window before the notice and in
// the same window of each previous week. Read only for alerts a detection pass has just reported.
import { CONTRIBUTOR_USUAL_WEEKS, CONTRIBUTOR_WINDOW_MINUTES, WEEK_MS, type SliceWeekCount } from '../domain/alertContributors.js';
import { METRIC_SOURCES, parseSeries } from '../domain/alerts.js';
import type { AreaMatcher } from '../domain/productAreas.js';
import type { ClickHouse } from './clickhouse.js';
import { areaParams, AREAS_OF_ROW_FROM_PARAMS, TABLES, toClickHouseSeconds } from './tables.js';

const WEEK_SECONDS = WEEK_MS / 1000;
const MINUTE_MS = 60_000;

/** Series dimensions the per-minute rollup can select rows of, and those the topic × tag-set rollup can. */
const BY_MINUTE_ROLLUP: Record<string, string | undefined> = { all: '1', topic: 'topic = {value:String}', channel: 'channel = {value:String}', segment: 'segment = {value:String}' };
const BY_TAG_SET_ROLLUP: Record<string, string | undefined> = { all: '1', topic: 'topic = {value:String}', tag: 'has(tag_set, {value:String})', area: `has(${AREAS_OF_ROW_FROM_PARAMS}, {value:String})` };

/** Week 0 = the window ending at `endMs` (its last minute), week w = the same window w weeks before. */
export async function sliceWeekCounts(ch: ClickHouse, tenantId: string, series: string, endMs: number, areas: readonly AreaMatcher[]): Promise<SliceWeekCount[]> {
  const { metric, dimension, value } = parseSeries(series);
  if (dimension === 'area' && !areas.some((a) => a.name === value)) return [];
  const { kind, measure } = METRIC_SOURCES[metric];
  const state = measure === 'negativeShare' ? 'negative' : 'events';
  const windows = `minute <= {end:DateTime} AND minute > {from:DateTime} AND (toUInt32({end:DateTime}) - toUInt32(minute)) % ${WEEK_SECONDS} < ${CONTRIBUTOR_WINDOW_MINUTES * 60}`;
  const counted = (table: string, slices: string, rows: string) => `SELECT slice.1 AS dimension, slice.2 AS value, intDiv(toUInt32({end:DateTime}) - toUInt32(minute), ${WEEK_SECONDS}) AS week, uniqExactMerge(${state}) AS count
     FROM (SELECT minute, ${state}, arrayJoin(${slices}) AS slice FROM ${ch.table(table)}
           WHERE tenant_id = {tenantId:String} AND kind = {kind:String} AND ${windows} AND ${rows})
     WHERE slice.1 = '' OR slice.2 != ''
     GROUP BY dimension, value, week`;
  const byMinute = BY_MINUTE_ROLLUP[dimension];
  const byTagSet = BY_TAG_SET_ROLLUP[dimension];
  const areaSlices = areas.length ? `, arrayMap(a -> ('area', a), ${AREAS_OF_ROW_FROM_PARAMS})` : '';
  const parts = [
    byMinute && counted(TABLES.eventsPerMinute, "[('', ''), ('topic', toString(topic)), ('channel', toString(channel)), ('segment', toString(segment))]", byMinute),
    // The whole series and its topics come from the per-minute rollup when it can select the series.
    byTagSet && counted(TABLES.topicTagsEventsPerMinute, `arrayConcat(${byMinute ? '' : "[('', ''), ('topic', toString(topic))], "}arrayMap(t -> ('tag', t), tag_set)${areaSlices})`, byTagSet),
  ].filter((p): p is string => typeof p === 'string' && p !== '');
  const rows = await ch.query<{ dimension: string; value: string; week: string; count: string }>(parts.join('\nUNION ALL\n'), {
    tenantId,
    kind,
    value,
    end: toClickHouseSeconds(endMs),
    from: toClickHouseSeconds(endMs - CONTRIBUTOR_USUAL_WEEKS * WEEK_MS - CONTRIBUTOR_WINDOW_MINUTES * MINUTE_MS),
    ...areaParams(areas),
  });
  return rows.map((r) => ({ dimension: r.dimension, value: r.value, week: Number(r.week), count: Number(r.count) }));
}
