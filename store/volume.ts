// Ticket-event volume over time from the per-minute rollups (distinct event ids per bucket): overall,
// by a column of the rollup, by tag, or by product area (the tenant's areas, the membership detection uses).
import type { AreaMatcher } from '../domain/productAreas.js';
import type { ClickHouse } from './clickhouse.js';
import { areaParams, AREAS_OF_ROW_FROM_PARAMS, fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export const VOLUME_DIMENSIONS = ['kind', 'channel', 'segment', 'topic', 'tag', 'area'] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

/** Where each grouping reads and the key it groups by (a closed list: never built from input text). */
const GROUPINGS: Record<VolumeDimension | 'none', { table: string; key: string }> = {
  none: { table: TABLES.eventsPerMinute, key: "''" },
  kind: { table: TABLES.eventsPerMinute, key: 'kind' },
  channel: { table: TABLES.eventsPerMinute, key: 'channel' },
  segment: { table: TABLES.eventsPerMinute, key: 'segment' },
  topic: { table: TABLES.eventsPerMinute, key: 'topic' },
  tag: { table: TABLES.tagEventsPerMinute, key: 'tag' },
  area: { table: TABLES.topicTagsEventsPerMinute, key: `arrayJoin(${AREAS_OF_ROW_FROM_PARAMS})` },
};

export interface VolumeQuery {
  from: string;
  to: string;
  stepSeconds: number;
  groupBy?: VolumeDimension;
  kind?: string;
  /** The tenant's product areas, for groupBy area. */
  areas?: readonly AreaMatcher[];
}

export interface VolumePoint {
  bucket: string;
  key: string;
  count: number;
}

export async function volumeOverTime(ch: ClickHouse, tenantId: string, q: VolumeQuery): Promise<VolumePoint[]> {
  const { table, key } = GROUPINGS[q.groupBy ?? 'none'];
  const areas = q.areas ?? [];
  if (q.groupBy === 'area' && areas.length === 0) return [];
  const rows = await ch.query<{ bucket: string; key: string; count: string }>(
    `SELECT toStartOfInterval(minute, toIntervalSecond({step:UInt32})) AS bucket, ${key} AS key, uniqExactMerge(events) AS count
     FROM ${ch.table(table)}
     WHERE tenant_id = {tenantId:String} AND minute >= {from:DateTime64(3)} AND minute < {to:DateTime64(3)}
       AND ({kind:String} = '' OR kind = {kind:String})
     GROUP BY bucket, key ORDER BY bucket, key`,
    {
      tenantId,
      step: q.stepSeconds,
      from: toClickHouseTime(q.from),
      to: toClickHouseTime(q.to),
      kind: q.kind ?? '',
      ...(q.groupBy === 'area' ? areaParams(areas) : {}),
    },
  );
  return rows.map((r) => ({ bucket: fromClickHouseTime(r.bucket), key: r.key, count: Number(r.count) }));
}
