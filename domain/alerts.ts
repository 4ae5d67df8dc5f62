// The alert lifecycle of one series, minute by minute: firing → (re-notified only when severity
// rises) → resolved, with a cooldown so a flapping series does not page twice. Pure: the detection
// activity feeds it the detector's result per minute and persists what it returns.
import type { Contributor } from './alertContributors.js';
import type { WindowEvidence } from './detection/countWindows.js';
import type { InboundEventKind } from './events.js';

export const SEVERITIES = ['low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const severityRank = (s: Severity | '') => (s === '' ? -1 : SEVERITIES.indexOf(s));

/** Severity from the detector's score (0..1) and how far above the band the minute was. */
export function severityOf(score: number, observed: number, upper: number): Severity {
  const excess = upper > 0 ? observed / upper : observed;
  if (score >= 0.9 && excess >= 2) return 'high';
  if (score >= 0.75 || excess >= 1.5) return 'medium';
  return 'low';
}

export interface AlertPolicy {
  /** Consecutive in-band minutes that resolve a firing alert. */
  resolveAfterMinutes: number;
  /** After a resolve, a new anomaly on the same series within this reopens the same alert silently. */
  cooldownMinutes: number;
  /** Anomalies older than this (relative to now) are recorded but not notified (history backfills). */
  notifyWithinMinutes: number;
}

export const DEFAULT_ALERT_POLICY: AlertPolicy = { resolveAfterMinutes: 10, cooldownMinutes: 30, notifyWithinMinutes: 60 };

export interface AlertState {
  alertId: string;
  series: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  score: number;
  observed: number;
  expected: number;
  lower: number;
  upper: number;
  startedAtMs: number;
  lastAnomalyAtMs: number;
  resolvedAtMs: number | null;
  /** Highest severity a notice was sent for ('' = none yet). */
  notifiedSeverity: Severity | '';
  /** In-band minutes since the last anomaly. */
  quietMinutes: number;
  /** Incremented on every stored change (the store keeps the highest). */
  version: number;
  /** What drove it, as of its latest report (domain/alertContributors.ts); [] until the detection pass that reports it reads them. */
  contributors: Contributor[];
  /** At its latest report, when the windowed count test raised it (a sparse series): the window's count against its expectation. */
  countWindow: WindowEvidence | null;
}

export type NoticeKind = 'firing' | 'escalated' | 'resolved';

export interface MinuteResult {
  minuteMs: number;
  observed: number;
  score: number;
  expected: number;
  lower: number;
  upper: number;
  isAnomaly: boolean;
  /** The detector's count window behind a reported minute, if that was the evidence. */
  countWindow?: WindowEvidence | null;
  /** A sparse series' count windows at this minute (streamingDetector.ts). */
  windows?: WindowEvidence[];
}

export interface AlertStep {
  alert: AlertState | undefined;
  /** The alert changed and must be stored. */
  changed: boolean;
  notice: NoticeKind | undefined;
}

/**
 * A sparse series' minute is in band nearly always, spike or not (2 messages against a band of 3), so
 * a minute in band does not end its spike. It runs on while a count window up to an hour wide holds
 * more than the midpoint between normal and the alert's own rate — where the Poisson likelihood of
 * "still at the rate that raised it" (ρ× expected, from the alert's window or minute) passes that of
 * "back to normal": X ≥ Λ(ρ − 1) / ln ρ. Keyed to the alert's own rise, a burst is over once the
 * windows no longer hold it, while a slow ×4 rise keeps its hour window above the midpoint.
 * Constructed (test/unit/detection/alertResolution.test.ts, 8 seeds each): a 4-hour ×4 rise on a topic at
 * 0.04 messages a minute resolved 10 minutes after it fired, with 3 hours of it to come; now it never
 * resolves before its end and does 17–73 minutes after. A 3-minute burst at 120× resolves 22–33 minutes
 * after it (the narrower windows hold it for their width). Judged by significance instead (p < 5% in a
 * window up to an hour), a burst held its alert for the hour; by windows of 15 minutes or less, the
 * ×4 rise was declared over mid-rise.
 */
const STILL_HIGH_WINDOW_MINUTES = 60;

function stillHigh(alert: AlertState, m: MinuteResult): boolean {
  const raisedBy = alert.countWindow ?? alert;
  const rise = raisedBy.expected > 0 ? raisedBy.observed / raisedBy.expected : Infinity;
  // Raised from nothing expected (a new topic), there is no rate to compare: minutes in band end it.
  if (!Number.isFinite(rise) || rise <= 1) return false;
  return (m.windows ?? []).some((w) => w.minutes <= STILL_HIGH_WINDOW_MINUTES && w.observed >= (w.expected * (rise - 1)) / Math.log(rise));
}

/** Advance a series' alert by one minute. */
export function stepAlert(series: string, previous: AlertState | undefined, m: MinuteResult, nowMs: number, policy: AlertPolicy): AlertStep {
  const recent = nowMs - m.minuteMs <= policy.notifyWithinMinutes * 60_000;
  if (m.isAnomaly) {
    const severity = severityOf(m.score, m.observed, m.upper);
    const reopen = previous && (previous.status === 'firing' || (previous.resolvedAtMs !== null && m.minuteMs - previous.resolvedAtMs <= policy.cooldownMinutes * 60_000));
    if (!previous || !reopen) {
      const alert: AlertState = {
        alertId: `${series}@${new Date(m.minuteMs).toISOString()}`,
        series,
        status: 'firing',
        severity,
        score: m.score,
        observed: m.observed,
        expected: m.expected,
        lower: m.lower,
        upper: m.upper,
        startedAtMs: m.minuteMs,
        lastAnomalyAtMs: m.minuteMs,
        resolvedAtMs: null,
        notifiedSeverity: recent ? severity : '',
        quietMinutes: 0,
        version: 1,
        contributors: [],
        countWindow: m.countWindow ?? null,
      };
      return { alert, changed: true, notice: recent ? 'firing' : undefined };
    }
    const higher = severityRank(severity) > severityRank(previous.severity);
    const alert: AlertState = {
      ...previous,
      status: 'firing',
      severity: higher ? severity : previous.severity,
      score: Math.max(previous.score, m.score),
      observed: Math.max(previous.observed, m.observed),
      expected: m.expected,
      lower: m.lower,
      upper: m.upper,
      lastAnomalyAtMs: m.minuteMs,
      resolvedAtMs: null,
      quietMinutes: 0,
      version: previous.version + 1,
      countWindow: m.countWindow ?? null,
    };
    // Re-notify only when severity rises above what was already sent (dedupe); a silent reopen inside the cooldown sends nothing.
    const notice: NoticeKind | undefined = recent && severityRank(alert.severity) > severityRank(previous.notifiedSeverity) ? (previous.notifiedSeverity === '' ? 'firing' : 'escalated') : undefined;
    if (notice) alert.notifiedSeverity = alert.severity;
    return { alert, changed: true, notice };
  }
  if (!previous || previous.status !== 'firing') return { alert: previous, changed: false, notice: undefined };
  const quietMinutes = m.observed <= m.upper && !stillHigh(previous, m) ? previous.quietMinutes + 1 : 0;
  if (quietMinutes < policy.resolveAfterMinutes) {
    const changed = quietMinutes !== previous.quietMinutes;
    return { alert: changed ? { ...previous, quietMinutes, version: previous.version + 1 } : previous, changed, notice: undefined };
  }
  const alert: AlertState = { ...previous, status: 'resolved', resolvedAtMs: m.minuteMs, quietMinutes, version: previous.version + 1 };
  // A resolve is announced only to those who were told it fired.
  return { alert, changed: true, notice: previous.notifiedSeverity !== '' ? 'resolved' : undefined };
}

/**
 * What a series measures: customer messages per minute (`volume`), the share of them with negative
 * sentiment (`negative_share`, domain/detection/shareDetector.ts), escalations and reopens per
 * minute (`escalations`, `reopens`: a fix that did not work, a topic agents cannot handle).
 */
export const ALERT_METRICS = ['volume', 'negative_share', 'escalations', 'reopens'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** The events each metric reads, and whether it counts them (the streaming detector) or their negative share. */
export const METRIC_SOURCES: Record<AlertMetric, { kind: InboundEventKind; measure: 'count' | 'negativeShare'; unit: string }> = {
  volume: { kind: 'message.customer', measure: 'count', unit: 'messages' },
  negative_share: { kind: 'message.customer', measure: 'negativeShare', unit: 'messages' },
  escalations: { kind: 'ticket.escalated', measure: 'count', unit: 'escalations' },
  reopens: { kind: 'ticket.reopened', measure: 'count', unit: 'reopens' },
};

/**
 * A series key: the volume series keep their original keys ("topic=billing", "all"), other metrics
 * prefix theirs ("negative_share:topic=billing"). Dimension names never contain ':', so the prefix
 * cannot be mistaken for part of a key.
 */
export const seriesKey = (metric: AlertMetric, base: string) => (metric === 'volume' ? base : `${metric}:${base}`);

/** The metric, dimension and value of a series key ("negative_share:topic=billing" → negative_share, topic, billing; "all" → volume, all, ""). */
export function parseSeries(series: string): { metric: AlertMetric; base: string; dimension: string; value: string } {
  const metric = ALERT_METRICS.find((m) => m !== 'volume' && series.startsWith(`${m}:`)) ?? 'volume';
  const base = metric === 'volume' ? series : series.slice(metric.length + 1);
  const at = base.indexOf('=');
  return { metric, base, ...(at < 0 ? { dimension: base, value: '' } : { dimension: base.slice(0, at), value: base.slice(at + 1) }) };
}

/** Which series a subscription or a silence (domain/alertSilences.ts) takes. */
export interface SeriesFilter {
  /** '' = every series. */
  dimension: string;
  /** Empty = any value of the dimension. */
  values: readonly string[];
  /** Empty = every metric. */
  metrics: readonly AlertMetric[];
}

export function seriesMatches(filter: SeriesFilter, series: string): boolean {
  const { metric, dimension, value } = parseSeries(series);
  if (filter.metrics.length > 0 && !filter.metrics.includes(metric)) return false;
  if (filter.dimension && filter.dimension !== dimension) return false;
  return filter.values.length === 0 || filter.values.some((v) => v.toLowerCase() === value.toLowerCase());
}

export interface SubscriptionFilter extends SeriesFilter {
  minSeverity: Severity;
}

export function subscriptionMatches(filter: SubscriptionFilter, alert: Pick<AlertState, 'series' | 'severity'>): boolean {
  return seriesMatches(filter, alert.series) && severityRank(alert.severity) >= severityRank(filter.minSeverity);
}
