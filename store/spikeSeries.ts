// The series spike detection watches, read from the per-minute rollups: per minute, overall and by
// topic, channel, segment, tag and product area, the events each alert metric reads (domain/alerts.ts
// METRIC_SOURCES: customer messages and how many of them were negative, escalations, reopens). Only
// non-zero minutes come back; the caller fills the zeros (a count series is mostly zeros).
import { METRIC_SOURCES } from '../domain/alerts.js';
import type { AreaMatcher } from '../domain/productAreas.js';
import type { ClickHouse } from './clickhouse.js';
import { areaParams, AREAS_OF_ROW_FROM_PARAMS, clickHouseTimeMs, TABLES, toClickHouseSeconds } from './tables.js';

export const VOLUME_KIND = METRIC_SOURCES.volume.kind;
const WATCHED_KINDS = [...new Set(Object.values(METRIC_SOURCES).map((m) => m.kind))];

export interface SeriesCount {
  /** The base series ("topic=billing", "all"). */
  series: string;
  kind: string;
  minuteMs: number;
  count: number;
  /** Of `count`, the events with negative sentiment (store/tables.ts NEGATIVE_MESSAGE; customer messages only). */
  negative: number;
}

/** Per product area: an area's counts merge the uniqExact states of its rows, so an event in two of its tags counts once. */
const areaSeries = (table: string) => `SELECT concat('area=', area) AS series, kind, minute, uniqExactMerge(events) AS count, uniqExactMerge(negative) AS negative FROM (
       SELECT minute, kind, events, negative, arrayJoin(${AREAS_OF_ROW_FROM_PARAMS}) AS area
       FROM ${table}
       WHERE tenant_id = {tenantId:String} AND kind IN {kinds:Array(String)} AND minute > {after:DateTime} AND minute <= {until:DateTime}
     ) GROUP BY area, kind, minute`;

/**
 * Per base series and minute in (after, until]: the non-zero counts of every series, or with `only`
 * of those base series alone (a new series' history).
 */
export async function seriesCounts(ch: ClickHouse, tenantId: string, afterMs: number, untilMs: number, areas: readonly AreaMatcher[] = [], only?: readonly string[]): Promise<SeriesCount[]> {
  // One pass over the rollup fans each row out to the series it belongs to; merging uniqExact
  // states across rows keeps the counts exact (distinct event ids).
  const union = `SELECT series, kind, minute, uniqExactMerge(events) AS count, uniqExactMerge(negative) AS negative FROM (
       SELECT minute, kind, events, negative, arrayJoin(['all', concat('topic=', topic), concat('channel=', channel), concat('segment=', segment)]) AS series
       FROM ${ch.table(TABLES.eventsPerMinute)}
       WHERE tenant_id = {tenantId:String} AND kind IN {kinds:Array(String)} AND minute > {after:DateTime} AND minute <= {until:DateTime}
     ) WHERE series NOT IN ('topic=', 'channel=', 'segment=') GROUP BY series, kind, minute
     UNION ALL
     SELECT concat('tag=', tag) AS series, kind, minute, uniqExactMerge(events) AS count, uniqExactMerge(negative) AS negative FROM ${ch.table(TABLES.tagEventsPerMinute)}
     WHERE tenant_id = {tenantId:String} AND kind IN {kinds:Array(String)} AND minute > {after:DateTime} AND minute <= {until:DateTime}
     GROUP BY tag, kind, minute
     ${areas.length ? `UNION ALL ${areaSeries(ch.table(TABLES.topicTagsEventsPerMinute))}` : ''}`;
  const rows = await ch.query<{ series: string; kind: string; minute: string; count: string; negative: string }>(
    only ? `SELECT * FROM (${union}) WHERE series IN {only:Array(String)}` : union,
    {
      tenantId,
      kinds: WATCHED_KINDS,
      after: toClickHouseSeconds(afterMs),
      until: toClickHouseSeconds(untilMs),
      ...(areas.length ? areaParams(areas) : {}),
      ...(only ? { only } : {}),
    },
  );
  return rows.map((r) => ({ series: r.series, kind: r.kind, minuteMs: clickHouseTimeMs(r.minute), count: Number(r.count), negative: Number(r.negative) }));
}

/** The first minute the tenant had any customer message: new series are zero back to here. */
export async function firstVolumeMinute(ch: ClickHouse, tenantId: string): Promise<number | undefined> {
  const [row] = await ch.query<{ first: string; n: string }>(
    `SELECT min(minute) AS first, count() AS n FROM ${ch.table(TABLES.eventsPerMinute)} WHERE tenant_id = {tenantId:String} AND kind = {kind:String}`,
    { tenantId, kind: VOLUME_KIND },
  );
  return row && Number(row.n) > 0 ? clickHouseTimeMs(row.first) : undefined;
}
