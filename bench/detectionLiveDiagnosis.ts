// Why a live spike was (not) alerted: for each injected spike, what the product stored and what its
// scheduled detection passes could have read. A message counts in its topic's series only if the
// classifier gave it that topic, and only if its row was written before the first pass that read
// its minute (a pass reads every minute up to the last complete one and never reads them again).
// The passes' times come from Temporal (the schedule's detectSpikes runs); rows' times and topics
// from ClickHouse. Bench-only: reads the product's tables directly, after the run.
import type { Client } from '@temporalio/client';
import { quantile } from 'simple-statistics';
import { expectedOver } from '../domain/detection/countWindows.js';
import type { DetectorSnapshot } from '../domain/detection/streamingDetector.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { loadDetectorStates } from '../store/detectorState.js';
import { clickHouseTimeMs, TABLES, toClickHouseSeconds } from '../store/tables.js';

const MINUTE_MS = 60_000;

export interface SpikeDiagnosis {
  topic: string;
  /** Their customer-message rows in ClickHouse, by the topic the product's classifier gave them. */
  storedByTopic: Record<string, number>;
  /** Rows with the spike's topic that were written before the first pass reading their minute. */
  countedInTime: number;
  /** Rows with the spike's topic written after that pass: never read by detection. */
  countedLate: number;
  /** Other topics' live messages the classifier labelled with the spike's topic inside the window. */
  borrowedFromOtherTopics: number;
  /** Events the topic series' count model (as stored at the end) expects over the spike's minutes, hour and weekday shape included. */
  detectorExpectedInSpike: number | null;
  /** The series' last alert before the spike (an alert mutes count evidence while its bar fades), and alerts in the run. */
  lastAlertBeforeSpike: string | null;
  alertsStarted: string[];
}

export interface LiveDiagnosis {
  passes: number;
  /** Seconds between consecutive detection passes (p50, max). */
  passGapSeconds: { p50: number | null; max: number | null };
  /** Seconds from a live message's occurrence to its row being written: p50, p95, max. */
  writeDelaySeconds: { p50: number | null; p95: number | null; max: number | null };
  /** Seconds from a customer message's occurrence to its draft being stored, for messages posted while the history was imported and learned (before the live start) and live: count, p50, p95, max. */
  draftDelaySeconds: { beforeLive: DelaySummary; live: DelaySummary };
  /** Live customer messages written after the first pass that read their minute. */
  lateRows: number;
  liveRows: number;
  /** Share of live messages the classifier labelled with their true (simulated) topic, and 'unknown'. */
  classifiedAsTrueTopic: number;
  classifiedUnknown: number;
  spikes: SpikeDiagnosis[];
}

export interface DelaySummary {
  count: number;
  p50: number | null;
  p95: number | null;
  max: number | null;
}

/** Start times of the tenant's scheduled detectSpikes runs. */
async function passStarts(client: Client, scheduleWorkflowId: string): Promise<number[]> {
  const starts: number[] = [];
  for await (const run of client.workflow.list({ query: `WorkflowType = 'detectSpikes'` })) {
    if (run.workflowId.startsWith(scheduleWorkflowId)) starts.push(run.startTime.getTime());
  }
  return starts.sort((a, b) => a - b);
}

export async function diagnoseLiveRun(input: {
  ch: ClickHouse;
  temporal: Client;
  tenantId: string;
  scheduleWorkflowId: string;
  /** When the history import began: drafts of messages from then on are timed. */
  importStartMs: number;
  liveStartMs: number;
  endMs: number;
  /** Simulated (true) topic of every live ticket. */
  trueTopic: ReadonlyMap<string, string>;
  spikes: { topicId: string; fromMs: number; toMs: number }[];
}): Promise<LiveDiagnosis> {
  const passes = await passStarts(input.temporal, input.scheduleWorkflowId);
  const rows = await input.ch.query<{ ticket_id: string; occurred_at: string; recorded_at: string; topic: string }>(
    `SELECT ticket_id, occurred_at, min(recorded_at) AS recorded_at, any(topic) AS topic FROM ${input.ch.table(TABLES.ticketEvents)}
     WHERE tenant_id = {tenantId:String} AND kind = 'message.customer' AND occurred_at >= {from:DateTime} AND occurred_at < {to:DateTime}
     GROUP BY ticket_id, event_id, occurred_at`,
    { tenantId: input.tenantId, from: toClickHouseSeconds(input.liveStartMs), to: toClickHouseSeconds(input.endMs) },
  );
  // The first pass whose last complete minute covers a row's minute is the only one that reads it.
  const readingPass = (minuteMs: number) => passes.find((p) => Math.floor(p / MINUTE_MS) * MINUTE_MS - MINUTE_MS >= minuteMs);
  const live = rows.map((r) => {
    const occurredMs = clickHouseTimeMs(r.occurred_at);
    const recordedMs = clickHouseTimeMs(r.recorded_at);
    const pass = readingPass(Math.floor(occurredMs / MINUTE_MS) * MINUTE_MS);
    return { ticketId: r.ticket_id, occurredMs, recordedMs, topic: r.topic, trueTopic: input.trueTopic.get(r.ticket_id) ?? '', late: pass === undefined || recordedMs > pass };
  });
  const alerts = await input.ch.query<{ series: string; started_at: string }>(
    `SELECT DISTINCT series, started_at FROM ${input.ch.table(TABLES.alerts)} WHERE tenant_id = {tenantId:String}`,
    { tenantId: input.tenantId },
  );
  const states = new Map((await loadDetectorStates(input.ch, input.tenantId)).map((s) => [s.series, s]));
  const spikes = input.spikes.map((s): SpikeDiagnosis => {
    const inWindow = live.filter((r) => r.occurredMs >= s.fromMs && r.occurredMs < s.toMs);
    const own = inWindow.filter((r) => r.trueTopic === s.topicId);
    const storedByTopic: Record<string, number> = {};
    for (const r of own) storedByTopic[r.topic || '(none)'] = (storedByTopic[r.topic || '(none)'] ?? 0) + 1;
    const labelled = inWindow.filter((r) => r.topic === s.topicId);
    const counts = (states.get(`topic=${s.topicId}`)?.snapshot as DetectorSnapshot | undefined)?.counts;
    const started = alerts.filter((a) => a.series === `topic=${s.topicId}`).map((a) => clickHouseTimeMs(a.started_at)).sort((a, b) => a - b);
    const before = started.filter((t) => t < s.fromMs).at(-1);
    return {
      topic: s.topicId,
      storedByTopic,
      countedInTime: labelled.filter((r) => !r.late).length,
      countedLate: labelled.filter((r) => r.late).length,
      borrowedFromOtherTopics: labelled.filter((r) => r.trueTopic !== s.topicId).length,
      detectorExpectedInSpike: counts && counts.exposure > 0 ? expectedOver(counts, s.toMs - MINUTE_MS, Math.round((s.toMs - s.fromMs) / counts.stepMs)) : null,
      lastAlertBeforeSpike: before === undefined ? null : new Date(before).toISOString(),
      alertsStarted: started.filter((t) => t >= s.fromMs).map((t) => new Date(t).toISOString()),
    };
  });
  const delays = live.map((r) => (r.recordedMs - r.occurredMs) / 1000);
  const gaps = passes.slice(1).map((p, i) => (p - passes[i]!) / 1000);
  const q = (xs: number[], p: number) => (xs.length ? Number(quantile(xs, p).toFixed(1)) : null);
  const drafts = await input.ch.query<{ message_at: string; created_at: string }>(
    `SELECT message_at, min(created_at) AS created_at FROM ${input.ch.table(TABLES.suggestions)}
     WHERE tenant_id = {tenantId:String} AND message_at >= {from:DateTime} AND message_at < {to:DateTime}
     GROUP BY message_event_id, message_at`,
    { tenantId: input.tenantId, from: toClickHouseSeconds(input.importStartMs), to: toClickHouseSeconds(input.endMs) },
  );
  const draftDelays = (live: boolean): DelaySummary => {
    const xs = drafts.filter((d) => clickHouseTimeMs(d.message_at) >= input.liveStartMs === live).map((d) => (clickHouseTimeMs(d.created_at) - clickHouseTimeMs(d.message_at)) / 1000);
    return { count: xs.length, p50: q(xs, 0.5), p95: q(xs, 0.95), max: xs.length ? Number(Math.max(...xs).toFixed(1)) : null };
  };
  return {
    passes: passes.length,
    passGapSeconds: { p50: q(gaps, 0.5), max: gaps.length ? Math.max(...gaps) : null },
    writeDelaySeconds: { p50: q(delays, 0.5), p95: q(delays, 0.95), max: delays.length ? Number(Math.max(...delays).toFixed(1)) : null },
    draftDelaySeconds: { beforeLive: draftDelays(false), live: draftDelays(true) },
    lateRows: live.filter((r) => r.late).length,
    liveRows: live.length,
    classifiedAsTrueTopic: live.length ? live.filter((r) => r.topic === r.trueTopic).length / live.length : 0,
    classifiedUnknown: live.length ? live.filter((r) => r.topic === 'unknown').length / live.length : 0,
    spikes,
  };
}
