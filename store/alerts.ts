// Alerts and their lifecycle (firing → resolved), latest version per alert.
import type { Contributor } from '../domain/alertContributors.js';
import type { AlertMetric, AlertState, Severity } from '../domain/alerts.js';
import type { WindowEvidence } from '../domain/detection/countWindows.js';
import { parseSeries } from '../domain/alerts.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds, toClickHouseTime } from './tables.js';

export function writeAlerts(writer: BatchingWriter, tenantId: string, alerts: readonly AlertState[], nowMs: number): Promise<void> {
  return writer.write(
    TABLES.alerts,
    alerts.map((a) => {
      const { metric, dimension, value } = parseSeries(a.series);
      return {
        tenant_id: tenantId,
        alert_id: a.alertId,
        series: a.series,
        metric,
        dimension,
        value,
        status: a.status,
        severity: a.severity,
        score: a.score,
        observed: a.observed,
        expected: a.expected,
        lower: a.lower,
        upper: a.upper,
        started_at: toClickHouseSeconds(a.startedAtMs),
        last_anomaly_at: toClickHouseSeconds(a.lastAnomalyAtMs),
        resolved_at: a.resolvedAtMs === null ? null : toClickHouseSeconds(a.resolvedAtMs),
        notified_severity: a.notifiedSeverity,
        quiet_minutes: a.quietMinutes,
        version: a.version,
        contributors: JSON.stringify(a.contributors),
        count_window: a.countWindow ? JSON.stringify(a.countWindow) : '',
        updated_at: toClickHouseTime(nowMs),
      };
    }),
  );
}

interface AlertRow {
  alert_id: string;
  series: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  score: number;
  observed: number;
  expected: number;
  lower: number;
  upper: number;
  started_at: string;
  last_anomaly_at: string;
  resolved_at: string | null;
  notified_severity: Severity | '';
  quiet_minutes: number;
  version: string;
  contributors: string;
  count_window: string;
}

const fromRow = (r: AlertRow): AlertState => ({
  alertId: r.alert_id,
  series: r.series,
  status: r.status,
  severity: r.severity,
  score: Number(r.score),
  observed: Number(r.observed),
  expected: Number(r.expected),
  lower: Number(r.lower),
  upper: Number(r.upper),
  startedAtMs: clickHouseTimeMs(r.started_at),
  lastAnomalyAtMs: clickHouseTimeMs(r.last_anomaly_at),
  resolvedAtMs: r.resolved_at ? clickHouseTimeMs(r.resolved_at) : null,
  notifiedSeverity: r.notified_severity,
  quietMinutes: Number(r.quiet_minutes),
  version: Number(r.version),
  contributors: JSON.parse(r.contributors) as Contributor[],
  countWindow: r.count_window ? (JSON.parse(r.count_window) as WindowEvidence) : null,
});

const COLUMNS = 'alert_id, series, status, severity, score, observed, expected, lower, upper, started_at, last_anomaly_at, resolved_at, notified_severity, quiet_minutes, version, contributors, count_window';

/** Each series' most recent alert (what the lifecycle continues from). */
export async function latestAlertPerSeries(ch: ClickHouse, tenantId: string): Promise<Map<string, AlertState>> {
  const rows = await ch.query<AlertRow>(
    `SELECT ${COLUMNS} FROM ${ch.table(TABLES.alerts)} FINAL WHERE tenant_id = {tenantId:String}
     ORDER BY series, started_at DESC LIMIT 1 BY series`,
    { tenantId },
  );
  return new Map(rows.map((r) => [r.series, fromRow(r)]));
}

/** Whether the tenant has an alert with this id (another tenant's id is simply not found). */
export async function alertExists(ch: ClickHouse, tenantId: string, alertId: string): Promise<boolean> {
  const rows = await ch.query<{ n: string }>(
    `SELECT count() AS n FROM ${ch.table(TABLES.alerts)} WHERE tenant_id = {tenantId:String} AND alert_id = {alertId:String}`,
    { tenantId, alertId },
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

export interface AlertListQuery {
  status?: string;
  metric?: AlertMetric;
  /** One dimension's series ('all', 'topic', …), and optionally one value of it. */
  dimension?: string;
  value?: string;
  /** Alerts whose episode overlaps [fromMs, toMs): started before toMs, not resolved before fromMs. */
  fromMs?: number;
  toMs?: number;
  limit: number;
}

export async function listAlerts(ch: ClickHouse, tenantId: string, q: AlertListQuery): Promise<AlertState[]> {
  const rows = await ch.query<AlertRow>(
    `SELECT ${COLUMNS} FROM ${ch.table(TABLES.alerts)} FINAL WHERE tenant_id = {tenantId:String} AND ({status:String} = '' OR status = {status:String})
       AND ({metric:String} = '' OR metric = {metric:String})
       AND ({dimension:String} = '' OR dimension = {dimension:String})
       AND ({value:Nullable(String)} IS NULL OR value = {value:Nullable(String)})
       AND ({to:Nullable(DateTime)} IS NULL OR started_at < {to:Nullable(DateTime)})
       AND ({from:Nullable(DateTime)} IS NULL OR resolved_at IS NULL OR resolved_at >= {from:Nullable(DateTime)})
     ORDER BY started_at DESC LIMIT {limit:UInt32}`,
    {
      tenantId,
      status: q.status ?? '',
      metric: q.metric ?? '',
      dimension: q.dimension ?? '',
      value: q.value ?? null,
      from: q.fromMs === undefined ? null : toClickHouseSeconds(q.fromMs),
      to: q.toMs === undefined ? null : toClickHouseSeconds(q.toMs),
      limit: q.limit,
    },
  );
  return rows.map(fromRow);
}
