// Silences: a team that already knows why a series is up (an incident being worked on, a launch, a
// migration) mutes its notices for a while, without editing or deleting its subscriptions. Alerts
// still fire and are stored, listed and drawn on dashboards; only their notices are withheld, each
// recorded in the delivery log as `silenced`. Modelled on Prometheus Alertmanager's silences: the
// subscriptions' series filter, a start and an end, a comment saying why, and expired early rather
// than deleted, so the log keeps who muted what.
import { seriesMatches, subscriptionMatches, type AlertState, type NoticeKind, type SeriesFilter, type SubscriptionFilter } from './alerts.js';

export interface AlertSilence extends SeriesFilter {
  silenceId: string;
  startsAtMs: number;
  endsAtMs: number;
  /** Why (an incident, a launch): required, as in Alertmanager. */
  comment: string;
  createdBy: string;
  createdAtMs: number;
}

/** A silence mutes for at most this long: muting a series for good is a subscription's filter (PATCH it), not a silence that outlives its reason. */
export const SILENCE_MAX_MS = 30 * 24 * 60 * 60_000;

export const SILENCE_STATES = ['pending', 'active', 'expired'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

export function silenceState(s: Pick<AlertSilence, 'startsAtMs' | 'endsAtMs'>, nowMs: number): SilenceState {
  if (nowMs >= s.endsAtMs) return 'expired';
  return nowMs >= s.startsAtMs ? 'active' : 'pending';
}

/** The silences active at `nowMs` whose filter takes the series. */
export const silencesCovering = (silences: readonly AlertSilence[], series: string, nowMs: number): AlertSilence[] =>
  silences.filter((s) => silenceState(s, nowMs) === 'active' && seriesMatches(s, series));

export interface WithheldNotice<S> {
  subscription: S;
  /** The silence that withheld it; undefined for a resolve whose firing notices were all withheld. */
  silence: AlertSilence | undefined;
  /** For the delivery log. */
  reason: string;
}

/**
 * Who gets one notice of a pass: the matching subscriptions, less those a silence active now covers.
 * A resolve also skips a subscription whose every firing or escalation notice of the alert was
 * withheld (`toldOnlySilenced`): an all-clear for an alert never announced is noise.
 */
export function routeNotice<S extends SubscriptionFilter>(
  alert: Pick<AlertState, 'series' | 'severity'>,
  kind: NoticeKind,
  subscriptions: readonly S[],
  silences: readonly AlertSilence[],
  nowMs: number,
  toldOnlySilenced: (subscription: S) => boolean,
): { send: S[]; withheld: WithheldNotice<S>[] } {
  const [silence] = silencesCovering(silences, alert.series, nowMs);
  const send: S[] = [];
  const withheld: WithheldNotice<S>[] = [];
  for (const subscription of subscriptions.filter((s) => subscriptionMatches(s, alert))) {
    if (silence) withheld.push({ subscription, silence, reason: `silenced by ${silence.silenceId}: ${silence.comment}` });
    else if (kind === 'resolved' && toldOnlySilenced(subscription)) withheld.push({ subscription, silence: undefined, reason: 'its firing notices were silenced' });
    else send.push(subscription);
  }
  return { send, withheld };
}

/**
 * Firing alerts that outlived a silence which covered them: once no silence covers one any more it
 * is announced (a firing notice, to the subscriptions that were told of it only through silences —
 * `toldOnlySilenced`), as Alertmanager notifies once a silence expires, so a team whose incident
 * outlasts the silence it set is paged. Each comes with the latest-ending such silence (the notice's
 * delivery id names it, so every pass until the first attempt is logged plans the same delivery).
 * Alerts never notified (found while replaying history) are left out, as without silences.
 */
export function outlivedSilences(alerts: readonly AlertState[], silences: readonly AlertSilence[], nowMs: number): { alert: AlertState; silence: AlertSilence }[] {
  return alerts.flatMap((alert) => {
    if (alert.status !== 'firing' || alert.notifiedSeverity === '' || silencesCovering(silences, alert.series, nowMs).length > 0) return [];
    const ended = silences
      .filter((s) => s.endsAtMs <= nowMs && s.endsAtMs > Math.max(s.startsAtMs, alert.startedAtMs) && seriesMatches(s, alert.series))
      .sort((a, b) => b.endsAtMs - a.endsAtMs || (a.silenceId < b.silenceId ? -1 : 1));
    return ended.length ? [{ alert, silence: ended[0]! }] : [];
  });
}
