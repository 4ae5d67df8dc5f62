// The delivery log: every attempt to post an alert notice, its HTTP status and error, and every
// notice withheld (silenced, grouped: domain/alertRouting.ts), with why.
import { WITHHELD_STATUSES, type WithheldStatus } from '../domain/alertRouting.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface DeliveryAttempt {
  tenantId: string;
  deliveryId: string;
  alertId: string;
  subscriptionId: string;
  notice: string;
  status: 'delivered' | 'failed' | 'abandoned' | WithheldStatus;
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

/** How noticeHistory keys an alert and a subscription. */
export const noticeKey = (alertId: string, subscriptionId: string) => `${alertId}\n${subscriptionId}`;

/** Per alert and subscription (noticeKey): whether a firing or escalation notice of it was sent (attempted), and if none was, how the last was withheld. */
export interface NoticeHistory {
  told: boolean;
  withheldAs: WithheldStatus | undefined;
}

/** The firing and escalation notices of these alerts each subscription was sent or had withheld (domain/alertRouting.ts). */
export async function noticeHistory(ch: ClickHouse, tenantId: string, alertIds: readonly string[]): Promise<Map<string, NoticeHistory>> {
  if (alertIds.length === 0) return new Map();
  const withheld = WITHHELD_STATUSES.map((w) => `'${w}'`).join(', ');
  const rows = await ch.query<{ alert_id: string; subscription_id: string; sent: string; withheld_as: string }>(
    `SELECT alert_id, subscription_id, countIf(status NOT IN (${withheld})) AS sent, argMaxIf(status, at, status IN (${withheld})) AS withheld_as
     FROM ${ch.table(TABLES.alertDeliveries)} FINAL
     WHERE tenant_id = {tenantId:String} AND alert_id IN {alertIds:Array(String)} AND notice IN ('firing', 'escalated')
     GROUP BY alert_id, subscription_id`,
    { tenantId, alertIds },
  );
  return new Map(rows.map((r) => [noticeKey(r.alert_id, r.subscription_id), { told: Number(r.sent) > 0, withheldAs: Number(r.sent) > 0 ? undefined : (r.withheld_as as WithheldStatus) }]));
}
