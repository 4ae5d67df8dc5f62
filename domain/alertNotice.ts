// What a subscriber receives: a JSON notice (signed the Standard Webhooks way by the delivery
// activity) or Slack-compatible `text` + `blocks` (Slack's mobile notifications read only `text`).
import { parseSeries, type AlertState, type NoticeKind } from './alerts.js';

export const NOTICE_FORMATS = ['json', 'slack'] as const;
export type NoticeFormat = (typeof NOTICE_FORMATS)[number];

export interface AlertNotice {
  type: `alert.${NoticeKind}`;
  tenantId: string;
  alertId: string;
  series: { dimension: string; value: string };
  severity: string;
  score: number;
  observed: number;
  expected: number;
  band: { lower: number; upper: number };
  startedAt: string;
  resolvedAt: string | null;
}

export function alertNotice(tenantId: string, alert: AlertState, kind: NoticeKind): AlertNotice {
  return {
    type: `alert.${kind}`,
    tenantId,
    alertId: alert.alertId,
    series: parseSeries(alert.series),
    severity: alert.severity,
    score: Number(alert.score.toFixed(3)),
    observed: alert.observed,
    expected: Number(alert.expected.toFixed(2)),
    band: { lower: Number(alert.lower.toFixed(2)), upper: Number(alert.upper.toFixed(2)) },
    startedAt: new Date(alert.startedAtMs).toISOString(),
    resolvedAt: alert.resolvedAtMs === null ? null : new Date(alert.resolvedAtMs).toISOString(),
  };
}

/** Slack escapes: &, < and > are control characters in mrkdwn. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function formatNotice(notice: AlertNotice, format: NoticeFormat): unknown {
  if (format === 'json') return notice;
  const what = notice.series.value ? `${notice.series.dimension} “${notice.series.value}”` : 'all tickets';
  const headline =
    notice.type === 'alert.resolved'
      ? `Resolved: ticket spike in ${what}`
      : `[${notice.severity.toUpperCase()}] Ticket spike in ${what}: ${notice.observed}/min vs expected ${notice.expected} (band ≤ ${notice.band.upper})`;
  return {
    text: escapeSlack(headline),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: escapeSlack(`*Series:* ${what}\n*Severity:* ${notice.severity} (score ${notice.score})\n*Started:* ${notice.startedAt}${notice.resolvedAt ? `\n*Resolved:* ${notice.resolvedAt}` : ''}\n*Alert:* ${notice.alertId}`),
        },
      },
    ],
  };
}
