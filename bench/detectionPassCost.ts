// bench:detection section 6 — one tenant's scheduled detection pass, whole, through chDB: the
// simulator's arrival process (topics, seasonality) for --pass-days at --pass-tickets-per-day, each
// message with its topic's tags, and a --pass-one-off-share of them also carrying a tag no other
// message has (an order number, a campaign: what helpdesk tags look like). Stored through the
// product's own writer and rollups, then detected as the schedule does (activities/detection.ts
// runSpikeDetection): the first pass (every series replayed), then --pass-passes passes a minute
// apart. Printed next to baselines measured in the same run on the same store: reading the pass's
// own minutes, and reading every series' whole backfill window (what each pass read before the
// pass read only the minutes since the last one).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SingleBar } from 'cli-progress';
import { quantile } from 'simple-statistics';
import { createDetectionActivities } from '../activities/detection.js';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts.js';
import type { TicketEvent } from '../domain/events.js';
import { MINUTE_MS } from '../domain/spikeDetection.js';
import { generateArrivals } from '../simulator/arrivals.js';
import { SeededRandom } from '../simulator/seededRandom.js';
import { topicById, TOPICS } from '../simulator/topics.js';
import { BatchingWriter } from '../store/batchingWriter.js';
import { createClickHouse } from '../store/clickhouse.js';
import { migrate } from '../store/migrate.js';
import { seriesCounts } from '../store/spikeSeries.js';
import { TABLES } from '../store/tables.js';
import { writeTicketEvents } from '../store/ticketEvents.js';

const DAY_MS = 24 * 60 * MINUTE_MS;
const TENANT = 'bench';

export interface PassCostInput {
  start: Date;
  days: number;
  ticketsPerDay: number;
  oneOffShare: number;
  passes: number;
  /** The product default (runtime/config.ts detectionBackfillMinutes). */
  backfillMinutes: number;
  retireAfterMinutes: number;
  settleMs: number;
  importQuietMs: number;
  seed: number;
}

export async function tenantPassCost(input: PassCostInput) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-pass-'));
  const ch = createClickHouse({ dataDir, database: 'bench_pass' });
  const writer = new BatchingWriter(ch, { maxRows: 20_000, flushMs: 100 });
  try {
    await migrate(ch);
    const endMs = input.start.getTime() + input.days * DAY_MS;
    const weightSum = TOPICS.reduce((sum, t) => sum + t.weight, 0);
    const rng = new SeededRandom(input.seed).derive('pass-cost');
    // The stream runs on past the first pass, through the minutes the timed passes read.
    const arrivals = generateArrivals({
      start: input.start,
      count: Math.round(input.ticketsPerDay * (input.days + (input.passes + 2) / 1440)),
      ticketsPerDay: input.ticketsPerDay,
      sources: TOPICS.map((t) => ({ tenantId: TENANT, topicId: t.id, share: t.weight / weightSum })),
      spikes: [],
      rng: rng.derive('arrivals'),
    });
    const tagged = rng.derive('one-off');
    const bar = new SingleBar({ format: 'pass cost: storing messages [{bar}] {value}/{total}' });
    bar.start(arrivals.length, 0);
    let oneOffTags = 0;
    for (let i = 0; i < arrivals.length; i += 10_000) {
      const inbound = arrivals.slice(i, i + 10_000).map((a, j) => {
        const id = `m${i + j}`;
        const tags = [...topicById(a.topicId).tags, ...(tagged.float() < input.oneOffShare ? [`order-${i + j}`] : [])];
        if (tags.length > topicById(a.topicId).tags.length) oneOffTags++;
        const event: TicketEvent = { eventId: id, tenantId: TENANT, ticketId: id, kind: 'message.customer', occurredAt: a.at.toISOString(), provider: 'generic', channel: 'email', tags, body: 'text' };
        return { event, classification: { topic: a.topicId, topicConfidence: 0.9, sentiment: 0.1, frustration: 0, language: 'en' } };
      });
      const done = writeTicketEvents(writer, { inbound, derived: [], context: { channel: 'email', provider: 'generic', segment: '', plan: '', topic: '' } }, endMs);
      await writer.flush();
      await done;
      bar.update(Math.min(i + 10_000, arrivals.length));
    }
    bar.stop();

    let nowMs = endMs + 30_000;
    // What the passes hand the writer for the detector-state tables, as the JSON rows it inserts.
    let stateBytesWritten = 0;
    const stateTables = new Set<string>([TABLES.detectorState, TABLES.detectorMemoryParts]);
    const countingWriter = Object.assign(Object.create(writer) as BatchingWriter, {
      write: (table: string, rows: readonly object[]) => {
        if (stateTables.has(table)) stateBytesWritten += rows.reduce((sum, r) => sum + JSON.stringify(r).length, 0);
        return writer.write(table, rows);
      },
    });
    const detection = createDetectionActivities({ ch, writer: countingWriter, now: () => nowMs, policy: DEFAULT_ALERT_POLICY, maxBackfillMinutes: input.backfillMinutes, retireAfterMinutes: input.retireAfterMinutes, settleMs: input.settleMs, importQuietMs: input.importQuietMs });
    const timed = async () => {
      const t0 = performance.now();
      const result = await detection.runSpikeDetection({ tenantId: TENANT });
      await writer.flush();
      return { ms: performance.now() - t0, ...result };
    };
    // How long the event loop stood still during the first pass (it replays every series' history):
    // the worker's workflow tasks, and in the embedded process the API, wait that long.
    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const first = await timed();
    stalls.disable();
    stateBytesWritten = 0;
    const steady: number[] = [];
    let fed = 0;
    for (let i = 0; i < input.passes; i++) {
      nowMs += MINUTE_MS;
      const pass = await timed();
      steady.push(pass.ms);
      fed += pass.series;
    }
    const [state] = await ch.query<{ series: string }>(`SELECT countIf(snapshot != '') AS series FROM ${ch.table(TABLES.detectorState)} FINAL WHERE tenant_id = {tenantId:String}`, { tenantId: TENANT });

    // Baselines on the same store: reading the last pass's minute, and every series' backfill window.
    const untilMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS - MINUTE_MS;
    const readMs = async (afterMs: number) => {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        rows = (await seriesCounts(ch, TENANT, afterMs, untilMs)).length;
        times.push(performance.now() - t0);
      }
      return { medianMs: quantile(times, 0.5), rows };
    };
    const minuteRead = await readMs(untilMs - MINUTE_MS);
    const windowRead = await readMs(Math.max(input.start.getTime(), untilMs - input.backfillMinutes * MINUTE_MS) - MINUTE_MS);
    const bases = await seriesCounts(ch, TENANT, input.start.getTime() - MINUTE_MS, untilMs);
    return {
      ticketsPerDay: input.ticketsPerDay,
      days: input.days,
      messages: arrivals.length,
      oneOffTags,
      /** Base series with any message (each is watched for volume and negative share once started). */
      baseSeriesWithEvents: new Set(bases.map((b) => b.series)).size,
      seriesWatched: Number(state!.series),
      /** Mean over the timed passes of the detector-state rows written, as JSON. */
      stateBytesPerPass: stateBytesWritten / input.passes,
      firstPassMs: first.ms,
      firstPassLongestStallMs: stalls.max / 1e6,
      steadyPassMs: { median: quantile(steady, 0.5), p95: quantile(steady, 0.95) },
      seriesFedPerPass: fed / input.passes,
      baselines: { readPassMinuteMs: minuteRead.medianMs, readBackfillWindowMs: windowRead.medianMs, backfillWindowRows: windowRead.rows },
    };
  } finally {
    await writer.close();
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
