// The delivery log: every attempt to post an alert notice, its HTTP status and error, and every
// notice a silence withheld (domain/alertSilences.ts), with why.
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface DeliveryAttempt {
  tenantId: string;
  deliveryId: string;
  alertId: string;
  subscriptionId: string;
  notice: string;
  status: 'delivered' | 'failed' | 'abandoned' | 'silenced';
  attempts: number;
  httpStatus: number;
  error: string;
  atMs: number;
}

export function writeDeliveryAttempt(writer: BatchingWriter, a: DeliveryAttempt): Promise<void> {
  return writer.write(TABLES.alertDeliveries, [
    {
      tenant_id: a.tenantId,
      delivery_id: a.deliveryId,
      alert_id: a.alertId,
      subscription_id: a.subscriptionId,
      notice: a.notice,
      status: a.status,
      attempts: a.attempts,
      http_status: a.httpStatus,
      error: a.error.slice(0, 2000),
      at: toClickHouseTime(a.atMs),
    },
  ]);
}

export async function listDeliveries(ch: ClickHouse, tenantId: string, alertId: string): Promise<{ deliveryId: string; subscriptionId: string; notice: string; status: string; attempts: number; error: string; at: string }[]> {
  const rows = await ch.query<{ delivery_id: string; subscription_id: string; notice: string; status: string; attempts: number; error: string; at: string }>(
    `SELECT delivery_id, subscription_id, notice, status, attempts, error, at FROM ${ch.table(TABLES.alertDeliveries)} FINAL
     WHERE tenant_id = {tenantId:String} AND alert_id = {alertId:String} ORDER BY at`,
    { tenantId, alertId },
  );
  return rows.map((r) => ({ deliveryId: r.delivery_id, subscriptionId: r.subscription_id, notice: r.notice, status: r.status, attempts: Number(r.attempts), error: r.error, at: fromClickHouseTime(r.at) }));
}

/** For each alert, the subscriptions whose every firing or escalation notice of it a silence withheld (`alertId\nsubscriptionId`). */
export async function toldOnlySilenced(ch: ClickHouse, tenantId: string, alertIds: readonly string[]): Promise<Set<string>> {
  if (alertIds.length === 0) return new Set();
  const rows = await ch.query<{ alert_id: string; subscription_id: string }>(
    `SELECT alert_id, subscription_id FROM ${ch.table(TABLES.alertDeliveries)} FINAL
     WHERE tenant_id = {tenantId:String} AND alert_id IN {alertIds:Array(String)} AND notice IN ('firing', 'escalated')
     GROUP BY alert_id, subscription_id
     HAVING countIf(status != 'silenced') = 0`,
    { tenantId, alertIds },
  );
  return new Set(rows.map((r) => `${r.alert_id}\n${r.subscription_id}`));
}
