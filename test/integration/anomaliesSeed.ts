// Spike-detection rows for the dashboard test: per tenant, weeks of classified customer messages
// per topic with a daily and weekly pattern, spikes on top, a topic that appears only recently, the
// alerts those spikes raise (stepped minute by minute through the product's own alert lifecycle,
// domain/alerts.ts stepAlert, every changed version stored), the subscriptions they notify and every
// delivery attempt (delivered, retried, abandoned, still failing, withheld by a silence). All written
// with the store's own functions (writeTicketEvents through a BatchingWriter, writeAlerts,
// saveSubscription, saveSilence, writeDeliveryAttempt). Some messages are delivered twice (same event id, a later insert), alert
// versions and delivery attempts land in separate inserts, so panels must count distinct event ids
// and read alerts and deliveries with FINAL. Alongside, the figures each Anomalies panel should
// show, computed from the seeded records in plain TypeScript.
import { createHash } from 'node:crypto';
import type { WindowEvidence } from '../../domain/detection/countWindows.js';
import { DEFAULT_ALERT_POLICY, METRIC_SOURCES, parseSeries, SEVERITIES, severityRank, stepAlert, type AlertMetric, type AlertState, type NoticeKind, type Severity } from '../../domain/alerts.js';
import { deliveryIdFor } from '../../activities/detection.js';
import { bySpecificity, lateAnnouncements, routeNotice, type RoutingContext, type WithheldStatus } from '../../domain/alertRouting.js';
import type { AlertSilence } from '../../domain/alertSilences.js';
import type { Channel, TicketEvent } from '../../domain/events.js';
import type { ProductArea } from '../../domain/productAreas.js';
import { writeDeliveryAttempt, type DeliveryAttempt } from '../../store/alertDeliveries.js';
import { writeAlerts } from '../../store/alerts.js';
import { saveSilence } from '../../store/alertSilences.js';
import { saveSubscription } from '../../store/alertSubscriptions.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { saveProductAreasOverrides } from '../../store/tenantSettings.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import type { ExpectedRow } from './learningSeed.js';
import type { Random } from './learningProfiles.js';
import { writeInTimeOrder, type TimedWrite } from '../helpers/timedWrites.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Messages reach ClickHouse in one insert per window of simulated time. */
const MESSAGE_WINDOW_MS = 2 * DAY;
/** Alert versions and delivery attempts: one insert per window, so versions of one alert land in different parts. */
const ALERT_WINDOW_MS = 10 * MINUTE;

export interface TopicProfile {
  name: string;
  /** Messages per hour at the weekday peak (early afternoon UTC). */
  peakPerHour: number;
  /** Whole hour of its first possible message (default: the seed's start). */
  since?: number;
  /** Share of its messages carrying a tag. */
  tag?: { name: string; share: number };
}

export interface SpikeProfile {
  topic: string;
  channel: Channel;
  tag?: string;
  /** First minute of the spike. */
  at: number;
  /** Extra messages in each minute from `at`. */
  perMinute: number[];
  /** Series whose alert lifecycle the spike drives (each also sees the spike in its counts). */
  series: string[];
  /** Its alerts were raised by a count window this wide (a sparse series), not by the minute. */
  countWindowMinutes?: number;
}

/** How a subscriber's endpoint answers. */
export type TargetBehaviour = { kind: 'ok' } | { kind: 'flaky'; failures: number } | { kind: 'gone' } | { kind: 'down-from'; at: number };

export interface SubscriptionProfile {
  id: string;
  name: string;
  dimension: string;
  values: string[];
  metrics: AlertMetric[];
  minSeverity: Severity;
  groupRelated: boolean;
  target: TargetBehaviour;
}

export interface AnomalyProfile {
  tenantId: string;
  /** First hour of messages. */
  from: number;
  channels: Channel[];
  segments: string[];
  topics: TopicProfile[];
  spikes: SpikeProfile[];
  subscriptions: SubscriptionProfile[];
  /** The tenant's product areas (saved as its settings). */
  areas: ProductArea[];
  /** Silences of its notices (saved as the API saves them). */
  silences: AlertSilence[];
}

export interface SeededMessage {
  eventId: string;
  topic: string;
  channel: Channel;
  segment: string;
  tags: string[];
  at: number;
  /** Negative sentiment (about one message in eight, one in four on the first topic). */
  negative: boolean;
}

export interface SeededDelivery {
  deliveryId: string;
  alertId: string;
  status: DeliveryAttempt['status'];
  attempts: number;
  /** The latest attempt (what FINAL keeps). */
  atMs: number;
}

export interface SeededAnomalies {
  /** Each message once (some were written twice). */
  messages: SeededMessage[];
  /** Every alert's latest version. */
  alerts: AlertState[];
  /** Every delivery's latest attempt. */
  deliveries: SeededDelivery[];
  /** The product areas saved. */
  areas: ProductArea[];
  /** The silences saved. */
  silences: AlertSilence[];
  /** Notices sent, by kind (for the seed's own sanity checks). */
  notices: { kind: NoticeKind; alertId: string; severity: Severity }[];
}

// ---------------------------------------------------------------------------------------------
// The volume model: a daily curve (quiet nights, an early-afternoon peak), weekends at 40%.

const dailyShape = (at: number) => {
  const hour = new Date(at).getUTCHours();
  return 0.15 + 0.85 * Math.max(0, Math.sin((Math.PI * (hour - 7)) / 13));
};
const weekFactor = (at: number) => ([0, 6].includes(new Date(at).getUTCDay()) ? 0.4 : 1);

/** A topic's mean messages per hour in the hour starting at `hourStart`. */
export function hourlyRate(topic: TopicProfile, hourStart: number): number {
  if (topic.since !== undefined && hourStart < topic.since) return 0;
  return topic.peakPerHour * dailyShape(hourStart) * weekFactor(hourStart);
}

const lowered = (values: readonly string[]) => values.map((v) => v.trim().toLowerCase());
/** Whether a message is in a product area: one of its tags, or its topic (without case or surrounding spaces). */
export const inArea = (area: ProductArea, m: Pick<SeededMessage, 'topic' | 'tags'>) =>
  lowered(m.tags).some((t) => lowered(area.tags).includes(t)) || lowered(area.topics).includes(m.topic.toLowerCase());
const areaNamed = (areas: readonly ProductArea[], name: string) => areas.find((a) => a.name.trim() === name);

/** Whether a message counts in a detector series ("topic=billing", "tag=checkout", "channel=web", "segment=smb", "area=Payments", "all"). */
export function inSeries(series: string, m: Pick<SeededMessage, 'topic' | 'channel' | 'segment' | 'tags'>, areas: readonly ProductArea[] = []): boolean {
  const { dimension, value } = parseSeries(series);
  if (dimension === 'all') return true;
  if (dimension === 'area') return areaNamed(areas, value) !== undefined && inArea(areaNamed(areas, value)!, m);
  if (dimension === 'topic') return m.topic === value;
  if (dimension === 'channel') return m.channel === value;
  if (dimension === 'segment') return m.segment === value;
  if (dimension === 'tag') return m.tags.includes(value);
  throw new Error(`unknown series ${series}`);
}

/** What a well-fitted detector expects per minute for a series: the model's mean rate. */
function expectedPerMinute(profile: AnomalyProfile, series: string, minute: number): number {
  const hourStart = Math.floor(minute / HOUR) * HOUR;
  const { dimension, value } = parseSeries(series);
  let perHour = 0;
  for (const topic of profile.topics) {
    const rate = hourlyRate(topic, hourStart);
    if (dimension === 'all') perHour += rate;
    else if (dimension === 'topic') perHour += topic.name === value ? rate : 0;
    else if (dimension === 'channel') perHour += profile.channels.includes(value as Channel) ? rate / profile.channels.length : 0;
    else if (dimension === 'segment') perHour += profile.segments.includes(value) ? rate / profile.segments.length : 0;
    else if (dimension === 'tag') perHour += topic.tag?.name === value ? rate * topic.tag.share : 0;
    else if (dimension === 'area') {
      const area = areaNamed(profile.areas, value);
      if (area && inArea(area, { topic: topic.name, tags: [] })) perHour += rate;
      else if (area && topic.tag && inArea(area, { topic: '', tags: [topic.tag.name] })) perHour += rate * topic.tag.share;
    }
  }
  return perHour / 60;
}

const BAND = 3;
/** The detector's score for a minute z scales above its expectation (0 inside the band). */
const scoreOf = (z: number) => (z > BAND ? Math.round((1 - Math.exp(-z / 8)) * 10_000) / 10_000 : 0);

/** The attempts a notice posted at `at` makes against a target, until `end`. */
function attemptsFor(target: TargetBehaviour, at: number, end: number): { status: DeliveryAttempt['status']; httpStatus: number; error: string; at: number }[] {
  const attempts: { status: DeliveryAttempt['status']; httpStatus: number; error: string; at: number }[] = [];
  const retries = (count: number, status: DeliveryAttempt['status'], httpStatus: number, error: string) => {
    let t = at;
    let delay = MINUTE;
    for (let i = 0; i < count && t < end; i++) {
      attempts.push({ status, httpStatus, error, at: t });
      t += delay;
      delay = Math.min(delay * 2, 10 * MINUTE);
    }
    return t;
  };
  if (target.kind === 'ok' || (target.kind === 'down-from' && at < target.at)) attempts.push({ status: 'delivered', httpStatus: 200, error: '', at });
  else if (target.kind === 'gone') attempts.push({ status: 'abandoned', httpStatus: 410, error: 'target answered 410 Gone', at });
  else if (target.kind === 'flaky') {
    const next = retries(target.failures, 'failed', 503, 'HTTP 503');
    if (next < end) attempts.push({ status: 'delivered', httpStatus: 200, error: '', at: next });
  } else retries(Number.MAX_SAFE_INTEGER, 'failed', 0, 'TypeError: fetch failed');
  return attempts.filter((a) => a.at < end);
}

/** A count window ending with `minute`: its events against the model's expectation, as the detector reports one. */
function windowEvidence(minutes: number, minute: number, countAt: (m: number) => number, expectedAt: (m: number) => number): WindowEvidence {
  let observed = 0;
  let expected = 0;
  for (let m = minute - (minutes - 1) * MINUTE; m <= minute; m += MINUTE) {
    observed += countAt(m);
    expected += expectedAt(m);
  }
  return { minutes, observed, expected: Number(expected.toFixed(2)) };
}

/** Seeds one tenant's messages, alerts, subscriptions and deliveries up to `end`. */
export async function seedAnomalies(ch: ClickHouse, profile: AnomalyProfile, end: number, random: Random): Promise<SeededAnomalies> {
  const writer = new BatchingWriter(ch, { maxRows: 1_000_000, flushMs: 60_000 });
  const messages: SeededMessage[] = [];
  const add = (topic: string, at: number, channel: Channel, tags: string[]) => {
    if (at >= end) return;
    // Event ids repeat across tenants (helpdesk ids are per tenant).
    const eventId = `m${messages.length}:0`;
    // From the event id, not the random stream: the rest of the seed stays as it was.
    const negative = createHash('sha256').update(eventId).digest()[0]! < (topic === profile.topics[0]?.name ? 64 : 32);
    messages.push({ eventId, topic, channel, segment: random.pick(profile.segments), tags, at, negative });
  };
  for (let hour = profile.from; hour < end; hour += HOUR) {
    for (const topic of profile.topics) {
      const count = Math.floor(hourlyRate(topic, hour) * random.between(0.7, 1.3) + random.next());
      for (let i = 0; i < count; i++) {
        const tags = topic.tag && random.chance(topic.tag.share) ? [topic.tag.name] : [];
        add(topic.name, hour + Math.floor(random.next() * HOUR), random.pick(profile.channels), tags);
      }
    }
  }
  for (const spike of profile.spikes) {
    spike.perMinute.forEach((count, i) => {
      for (let j = 0; j < count; j++) add(spike.topic, spike.at + i * MINUTE + Math.floor(random.next() * MINUTE), spike.channel, spike.tag ? [spike.tag] : []);
    });
  }
  messages.sort((a, b) => a.at - b.at);

  // Messages, one insert per window; about one in ten delivered again in the next window.
  const batches = new Map<number, SeededMessage[]>();
  const toBatch = (window: number, m: SeededMessage) => batches.set(window, [...(batches.get(window) ?? []), m]);
  for (const m of messages) {
    const window = Math.floor(m.at / MESSAGE_WINDOW_MS);
    toBatch(window, m);
    if (random.chance(0.1)) toBatch(window + 1, m);
  }
  const context = { channel: '', provider: 'generic', segment: '', plan: '', topic: '' };
  for (const [window, batch] of [...batches.entries()].sort(([a], [b]) => a - b)) {
    const inbound = batch.map((m) => {
      const event: TicketEvent = {
        eventId: m.eventId,
        kind: 'message.customer',
        tenantId: profile.tenantId,
        ticketId: m.eventId.split(':')[0].toUpperCase(),
        occurredAt: new Date(m.at).toISOString(),
        provider: 'generic',
        channel: m.channel,
        tags: m.tags,
        body: `Question about ${m.topic}`,
        customer: { customerId: `${m.eventId}-customer`, segment: m.segment },
      };
      return { event, classification: { topic: m.topic, topicConfidence: 0.9, sentiment: m.negative ? -0.6 : 0.2, frustration: 0, language: 'en' } };
    });
    const done = writeTicketEvents(writer, { inbound, derived: [], context }, Math.min((window + 1) * MESSAGE_WINDOW_MS, end));
    await writer.flush();
    await done;
  }

  // Each spike's series stepped minute by minute through the alert lifecycle, as a detection pass
  // running every minute would (every series of the spike in the same pass): the detector's
  // expectation is the model's mean rate, its band ±3√. Each pass's notices are routed as the
  // detection activity routes them (domain/alertRouting.ts).
  const later: TimedWrite[] = [];
  const latest = new Map<string, AlertState>();
  const notices: SeededAnomalies['notices'] = [];
  const deliveries = new Map<string, SeededDelivery>();
  /** Per alert and subscription: told of it (a firing or escalation sent), or how every one so far was withheld. */
  const told = new Map<string, true | WithheldStatus>();
  const toldKey = (alert: AlertState, subscription: SubscriptionProfile) => `${alert.alertId}\n${subscription.id}`;
  /** A notice posted at `passAt`: its attempts against the subscriber's target. */
  const post = (alert: AlertState, kind: NoticeKind, subscription: SubscriptionProfile, passAt: number, late = false) => {
    if (kind !== 'resolved') told.set(toldKey(alert, subscription), true);
    const deliveryId = deliveryIdFor(alert.alertId, kind, subscription.id, late);
    attemptsFor(subscription.target, passAt + 2000, end).forEach((attempt, i) => {
      const row: DeliveryAttempt = { tenantId: profile.tenantId, deliveryId, alertId: alert.alertId, subscriptionId: subscription.id, notice: kind, status: attempt.status, attempts: i + 1, httpStatus: attempt.httpStatus, error: attempt.error, atMs: attempt.at };
      later.push({ at: attempt.at, write: () => writeDeliveryAttempt(writer, row) });
      deliveries.set(deliveryId, { deliveryId, alertId: alert.alertId, status: attempt.status, attempts: i + 1, atMs: attempt.at });
    });
  };
  for (const spike of profile.spikes) {
    const spikeEnd = spike.at + spike.perMinute.length * MINUTE;
    const stepped = spike.series.map((series) => {
      const counts = new Map<number, number>();
      for (const m of messages) if (inSeries(series, m, profile.areas)) counts.set(Math.floor(m.at / MINUTE) * MINUTE, (counts.get(Math.floor(m.at / MINUTE) * MINUTE) ?? 0) + 1);
      return { series, counts, alert: undefined as AlertState | undefined, reported: 0 };
    });
    // Every complete minute up to the end, as a pass at each minute's end would see it.
    for (let minute = spike.at - 5 * MINUTE; minute < Math.min(spikeEnd + 30 * MINUTE, end); minute += MINUTE) {
      const passAt = minute + MINUTE;
      const passNotices: { kind: NoticeKind; alert: AlertState }[] = [];
      for (const st of stepped) {
        const { series, counts } = st;
        const expected = expectedPerMinute(profile, series, minute);
        const scale = Math.sqrt(Math.max(expected, 1));
        const observed = counts.get(minute) ?? 0;
        const score = scoreOf((observed - expected) / scale);
        // Reported when the episode starts and again only when it gets clearly worse.
        const isAnomaly = minute >= spike.at && minute < spikeEnd && score > 0 && score >= st.reported + 0.1;
        if (isAnomaly) st.reported = score;
        const countWindow = isAnomaly && spike.countWindowMinutes ? windowEvidence(spike.countWindowMinutes, minute, (m) => counts.get(m) ?? 0, (m) => expectedPerMinute(profile, series, m)) : null;
        const step = stepAlert(series, st.alert, { minuteMs: minute, observed, score, expected, lower: Math.max(0, expected - BAND * scale), upper: expected + BAND * scale, isAnomaly, countWindow }, passAt, DEFAULT_ALERT_POLICY);
        st.alert = step.alert;
        if (!st.alert || !step.changed) continue;
        // A notice that fires or escalates names what drove it: here the spike's channel and tag, with
        // their messages in the hour before (the seed models no previous weeks, so no usual).
        if (step.notice && step.notice !== 'resolved') {
          const inHour = (slice: (m: SeededMessage) => boolean) => messages.filter((m) => m.at >= minute - 59 * MINUTE && m.at < minute + MINUTE && inSeries(series, m, profile.areas) && slice(m)).length;
          const slices = [{ dimension: 'channel', value: spike.channel, count: inHour((m) => m.channel === spike.channel) }, ...(spike.tag ? [{ dimension: 'tag', value: spike.tag, count: inHour((m) => m.tags.includes(spike.tag!)) }] : [])];
          st.alert = { ...st.alert, contributors: slices.filter((c) => c.count > 0 && `${c.dimension}=${c.value}` !== series).map((c) => ({ dimension: c.dimension, value: c.value, observed: c.count, usual: null, shareOfRise: null })) };
        }
        const version = { ...st.alert };
        latest.set(version.alertId, version);
        later.push({ at: passAt, write: () => writeAlerts(writer, profile.tenantId, [version], passAt) });
        if (step.notice) {
          notices.push({ kind: step.notice, alertId: version.alertId, severity: version.severity });
          passNotices.push({ kind: step.notice, alert: version });
        }
      }
      const firing = stepped.flatMap((st) => (st.alert?.status === 'firing' ? [st.alert] : [])).sort((a, b) => a.startedAtMs - b.startedAtMs || bySpecificity(a.series, b.series));
      const ctx: RoutingContext<SubscriptionProfile> = {
        silences: profile.silences,
        nowMs: passAt,
        toldFiring: (subscription) => firing.filter((a) => told.get(toldKey(a, subscription)) === true),
        withheldOnly: (a, subscription) => {
          const state = told.get(toldKey(a, subscription));
          return state === true ? undefined : state;
        },
      };
      // One pass's notices share their minute: the most specific first.
      passNotices.sort((a, b) => bySpecificity(a.alert.series, b.alert.series));
      for (const { kind, alert } of passNotices) {
        const route = routeNotice(alert, kind, profile.subscriptions, ctx);
        // Withheld: logged once, never attempted.
        for (const { subscription, status, reason } of route.withheld) {
          const deliveryId = deliveryIdFor(alert.alertId, kind, subscription.id);
          const row: DeliveryAttempt = { tenantId: profile.tenantId, deliveryId, alertId: alert.alertId, subscriptionId: subscription.id, notice: kind, status, attempts: 0, httpStatus: 0, error: reason, atMs: passAt };
          later.push({ at: passAt, write: () => writeDeliveryAttempt(writer, row) });
          deliveries.set(deliveryId, { deliveryId, alertId: alert.alertId, status, attempts: 0, atMs: passAt });
          if (kind !== 'resolved' && told.get(toldKey(alert, subscription)) !== true) told.set(toldKey(alert, subscription), status);
        }
        for (const subscription of route.send) post(alert, kind, subscription, passAt);
      }
      const noticed = new Set(passNotices.map((n) => n.alert.alertId));
      for (const { alert, subscription } of lateAnnouncements(firing.filter((a) => !noticed.has(a.alertId)), profile.subscriptions, ctx)) post(alert, 'firing', subscription, passAt, true);
    }
  }

  await saveProductAreasOverrides(ch, profile.tenantId, { areas: profile.areas }, profile.from);
  for (const s of profile.subscriptions) {
    await saveSubscription(
      ch,
      profile.tenantId,
      { subscriptionId: s.id, name: s.name, dimension: s.dimension, values: s.values, metrics: s.metrics, minSeverity: s.minSeverity, groupRelated: s.groupRelated, targetUrl: `https://hooks.example.com/${profile.tenantId}/${s.id}`, format: 'json', secret: 'whsec_c2VlZA==', createdAt: new Date(profile.from).toISOString() },
      false,
      profile.from,
    );
  }
  for (const silence of profile.silences) await saveSilence(ch, profile.tenantId, silence, silence.createdAtMs);
  await writeInTimeOrder(writer, later, ALERT_WINDOW_MS);
  await writer.close();
  return { messages, alerts: [...latest.values()], deliveries: [...deliveries.values()], areas: profile.areas, silences: profile.silences, notices };
}

// ---------------------------------------------------------------------------------------------
// The figures the Anomalies panels (and its alert annotations) should show

export interface Window {
  from: number;
  to: number;
  /** Grafana's interval for the panel (at least the panel's min interval). */
  intervalMs: number;
  /** The topic filter; undefined = All. */
  topics?: string[];
}

export interface Definitions {
  bandWeeks: number;
  bandScales: number;
  risingMinMessages: number;
}

/** ClickHouse's text form of a DateTime. */
const text = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** ClickHouse round(x, digits) on a Float64: scale, round half to even, unscale. */
function roundTo(x: number, digits: number): number {
  const scale = 10 ** digits;
  const scaled = x * scale;
  const floor = Math.floor(scaled);
  const rounded = scaled - floor === 0.5 ? (floor % 2 === 0 ? floor : floor + 1) : Math.round(scaled);
  return rounded / scale;
}
const round1 = (x: number) => roundTo(x, 1);
const round2 = (x: number) => roundTo(x, 2);
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function anomalyFigures(seeded: SeededAnomalies, d: Definitions, w: Window) {
  // The macros' view of the range and interval: whole seconds.
  const from = Math.floor(w.from / 1000) * 1000;
  const to = Math.floor(w.to / 1000) * 1000;
  const intervalS = Math.trunc(Math.max(w.intervalMs / 1000, 1));
  const interval = intervalS * 1000;
  const bucketOf = (ms: number) => Math.floor(ms / interval) * interval;
  const minuteOf = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
  const inTopics = (topic: string) => !w.topics || w.topics.includes(topic);
  const messages = seeded.messages.filter((m) => inTopics(m.topic));
  /** The alerts panels show: all series while the topic filter is All, else the selected topics'. */
  const alertInScope = (a: AlertState) => {
    if (!w.topics) return true;
    const { dimension, value } = parseSeries(a.series);
    return dimension === 'topic' && w.topics.includes(value);
  };
  const alerts = seeded.alerts.filter(alertInScope);

  /**
   * Volume with expected band per slice (the keys a message belongs to): each minute counted this
   * week (k = 0) and 1..bandWeeks weeks later; the alerts of `alertDimension` in scope as points.
   */
  const bandRows = <K extends string>(key: K, keysOf: (m: (typeof messages)[number]) => string[], alertDimension: string) => {
    const weekly = new Map<string, { time: number; slice: string; counts: number[] }>();
    for (const m of messages) {
      for (const slice of keysOf(m)) {
        for (let k = 0; k <= d.bandWeeks; k++) {
          const at = minuteOf(m.at) + k * WEEK;
          if (at < from || at > to) continue;
          const id = `${bucketOf(at)}|${slice}`;
          const entry = weekly.get(id) ?? { time: bucketOf(at), slice, counts: new Array<number>(d.bandWeeks + 1).fill(0) };
          entry.counts[k]++;
          weekly.set(id, entry);
        }
      }
    }
    const firstMinute = Math.floor((from / 1000 + 59) / 60) * 60;
    const lastMinute = Math.floor(to / 1000 / 60) * 60;
    const rows = new Map<string, ExpectedRow & { time: string }>();
    const empty = { observed: null, expected: null, lower: null, upper: null, alert_expected: null, alert_upper: null };
    for (const [id, { time, slice, counts }] of weekly) {
      const minutes = Math.floor((Math.min(time / 1000 + intervalS - 60, lastMinute) - Math.max(time / 1000, firstMinute)) / 60) + 1;
      const median = counts.slice(1).sort((x, y) => x - y)[Math.floor(d.bandWeeks / 2)];
      const half = d.bandScales * Math.sqrt(Math.max(median, 1));
      rows.set(id, { ...empty, time: text(time), [key]: slice, observed: counts[0] / minutes, expected: median / minutes, lower: Math.max(0, median - half) / minutes, upper: (median + half) / minutes });
    }
    const points = new Map<string, AlertState>();
    for (const a of alerts) {
      const { metric, dimension, value } = parseSeries(a.series);
      if (metric !== 'volume' || dimension !== alertDimension || a.lastAnomalyAtMs < from || a.lastAnomalyAtMs > to) continue;
      const id = `${bucketOf(a.lastAnomalyAtMs)}|${value}`;
      if (!points.has(id) || points.get(id)!.lastAnomalyAtMs < a.lastAnomalyAtMs) points.set(id, a);
    }
    for (const [id, a] of points) {
      const [time, slice] = id.split('|');
      rows.set(id, { ...empty, time: text(Number(time)), [key]: slice, ...rows.get(id), alert_expected: a.expected, alert_upper: a.upper });
    }
    return [...rows.values()].sort((x, y) => byText(x.time, y.time) || byText(String(x[key]), String(y[key])));
  };
  const areasOf = (m: (typeof messages)[number]) => seeded.areas.filter((area) => inArea(area, m)).map((area) => area.name.trim());

  const countWindowText = (a: AlertState) => (a.countWindow ? `${a.countWindow.observed} ${METRIC_SOURCES[parseSeries(a.series).metric].unit} in the last ${a.countWindow.minutes} min vs ${a.countWindow.expected} expected` : '');
  const drivenBy = (a: AlertState) => a.contributors.map((c) => `${c.dimension} ${c.value} ${c.observed}${c.usual === null ? '' : ` vs ${c.usual}`}`).join(', ');
  const severityOrder = (a: AlertState, b: AlertState) => severityRank(b.severity) - severityRank(a.severity) || b.score - a.score || byText(a.series, b.series);
  const windowOf = (minutes: number[], lo: number, hi: number) => minutes.filter((m) => m >= lo && m < hi).length;

  return {
    'Volume with expected band per topic': bandRows('topic', (m) => [m.topic], 'topic'),
    Alerts: alerts
      .filter((a) => a.startedAtMs <= to && (a.resolvedAtMs ?? to) >= from)
      .sort((a, b) => a.startedAtMs - b.startedAtMs || byText(a.series, b.series))
      .map((a) => ({
        time: text(a.startedAtMs),
        timeEnd: text(a.resolvedAtMs ?? to),
        text: `${a.series}: ${a.severity} alert, ${a.status}. ${
          parseSeries(a.series).metric === 'negative_share'
            ? `Negative share up to ${round1(100 * a.observed)}%; at its last report usual ${round1(100 * a.expected)}%, band up to ${round1(100 * a.upper)}%`
            : a.countWindow
              ? `At its last report ${countWindowText(a)} (count window)`
              : `Reported at up to ${a.observed} ${METRIC_SOURCES[parseSeries(a.series).metric].unit}/min; at its last report expected ${round2(a.expected)}, band up to ${round2(a.upper)}`
        }; score ${round2(a.score)}.${a.contributors.length ? ` Driven by ${drivenBy(a)}.` : ''}`,
        tags: `${a.status},${a.severity},${a.series.replace(/,/g, ' ')}`,
      })),
    'Firing alerts now': alerts
      .filter((a) => a.status === 'firing')
      .sort(severityOrder)
      .map((a) => ({
        series: a.series, metric: parseSeries(a.series).metric, severity: a.severity, score: a.score, observed: a.observed, expected: a.expected, upper: a.upper, started_at: text(a.startedAtMs), last_anomaly_at: text(a.lastAnomalyAtMs),
        count_window_text: countWindowText(a),
        driven_by: drivenBy(a),
      })),
    'Top rising topics': [...new Set(messages.map((m) => m.topic))]
      .map((topic) => {
        const minutes = messages.filter((m) => m.topic === topic).map((m) => minuteOf(m.at));
        const lastHour = windowOf(minutes, to - HOUR, to);
        const baselinePerHour = windowOf(minutes, to - HOUR - WEEK, to - HOUR) / (WEEK / HOUR);
        return { topic, last_hour: lastHour, baseline_per_hour: baselinePerHour, ratio: lastHour / baselinePerHour };
      })
      .filter((r) => r.last_hour >= d.risingMinMessages && r.baseline_per_hour > 0)
      .sort((a, b) => b.ratio - a.ratio || byText(a.topic, b.topic))
      .slice(0, 10),
    'Negative-sentiment share': (() => {
      const hourOf = (ms: number) => Math.floor(ms / HOUR) * HOUR;
      const groups = new Map<number, { messages: number; negative: number }>();
      for (const m of messages) {
        const hour = hourOf(m.at);
        if (hour < from || hour > to) continue;
        const group = groups.get(bucketOf(hour)) ?? { messages: 0, negative: 0 };
        group.messages++;
        if (m.negative) group.negative++;
        groups.set(bucketOf(hour), group);
      }
      return [...groups.entries()].sort(([a], [b]) => a - b).map(([time, g]) => ({ time: text(time), negative_share: g.negative / g.messages }));
    })(),
    // Area alerts are in scope only while the topic filter is All (alertInScope).
    'Volume with expected band per product area': bandRows('area', areasOf, 'area'),
    'New topics': [...new Set(messages.map((m) => m.topic))]
      .map((topic) => {
        const minutes = messages.filter((m) => m.topic === topic && minuteOf(m.at) <= to).map((m) => minuteOf(m.at));
        return { topic, first: Math.min(...minutes), messages: minutes.filter((m) => m >= from && m <= to).length };
      })
      .filter((r) => r.first >= from)
      .sort((a, b) => b.first - a.first || byText(a.topic, b.topic))
      .map((r) => ({ topic: r.topic, first_seen: text(r.first), messages: r.messages })),
    'Alerts by severity': [...new Set(alerts.filter((a) => a.startedAtMs >= from && a.startedAtMs <= to).map((a) => bucketOf(a.startedAtMs)))]
      .sort((a, b) => a - b)
      .map((time) => {
        const started = alerts.filter((a) => a.startedAtMs >= from && a.startedAtMs <= to && bucketOf(a.startedAtMs) === time);
        return { time: text(time), ...Object.fromEntries(SEVERITIES.map((s) => [s, started.filter((a) => a.severity === s).length])) };
      }),
    'Alert deliveries': (() => {
      const inScope = new Set(alerts.map((a) => a.alertId));
      const shown = seeded.deliveries.filter((x) => inScope.has(x.alertId) && x.atMs >= from && x.atMs <= to);
      const bucket = (x: SeededDelivery) => bucketOf(Math.floor(x.atMs / 1000) * 1000);
      return [...new Set(shown.map(bucket))]
        .sort((a, b) => a - b)
        .map((time) => {
          const group = shown.filter((x) => bucket(x) === time);
          return { time: text(time), delivered: group.filter((x) => x.status === 'delivered').length, failed: group.filter((x) => x.status === 'failed').length, abandoned: group.filter((x) => x.status === 'abandoned').length, silenced: group.filter((x) => x.status === 'silenced').length, grouped: group.filter((x) => x.status === 'grouped').length };
        });
    })(),
    Silences: seeded.silences
      .filter((x) => x.endsAtMs > x.startsAtMs && x.startsAtMs <= to && x.endsAtMs >= from)
      .filter((x) => !w.topics || (x.dimension === 'topic' && x.values.some((v) => w.topics!.some((t) => t.toLowerCase() === v.toLowerCase()))))
      .sort((a, b) => a.startsAtMs - b.startsAtMs || byText(a.silenceId, b.silenceId))
      .map((x) => ({
        time: text(x.startsAtMs),
        timeEnd: text(x.endsAtMs),
        text: `Silenced ${x.dimension === '' ? 'every series' : `${x.dimension}${x.values.length ? `=${x.values.join(',')}` : ''}`}${x.metrics.length ? ` (${x.metrics.join(', ')})` : ''}: ${x.comment}${x.createdBy ? ` — ${x.createdBy}` : ''}`,
        tags: `silence,${x.silenceId}`,
      })),
  } satisfies Record<string, ExpectedRow[]>;
}
