// Product teams' alert subscriptions: which series (metrics, dimension + values), how severe, whether
// related alerts are grouped, where to post.
import type { AlertMetric, Severity } from '../domain/alerts.js';
import type { NoticeFormat } from '../domain/alertNotice.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface AlertSubscription {
  subscriptionId: string;
  name: string;
  /** 'all', 'topic', 'tag', 'segment' or 'channel'; '' = every series. */
  dimension: string;
  /** Values of the dimension to match; empty = any value. */
  values: string[];
  /** Which metrics' alerts (domain/alerts.ts ALERT_METRICS); empty = every metric. */
  metrics: AlertMetric[];
  minSeverity: Severity;
  /** Fold an alert related to one already sent and still firing into it (domain/alertRouting.ts). */
  groupRelated: boolean;
  targetUrl: string;
  format: NoticeFormat;
  /** Standard Webhooks signing secret (whsec_…). */
  secret: string;
  createdAt: string;
}

interface Row {
  subscription_id: string;
  name: string;
  dimension: string;
  values: string[];
  metrics: AlertMetric[];
  min_severity: Severity;
  group_related: number;
  target_url: string;
  format: NoticeFormat;
  secret: string;
  created_at: string;
}

const fromRow = (r: Row): AlertSubscription => ({
  subscriptionId: r.subscription_id,
  name: r.name,
  dimension: r.dimension,
  values: r.values,
  metrics: r.metrics,
  minSeverity: r.min_severity,
  groupRelated: Number(r.group_related) === 1,
  targetUrl: r.target_url,
  format: r.format,
  secret: r.secret,
  createdAt: fromClickHouseTime(r.created_at),
});

const COLUMNS = 'subscription_id, name, dimension, values, metrics, min_severity, group_related, target_url, format, secret, created_at';

export async function saveSubscription(ch: ClickHouse, tenantId: string, s: AlertSubscription, deleted: boolean, nowMs: number): Promise<void> {
  await ch.insert(TABLES.alertSubscriptions, [
    {
      tenant_id: tenantId,
      subscription_id: s.subscriptionId,
      name: s.name,
      dimension: s.dimension,
      values: s.values,
      metrics: s.metrics,
      min_severity: s.minSeverity,
      group_related: s.groupRelated ? 1 : 0,
      target_url: s.targetUrl,
      format: s.format,
      secret: s.secret,
      deleted: deleted ? 1 : 0,
      created_at: toClickHouseTime(s.createdAt),
      updated_at: toClickHouseTime(nowMs),
    },
  ]);
}

export async function listSubscriptions(ch: ClickHouse, tenantId: string): Promise<AlertSubscription[]> {
  const rows = await ch.query<Row>(
    `SELECT ${COLUMNS}
     FROM ${ch.table(TABLES.alertSubscriptions)} FINAL WHERE tenant_id = {tenantId:String} AND deleted = 0 ORDER BY created_at`,
    { tenantId },
  );
  return rows.map(fromRow);
}

export async function getSubscription(ch: ClickHouse, tenantId: string, subscriptionId: string): Promise<AlertSubscription | undefined> {
  const rows = await ch.query<Row>(
    `SELECT ${COLUMNS}
     FROM ${ch.table(TABLES.alertSubscriptions)} FINAL WHERE tenant_id = {tenantId:String} AND subscription_id = {subscriptionId:String} AND deleted = 0`,
    { tenantId, subscriptionId },
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}
