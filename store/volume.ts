// Ticket-event volume over time from the per-minute rollup (distinct event ids per bucket).
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export const VOLUME_DIMENSIONS = ['kind', 'channel', 'segment', 'topic'] as const;
export type VolumeDimension = (typeof VOLUME_DIMENSIONS)[number];

export interface VolumeQuery {
  from: string;
  to: string;
  stepSeconds: number;
  groupBy?: VolumeDimension;
  kind?: string;
}

export interface VolumePoint {
  bucket: string;
  key: string;
  count: number;
}

export async function volumeOverTime(ch: ClickHouse, tenantId: string, q: VolumeQuery): Promise<VolumePoint[]> {
  // The grouping column comes from a closed list, never from input text.
  const key = q.groupBy && VOLUME_DIMENSIONS.includes(q.groupBy) ? q.groupBy : "''";
  const rows = await ch.query<{ bucket: string; key: string; count: string }>(
    `SELECT toStartOfInterval(minute, toIntervalSecond({step:UInt32})) AS bucket, ${key} AS key, uniqExactMerge(events) AS count
     FROM ${ch.table(TABLES.eventsPerMinute)}
     WHERE tenant_id = {tenantId:String} AND minute >= {from:DateTime64(3)} AND minute < {to:DateTime64(3)}
       AND ({kind:String} = '' OR kind = {kind:String})
     GROUP BY bucket, key ORDER BY bucket, key`,
    { tenantId, step: q.stepSeconds, from: toClickHouseTime(q.from), to: toClickHouseTime(q.to), kind: q.kind ?? '' },
  );
  return rows.map((r) => ({ bucket: fromClickHouseTime(r.bucket), key: r.key, count: Number(r.count) }));
}
