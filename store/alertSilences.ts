// Silences of alert notices (domain/alertSilences.ts), per tenant.
import type { AlertMetric } from '../domain/alerts.js';
import type { AlertSilence } from '../domain/alertSilences.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseTime } from './tables.js';

interface Row {
  silence_id: string;
  dimension: string;
  values: string[];
  metrics: AlertMetric[];
  starts_at: string;
  ends_at: string;
  comment: string;
  created_by: string;
  created_at: string;
}

const fromRow = (r: Row): AlertSilence => ({
  silenceId: r.silence_id,
  dimension: r.dimension,
  values: r.values,
  metrics: r.metrics,
  startsAtMs: clickHouseTimeMs(r.starts_at),
  endsAtMs: clickHouseTimeMs(r.ends_at),
  comment: r.comment,
  createdBy: r.created_by,
  createdAtMs: clickHouseTimeMs(r.created_at),
});

/** A new silence, or a changed one (an early end): the latest write is kept. */
export async function saveSilence(ch: ClickHouse, tenantId: string, s: AlertSilence, nowMs: number): Promise<void> {
  await ch.insert(TABLES.alertSilences, [
    {
      tenant_id: tenantId,
      silence_id: s.silenceId,
      dimension: s.dimension,
      values: s.values,
      metrics: s.metrics,
      starts_at: toClickHouseTime(s.startsAtMs),
      ends_at: toClickHouseTime(s.endsAtMs),
      comment: s.comment,
      created_by: s.createdBy,
      created_at: toClickHouseTime(s.createdAtMs),
      updated_at: toClickHouseTime(nowMs),
    },
  ]);
}

const COLUMNS = 'silence_id, dimension, values, metrics, starts_at, ends_at, comment, created_by, created_at';

/** The tenant's silences, newest first; with `endingAfterMs`, only those not over by then. */
export async function listSilences(ch: ClickHouse, tenantId: string, endingAfterMs?: number): Promise<AlertSilence[]> {
  const rows = await ch.query<Row>(
    `SELECT ${COLUMNS} FROM ${ch.table(TABLES.alertSilences)} FINAL
     WHERE tenant_id = {tenantId:String}${endingAfterMs === undefined ? '' : ' AND ends_at > {endingAfter:DateTime64(3)}'}
     ORDER BY created_at DESC, silence_id`,
    { tenantId, ...(endingAfterMs === undefined ? {} : { endingAfter: toClickHouseTime(endingAfterMs) }) },
  );
  return rows.map(fromRow);
}

export async function getSilence(ch: ClickHouse, tenantId: string, silenceId: string): Promise<AlertSilence | undefined> {
  const rows = await ch.query<Row>(
    `SELECT ${COLUMNS} FROM ${ch.table(TABLES.alertSilences)} FINAL WHERE tenant_id = {tenantId:String} AND silence_id = {silenceId:String}`,
    { tenantId, silenceId },
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}
