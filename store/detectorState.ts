// Durable detector state per tenant and series: the next scheduled run continues where the last
// stopped, so a restart neither loses history nor re-fires old alerts. A retired series (dormant
// longer than its detector remembers) is stored as a row without a snapshot: it is not loaded, and
// should it come back it starts over like a series never seen.
//
// A state is stored as two kinds of rows: the state without its seasonal memories' histories (one
// row per series, written every pass), and those histories in parts (domain/detection/memoryParts.ts),
// each written only when it changed since it was loaded. The two tables are written side by side,
// not atomically: should one insert fail and the pass be retried, a memory is at most one bucket's
// period off (a period missing or counted twice in a five-minute bucket's median), which the memory
// outgrows within its depth.
import { fromStoredForm, toStoredForm, type MemoryPart } from '../domain/detection/memoryParts.js';
import type { SeriesSnapshot } from '../domain/spikeDetection.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds, toClickHouseTime } from './tables.js';

/** A memory part as stored: its JSON, kept from the load so that an unchanged part is not written again. */
export interface StoredPart {
  memory: string;
  part: number;
  buckets: string;
}

export interface SeriesDetectorState {
  series: string;
  lastMinuteMs: number;
  /** The last minute with an event in the series (retirement reads it). */
  lastEventMs: number;
  snapshot: SeriesSnapshot;
  /** What an area series counted (domain/productAreas.ts areaDefinition); '' for every other series. */
  definition: string;
  /** The memory parts stored for the series when it was loaded (none for a series new to storage). */
  storedParts?: ReadonlyMap<string, StoredPart>;
  /** When the pass that stored it began (loaded states only): history stored after that, it may not have read. */
  passStartedAtMs?: number;
}

export type RetiredSeries = Pick<SeriesDetectorState, 'series' | 'lastMinuteMs' | 'lastEventMs' | 'storedParts'>;

/** The snapshot column of a retired series, and the buckets column of its parts. */
const RETIRED = '';

const partKey = (memory: string, part: number) => `${memory}/${part}`;

/**
 * The tenant's watched series (retired ones left out). `memories: false` leaves the seasonal
 * memories' histories out (read-only callers that need the rest: each history comes back empty).
 */
export async function loadDetectorStates(ch: ClickHouse, tenantId: string, { memories = true } = {}): Promise<SeriesDetectorState[]> {
  const [rows, partRows] = await Promise.all([
    ch.query<{ series: string; last_minute: string; last_event: string; snapshot: string; definition: string; updated_at: string }>(
      `SELECT series, last_minute, last_event, snapshot, definition, updated_at FROM ${ch.table(TABLES.detectorState)} FINAL WHERE tenant_id = {tenantId:String}`,
      { tenantId },
    ),
    memories
      ? ch.query<{ series: string; memory: string; part: number; buckets: string }>(
          `SELECT series, memory, part, buckets FROM ${ch.table(TABLES.detectorMemoryParts)} FINAL WHERE tenant_id = {tenantId:String}`,
          { tenantId },
        )
      : [],
  ]);
  const partsOf = new Map<string, Map<string, StoredPart>>();
  // Retired rows are left out here, not in SQL: FINAL must see every version before one is chosen.
  for (const p of partRows.filter((p) => p.buckets !== RETIRED)) {
    const parts = partsOf.get(p.series) ?? partsOf.set(p.series, new Map()).get(p.series)!;
    parts.set(partKey(p.memory, Number(p.part)), { memory: p.memory, part: Number(p.part), buckets: p.buckets });
  }
  return rows.filter((r) => r.snapshot !== RETIRED).map((r) => {
    const storedParts = partsOf.get(r.series) ?? new Map<string, StoredPart>();
    const parts: MemoryPart[] = [...storedParts.values()].map((p) => ({ memory: p.memory, index: p.part, buckets: JSON.parse(p.buckets) as number[][] }));
    return {
      series: r.series,
      lastMinuteMs: clickHouseTimeMs(r.last_minute),
      lastEventMs: clickHouseTimeMs(r.last_event),
      snapshot: fromStoredForm(JSON.parse(r.snapshot) as SeriesSnapshot, parts),
      definition: r.definition,
      storedParts,
      passStartedAtMs: clickHouseTimeMs(r.updated_at),
    };
  });
}

export async function writeDetectorStates(writer: BatchingWriter, tenantId: string, states: readonly SeriesDetectorState[], retired: readonly RetiredSeries[], nowMs: number): Promise<void> {
  const updatedAt = toClickHouseTime(nowMs);
  const stateRow = (s: Pick<SeriesDetectorState, 'series' | 'lastMinuteMs' | 'lastEventMs'>, snapshot: string, definition: string) => ({
    tenant_id: tenantId,
    series: s.series,
    last_minute: toClickHouseSeconds(s.lastMinuteMs),
    last_event: toClickHouseSeconds(s.lastEventMs),
    snapshot,
    definition,
    updated_at: updatedAt,
  });
  const partRow = (series: string, memory: string, part: number, buckets: string) => ({ tenant_id: tenantId, series, memory, part, buckets, updated_at: updatedAt });
  const stateRows: object[] = [];
  const partRows: object[] = [];
  for (const s of states) {
    const { rest, parts } = toStoredForm(s.snapshot);
    stateRows.push(stateRow(s, JSON.stringify(rest), s.definition));
    for (const p of parts) {
      const buckets = JSON.stringify(p.buckets);
      if (s.storedParts?.get(partKey(p.memory, p.index))?.buckets !== buckets) partRows.push(partRow(s.series, p.memory, p.index, buckets));
    }
  }
  // A retired series' parts are emptied too: nothing of it is loaded, and storage does not keep its memories.
  for (const s of retired) {
    stateRows.push(stateRow(s, RETIRED, ''));
    for (const p of s.storedParts?.values() ?? []) partRows.push(partRow(s.series, p.memory, p.part, RETIRED));
  }
  await Promise.all([writer.write(TABLES.detectorState, stateRows), writer.write(TABLES.detectorMemoryParts, partRows)]);
}
