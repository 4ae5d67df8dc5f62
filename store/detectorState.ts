// Durable detector state per tenant and series: the next scheduled run continues where the last
// stopped, so a restart neither loses history nor re-fires old alerts. A retired series (dormant
// longer than its detector remembers) is stored as a row without a snapshot: it is not loaded, and
// should it come back it starts over like a series never seen.
import type { SeriesSnapshot } from '../domain/spikeDetection.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds, toClickHouseTime } from './tables.js';

export interface SeriesDetectorState {
  series: string;
  lastMinuteMs: number;
  /** The last minute with an event in the series (retirement reads it). */
  lastEventMs: number;
  snapshot: SeriesSnapshot;
  /** What an area series counted (domain/productAreas.ts areaDefinition); '' for every other series. */
  definition: string;
}

/** The snapshot column of a retired series. */
const RETIRED = '';

/** The tenant's watched series (retired ones left out). */
export async function loadDetectorStates(ch: ClickHouse, tenantId: string): Promise<SeriesDetectorState[]> {
  const rows = await ch.query<{ series: string; last_minute: string; last_event: string; snapshot: string; definition: string }>(
    `SELECT series, last_minute, last_event, snapshot, definition FROM ${ch.table(TABLES.detectorState)} FINAL WHERE tenant_id = {tenantId:String}`,
    { tenantId },
  );
  return rows
    .filter((r) => r.snapshot !== RETIRED)
    .map((r) => ({ series: r.series, lastMinuteMs: clickHouseTimeMs(r.last_minute), lastEventMs: clickHouseTimeMs(r.last_event), snapshot: JSON.parse(r.snapshot) as SeriesSnapshot, definition: r.definition }));
}

export function writeDetectorStates(
  writer: BatchingWriter,
  tenantId: string,
  states: readonly SeriesDetectorState[],
  retired: readonly Pick<SeriesDetectorState, 'series' | 'lastMinuteMs' | 'lastEventMs'>[],
  nowMs: number,
): Promise<void> {
  const row = (s: Pick<SeriesDetectorState, 'series' | 'lastMinuteMs' | 'lastEventMs'>, snapshot: string, definition: string) => ({
    tenant_id: tenantId,
    series: s.series,
    last_minute: toClickHouseSeconds(s.lastMinuteMs),
    last_event: toClickHouseSeconds(s.lastEventMs),
    snapshot,
    definition,
    updated_at: toClickHouseTime(nowMs),
  });
  return writer.write(TABLES.detectorState, [...states.map((s) => row(s, JSON.stringify(s.snapshot), s.definition)), ...retired.map((s) => row(s, RETIRED, ''))]);
}
