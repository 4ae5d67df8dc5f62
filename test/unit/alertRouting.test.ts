import { describe, expect, it } from 'vitest';
import { lateAnnouncements, related, routeNotice, type RoutedSubscription, type RoutingContext, type WithheldStatus } from '../../domain/alertRouting.js';
import type { AlertSilence } from '../../domain/alertSilences.js';
import type { AlertState } from '../../domain/alerts.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 2, 2, 9, 0);

const incident: AlertSilence = { silenceId: 's1', dimension: 'topic', values: ['billing'], metrics: [], startsAtMs: t0, endsAtMs: t0 + 60 * MIN, comment: 'INC-42: payment provider outage', createdBy: 'ana', createdAtMs: t0 };

type Sub = RoutedSubscription & { id: string };
const sub = (id: string, over: Partial<RoutedSubscription> = {}): Sub => ({ id, dimension: '', values: [], metrics: [], minSeverity: 'low', groupRelated: true, ...over });

/** An alert driven by the given slices ("channel=web"). */
const alert = (series: string, drivers: string[] = [], over: Partial<AlertState> = {}): AlertState => ({
  alertId: `${series}@t0`,
  series,
  status: 'firing',
  severity: 'high',
  score: 0.9,
  observed: 9,
  expected: 1,
  lower: 0,
  upper: 3,
  startedAtMs: t0 + 5 * MIN,
  lastAnomalyAtMs: t0 + 5 * MIN,
  resolvedAtMs: null,
  notifiedSeverity: 'high',
  quietMinutes: 0,
  version: 1,
  contributors: drivers.map((d) => ({ dimension: d.split('=')[0]!, value: d.split('=')[1]!, observed: 5, usual: 1, shareOfRise: 0.5 })),
  countWindow: null,
  ...over,
});

/** A routing context from what each subscription was told: `told` maps a subscription id to the alerts it was sent, `withheld` to the alerts every notice of which it had withheld. */
const context = (nowMs: number, opts: { silences?: AlertSilence[]; told?: Record<string, AlertState[]>; withheld?: Record<string, [AlertState, WithheldStatus][]> } = {}): RoutingContext<Sub> => ({
  silences: opts.silences ?? [],
  nowMs,
  toldFiring: (s) => (opts.told?.[s.id] ?? []).filter((a) => a.status === 'firing'),
  withheldOnly: (a, s) => opts.withheld?.[s.id]?.find(([w]) => w.alertId === a.alertId)?.[1],
});
const ids = (subs: Sub[]) => subs.map((s) => s.id);

describe('alert routing', () => {
  const billing = alert('topic=billing', ['channel=web', 'tag=checkout']);

  it('withholds every notice a covering silence meets, naming it, and sends the rest', () => {
    const subs = [sub('everything'), sub('billing-team', { dimension: 'topic', values: ['billing'] }), sub('login-team', { dimension: 'topic', values: ['login'] }), sub('pager', { minSeverity: 'high' })];
    const during = routeNotice(billing, 'firing', subs, context(t0 + MIN, { silences: [incident] }));
    expect(during.send).toEqual([]);
    expect(during.withheld.map((w) => [w.subscription.id, w.status])).toEqual([['everything', 'silenced'], ['billing-team', 'silenced'], ['pager', 'silenced']]);
    expect(during.withheld[0]!.reason).toBe('silenced by s1: INC-42: payment provider outage');
    // Another series, or the same after the silence: sent to the subscriptions that take it, as without silences.
    expect(ids(routeNotice(alert('topic=login', [], { severity: 'medium' }), 'firing', subs, context(t0 + MIN, { silences: [incident] })).send)).toEqual(['everything', 'login-team']);
    expect(ids(routeNotice(billing, 'firing', subs, context(t0 + 60 * MIN, { silences: [incident] })).send)).toEqual(['everything', 'billing-team', 'pager']);
  });

  it('withholds an all-clear from a subscription never told the alert fired, saying how its notices were withheld', () => {
    const subs = [sub('was-silenced'), sub('was-grouped'), sub('was-told'), sub('made-later')];
    const resolved = { ...billing, status: 'resolved' as const, resolvedAtMs: t0 + 80 * MIN };
    const route = routeNotice(resolved, 'resolved', subs, context(t0 + 90 * MIN, { withheld: { 'was-silenced': [[billing, 'silenced']], 'was-grouped': [[billing, 'grouped']] } }));
    expect(ids(route.send)).toEqual(['was-told', 'made-later']);
    expect(route.withheld.map((w) => [w.subscription.id, w.status, w.reason])).toEqual([
      ['was-silenced', 'silenced', 'its firing notices were silenced'],
      ['was-grouped', 'grouped', 'its firing notices were grouped'],
    ]);
  });

  it('relates alerts of one metric when one names the other among its drivers, never two topics', () => {
    const all = alert('all', ['topic=billing', 'channel=web']);
    const web = alert('channel=web', ['topic=billing', 'topic=login']);
    const login = alert('topic=login', ['channel=web']);
    expect([related(all, billing), related(billing, all), related(billing, web), related(login, web), related(billing, login)]).toEqual([true, true, true, true, false]);
    // Another metric's alert on the same slices is another incident; an alert is not related to itself.
    expect(related(alert('negative_share:topic=billing', ['channel=web']), alert('negative_share:channel=web'))).toBe(true);
    expect(related(alert('negative_share:all', ['topic=billing']), billing)).toBe(false);
    expect(related(billing, billing)).toBe(false);
  });

  it('folds an alert into a related firing one already sent to the subscription, unless it asks for every alert', () => {
    const all = alert('all', ['topic=billing', 'channel=web'], { startedAtMs: t0 + 7 * MIN });
    const subs = [sub('grouping'), sub('every-alert', { groupRelated: false }), sub('told-nothing')];
    const route = routeNotice(all, 'firing', subs, context(t0 + 8 * MIN, { told: { grouping: [billing], 'every-alert': [billing] } }));
    expect(ids(route.send)).toEqual(['every-alert', 'told-nothing']);
    expect(route.withheld.map((w) => [w.subscription.id, w.status, w.reason])).toEqual([['grouping', 'grouped', 'grouped with the topic=billing alert topic=billing@t0, still firing']]);
    // Its escalation too, while billing fires; once billing has resolved, the escalation is news.
    expect(ids(routeNotice(all, 'escalated', subs, context(t0 + 9 * MIN, { told: { grouping: [billing] } })).send)).toEqual(['every-alert', 'told-nothing']);
    expect(ids(routeNotice(all, 'escalated', subs, context(t0 + 30 * MIN, { told: { grouping: [{ ...billing, status: 'resolved' }] } })).send)).toEqual(['grouping', 'every-alert', 'told-nothing']);
    // An unrelated topic is its own incident, and a topic is never folded into a broader alert that
    // names it (two topics rising at once are two incidents, though "all" names both).
    expect(routeNotice(alert('topic=login', ['channel=chat']), 'firing', subs, context(t0 + 8 * MIN, { told: { grouping: [billing] } })).withheld).toEqual([]);
    const allFirst = alert('all', ['topic=billing', 'topic=login']);
    expect(routeNotice(billing, 'firing', subs, context(t0 + 8 * MIN, { told: { grouping: [allFirst] } })).withheld).toEqual([]);
    // A tag or channel is folded into the topic that drove it.
    expect(routeNotice(alert('tag=checkout', ['topic=billing']), 'firing', subs, context(t0 + 8 * MIN, { told: { grouping: [billing] } })).withheld.map((w) => w.status)).toEqual(['grouped']);
  });

  it('announces a withheld alert that still fires once nothing withholds it: the silence ended, the alert it was grouped with resolved', () => {
    const all = alert('all', ['topic=billing']);
    const subs = [sub('silenced'), sub('grouped'), sub('told'), sub('made-later')];
    const withheld: Record<string, [AlertState, WithheldStatus][]> = { silenced: [[billing, 'silenced']], grouped: [[all, 'grouped']] };
    const announced = (alerts: AlertState[], nowMs: number, told: Record<string, AlertState[]>) => lateAnnouncements(alerts, subs, context(nowMs, { silences: [incident], withheld, told })).map((a) => [a.alert.series, a.subscription.id]);
    // While the silence lasts and billing fires: nothing.
    expect(announced([billing, all], t0 + 30 * MIN, { grouped: [billing] })).toEqual([]);
    // The silence over, billing still firing: billing to the one it silenced; all stays grouped with billing.
    expect(announced([billing, all], t0 + 60 * MIN, { grouped: [billing] })).toEqual([['topic=billing', 'silenced']]);
    // Billing resolved, all still firing: all to the one that had it grouped.
    expect(announced([{ ...billing, status: 'resolved' }, all], t0 + 90 * MIN, { grouped: [{ ...billing, status: 'resolved' }] })).toEqual([['all', 'grouped']]);
    // Never notified (found while replaying history): never announced.
    expect(announced([{ ...all, notifiedSeverity: '' }], t0 + 90 * MIN, {})).toEqual([]);
  });
});
