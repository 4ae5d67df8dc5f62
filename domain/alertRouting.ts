// Who gets each notice a detection pass plans: the subscriptions whose filter takes the alert, less
// those it is withheld from — a silence covers it (domain/alertSilences.ts), or it is part of an
// incident the subscription was already told of (grouped: related to a firing alert sent to it, at
// least as specific) — and, for an all-clear, those never told the alert fired. A withheld alert that still fires is
// announced once nothing withholds it any more, so nobody is left believing it was never there.
// Pure: the detection activity gives it what the delivery log says was told.
import { parseSeries, seriesKey, subscriptionMatches, type AlertState, type NoticeKind, type SubscriptionFilter } from './alerts.js';
import { silencesCovering, type AlertSilence } from './alertSilences.js';

export const WITHHELD_STATUSES = ['silenced', 'grouped'] as const;
export type WithheldStatus = (typeof WITHHELD_STATUSES)[number];

export interface WithheldNotice<S> {
  subscription: S;
  status: WithheldStatus;
  /** For the delivery log. */
  reason: string;
}

export interface RoutedSubscription extends SubscriptionFilter {
  /** Fold an alert into a related firing one already sent (default); off: every alert is its own notice. */
  groupRelated: boolean;
}

export interface RoutingContext<S> {
  silences: readonly AlertSilence[];
  nowMs: number;
  /** Firing alerts this subscription was sent a firing or escalation notice of, earliest first. */
  toldFiring(subscription: S): readonly AlertState[];
  /** How this subscription's firing and escalation notices of the alert were all withheld; undefined when one was sent, or none planned. */
  withheldOnly(alert: AlertState, subscription: S): WithheldStatus | undefined;
}

const contributorSeries = (a: AlertState) => {
  const { metric } = parseSeries(a.series);
  return a.contributors.map((c) => seriesKey(metric, `${c.dimension}=${c.value}`));
};

/**
 * Two alerts of one metric are one incident when either names the other's series among what drove
 * it (domain/alertContributors.ts): "all" driven by topic billing, topic billing by channel web. Two
 * topics never are (a topic's drivers are its channels, tags, segments and areas).
 */
export function related(a: AlertState, b: AlertState): boolean {
  if (a.alertId === b.alertId || parseSeries(a.series).metric !== parseSeries(b.series).metric) return false;
  return contributorSeries(a).includes(b.series) || contributorSeries(b).includes(a.series);
}

/**
 * How specific a series is: topics (and the product areas grouping them) name the problem; tags,
 * channels and segments are views across problems; "all" is every one of them.
 */
const SPECIFICITY: Record<string, number> = { topic: 0, area: 1, tag: 2, channel: 3, segment: 3, all: 4 };
export const specificity = (series: string) => SPECIFICITY[parseSeries(series).dimension] ?? 3;

/** Series in the order their notices are routed within one minute: the most specific first, then by name. */
export const bySpecificity = (a: string, b: string) => specificity(a) - specificity(b) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * An alert is folded into a related one at least as specific: "all" and channel web into topic
 * billing, never a topic into "all" — two topics rising at once are two incidents even though the
 * overall volume names both among its drivers.
 */
export const groupsUnder = (alert: AlertState, leader: AlertState) => related(alert, leader) && specificity(leader.series) <= specificity(alert.series);

/** Whether, and why, one notice is withheld from one subscription that takes it. */
function withholding<S extends RoutedSubscription>(alert: AlertState, kind: NoticeKind, subscription: S, ctx: RoutingContext<S>): { status: WithheldStatus; reason: string } | undefined {
  const [silence] = silencesCovering(ctx.silences, alert.series, ctx.nowMs);
  if (silence) return { status: 'silenced', reason: `silenced by ${silence.silenceId}: ${silence.comment}` };
  if (kind === 'resolved') {
    // An all-clear for an alert never announced is noise.
    const withheldAs = ctx.withheldOnly(alert, subscription);
    return withheldAs && { status: withheldAs, reason: `its firing notices were ${withheldAs}` };
  }
  const leader = subscription.groupRelated ? ctx.toldFiring(subscription).find((l) => groupsUnder(alert, l)) : undefined;
  return leader && { status: 'grouped', reason: `grouped with the ${leader.series} alert ${leader.alertId}, still firing` };
}

export function routeNotice<S extends RoutedSubscription>(alert: AlertState, kind: NoticeKind, subscriptions: readonly S[], ctx: RoutingContext<S>): { send: S[]; withheld: WithheldNotice<S>[] } {
  const send: S[] = [];
  const withheld: WithheldNotice<S>[] = [];
  for (const subscription of subscriptions.filter((s) => subscriptionMatches(s, alert))) {
    const why = withholding(alert, kind, subscription, ctx);
    if (why) withheld.push({ subscription, ...why });
    else send.push(subscription);
  }
  return { send, withheld };
}

/**
 * Firing alerts withheld from a subscription (every notice of them so far; `heldBack` says how) that
 * nothing withholds any more — the silence ended, the related alert they were grouped with resolved:
 * announced now (a firing notice), as Alertmanager notifies once a silence expires, so a team whose
 * incident outlasts the silence it set, or the alert it was folded into, is paged. Alerts never
 * notified (found while replaying history) are left out, as are subscriptions that never had a
 * notice of the alert planned (made after it fired).
 */
export function lateAnnouncements<S extends RoutedSubscription>(alerts: readonly AlertState[], subscriptions: readonly S[], ctx: RoutingContext<S>): { alert: AlertState; subscription: S; heldBack: WithheldStatus }[] {
  return alerts
    .filter((a) => a.status === 'firing' && a.notifiedSeverity !== '')
    .flatMap((alert) =>
      subscriptions.flatMap((subscription) => {
        const heldBack = subscriptionMatches(subscription, alert) ? ctx.withheldOnly(alert, subscription) : undefined;
        return heldBack && !withholding(alert, 'firing', subscription, ctx) ? [{ alert, subscription, heldBack }] : [];
      }),
    );
}
