// Nothing lost, nothing doubled: counts every planned event in ClickHouse (what the product reads,
// FINAL; and the physical rows a retried insert left behind), in the volume rollup, and in each
// ticket's workflow state (the lifecycle's applied-event count, asked through a Temporal query).
import type { Client } from '@temporalio/client';
import type { TicketState } from '../domain/ticketState.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { TABLES } from '../store/tables.js';
import { ticketStateQuery, ticketWorkflowId } from '../workflows/messages.js';
import type { Delivery, PlannedEvent } from './helpdeskSender.js';

export interface AuditCounts {
  planned: number;
  acknowledged: number;
  /** The sender gave up (never got a 2xx). */
  undelivered: number;
  /** Distinct planned event ids the product reads from ticket_events (FINAL). */
  inClickHouse: number;
  /** Event ids with more than one physical row (retried inserts; collapsed by ReplacingMergeTree on read). */
  physicalDuplicateRows: number;
  /** Events counted by the events_per_minute rollup (sum over its groups, as /v1/metrics/volume does). */
  inVolumeRollup: number;
  /** Events applied by the tickets' workflows (sum of state versions). */
  inWorkflowState: number;
  /** Acknowledged events missing from ClickHouse or from workflow state. */
  lost: number;
  /** Events counted more than once by what the product reads (ClickHouse FINAL, rollup, workflow state). */
  duplicated: number;
  /** Event ids in ClickHouse the sender never planned (must be 0). */
  unexpected: number;
}

export interface AuditTarget {
  ch: ClickHouse;
  temporal: Client;
  tenantId: string;
  runPrefix: string;
}

async function clickHouseCounts(target: AuditTarget) {
  const { ch, tenantId, runPrefix } = target;
  const params = { tenantId, prefix: `${runPrefix}-%` };
  const final = await ch.query<{ event_id: string; n: string }>(
    `SELECT event_id, count() AS n FROM ${ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {tenantId:String} AND event_id LIKE {prefix:String} GROUP BY event_id`,
    params,
  );
  const physical = await ch.query<{ rows: string }>(
    `SELECT count() AS rows FROM (SELECT event_id FROM ${ch.table(TABLES.ticketEvents)} WHERE tenant_id = {tenantId:String} AND event_id LIKE {prefix:String} GROUP BY event_id HAVING count() > 1)`,
    params,
  );
  const volume = await ch.query<{ n: string }>(
    `SELECT sum(n) AS n FROM (SELECT uniqExactMerge(events) AS n FROM ${ch.table(TABLES.eventsPerMinute)} WHERE tenant_id = {tenantId:String} GROUP BY minute, kind, channel, segment, topic)`,
    { tenantId },
  );
  return { final, physicalDuplicates: Number(physical[0]?.rows ?? 0), volume: Number(volume[0]?.n ?? 0) };
}

async function workflowVersions(target: AuditTarget, ticketIds: string[]): Promise<Map<string, number>> {
  const versions = new Map<string, number>();
  let cursor = 0;
  const lane = async () => {
    while (cursor < ticketIds.length) {
      const ticketId = ticketIds[cursor++]!;
      const state = (await target.temporal.workflow.getHandle(ticketWorkflowId(target.tenantId, ticketId)).query(ticketStateQuery).catch(() => undefined)) as TicketState | undefined;
      versions.set(ticketId, state?.version ?? 0);
    }
  };
  await Promise.all(Array.from({ length: 8 }, lane));
  return versions;
}

/**
 * Count once. The volume rollup covers the whole tenant, so audit a tenant that only this run
 * writes to.
 */
export async function auditDeliveries(target: AuditTarget, planned: PlannedEvent[], deliveries: Delivery[]): Promise<AuditCounts> {
  const acked = new Set(deliveries.filter((d) => d.acknowledged).map((d) => d.event.eventId));
  const plannedIds = new Set(planned.map((e) => e.eventId));
  const { final, physicalDuplicates, volume } = await clickHouseCounts(target);
  const inClickHouse = new Map(final.map((r) => [r.event_id, Number(r.n)]));
  const perTicket = new Map<string, { expected: number; acked: number }>();
  for (const event of planned) {
    const t = perTicket.get(event.ticketId) ?? { expected: 0, acked: 0 };
    t.expected++;
    if (acked.has(event.eventId)) t.acked++;
    perTicket.set(event.ticketId, t);
  }
  const versions = await workflowVersions(target, [...perTicket.keys()]);

  let lost = 0;
  let duplicated = 0;
  for (const id of acked) if (!inClickHouse.has(id)) lost++;
  for (const n of inClickHouse.values()) if (n > 1) duplicated += n - 1;
  let inWorkflowState = 0;
  for (const [ticketId, t] of perTicket) {
    const applied = versions.get(ticketId) ?? 0;
    inWorkflowState += applied;
    // A ticket's lifecycle must hold every acknowledged event once; more than were ever sent is doubling.
    if (applied < t.acked) lost += t.acked - applied;
    if (applied > t.expected) duplicated += applied - t.expected;
  }
  if (volume > inClickHouse.size) duplicated += volume - inClickHouse.size;
  return {
    planned: planned.length,
    acknowledged: acked.size,
    undelivered: planned.length - acked.size,
    inClickHouse: inClickHouse.size,
    physicalDuplicateRows: physicalDuplicates,
    inVolumeRollup: volume,
    inWorkflowState,
    lost,
    duplicated,
    unexpected: [...inClickHouse.keys()].filter((id) => !plannedIds.has(id)).length,
  };
}

/** Audit until every acknowledged event is in ClickHouse and workflow state, or the timeout passes; returns the last audit. */
export async function auditWhenSettled(target: AuditTarget, planned: PlannedEvent[], deliveries: Delivery[], timeoutMs: number, onPoll?: (counts: AuditCounts) => void): Promise<AuditCounts> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await auditDeliveries(target, planned, deliveries).catch(() => undefined);
    if (counts) onPoll?.(counts);
    const settled = counts && counts.lost === 0 && counts.inClickHouse >= counts.acknowledged && counts.inVolumeRollup >= counts.inClickHouse;
    if (counts && (settled || Date.now() > deadline)) return counts;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}
