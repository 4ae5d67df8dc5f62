import { describe, expect, it } from 'vitest';
import { formatNotice, alertNotice } from '../../domain/alertNotice.js';
import { ANOMALIES_DASHBOARD } from '../../domain/dashboardLinks.js';
import { DEFAULT_ALERT_POLICY, parseSeries, seriesKey, stepAlert, subscriptionMatches, type AlertState, type MinuteResult } from '../../domain/alerts.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 5, 12, 0);
const quiet = (i: number): MinuteResult => ({ minuteMs: t0 + i * MIN, observed: 1, score: 0.1, expected: 1, lower: 0, upper: 4, isAnomaly: false });
const spike = (i: number, observed = 30, score = 0.95): MinuteResult => ({ minuteMs: t0 + i * MIN, observed, score, expected: 1, lower: 0, upper: 4, isAnomaly: true });

function run(minutes: MinuteResult[], nowMs = t0 + minutes.length * MIN, start?: AlertState) {
  let alert = start;
  const notices: string[] = [];
  for (const m of minutes) {
    const step = stepAlert('topic=billing', alert, m, nowMs, DEFAULT_ALERT_POLICY);
    alert = step.alert;
    if (step.notice) notices.push(step.notice);
  }
  return { alert, notices };
}

describe('alert lifecycle', () => {
  it('fires once for a multi-minute spike and resolves after the quiet period', () => {
    const { alert, notices } = run([quiet(0), spike(1), spike(2), spike(3), ...Array.from({ length: 10 }, (_, i) => quiet(4 + i))]);
    expect(notices).toEqual(['firing', 'resolved']);
    expect(alert).toMatchObject({ status: 'resolved', startedAtMs: t0 + MIN, severity: 'high' });
  });

  it('re-notifies only when severity rises', () => {
    const { notices } = run([spike(0, 6, 0.7), spike(1, 6, 0.7), spike(2, 40, 0.99)]);
    expect(notices).toEqual(['firing', 'escalated']);
  });

  it('reopens silently within the cooldown', () => {
    const first = run([spike(0), ...Array.from({ length: 10 }, (_, i) => quiet(1 + i))]);
    const again = run([spike(15)], t0 + 16 * MIN, first.alert);
    expect(again.notices).toEqual([]);
    expect(again.alert).toMatchObject({ status: 'firing', alertId: first.alert!.alertId });
    const later = run([spike(60)], t0 + 61 * MIN, first.alert);
    expect(later.notices).toEqual(['firing']);
    expect(later.alert!.alertId).not.toBe(first.alert!.alertId);
  });

  it('records but does not notify anomalies older than the notify window', () => {
    const { alert, notices } = run([spike(0), ...Array.from({ length: 10 }, (_, i) => quiet(1 + i))], t0 + 5 * 60 * MIN);
    expect(notices).toEqual([]);
    expect(alert!.status).toBe('resolved');
  });

  it('matches subscriptions by metric, dimension, value and severity', () => {
    const alert = { series: 'topic=Billing', severity: 'medium' as const };
    expect(subscriptionMatches({ dimension: 'topic', values: ['billing'], metrics: [], minSeverity: 'low' }, alert)).toBe(true);
    expect(subscriptionMatches({ dimension: 'tag', values: [], metrics: [], minSeverity: 'low' }, alert)).toBe(false);
    expect(subscriptionMatches({ dimension: '', values: [], metrics: [], minSeverity: 'high' }, alert)).toBe(false);
    const share = { series: 'negative_share:topic=Billing', severity: 'medium' as const };
    expect(subscriptionMatches({ dimension: 'topic', values: ['billing'], metrics: [], minSeverity: 'low' }, share)).toBe(true);
    expect(subscriptionMatches({ dimension: 'topic', values: ['billing'], metrics: ['negative_share'], minSeverity: 'low' }, share)).toBe(true);
    expect(subscriptionMatches({ dimension: 'topic', values: ['billing'], metrics: ['volume'], minSeverity: 'low' }, share)).toBe(false);
    expect(subscriptionMatches({ dimension: 'topic', values: ['billing'], metrics: ['negative_share'], minSeverity: 'low' }, alert)).toBe(false);
  });

  it('parses series keys of every metric; volume keys keep their original form', () => {
    expect(parseSeries('all')).toEqual({ metric: 'volume', base: 'all', dimension: 'all', value: '' });
    expect(parseSeries('tag=a:b=c')).toEqual({ metric: 'volume', base: 'tag=a:b=c', dimension: 'tag', value: 'a:b=c' });
    expect(parseSeries(seriesKey('negative_share', 'tag=a:b'))).toEqual({ metric: 'negative_share', base: 'tag=a:b', dimension: 'tag', value: 'a:b' });
    expect(parseSeries(seriesKey('reopens', 'all'))).toEqual({ metric: 'reopens', base: 'all', dimension: 'all', value: '' });
    expect(parseSeries('escalations:topic=x')).toMatchObject({ metric: 'escalations', dimension: 'topic', value: 'x' });
    expect(seriesKey('volume', 'topic=x')).toBe('topic=x');
  });

  it('formats Slack notices with text for mobile and escapes control characters', () => {
    const { alert } = run([spike(0)]);
    const slack = formatNotice(alertNotice('acme', { ...alert!, series: 'topic=<a&b>' }, 'firing'), 'slack') as { text: string; blocks: unknown[] };
    expect(slack.text).toContain('&lt;a&amp;b&gt;');
    expect(slack.blocks.length).toBeGreaterThan(0);
  });

  it('says when a firing notice comes late, and why it was held back', () => {
    const { alert } = run([spike(0)]);
    const onTime = alertNotice('acme', alert!, 'firing');
    expect(onTime.heldBack).toBeNull();
    expect(JSON.stringify(formatNotice(onTime, 'slack'))).not.toContain('Held back');
    const late = alertNotice('acme', alert!, 'firing', { heldBack: 'silenced' });
    expect(late.heldBack).toBe('silenced');
    expect(JSON.stringify(formatNotice(late, 'slack'))).toContain('*Held back until now:* a silence withheld its notices, and it has ended while the alert still fires');
    expect(JSON.stringify(formatNotice(alertNotice('acme', alert!, 'firing', { heldBack: 'grouped' }), 'slack'))).toContain('grouped with a related alert, which has resolved');
  });

  it('links a notice to the Anomalies dashboard at its series and time when a Grafana URL is set', () => {
    const { alert } = run([spike(0)]);
    const firing = { ...alert!, series: 'negative_share:topic=billing & tax', resolvedAtMs: null };
    expect(alertNotice('acme', firing, 'firing').dashboardUrl).toBeNull();
    expect(JSON.stringify(formatNotice(alertNotice('acme', firing, 'firing'), 'slack'))).not.toContain('Open in Grafana');
    const linked = alertNotice('acme', firing, 'firing', { grafanaUrl: 'https://ops.example.com/grafana' });
    const url = new URL(linked.dashboardUrl!);
    expect(url.origin + url.pathname).toBe(`https://ops.example.com/grafana/d/${ANOMALIES_DASHBOARD.uid}`);
    expect(url.searchParams.get('var-tenant')).toBe('acme');
    expect(url.searchParams.get('var-topic')).toBe('billing & tax');
    expect(Number(url.searchParams.get('from'))).toBe(firing.startedAtMs - 6 * 3_600_000);
    expect(url.searchParams.get('to')).toBe('now');
    // Slack: a mrkdwn link whose & is escaped (Slack unescapes it), after the escaped text.
    const section = JSON.stringify((formatNotice(linked, 'slack') as { blocks: unknown[] }).blocks[1]);
    expect(section).toContain(`<${linked.dashboardUrl!.replace(/&/g, '&amp;')}|Open in Grafana>`);
    // A resolved alert's link ends an hour after it resolved; a tag's selects no topic.
    const resolved = alertNotice('acme', { ...alert!, series: 'tag=vip', resolvedAtMs: alert!.startedAtMs + 3_600_000 }, 'resolved', { grafanaUrl: 'http://localhost:3000/' });
    const resolvedUrl = new URL(resolved.dashboardUrl!);
    expect(resolvedUrl.pathname).toBe(`/d/${ANOMALIES_DASHBOARD.uid}`);
    expect(resolvedUrl.searchParams.has('var-topic')).toBe(false);
    expect(Number(resolvedUrl.searchParams.get('to'))).toBe(alert!.startedAtMs + 2 * 3_600_000);
  });

  it('words and rounds a negative-share notice as shares, a volume notice as messages per minute', () => {
    const { alert } = run([spike(0)]);
    const share = { ...alert!, series: 'negative_share:topic=billing', observed: 0.41237, expected: 0.11111, lower: 0.05, upper: 0.23456 };
    const json = alertNotice('acme', share, 'firing');
    expect(json).toMatchObject({ metric: 'negative_share', series: { dimension: 'topic', value: 'billing' }, observed: 0.4124, expected: 0.1111, band: { upper: 0.2346 } });
    expect((formatNotice(json, 'slack') as { text: string }).text).toContain('Negative-sentiment rise in topic “billing”: 41.2% of messages negative vs usual 11.1% (band ≤ 23.5%)');
    expect((formatNotice(alertNotice('acme', share, 'resolved'), 'slack') as { text: string }).text).toBe('Resolved: negative-sentiment rise in topic “billing”');
    const volume = alertNotice('acme', { ...alert!, series: 'topic=billing' }, 'firing');
    expect(volume.metric).toBe('volume');
    expect((formatNotice(volume, 'slack') as { text: string }).text).toMatch(/Ticket spike in topic “billing”: \d+ messages\/min vs expected/);
    const escalations = alertNotice('acme', { ...alert!, series: 'escalations:tag=vip', observed: 3, expected: 0.123456 }, 'firing');
    expect(escalations).toMatchObject({ metric: 'escalations', series: { dimension: 'tag', value: 'vip' }, expected: 0.12 });
    expect((formatNotice(escalations, 'slack') as { text: string }).text).toContain('Escalation spike in tag “vip”: 3 escalations/min vs expected 0.12');
  });

  it('words an alert the windowed count test raised by its window: a sparse topic’s minute can sit inside its band', () => {
    const { alert } = run([spike(0)]);
    const sparse = { ...alert!, series: 'topic=billing', observed: 2, expected: 0.02, upper: 3.02, countWindow: { minutes: 15, observed: 14, expected: 2.9 } };
    const json = alertNotice('acme', sparse, 'firing');
    expect(json.countWindow).toEqual({ minutes: 15, observed: 14, expected: 2.9 });
    expect((formatNotice(json, 'slack') as { text: string }).text).toBe(`[${sparse.severity.toUpperCase()}] Ticket spike in topic “billing”: 14 messages in the last 15 min vs 2.9 expected`);
    expect(alertNotice('acme', { ...sparse, countWindow: null }, 'firing').countWindow).toBeNull();
  });
});
