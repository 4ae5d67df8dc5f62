// What a subscriber receives: a JSON notice (signed the Standard Webhooks way by the delivery
// activity) or Slack-compatible `text` + `blocks` (Slack's mobile notifications read only `text`).
import { describeContributor, type Contributor } from './alertContributors.js';
import { METRIC_SOURCES, parseSeries, type AlertMetric, type AlertState, type NoticeKind } from './alerts.js';
import type { WithheldStatus } from './alertRouting.js';
import { anomaliesDashboardUrl } from './dashboardLinks.js';
import type { WindowEvidence } from './detection/countWindows.js';

export const NOTICE_FORMATS = ['json', 'slack'] as const;
export type NoticeFormat = (typeof NOTICE_FORMATS)[number];

export interface AlertNotice {
  type: `alert.${NoticeKind}`;
  tenantId: string;
  alertId: string;
  /** observed/expected/band: per minute (customer messages for volume, escalations, reopens); for negative_share, shares 0..1 of messages with negative sentiment. */
  metric: AlertMetric;
  series: { dimension: string; value: string };
  severity: string;
  score: number;
  observed: number;
  expected: number;
  band: { lower: number; upper: number };
  startedAt: string;
  resolvedAt: string | null;
  /** The slices that rose most in the hour up to the alert's latest report, vs the same hour in previous weeks (domain/alertContributors.ts). */
  contributors: Contributor[];
  /**
   * When a sparse series' windowed count test raised it: the trailing window (minutes) at its latest
   * report, its count and the count expected. A few tickets an hour show a spike only there: its
   * per-minute figures above can sit inside their band.
   */
  countWindow: WindowEvidence | null;
  /**
   * A firing notice sent late (domain/alertRouting.ts lateAnnouncements): how this subscription's
   * earlier notices of the alert were withheld — `silenced` (the silence has ended) or `grouped`
   * (the related alert it went under has resolved); null for every other notice.
   */
  heldBack: WithheldStatus | null;
  /** The Anomalies dashboard at this alert's series and time (domain/dashboardLinks.ts); null when SUPPORTLOOP_GRAFANA_URL is unset. */
  dashboardUrl: string | null;
}

export interface NoticeOptions {
  heldBack?: WithheldStatus | null;
  /** SUPPORTLOOP_GRAFANA_URL: notices link to the dashboard when it is set. */
  grafanaUrl?: string;
}

export function alertNotice(tenantId: string, alert: AlertState, kind: NoticeKind, { heldBack = null, grafanaUrl }: NoticeOptions = {}): AlertNotice {
  const { metric, dimension, value } = parseSeries(alert.series);
  // Shares keep four decimals (a share of 0.1234 is 12.34%); counts per minute two.
  const round = (x: number) => Number(x.toFixed(METRIC_SOURCES[metric].measure === 'count' ? 2 : 4));
  return {
    type: `alert.${kind}`,
    tenantId,
    alertId: alert.alertId,
    metric,
    series: { dimension, value },
    severity: alert.severity,
    score: Number(alert.score.toFixed(3)),
    observed: round(alert.observed),
    expected: round(alert.expected),
    band: { lower: round(alert.lower), upper: round(alert.upper) },
    startedAt: new Date(alert.startedAtMs).toISOString(),
    resolvedAt: alert.resolvedAtMs === null ? null : new Date(alert.resolvedAtMs).toISOString(),
    contributors: alert.contributors,
    countWindow: alert.countWindow,
    heldBack,
    dashboardUrl: grafanaUrl ? anomaliesDashboardUrl(grafanaUrl, tenantId, alert) : null,
  };
}

const SPIKE_NAMES: Record<AlertMetric, string> = { volume: 'Ticket spike', negative_share: 'Negative-sentiment rise', escalations: 'Escalation spike', reopens: 'Reopen spike' };

/** Series dimensions a reader would not recognise by their key ("area" is a product area of the tenant's settings). */
const DIMENSION_NAMES: Record<string, string> = { area: 'product area' };

const HELD_BACK: Record<WithheldStatus, string> = {
  silenced: 'a silence withheld its notices, and it has ended while the alert still fires',
  grouped: 'it was grouped with a related alert, which has resolved while this one still fires',
};

/** Slack escapes: &, < and > are control characters in mrkdwn. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatNotice(notice: AlertNotice, format: NoticeFormat): unknown {
  if (format === 'json') return notice;
  const dimensionName = (dimension: string) => DIMENSION_NAMES[dimension] ?? dimension;
  const what = notice.series.value ? `${dimensionName(notice.series.dimension)} “${notice.series.value}”` : 'all tickets';
  const drivenBy = notice.type !== 'alert.resolved' && notice.contributors.length ? `\n*Driven by* (${METRIC_SOURCES[notice.metric].measure === 'count' ? METRIC_SOURCES[notice.metric].unit : 'negative messages'} in the hour before, vs the same hour in previous weeks): ${notice.contributors.map((c) => describeContributor(c, dimensionName)).join('; ')}` : '';
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  const spike = SPIKE_NAMES[notice.metric];
  const unit = METRIC_SOURCES[notice.metric].unit;
  const window = notice.countWindow;
  const figures =
    METRIC_SOURCES[notice.metric].measure !== 'count'
      ? `${percent(notice.observed)} of messages negative vs usual ${percent(notice.expected)} (band ≤ ${percent(notice.band.upper)})`
      : window
        ? `${window.observed} ${unit} in the last ${window.minutes} min vs ${window.expected} expected`
        : `${notice.observed} ${unit}/min vs expected ${notice.expected} (band ≤ ${notice.band.upper})`;
  const headline = notice.type === 'alert.resolved' ? `Resolved: ${spike.toLowerCase()} in ${what}` : `[${notice.severity.toUpperCase()}] ${spike} in ${what}: ${figures}`;
  return {
    text: escapeSlack(headline),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          // The link is mrkdwn markup, outside the escaped text: <url|label>, its & escaped as Slack asks (Slack unescapes it).
          text: escapeSlack(`*Series:* ${what}\n*Severity:* ${notice.severity} (score ${notice.score})\n*Started:* ${notice.startedAt}${notice.resolvedAt ? `\n*Resolved:* ${notice.resolvedAt}` : ''}${notice.heldBack ? `\n*Held back until now:* ${HELD_BACK[notice.heldBack]}` : ''}\n*Alert:* ${notice.alertId}${drivenBy}`) + (notice.dashboardUrl ? `\n<${escapeSlack(notice.dashboardUrl)}|Open in Grafana>` : ''),
        },
      },
    ],
  };
}

/**
 * What `POST /v1/alerts/subscriptions/:id/test` sends: signed and formatted like an alert notice, but
 * of its own type and carrying no alert, so a receiver can check its signature verification and its
 * handling of the format before the first real spike, and can tell a test apart from an alert.
 */
export interface TestNotice {
  type: 'alert.test';
  tenantId: string;
  subscriptionId: string;
  subscriptionName: string;
  sentAt: string;
  message: string;
}

export function testNotice(tenantId: string, subscription: { subscriptionId: string; name: string }, atMs: number): TestNotice {
  const named = subscription.name ? `“${subscription.name}”` : subscription.subscriptionId;
  return {
    type: 'alert.test',
    tenantId,
    subscriptionId: subscription.subscriptionId,
    subscriptionName: subscription.name,
    sentAt: new Date(atMs).toISOString(),
    message: `Test notice for the spike-alert subscription ${named}: its alerts will be delivered here, signed the same way.`,
  };
}

export function formatTestNotice(notice: TestNotice, format: NoticeFormat): unknown {
  if (format === 'json') return notice;
  const text = escapeSlack(`[TEST] ${notice.message}`);
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
