// History that arrives for minutes detection may already have fed (an import of past tickets). A
// pass continues each series from its stored state and re-reads only the minutes its count windows
// hold, so without this an import that lands while detection runs (a new tenant's first passes come
// within a minute of its creation) leaves series that learned the not-yet-imported weeks as empty:
// near-zero expectations and alerts on every topic. A pass that began before an arrival starts the
// series it covers over on the stored history (activities/detection.ts); an import announces its
// history as it writes it too, and while arrivals keep coming those series wait rather than replay
// weeks at every pass.
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseTime } from './tables.js';

export interface HistoryArrival {
  /** When the history was durably stored (written after its events), or began to be (events 0). */
  arrivedAtMs: number;
  /** Its earliest event time. */
  earliestMs: number;
  /** How many events were stored; 0 announces history on its way (detection waits for it). */
  events: number;
}

/** Records history stored for a tenant once its events are durably written, or announces it (events 0) as they are written. */
export async function writeHistoryArrival(writer: BatchingWriter, tenantId: string, arrival: HistoryArrival): Promise<void> {
  await writer.write(TABLES.historyArrivals, [{ tenant_id: tenantId, arrived_at: toClickHouseTime(arrival.arrivedAtMs), earliest: toClickHouseTime(arrival.earliestMs), events: arrival.events }]);
}

/** The tenant's history arrivals at or after a time. */
export async function historyArrivalsSince(ch: ClickHouse, tenantId: string, sinceMs: number): Promise<HistoryArrival[]> {
  const rows = await ch.query<{ arrived_at: string; earliest: string; events: number | string }>(
    `SELECT arrived_at, earliest, events FROM ${ch.table(TABLES.historyArrivals)} WHERE tenant_id = {tenantId:String} AND arrived_at >= {since:DateTime64(3)}`,
    { tenantId, since: toClickHouseTime(sinceMs) },
  );
  return rows.map((r) => ({ arrivedAtMs: clickHouseTimeMs(r.arrived_at), earliestMs: clickHouseTimeMs(r.earliest), events: Number(r.events) }));
}
