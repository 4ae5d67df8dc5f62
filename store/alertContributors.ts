// The counts behind an alert's contributors (domain/alertContributors.ts): per slice of the alerting
// series — its topics, channels, segments, tags and product areas, all from the one per-minute rollup
// that keeps them together (migration 012) — the events of the series' metric in the window before
// the notice and in the same window of each previous week. Read only for alerts a detection pass has
// just reported.
import { CONTRIBUTOR_USUAL_WEEKS, CONTRIBUTOR_WINDOW_MINUTES, WEEK_MS, type SliceWeekCount } from '../domain/alertContributors.js';
import { METRIC_SOURCES, parseSeries } from '../domain/alerts.js';
import type { AreaMatcher } from '../domain/productAreas.js';
import type { ClickHouse } from './clickhouse.js';
import { areaParams, AREAS_OF_ROW_FROM_PARAMS, TABLES, toClickHouseSeconds } from './tables.js';

const WEEK_SECONDS = WEEK_MS / 1000;
const MINUTE_MS = 60_000;

/** The rollup rows of each series dimension. */
const ROWS_OF: Record<string, string | undefined> = {
  all: '1',
  topic: 'topic = {value:String}',
  channel: 'channel = {value:String}',
  segment: 'segment = {value:String}',
  tag: 'has(tag_set, {value:String})',
  area: `has(${AREAS_OF_ROW_FROM_PARAMS}, {value:String})`,
};

/** Week 0 = the window ending at `endMs` (its last minute), week w = the same window w weeks before. */
export async function sliceWeekCounts(ch: ClickHouse, tenantId: string, series: string, endMs: number, areas: readonly AreaMatcher[]): Promise<SliceWeekCount[]> {
  const { metric, dimension, value } = parseSeries(series);
  const rows = ROWS_OF[dimension];
  if (!rows || (dimension === 'area' && !areas.some((a) => a.name === value))) return [];
  const { kind, measure } = METRIC_SOURCES[metric];
  const state = measure === 'negativeShare' ? 'negative' : 'events';
  const windows = `minute <= {end:DateTime} AND minute > {from:DateTime} AND (toUInt32({end:DateTime}) - toUInt32(minute)) % ${WEEK_SECONDS} < ${CONTRIBUTOR_WINDOW_MINUTES * 60}`;
  // ('', '') is the whole series; a row's slices are its topic, channel, segment, each tag and each area.
  const areaSlices = areas.length ? `, arrayMap(a -> ('area', a), ${AREAS_OF_ROW_FROM_PARAMS})` : '';
  const slices = `arrayConcat([('', ''), ('topic', toString(topic)), ('channel', toString(channel)), ('segment', toString(segment))], arrayMap(t -> ('tag', t), tag_set)${areaSlices})`;
  const counted = await ch.query<{ dimension: string; value: string; week: string; count: string }>(
    `SELECT slice.1 AS dimension, slice.2 AS value, intDiv(toUInt32({end:DateTime}) - toUInt32(minute), ${WEEK_SECONDS}) AS week, uniqExactMerge(${state}) AS count
     FROM (SELECT minute, ${state}, arrayJoin(${slices}) AS slice FROM ${ch.table(TABLES.sliceEventsPerMinute)}
           WHERE tenant_id = {tenantId:String} AND kind = {kind:String} AND ${windows} AND ${rows})
     WHERE slice.1 = '' OR slice.2 != ''
     GROUP BY dimension, value, week`,
    {
      tenantId,
      kind,
      value,
      end: toClickHouseSeconds(endMs),
      from: toClickHouseSeconds(endMs - CONTRIBUTOR_USUAL_WEEKS * WEEK_MS - CONTRIBUTOR_WINDOW_MINUTES * MINUTE_MS),
      ...areaParams(areas),
    },
  );
  return counted.map((r) => ({ dimension: r.dimension, value: r.value, week: Number(r.week), count: Number(r.count) }));
}
