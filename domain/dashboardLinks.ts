// Links from an alert to the Grafana dashboard that shows it, so a product team can go from the
// Slack message to the series, its expected band and the alert's annotation in one click. Grafana
// opens a provisioned dashboard at /d/<uid>, takes variables as `var-<name>` and the time range as
// `from`/`to` in epoch milliseconds (or `now`).
import { parseSeries } from './alerts.js';

/** The provisioned Anomalies dashboard (dashboards/anomalies.ts) and the variables a link sets. */
export const ANOMALIES_DASHBOARD = { uid: 'supportloop-anomalies', tenantVariable: 'tenant', topicVariable: 'topic' } as const;

const HOUR_MS = 3_600_000;
/** Shown before the alert started: enough of the series to see what "usual" looked like. */
const LINK_CONTEXT_BEFORE_MS = 6 * HOUR_MS;
/** Shown after a resolved alert ended: the return to the band. */
const LINK_CONTEXT_AFTER_MS = HOUR_MS;

/** A problem with a Grafana base URL, or null: http(s) only, with no query or fragment (the link adds its own). */
export function grafanaUrlProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'must be an absolute URL such as https://grafana.example.com';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an http:// or https:// URL';
  if (url.search || url.hash) return 'must not carry a query or a fragment';
  return null;
}

/**
 * The Anomalies dashboard for one tenant, around an alert: its topic selected when the alert is a
 * topic's (other dimensions show every topic, with the alert's annotation), from six hours before it
 * started to an hour after it resolved (or now, while it fires). A base URL with a path (Grafana
 * served under a sub-path) keeps it.
 */
export function anomaliesDashboardUrl(grafanaUrl: string, tenantId: string, alert: { series: string; startedAtMs: number; resolvedAtMs: number | null }): string {
  const base = grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`;
  const url = new URL(`d/${ANOMALIES_DASHBOARD.uid}`, base);
  url.searchParams.set(`var-${ANOMALIES_DASHBOARD.tenantVariable}`, tenantId);
  const { dimension, value } = parseSeries(alert.series);
  if (dimension === 'topic') url.searchParams.set(`var-${ANOMALIES_DASHBOARD.topicVariable}`, value);
  url.searchParams.set('from', String(alert.startedAtMs - LINK_CONTEXT_BEFORE_MS));
  url.searchParams.set('to', alert.resolvedAtMs === null ? 'now' : String(alert.resolvedAtMs + LINK_CONTEXT_AFTER_MS));
  return url.toString();
}
