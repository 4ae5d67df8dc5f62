// Silences: a team that already knows why a series is up (an incident being worked on, a launch, a
// migration) mutes its notices for a while, without editing or deleting its subscriptions. Alerts
// still fire and are stored, listed and drawn on dashboards; only their notices are withheld, each
// recorded in the delivery log as `silenced` (domain/alertRouting.ts). Modelled on Prometheus
// Alertmanager's silences: the subscriptions' series filter, a start and an end, a comment saying
// why, and expired early rather than deleted, so the log keeps who muted what.
import { seriesMatches, type SeriesFilter } from './alerts.js';

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
