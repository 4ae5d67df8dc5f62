// The series spike detection watches: customer messages per minute, and how many of them were
// negative, overall and by topic, channel, segment and tag, read from the per-minute rollups. Only
// non-zero minutes come back; the caller fills the zeros (a count series is mostly zeros).
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds } from './tables.js';

export const VOLUME_KIND = 'message.customer';

export interface SeriesCount {
  series: string;
  minuteMs: number;
  count: number;
  /** Of `count`, the messages with negative sentiment (store/tables.ts NEGATIVE_MESSAGE). */
  negative: number;
}

export async function seriesCounts(ch: ClickHouse, tenantId: string, afterMs: number, untilMs: number): Promise<SeriesCount[]> {
  // One pass over the rollup fans each row out to the series it belongs to; merging uniqExact
  // states across rows keeps the counts exact (distinct event ids).
  const rows = await ch.query<{ series: string; minute: string; count: string; negative: string }>(
    `SELECT series, minute, uniqExactMerge(events) AS count, uniqExactMerge(negative) AS negative FROM (
       SELECT minute, events, negative, arrayJoin(['all', concat('topic=', topic), concat('channel=', channel), concat('segment=', segment)]) AS series
       FROM ${ch.table(TABLES.eventsPerMinute)}
       WHERE tenant_id = {tenantId:String} AND kind = {kind:String} AND minute > {after:DateTime} AND minute <= {until:DateTime}
     ) WHERE series NOT IN ('topic=', 'channel=', 'segment=') GROUP BY series, minute
     UNION ALL
     SELECT concat('tag=', tag) AS series, minute, uniqExactMerge(events) AS count, uniqExactMerge(negative) AS negative FROM ${ch.table(TABLES.tagEventsPerMinute)}
     WHERE tenant_id = {tenantId:String} AND kind = {kind:String} AND minute > {after:DateTime} AND minute <= {until:DateTime}
     GROUP BY tag, minute`,
    { tenantId, kind: VOLUME_KIND, after: toClickHouseSeconds(afterMs), until: toClickHouseSeconds(untilMs) },
  );
  return rows.map((r) => ({ series: r.series, minuteMs: clickHouseTimeMs(r.minute), count: Number(r.count), negative: Number(r.negative) }));
}

/** The first minute the tenant had any customer message: new series are zero back to here. */
export async function firstVolumeMinute(ch: ClickHouse, tenantId: string): Promise<number | undefined> {
  const [row] = await ch.query<{ first: string; n: string }>(
    `SELECT min(minute) AS first, count() AS n FROM ${ch.table(TABLES.eventsPerMinute)} WHERE tenant_id = {tenantId:String} AND kind = {kind:String}`,
    { tenantId, kind: VOLUME_KIND },
  );
  return row && Number(row.n) > 0 ? clickHouseTimeMs(row.first) : undefined;
}
