// The delivery log: every attempt to post an alert notice, its HTTP status and error.
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface DeliveryAttempt {
  tenantId: string;
  deliveryId: string;
  alertId: string;
  subscriptionId: string;
  notice: string;
  status: 'delivered' | 'failed' | 'abandoned';
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

export async function listDeliveries(ch: ClickHouse, tenantId: string, alertId: string): Promise<{ deliveryId: string; subscriptionId: string; notice: string; status: string; attempts: number; at: string }[]> {
  const rows = await ch.query<{ delivery_id: string; subscription_id: string; notice: string; status: string; attempts: number; at: string }>(
    `SELECT delivery_id, subscription_id, notice, status, attempts, at FROM ${ch.table(TABLES.alertDeliveries)} FINAL
     WHERE tenant_id = {tenantId:String} AND alert_id = {alertId:String} ORDER BY at`,
    { tenantId, alertId },
  );
  return rows.map((r) => ({ deliveryId: r.delivery_id, subscriptionId: r.subscription_id, notice: r.notice, status: r.status, attempts: Number(r.attempts), at: fromClickHouseTime(r.at) }));
}
