// Spike detection and alert delivery side effects: one pass over a tenant's series per scheduled
// run (state and alerts persisted before any notice is planned), and one signed POST per notice.
import { createHash } from 'node:crypto';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { CONTRIBUTOR_USUAL_WEEKS, topContributors, usualWeeks, WEEK_MS, type Contributor } from '../domain/alertContributors.js';
import { alertNotice, formatNotice, type AlertNotice } from '../domain/alertNotice.js';
import { ALERT_METRICS, METRIC_SOURCES, parseSeries, seriesKey, type AlertPolicy, type AlertState, type NoticeKind } from '../domain/alerts.js';
import { bySpecificity, lateAnnouncements, routeNotice, type RoutingContext, type WithheldStatus } from '../domain/alertRouting.js';
import { holidayCalendarFor, holidayDays, holidayIntervals, type HolidayCalendar } from '../domain/holidays.js';
import { areaDefinition, areaMatchers, productAreasFor, type AreaMatcher } from '../domain/productAreas.js';
import { LATE_EVENTS_LOOKBACK_MS, LATE_ROWS_REACH_MS, MIN_EVENTS_TO_WATCH, MINUTE_MS, seriesPassSteps } from '../domain/spikeDetection.js';
import { sliceWeekCounts } from '../store/alertContributors.js';
import { noticeHistory, noticeKey, writeDeliveryAttempt } from '../store/alertDeliveries.js';
import { listSilences } from '../store/alertSilences.js';
import { latestAlertPerSeries, writeAlerts } from '../store/alerts.js';
import { getSubscription, listSubscriptions, type AlertSubscription } from '../store/alertSubscriptions.js';
import type { BatchingWriter } from '../store/batchingWriter.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { loadDetectorStates, writeDetectorStates, type RetiredSeries, type SeriesDetectorState } from '../store/detectorState.js';
import { historyArrivalsSince } from '../store/historyArrivals.js';
import { firstVolumeMinute, seriesCounts, type SeriesCount } from '../store/spikeSeries.js';
import { holidayCalendarOverrides, productAreasOverrides } from '../store/tenantSettings.js';
import { EventLoopSlices } from './eventLoopSlices.js';
import { postNotice } from './noticeTarget.js';

export interface DetectionDeps {
  ch: ClickHouse;
  writer: BatchingWriter;
  now: () => number;
  policy: AlertPolicy;
  /** How far back a new series (or a new tenant) is replayed: bounds the first pass's work. */
  maxBackfillMinutes: number;
  /** A series without an event for this long, and no firing alert, is retired (SUPPORTLOOP_DETECTION_RETIRE_AFTER_DAYS). */
  retireAfterMinutes: number;
  /** A minute is fed only once it ended this long ago (SUPPORTLOOP_DETECTION_SETTLE_SECONDS). */
  settleMs: number;
  /**
   * An import stores its history in many requests, each recorded as an arrival. While they keep
   * coming, a series they cover would start over at every pass: weeks of replay each time, on the
   * process that is storing the import. So while the tenant's latest arrival is this recent, no
   * series starts or starts over; each does once the import has gone quiet, on all of it. Series the
   * import does not cover continue as usual (SUPPORTLOOP_DETECTION_IMPORT_QUIET_SECONDS; 0 = off).
   */
  importQuietMs: number;
  /** SUPPORTLOOP_GRAFANA_URL: notices link to the Anomalies dashboard when set. */
  grafanaUrl?: string;
  /** Per pass: how far behind now the last minute fed is, and the late events it added (metrics). */
  observePass?: (tenantId: string, pass: { lagSeconds: number; lateEvents: number }) => void;
}

export interface PlannedDelivery {
  tenantId: string;
  deliveryId: string;
  subscriptionId: string;
  alertId: string;
  kind: NoticeKind;
  notice: AlertNotice;
}

/**
 * Clocks of the process that stored history and of the one running passes may differ: an arrival
 * this close before a pass began counts as after it (at worst a series starts over once more).
 */
const ARRIVAL_CLOCK_SLACK_MS = 10_000;

/** Alerts whose drivers one pass reads (the most recent first); the rest keep what they had. */
const MAX_ALERTS_EXPLAINED_PER_PASS = 50;

/** Standard Webhooks ids must not contain '.', and must be the same on every retry: a hash of what is delivered. */
export const deliveryIdFor = (alertId: string, kind: NoticeKind, subscriptionId: string, late = false) =>
  `msg_${createHash('sha256').update(`${alertId}\n${kind}\n${subscriptionId}${late ? '\nannounced late' : ''}`).digest('hex').slice(0, 32)}`;

/** Each alert's contributors as of its latest report (domain/alertContributors.ts), read from the rollups. */
async function driversOf(
  ch: ClickHouse,
  tenantId: string,
  alerts: readonly AlertState[],
  tenant: { areas: readonly AreaMatcher[]; firstMinute: number; calendar: HolidayCalendar },
): Promise<Map<string, Contributor[]>> {
  if (alerts.length === 0) return new Map();
  // The holidays of every window the usual may read, once for all the alerts.
  const ends = alerts.map((a) => a.lastAnomalyAtMs);
  const holidays = holidayIntervals(holidayDays(tenant.calendar, Math.min(...ends) - (CONTRIBUTOR_USUAL_WEEKS + 1) * WEEK_MS, Math.max(...ends) + MINUTE_MS));
  return new Map(
    await Promise.all(
      alerts.map(async (a) => {
        const { dimension, value } = parseSeries(a.series);
        const counts = await sliceWeekCounts(ch, tenantId, a.series, a.lastAnomalyAtMs, tenant.areas);
        return [a.alertId, topContributors(counts, usualWeeks(a.lastAnomalyAtMs, tenant.firstMinute, holidays), { dimension, value })] as const;
      }),
    ),
  );
}

export function createDetectionActivities(deps: DetectionDeps) {
  return {
    async runSpikeDetection(input: { tenantId: string }): Promise<{ series: number; retired: number; waitingForImport: number; minutesFed: number; lateEvents: number; deliveries: PlannedDelivery[]; withheld: number }> {
      const { tenantId } = input;
      const { importQuietMs } = deps;
      const nowMs = deps.now();
      // The last minute that ended at least settleMs ago: a minute is fed once, so the events of a
      // minute still being written when it is fed would never count.
      const untilMs = Math.floor((nowMs - deps.settleMs) / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
      const [states, alerts, firstMinute, calendar, areas] = await Promise.all([
        loadDetectorStates(deps.ch, tenantId),
        latestAlertPerSeries(deps.ch, tenantId),
        firstVolumeMinute(deps.ch, tenantId),
        holidayCalendarOverrides(deps.ch, tenantId).then(holidayCalendarFor),
        productAreasOverrides(deps.ch, tenantId).then((o) => areaMatchers(productAreasFor(o))),
      ]);
      if (firstMinute === undefined) return { series: 0, retired: 0, waitingForImport: 0, minutesFed: 0, lateEvents: 0, deliveries: [], withheld: 0 };
      // History stored since a series' last pass began (an import) may be for minutes that pass fed as
      // empty: such a series starts over on the stored history (store/historyArrivals.ts), once the
      // import has gone quiet (importQuietMs).
      const passStarts = states.map((s) => s.passStartedAtMs ?? 0);
      const arrivals = await historyArrivalsSince(deps.ch, tenantId, Math.min(nowMs - importQuietMs, ...passStarts) - ARRIVAL_CLOCK_SLACK_MS);
      const historyArrivedSince = (s: SeriesDetectorState) =>
        arrivals.some((a) => a.arrivedAtMs >= (s.passStartedAtMs ?? 0) - ARRIVAL_CLOCK_SLACK_MS && a.earliestMs < s.lastMinuteMs - LATE_ROWS_REACH_MS);
      const importUnderWay = importQuietMs > 0 && arrivals.some((a) => a.arrivedAtMs >= nowMs - importQuietMs && a.earliestMs < nowMs - LATE_ROWS_REACH_MS);
      const newSeriesFromMs = Math.max(firstMinute, untilMs - deps.maxBackfillMinutes * MINUTE_MS);
      const historyAfterMs = newSeriesFromMs - MINUTE_MS;
      const areasByBase = new Map(areas.map((a) => [`area=${a.name}`, a]));
      const previous = new Map(states.map((s) => [s.series, s]));
      // Every stored series resumes after its last minute fed; the minutes its count windows still hold
      // are read again for the events stored after an earlier pass read them (late rows).
      const recentAfterMs = states.length ? states.reduce((min, s) => Math.min(min, s.lastMinuteMs), Infinity) - LATE_EVENTS_LOOKBACK_MS : historyAfterMs;
      const holidays = holidayIntervals(holidayDays(calendar, Math.min(recentAfterMs, historyAfterMs), untilMs + MINUTE_MS));
      // Per event kind and base series ("message.customer|topic=billing"): events per minute, and the negative ones.
      const counts = new Map<string, Map<number, number>>();
      const negatives = new Map<string, Map<number, number>>();
      const minuteMap = (maps: Map<string, Map<number, number>>, key: string) => maps.get(key) ?? maps.set(key, new Map()).get(key)!;
      const sourceKey = (kind: string, base: string) => `${kind}|${base}`;
      // A base series with events of a kind is watched for every metric that reads that kind.
      const watched = new Set(previous.keys());
      const addCounts = (rows: SeriesCount[]) => {
        for (const c of rows) {
          minuteMap(counts, sourceKey(c.kind, c.series)).set(c.minuteMs, c.count);
          if (c.negative > 0) minuteMap(negatives, sourceKey(c.kind, c.series)).set(c.minuteMs, c.negative);
          for (const metric of ALERT_METRICS) if (METRIC_SOURCES[metric].kind === c.kind) watched.add(seriesKey(metric, c.series));
        }
      };
      addCounts(await seriesCounts(deps.ch, tenantId, recentAfterMs, untilMs, areas));

      // What a series counts now: an area series whose area was edited or removed since its state was
      // saved starts over from newSeriesFromMs, like a new series (a removed one, on zeros); so does a
      // series whose fed minutes got history since.
      const definitionOf = (series: string) => {
        const { dimension, base } = parseSeries(series);
        return dimension === 'area' ? areaDefinition(areasByBase.get(base)) : '';
      };
      // A series continues from its saved state (prior), or starts over; starting over on history that
      // arrived for minutes it had fed, those minutes were judged already: only the detector is rebuilt.
      const resumeOf = (series: string): { saved?: SeriesDetectorState; prior?: SeriesDetectorState; judgedUntilMs?: number } => {
        const saved = previous.get(series);
        if (!saved || saved.definition !== definitionOf(series)) return { saved };
        return historyArrivedSince(saved) ? { saved, judgedUntilMs: saved.lastMinuteMs } : { saved, prior: saved };
      };
      const starting = [...watched].filter((series) => !resumeOf(series).prior);
      // Series starting over replay their history since newSeriesFromMs, read now unless already read.
      if (starting.length && !importUnderWay && recentAfterMs > historyAfterMs) {
        addCounts(await seriesCounts(deps.ch, tenantId, historyAfterMs, untilMs, areas, [...new Set(starting.map((s) => parseSeries(s).base))]));
      }
      const eventsIn = (minutes: ReadonlyMap<number, number>) => [...minutes.values()].reduce((a, b) => a + b, 0);

      const updatedStates: SeriesDetectorState[] = [];
      const retired: RetiredSeries[] = [];
      const changedAlerts: AlertState[] = [];
      const notices: { kind: NoticeKind; alert: AlertState }[] = [];
      let minutesFed = 0;
      let lateEvents = 0;
      let waitingForImport = 0;
      const firstMinuteFed = new Map<string, number>();
      // A series replaying weeks of history takes a second or more, and a first pass over five weeks
      // of a busy tenant a minute or more: the worker's other work (drafts, workflow tasks; in the
      // embedded process the API too) runs between its steps (activities/eventLoopSlices.ts).
      const slices = new EventLoopSlices();
      for (const series of watched) {
        await slices.pause();
        const { saved, prior, judgedUntilMs } = resumeOf(series);
        if (prior && prior.lastMinuteMs >= untilMs) continue;
        // Its stored state (if any) is left as it is, so the arrivals still count at a later pass.
        if (!prior && importUnderWay) {
          waitingForImport++;
          continue;
        }
        const { metric, dimension, base } = parseSeries(series);
        const source = sourceKey(METRIC_SOURCES[metric].kind, base);
        const minutes = counts.get(source) ?? new Map<number, number>();
        // A series never seen (or retired) is not started on fewer events than could alert.
        if (!saved && eventsIn(minutes) < MIN_EVENTS_TO_WATCH) continue;
        firstMinuteFed.set(series, prior ? prior.lastMinuteMs + MINUTE_MS : newSeriesFromMs);
        const result = await slices.drive(
          seriesPassSteps({ series, previous: prior, counts: minutes, negatives: negatives.get(source), newSeriesFromMs, untilMs, alert: alerts.get(series), holidays, judgedUntilMs }, nowMs, deps.policy),
        );
        minutesFed += result.minutesFed;
        // Every event of a kind is in its overall count series once: count late events there.
        if (dimension === 'all' && METRIC_SOURCES[metric].measure === 'count') lateEvents += result.lateEvents;
        changedAlerts.push(...result.changedAlerts);
        notices.push(...result.notices);
        let lastEventMs = saved?.lastEventMs ?? newSeriesFromMs;
        for (const minute of minutes.keys()) if (minute > lastEventMs) lastEventMs = minute;
        const state = { series, lastMinuteMs: result.lastMinuteMs, lastEventMs, storedParts: saved?.storedParts };
        // Silent for longer than the detector remembers, and nothing firing: stop watching it.
        if (untilMs - lastEventMs > deps.retireAfterMinutes * MINUTE_MS && result.alert?.status !== 'firing') retired.push(state);
        else updatedStates.push({ ...state, snapshot: result.snapshot, definition: definitionOf(series) });
      }
      deps.observePass?.(tenantId, { lagSeconds: (nowMs - untilMs) / 1000, lateEvents });
      // What drove each alert reported in the minutes this pass fed (a new alert, an escalation, a
      // silent reopen; notified or found in history), as of its latest report: every version of it
      // this pass stores or notifies carries it. Bounded per pass: a first pass over imported history
      // may report many.
      const reported = changedAlerts
        .filter((a) => a.lastAnomalyAtMs > (firstMinuteFed.get(a.series) ?? Infinity) - MINUTE_MS)
        .sort((a, b) => b.lastAnomalyAtMs - a.lastAnomalyAtMs)
        .slice(0, MAX_ALERTS_EXPLAINED_PER_PASS);
      const drivers = await driversOf(deps.ch, tenantId, reported, { areas, firstMinute, calendar });
      const withDrivers = (a: AlertState): AlertState => {
        const contributors = drivers.get(a.alertId);
        return contributors ? { ...a, contributors } : a;
      };
      const alertsToStore = changedAlerts.map(withDrivers);
      const noticesToSend = notices.map((n) => ({ kind: n.kind, alert: withDrivers(n.alert) }));
      // Persist before planning notices: a retried pass continues after these minutes, so it cannot notify twice.
      await Promise.all([writeDetectorStates(deps.writer, tenantId, updatedStates, retired, nowMs), writeAlerts(deps.writer, tenantId, alertsToStore, nowMs)]);

      // Alerts as this pass leaves them: the firing ones a subscription was told of group related
      // alerts, and those withheld from it may be announced now (domain/alertRouting.ts).
      const latest = new Map(alerts);
      for (const a of changedAlerts) latest.set(a.series, a);
      const firing = [...latest.values()].filter((a) => a.status === 'firing').sort((a, b) => a.startedAtMs - b.startedAtMs || bySpecificity(a.series, b.series));
      const deliveries: PlannedDelivery[] = [];
      const withheld: Promise<void>[] = [];
      if (noticesToSend.length || firing.length) {
        const [subscriptions, silences, history] = await Promise.all([
          listSubscriptions(deps.ch, tenantId),
          listSilences(deps.ch, tenantId, nowMs),
          noticeHistory(deps.ch, tenantId, [...new Set([...firing, ...noticesToSend.map((n) => n.alert)].map((a) => a.alertId))]),
        ]);
        const key = (a: AlertState, s: AlertSubscription) => noticeKey(a.alertId, s.subscriptionId);
        // This pass's own firing and escalation notices, sent or withheld, before the log has them.
        const sentNow = new Set<string>();
        const withheldNow = new Map<string, WithheldStatus>();
        const told = (a: AlertState, s: AlertSubscription) => sentNow.has(key(a, s)) || history.get(key(a, s))?.told === true;
        const ctx: RoutingContext<AlertSubscription> = {
          silences,
          nowMs,
          toldFiring: (s) => firing.filter((a) => told(a, s)),
          withheldOnly: (a, s) => (told(a, s) ? undefined : (withheldNow.get(key(a, s)) ?? history.get(key(a, s))?.withheldAs)),
        };
        const plan = (alert: AlertState, kind: NoticeKind, s: AlertSubscription, heldBack: WithheldStatus | null = null) => {
          if (kind !== 'resolved') sentNow.add(key(alert, s));
          deliveries.push({ tenantId, deliveryId: deliveryIdFor(alert.alertId, kind, s.subscriptionId, heldBack !== null), subscriptionId: s.subscriptionId, alertId: alert.alertId, kind, notice: alertNotice(tenantId, alert, kind, { heldBack, grafanaUrl: deps.grafanaUrl }) });
        };
        // In the order they happened, the most specific first within a minute: an incident's topic is
        // sent before the alerts grouped with it, a firing before its resolve.
        const noticeAt = (n: { kind: NoticeKind; alert: AlertState }) => (n.kind === 'resolved' ? n.alert.resolvedAtMs! : n.alert.lastAnomalyAtMs);
        const inOrder = [...noticesToSend].sort((a, b) => noticeAt(a) - noticeAt(b) || bySpecificity(a.alert.series, b.alert.series));
        for (const { kind, alert } of inOrder) {
          const route = routeNotice(alert, kind, subscriptions, ctx);
          for (const s of route.send) plan(alert, kind, s);
          // Withheld notices are logged as deliveries that were not attempted, so the alert's log says why nothing arrived.
          for (const w of route.withheld) {
            if (kind !== 'resolved') withheldNow.set(key(alert, w.subscription), w.status);
            const deliveryId = deliveryIdFor(alert.alertId, kind, w.subscription.subscriptionId);
            withheld.push(writeDeliveryAttempt(deps.writer, { tenantId, deliveryId, alertId: alert.alertId, subscriptionId: w.subscription.subscriptionId, notice: kind, status: w.status, attempts: 0, httpStatus: 0, error: w.reason, atMs: nowMs }));
          }
        }
        const noticed = new Set(noticesToSend.map((n) => n.alert.alertId));
        for (const { alert, subscription, heldBack } of lateAnnouncements(firing.filter((a) => !noticed.has(a.alertId)), subscriptions, ctx)) plan(alert, 'firing', subscription, heldBack);
      }
      await Promise.all(withheld);
      return { series: updatedStates.length, retired: retired.length, waitingForImport, minutesFed, lateEvents, deliveries, withheld: withheld.length };
    },

    /** POST one notice, signed; throws to let Temporal retry with backoff until the target answers 2xx. */
    async deliverAlertNotice(d: PlannedDelivery): Promise<void> {
      const attempt = Context.current().info.attempt;
      const record = (status: 'delivered' | 'failed' | 'abandoned', httpStatus: number, error: string) =>
        writeDeliveryAttempt(deps.writer, { tenantId: d.tenantId, deliveryId: d.deliveryId, alertId: d.alertId, subscriptionId: d.subscriptionId, notice: d.kind, status, attempts: attempt, httpStatus, error, atMs: deps.now() });
      const subscription = await getSubscription(deps.ch, d.tenantId, d.subscriptionId);
      if (!subscription) {
        await record('abandoned', 0, 'subscription deleted');
        return;
      }
      const body = JSON.stringify(formatNotice(d.notice, subscription.format));
      const at = new Date(deps.now());
      let response: Response;
      try {
        response = await postNotice(subscription, d.deliveryId, body, at);
      } catch (err) {
        await record('failed', 0, String(err));
        throw ApplicationFailure.retryable(`alert target unreachable: ${String(err)}`, 'TargetUnreachable');
      }
      if (response.ok) return record('delivered', response.status, '');
      if (response.status === 410) {
        // 410 Gone: the receiver asks us to stop (Standard Webhooks convention).
        await record('abandoned', 410, 'target answered 410 Gone');
        throw ApplicationFailure.nonRetryable('alert target answered 410 Gone', 'TargetGone');
      }
      await record('failed', response.status, `HTTP ${response.status}`);
      const retryAfter = Number(response.headers.get('retry-after'));
      throw ApplicationFailure.create({
        message: `alert target answered HTTP ${response.status}`,
        type: 'TargetRejected',
        nextRetryDelay: Number.isFinite(retryAfter) && retryAfter > 0 ? `${retryAfter} seconds` : undefined,
      });
    },
  };
}
