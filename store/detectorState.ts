// Durable detector state per tenant and series: the next scheduled run continues where the last
// stopped, so a restart neither loses history nor re-fires old alerts.
import type { SeriesSnapshot } from '../domain/spikeDetection.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds, toClickHouseTime } from './tables.js';

export interface SeriesDetectorState {
  series: string;
  lastMinuteMs: number;
  snapshot: SeriesSnapshot;
  /** What an area series counted (domain/productAreas.ts areaDefinition); '' for every other series. */
  definition: string;
}

export async function loadDetectorStates(ch: ClickHouse, tenantId: string): Promise<SeriesDetectorState[]> {
  const rows = await ch.query<{ series: string; last_minute: string; snapshot: string; definition: string }>(
    `SELECT series, last_minute, snapshot, definition FROM ${ch.table(TABLES.detectorState)} FINAL WHERE tenant_id = {tenantId:String}`,
    { tenantId },
  );
  return rows.map((r) => ({ series: r.series, lastMinuteMs: clickHouseTimeMs(r.last_minute), snapshot: JSON.parse(r.snapshot) as SeriesSnapshot, definition: r.definition }));
}

export function writeDetectorStates(writer: BatchingWriter, tenantId: string, states: readonly SeriesDetectorState[], nowMs: number): Promise<void> {
  return writer.write(
    TABLES.detectorState,
    states.map((s) => ({
      tenant_id: tenantId,
      series: s.series,
      last_minute: toClickHouseSeconds(s.lastMinuteMs),
      snapshot: JSON.stringify(s.snapshot),
      definition: s.definition,
      updated_at: toClickHouseTime(nowMs),
    })),
  );
}
