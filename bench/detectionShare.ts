// bench:detection section 5 — the negative-sentiment share: a tenant whose customers write the
// simulator's first messages (its frustrated customers add angry lines), scored by the product's
// sentiment analysis and counted negative as the rollups count them; "mood incidents" multiply one
// topic's frustrated share for a while at seeded times (volume unchanged). Share alerts per topic
// series: false ones per topic-week after the warm-up week, incidents caught (an alert starting in
// the incident or the hour after) and latency, against a naive rule measured in the same run.
import { SingleBar } from 'cli-progress';
import { quantile } from 'simple-statistics';
import { DEFAULT_ALERT_POLICY, seriesKey } from '../domain/alerts.js';
import { messageText } from '../domain/learning/records.js';
import { MINUTE_MS, runSeriesPass } from '../domain/spikeDetection.js';
import { analyseSentiment } from '../domain/text/sentiment.js';
import { generateArrivals } from '../simulator/arrivals.js';
import { firstMessage } from '../simulator/customerMessages.js';
import { SeededRandom } from '../simulator/seededRandom.js';
import { FRUSTRATED_SHARE } from '../simulator/ticketPlan.js';
import { topicById, TOPICS } from '../simulator/topics.js';
import { injectedStartMs, minuteCounts, ticketsIn, WEEK_MS } from './minuteSeries.js';

/** Naive share rule: the trailing hour's share above the running share + 3 binomial σ (≥ 20 messages), one alert per quiet gap of 30 minutes. */
function naiveShareFirings(counts: Map<number, number>, negatives: Map<number, number>, startMs: number, endMs: number): number[] {
  const out: number[] = [];
  const hour: [number, number][] = [];
  let [hourMessages, hourNegative, allMessages, allNegative] = [0, 0, 0, 0];
  let lastAlert = -Infinity;
  for (let m = startMs; m < endMs; m += MINUTE_MS) {
    const [n, k] = [counts.get(m) ?? 0, negatives.get(m) ?? 0];
    hour.push([n, k]);
    hourMessages += n;
    hourNegative += k;
    if (hour.length > 60) {
      const [n0, k0] = hour.shift()!;
      hourMessages -= n0;
      hourNegative -= k0;
    }
    const p = (allNegative + 0.5) / (allMessages + 1);
    if (allMessages >= 200 && hourMessages >= 20 && hourNegative / hourMessages > p + 3 * Math.sqrt((p * (1 - p)) / hourMessages) && m - lastAlert > 30 * MINUTE_MS) {
      out.push(m);
      lastAlert = m;
    }
    allMessages += n;
    allNegative += k;
  }
  return out;
}

export interface ShareBenchSettings {
  start: Date;
  endMs: number;
  weeks: number;
  seed: number;
  ticketsPerDay: number;
  incidents: number;
  /** Multiplier of the frustrated customers' share during an incident. */
  factor: number;
  minutes: number;
}

/** The share detector (runSeriesPass on negative_share:topic=… series) over one stream with every mood incident in it. */
export function negativeShareBench(s: ShareBenchSettings) {
  const startMs = s.start.getTime();
  const weightSum = TOPICS.reduce((sum, t) => sum + t.weight, 0);
  const rng = new SeededRandom(s.seed).derive('negative-share');
  const incidents = Array.from({ length: s.incidents }, (_, i) => {
    const topicId = TOPICS[i % TOPICS.length]!.id;
    const fromMs = injectedStartMs(i, startMs, s.weeks);
    return { topicId, fromMs, toMs: fromMs + s.minutes * MINUTE_MS };
  });
  const arrivals = generateArrivals({
    start: s.start,
    count: Math.round(s.ticketsPerDay * 7 * s.weeks),
    ticketsPerDay: s.ticketsPerDay,
    sources: TOPICS.map((t) => ({ tenantId: 'bench', topicId: t.id, share: t.weight / weightSum })),
    spikes: [],
    rng: rng.derive('arrivals'),
  });
  const bar = new SingleBar({ format: 'negative share: messages [{bar}] {percentage}%' });
  bar.start(arrivals.length, 0);
  const messageRng = rng.derive('messages');
  const scored = arrivals.map((a, i) => {
    const atMs = a.at.getTime();
    const inIncident = incidents.some((x) => x.topicId === a.topicId && atMs >= x.fromMs && atMs < x.toMs);
    const frustrated = messageRng.chance(Math.min(1, FRUSTRATED_SHARE * (inIncident ? s.factor : 1)));
    const message = firstMessage(topicById(a.topicId), frustrated, messageRng, a.at);
    if (i % 10_000 === 0) bar.update(i);
    // Negative as the rollups count it (store/tables.ts NEGATIVE_MESSAGE: a score below zero).
    return { atMs, series: [a.topicId], negative: analyseSentiment(messageText(message.subject, message.body)).comparative < 0 };
  });
  bar.stop();
  const counts = minuteCounts(scored, s.endMs);
  const negatives = minuteCounts(scored.filter((m) => m.negative), s.endMs);
  const negativeTotal = [...negatives.values()].reduce((sum, m) => sum + ticketsIn(m, 0, Infinity), 0);

  const afterWarmup = (ms: number) => ms >= startMs + WEEK_MS;
  const caughtBy = (topic: string, ms: number) => incidents.find((x) => x.topicId === topic && ms >= x.fromMs && ms < x.toMs + 60 * MINUTE_MS);
  const tally = { naiveFalseAlerts: 0, latency: new Map<number, number>(), naiveLatency: new Map<number, number>(), falseAlertStarts: [] as { topic: string; at: string; observed: number; expected: number }[] };
  for (const [topic, perMinute] of counts) {
    const pass = runSeriesPass(
      { series: seriesKey('negative_share', `topic=${topic}`), counts: perMinute, negatives: negatives.get(topic), newSeriesFromMs: startMs, untilMs: s.endMs - MINUTE_MS, alert: undefined },
      s.endMs,
      { ...DEFAULT_ALERT_POLICY, notifyWithinMinutes: Number.MAX_SAFE_INTEGER },
    );
    /** Firings after the warm-up outside every incident; the first firing in an incident sets its latency. */
    const falseFirings = (starts: number[], latency: Map<number, number>) =>
      starts.filter(afterWarmup).filter((ms) => {
        const incident = caughtBy(topic, ms);
        if (incident && !latency.has(incident.fromMs)) latency.set(incident.fromMs, Math.max(0, (ms - incident.fromMs) / MINUTE_MS));
        return !incident;
      });
    const fired = pass.notices.filter((n) => n.kind === 'firing').map((n) => n.alert);
    const falseStarts = new Set(falseFirings(fired.map((a) => a.startedAtMs), tally.latency));
    for (const a of fired) if (falseStarts.has(a.startedAtMs)) tally.falseAlertStarts.push({ topic, at: new Date(a.startedAtMs).toISOString(), observed: a.observed, expected: a.expected });
    tally.naiveFalseAlerts += falseFirings(naiveShareFirings(perMinute, negatives.get(topic) ?? new Map(), startMs, s.endMs), tally.naiveLatency).length;
  }
  const messages = [...counts.values()].reduce((sum, m) => sum + ticketsIn(m, 0, Infinity), 0);
  const perIncident = incidents.map((x) => {
    const [topicCounts, topicNegatives] = [counts.get(x.topicId), negatives.get(x.topicId)];
    return {
      topic: x.topicId, startsAt: new Date(x.fromMs).toISOString(), messages: ticketsIn(topicCounts, x.fromMs, x.toMs), negative: ticketsIn(topicNegatives, x.fromMs, x.toMs),
      usualShare: ticketsIn(topicNegatives, 0, Infinity) / ticketsIn(topicCounts, 0, Infinity), latency: tally.latency.get(x.fromMs) ?? null, naiveLatency: tally.naiveLatency.get(x.fromMs) ?? null,
    };
  });
  const latencies = [...tally.latency.values()];
  const naive = [...tally.naiveLatency.values()];
  const q = (xs: number[], p: number) => (xs.length ? quantile(xs, p) : NaN);
  const topicWeeks = counts.size * (s.weeks - 1);
  return {
    ticketsPerDay: s.ticketsPerDay, topics: counts.size, negativeShare: negativeTotal / messages, incidents: s.incidents, factor: s.factor, minutes: s.minutes,
    topicWeeks,
    supportloop: { falseAlerts: tally.falseAlertStarts.length, falseAlertsPerTopicWeek: tally.falseAlertStarts.length / topicWeeks, caught: latencies.length, p50: q(latencies, 0.5), p95: q(latencies, 0.95), falseAlertStarts: tally.falseAlertStarts },
    naive: { falseAlerts: tally.naiveFalseAlerts, falseAlertsPerTopicWeek: tally.naiveFalseAlerts / topicWeeks, caught: naive.length, p50: q(naive, 0.5), p95: q(naive, 0.95) },
    perIncident,
  };
}
