// npm run bench:detection -- --live — wall-clock alert latency through the real product: the
// embedded supportloop (chDB on a temp dir, Temporal dev server, detection Schedule at the configured
// interval) gets days of simulated history through the import API, a local receiver subscribes to
// topic alerts, then the simulator's stream is posted in real time through the signed generic
// webhook with ×factor spikes on a few topics, staggered. Latency = minutes from a spike's start to
// its firing notice arriving (signature verified) at the receiver; every other firing notice on a
// topic is a false alert. The topic of a live message is the product's own classification.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SingleBar } from 'cli-progress';
import { quantile } from 'simple-statistics';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { startNoticeReceiver, type ReceivedNotice } from '../resilience/noticeReceiver.js';
import { detectionScheduleId } from '../workflows/messages.js';
import { diagnoseLiveRun, type DelaySummary } from './detectionLiveDiagnosis.js';
import { loadConfig } from '../runtime/config.js';
import { startSupportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';
import { SupportloopClient, type WebhookEvent } from '../simulator/client.js';
import { planSimulation, type TicketPlan } from '../simulator/ticketPlan.js';
import { TOPICS } from '../simulator/topics.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1440 * MINUTE_MS;

export interface LiveBenchOptions {
  spikes: number;
  factor: number;
  spikeMinutes: number;
  /** Spike-free minutes before the first spike, and between spike starts. */
  gapMinutes: number;
  warmupDays: number;
  /** Minutes between planning and the live start: the history import and the first (backfill) detection pass happen in it. */
  leadMinutes: number;
  ticketsPerDay: number;
  seed: number;
  detectionIntervalSeconds: number;
  out: string;
}

/** A firing, escalation or resolve notice as the receiver got it. */
type Notice = ReceivedNotice<{ type: string; series: { dimension: string; value: string } }>;

export async function api(url: string, key: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

/** The product's detection passes so far, from its /metrics: how many ran and the seconds they took. */
async function detectionPasses(url: string): Promise<{ passes: number; seconds: number }> {
  const lines = (await (await fetch(`${url}/metrics`)).text()).split('\n');
  const value = (metric: string) => Number(lines.find((l) => l.startsWith(`${metric}{activity="runSpikeDetection"}`))?.split(' ').pop() ?? 0);
  return { passes: value('supportloop_activity_seconds_count'), seconds: value('supportloop_activity_seconds_sum') };
}

export const importRow = (t: TicketPlan) => ({
  id: t.ticketId, createdAt: t.openedAt, subject: t.subject, body: t.body, channel: t.channel, topic: t.topicId,
  reply: t.ideal.map((s) => s.text).join(' '), customer: { customerId: t.customer.customerId, accountId: t.customer.accountId, plan: t.customer.plan, segment: t.customer.segment, role: t.customer.role, signupAt: t.customer.signupAt },
});

export const liveEvents = (t: TicketPlan, at: string): WebhookEvent[] => {
  const customer = { customerId: t.customer.customerId, accountId: t.customer.accountId, plan: t.customer.plan, segment: t.customer.segment, role: t.customer.role, signupAt: t.customer.signupAt };
  return [
    { eventId: `${t.ticketId}-created`, kind: 'ticket.created', ticketId: t.ticketId, occurredAt: at, channel: t.channel, tags: [], subject: t.subject, customer },
    { eventId: `${t.ticketId}-message`, kind: 'message.customer', ticketId: t.ticketId, occurredAt: at, channel: t.channel, tags: [], subject: t.subject, body: t.body, customer },
  ];
};

/**
 * The simulated stream of a live run starting at `liveStart`: `warmupDays` of history, then spikes
 * staggered on the heaviest topics. Deterministic in (options, liveStart), so a run can be replayed
 * offline (bench/detectionLiveReplay.ts).
 */
export function liveTimeline(o: Pick<LiveBenchOptions, 'spikes' | 'factor' | 'spikeMinutes' | 'gapMinutes' | 'warmupDays' | 'ticketsPerDay' | 'seed'>, liveStart: number) {
  const spikeTopics = [...TOPICS].sort((a, b) => b.weight - a.weight).slice(0, o.spikes).map((t) => t.id);
  const spikes = spikeTopics.map((topicId, i) => {
    const from = liveStart + (o.gapMinutes + i * o.gapMinutes) * MINUTE_MS;
    return { topicId, from: new Date(from).toISOString(), to: new Date(from + o.spikeMinutes * MINUTE_MS).toISOString(), factor: o.factor };
  });
  const endMs = Date.parse(spikes.at(-1)!.to) + 2 * MINUTE_MS;
  const startMs = liveStart - o.warmupDays * DAY_MS;
  const spanDays = (endMs - startMs) / DAY_MS;
  const plan = planSimulation({ seed: o.seed, tenantIds: ['bench-live'], tickets: Math.ceil(o.ticketsPerDay * spanDays * 2) + 100, ticketsPerDay: o.ticketsPerDay, start: new Date(startMs), spikes, runId: `live-s${o.seed}-${liveStart}` });
  if (Date.parse(plan.tickets.at(-1)!.openedAt) < endMs) throw new Error('the simulated stream ends before the run does (raise the ticket count)');
  const history = plan.tickets.filter((t) => Date.parse(t.openedAt) < liveStart);
  const live = plan.tickets.filter((t) => Date.parse(t.openedAt) >= liveStart && Date.parse(t.openedAt) < endMs);
  return { spikeTopics, spikes, endMs, history, live };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export async function runLiveBench(o: LiveBenchOptions): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-live-'));
  const adminKey = randomBytes(24).toString('hex');
  const config = loadConfig({
    dataDir, host: '127.0.0.1', port: 0, temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey, logLevel: 'warn',
    detectionIntervalSeconds: o.detectionIntervalSeconds, detectionBackfillMinutes: (o.warmupDays + 1) * 1440,
  });
  console.log(`starting supportloop (data ${dataDir}, detection every ${config.detectionIntervalSeconds} s)…`);
  const sl = await startSupportloop(config);
  let secret = '';
  const receiver = await startNoticeReceiver<Notice['body']>(() => secret);
  const notices = receiver.requests;
  try {
    const url = sl.url!;
    const tenant = (await api(`${url}/v1/admin/tenants`, adminKey, 'POST', { tenantId: 'bench-live' })) as { tenantId: string; apiKey: string; webhookSecrets: Record<string, string> };
    const sub = (await api(`${url}/v1/alerts/subscriptions`, tenant.apiKey, 'POST', { name: 'all topics', dimension: 'topic', values: [], minSeverity: 'low', targetUrl: receiver.url })) as { secret: string };
    secret = sub.secret;

    // The timeline: history up to liveStart, then real time; spikes staggered on the heaviest topics.
    const liveStart = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS + o.leadMinutes * MINUTE_MS;
    const { spikeTopics, spikes, endMs, history, live } = liveTimeline(o, liveStart);

    // History is past tickets (the import refuses later times): what is past now is imported, and the
    // history's last minutes up to the live start arrive through webhooks at their times, alongside
    // the import, as a tenant's live traffic would.
    const importStart = Date.now();
    const imported = history.filter((t) => Date.parse(t.openedAt) <= importStart);
    const streamed = [...history.filter((t) => Date.parse(t.openedAt) > importStart), ...live];
    const client = new SupportloopClient({ url, tenants: [{ tenantId: tenant.tenantId, apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecrets.generic! }] });
    const inFlight = new Set<Promise<void>>();
    let posted = 0;
    let failed = 0;
    const bar = new SingleBar({ format: 'live [{bar}] {value}/{total} min | {posted} tickets posted | {alerts} firing notices' });
    const streaming = (async () => {
      for (const ticket of streamed) {
        await sleep(Date.parse(ticket.openedAt) - Date.now());
        const delivery = client
          .postEvents(tenant.tenantId, liveEvents(ticket, new Date().toISOString()))
          .then(() => void posted++)
          .catch(() => void failed++)
          .finally(() => inFlight.delete(delivery));
        inFlight.add(delivery);
      }
      await Promise.all(inFlight);
    })();

    console.log(`importing ${imported.length} tickets of history (${o.warmupDays} days at ${o.ticketsPerDay}/day; the ${streamed.length - live.length} after ${new Date(importStart).toISOString()} come through webhooks)…`);
    for (let i = 0; i < imported.length; i += 2000) await api(`${url}/v1/import/tickets`, tenant.apiKey, 'POST', { tickets: imported.slice(i, i + 2000).map(importRow) });
    const importSeconds = (Date.now() - importStart) / 1000;
    const passesByImportEnd = await detectionPasses(url);
    console.log(`imported in ${importSeconds.toFixed(1)} s; detection passes finished by then: ${passesByImportEnd.passes}, ${passesByImportEnd.seconds.toFixed(1)} s in all`);
    if (Date.now() > liveStart) throw new Error(`history import ran past the live start by ${((Date.now() - liveStart) / 1000).toFixed(0)} s; use a longer --lead-minutes`);
    await sleep(liveStart - Date.now());

    console.log(`live from ${new Date(liveStart).toISOString()} to ${new Date(endMs).toISOString()}: ${live.length} tickets in real time, spikes ×${o.factor} for ${o.spikeMinutes} min on ${spikeTopics.join(', ')}`);
    bar.start(Math.round((endMs - liveStart) / MINUTE_MS), 0, { posted, alerts: 0 });
    const ticker = setInterval(() => bar.update(Math.min(Math.round((Date.now() - liveStart) / MINUTE_MS), bar.getTotal()), { posted, alerts: notices.filter((n) => n.body.type === 'alert.firing').length }), 5000);
    await streaming;
    await sleep(endMs - Date.now());
    clearInterval(ticker);
    bar.stop();
    if (failed > 0) console.log(`${failed} webhook deliveries failed`);

    const firing = notices.filter((n) => n.body.type === 'alert.firing' && n.body.series.dimension === 'topic');
    const perSpike = spikes.map((s) => {
      const from = Date.parse(s.from);
      const hit = firing.find((n) => n.body.series.value === s.topicId && n.receivedAtMs >= from && n.receivedAtMs <= Date.parse(s.to) + 5 * MINUTE_MS);
      const tickets = live.filter((t) => t.topicId === s.topicId && Date.parse(t.openedAt) >= from && Date.parse(t.openedAt) < Date.parse(s.to)).length;
      return { topic: s.topicId, startsAt: s.from, ticketsInSpike: tickets, latencyMinutes: hit ? (hit.receivedAtMs - from) / MINUTE_MS : null };
    });
    // Firing notices on a spiked topic during its spike (or just after) belong to it; every other one is false.
    const duringSpike = (n: Notice) => spikes.some((s) => s.topicId === n.body.series.value && n.receivedAtMs >= Date.parse(s.from) && n.receivedAtMs <= Date.parse(s.to) + 5 * MINUTE_MS);
    const falseAlerts = firing.filter((n) => !duringSpike(n));
    const latencies = perSpike.flatMap((s) => (s.latencyMinutes === null ? [] : [s.latencyMinutes]));
    const q = (xs: number[], p: number) => (xs.length ? Number(quantile(xs, p).toFixed(2)) : null);
    const topicMinutes = TOPICS.length * ((endMs - liveStart) / MINUTE_MS);
    const diagnosis = await diagnoseLiveRun({
      ch: sl.ch, temporal: sl.temporal.client, tenantId: tenant.tenantId, scheduleWorkflowId: detectionScheduleId(tenant.tenantId), importStartMs: importStart, liveStartMs: liveStart, endMs,
      trueTopic: new Map(live.map((t) => [t.ticketId, t.topicId])), spikes: spikes.map((s) => ({ topicId: s.topicId, fromMs: Date.parse(s.from), toMs: Date.parse(s.to) })),
    });
    const result = {
      ran: { liveStart: new Date(liveStart).toISOString(), end: new Date(endMs).toISOString(), warmupDays: o.warmupDays, historyTickets: history.length, importSeconds, passesByImportEnd, liveTickets: live.length, posted, failed, ticketsPerDay: o.ticketsPerDay, detectionIntervalSeconds: config.detectionIntervalSeconds, seed: o.seed },
      spikes: { injected: spikes.length, factor: o.factor, minutes: o.spikeMinutes, caught: latencies.length },
      latencyMinutes: { p50: q(latencies, 0.5), p95: q(latencies, 0.95) },
      falseAlerts: { count: falseAlerts.length, topicMinutesWatched: topicMinutes, perTopicWeek: (falseAlerts.length / topicMinutes) * 7 * 1440, series: falseAlerts.map((n) => n.body.series.value) },
      allNoticesVerified: notices.every((n) => n.verified),
      notices: notices.map((n) => ({ ...n, receivedAt: new Date(n.receivedAtMs).toISOString() })),
      perSpike,
      diagnosis,
    };
    mkdirSync(o.out, { recursive: true });
    writeFileSync(path.join(o.out, 'detection-live.json'), JSON.stringify(result, null, 2));
    const caughtBy = Array.from({ length: Math.ceil(o.spikeMinutes / 5) + 1 }, (_, k) => ({ x: k * 5, y: latencies.filter((l) => l <= k * 5).length / spikes.length }));
    await writeLineChartPng(path.join(o.out, 'live-spikes-alerted.png'), [{ name: 'supportloop (webhook received)', points: caughtBy }], {
      title: `Live: share of ×${o.factor} topic spikes whose alert webhook arrived, by minutes since the spike began`, xTitle: 'minutes since spike start', yTitle: 'share of spikes', yDomain: [0, 1],
      subtitle: `${spikes.length} spikes, ${o.ticketsPerDay} tickets/day, detection every ${config.detectionIntervalSeconds} s; ${falseAlerts.length} false alerts in ${(topicMinutes / 1440 / 7).toFixed(3)} topic-weeks`,
    });
    console.log('\nspike  topic                start (UTC)   tickets in spike  alert webhook after');
    perSpike.forEach((s, i) => console.log(`${String(i + 1).padStart(5)}  ${s.topic.padEnd(20)} ${s.startsAt.slice(11, 16)}  ${String(s.ticketsInSpike).padStart(16)}  ${s.latencyMinutes === null ? 'missed' : `${s.latencyMinutes.toFixed(1)} min`}`));
    console.log(`\nlive: caught ${latencies.length}/${spikes.length}; spike start → signed alert webhook at the receiver p50 ${result.latencyMinutes.p50} min, p95 ${result.latencyMinutes.p95} min; signatures verified: ${result.allNoticesVerified}`);
    console.log(`false alerts (topic firing notices outside a spike): ${falseAlerts.length} over ${(topicMinutes / 1440 / 7).toFixed(3)} topic-weeks watched${falseAlerts.length ? ` (${result.falseAlerts.series.join(', ')})` : ''}`);
    const d = diagnosis;
    console.log(`\nwhat detection could read: ${d.passes} passes (gap p50 ${d.passGapSeconds.p50} s, max ${d.passGapSeconds.max} s); message written p50 ${d.writeDelaySeconds.p50} s / p95 ${d.writeDelaySeconds.p95} s / max ${d.writeDelaySeconds.max} s after it occurred; ${d.lateRows}/${d.liveRows} rows written after the pass that read their minute`);
    const delays = (s: DelaySummary) => `${s.count} drafts, p50 ${s.p50} s / p95 ${s.p95} s / max ${s.max} s`;
    console.log(`drafts after their message: posted during the import and its learning ${delays(d.draftDelaySeconds.beforeLive)}; live ${delays(d.draftDelaySeconds.live)}`);
    console.log(`classifier: ${(100 * d.classifiedAsTrueTopic).toFixed(0)}% of live messages got their simulated topic, ${(100 * d.classifiedUnknown).toFixed(0)}% 'unknown'`);
    d.spikes.forEach((s, i) => console.log(`${String(i + 1).padStart(5)}  ${s.topic.padEnd(20)} stored as ${JSON.stringify(s.storedByTopic)}; on the topic series in time ${s.countedInTime}, late ${s.countedLate} (of which ${s.borrowedFromOtherTopics} other topics'); ${s.detectorExpectedInSpike?.toFixed(1)} expected in its minutes`));
    console.log(`results: ${path.join(o.out, 'detection-live.json')}, live-spikes-alerted.png`);
  } finally {
    await receiver.close();
    await sl.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
