import { describe, expect, it } from 'vitest';
import { outlivedSilences, routeNotice, silencesCovering, silenceState, type AlertSilence } from '../../domain/alertSilences.js';
import type { AlertState, SubscriptionFilter } from '../../domain/alerts.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 2, 2, 9, 0);

const silence = (over: Partial<AlertSilence> = {}): AlertSilence => ({
  silenceId: 's1',
  dimension: 'topic',
  values: ['billing'],
  metrics: [],
  startsAtMs: t0,
  endsAtMs: t0 + 60 * MIN,
  comment: 'INC-42: payment provider outage',
  createdBy: 'ana',
  createdAtMs: t0,
  ...over,
});

type Sub = SubscriptionFilter & { id: string };
const sub = (id: string, over: Partial<SubscriptionFilter> = {}): Sub => ({ id, dimension: '', values: [], metrics: [], minSeverity: 'low', ...over });
const billing = { series: 'topic=billing', severity: 'high' as const };
const told = () => false;

describe('alert silences', () => {
  it('are pending before their start, active from it, expired from their end', () => {
    const s = silence();
    expect([t0 - 1, t0, t0 + 60 * MIN - 1, t0 + 60 * MIN].map((at) => silenceState(s, at))).toEqual(['pending', 'active', 'active', 'expired']);
  });

  it('cover the series their filter takes (dimension, value case-insensitively, metric) while active', () => {
    const s = silence({ values: ['Billing'], metrics: ['volume', 'escalations'] });
    const covered = (series: string, at = t0 + MIN) => silencesCovering([s], series, at).length > 0;
    expect(covered('topic=billing')).toBe(true);
    expect(covered('escalations:topic=billing')).toBe(true);
    expect(covered('negative_share:topic=billing')).toBe(false);
    expect(covered('topic=login')).toBe(false);
    expect(covered('tag=billing')).toBe(false);
    expect(covered('topic=billing', t0 - MIN)).toBe(false);
    expect(covered('topic=billing', t0 + 60 * MIN)).toBe(false);
    // An empty filter mutes everything (a maintenance window).
    expect(silencesCovering([silence({ dimension: '', values: [] })], 'all', t0 + MIN)).toHaveLength(1);
  });

  it('withhold every notice a covering silence meets, naming it, and send the rest', () => {
    const subs = [sub('everything'), sub('billing-team', { dimension: 'topic', values: ['billing'] }), sub('login-team', { dimension: 'topic', values: ['login'] }), sub('pager', { minSeverity: 'high' })];
    const during = routeNotice(billing, 'firing', subs, [silence()], t0 + MIN, told);
    expect(during.send).toEqual([]);
    expect(during.withheld.map((w) => [w.subscription.id, w.silence?.silenceId])).toEqual([['everything', 's1'], ['billing-team', 's1'], ['pager', 's1']]);
    expect(during.withheld[0]!.reason).toBe('silenced by s1: INC-42: payment provider outage');
    // Another series, or the same after the silence: sent to the subscriptions that take it, as without silences.
    expect(routeNotice({ series: 'topic=login', severity: 'medium' }, 'firing', subs, [silence()], t0 + MIN, told).send.map((s) => s.id)).toEqual(['everything', 'login-team']);
    expect(routeNotice(billing, 'firing', subs, [silence()], t0 + 60 * MIN, told).send.map((s) => s.id)).toEqual(['everything', 'billing-team', 'pager']);
    expect(routeNotice(billing, 'firing', subs, [silence()], t0 - MIN, told).withheld).toEqual([]);
  });

  it('withhold a resolve from subscriptions told of the alert only through silences, even after the silence ended', () => {
    const subs = [sub('was-silenced'), sub('was-told')];
    const onlySilenced = (s: Sub) => s.id === 'was-silenced';
    const after = routeNotice(billing, 'resolved', subs, [silence()], t0 + 90 * MIN, onlySilenced);
    expect(after.send.map((s) => s.id)).toEqual(['was-told']);
    expect(after.withheld.map((w) => [w.subscription.id, w.silence, w.reason])).toEqual([['was-silenced', undefined, 'its firing notices were silenced']]);
    // A firing or escalation after the silence is news, and is sent.
    expect(routeNotice(billing, 'escalated', subs, [silence()], t0 + 90 * MIN, onlySilenced).send).toHaveLength(2);
  });

  it('find the firing alerts a silence covered once it has ended and no other covers them, with the latest-ending one', () => {
    const alert = (series: string, over: Partial<AlertState> = {}): AlertState => ({ alertId: `${series}@t0`, series, status: 'firing', severity: 'high', score: 0.9, observed: 9, expected: 1, lower: 0, upper: 3, startedAtMs: t0 + 5 * MIN, lastAnomalyAtMs: t0 + 5 * MIN, resolvedAtMs: null, notifiedSeverity: 'high', quietMinutes: 0, version: 1, contributors: [], countWindow: null, ...over });
    const first = silence({ endsAtMs: t0 + 30 * MIN });
    const extended = silence({ silenceId: 's2', startsAtMs: t0 + 20 * MIN, endsAtMs: t0 + 50 * MIN });
    const outlived = (alerts: AlertState[], silences: AlertSilence[], at: number) => outlivedSilences(alerts, silences, at).map((o) => [o.alert.series, o.silence.silenceId]);
    expect(outlived([alert('topic=billing')], [first], t0 + 29 * MIN)).toEqual([]);
    expect(outlived([alert('topic=billing'), alert('topic=login')], [first], t0 + 30 * MIN)).toEqual([['topic=billing', 's1']]);
    // Still covered by a second silence: not yet; after both, named by the later.
    expect(outlived([alert('topic=billing')], [first, extended], t0 + 40 * MIN)).toEqual([]);
    expect(outlived([alert('topic=billing')], [first, extended], t0 + 50 * MIN)).toEqual([['topic=billing', 's2']]);
    // Resolved, never notified (found in history), started after the silence ended, or under a silence ended before it began: none.
    expect(outlived([alert('topic=billing', { status: 'resolved', resolvedAtMs: t0 + 20 * MIN })], [first], t0 + 31 * MIN)).toEqual([]);
    expect(outlived([alert('topic=billing', { notifiedSeverity: '' })], [first], t0 + 31 * MIN)).toEqual([]);
    expect(outlived([alert('topic=billing', { startedAtMs: t0 + 35 * MIN })], [first], t0 + 36 * MIN)).toEqual([]);
    expect(outlived([alert('topic=billing')], [silence({ startsAtMs: t0 + 10 * MIN, endsAtMs: t0 + 10 * MIN })], t0 + 31 * MIN)).toEqual([]);
  });
});
