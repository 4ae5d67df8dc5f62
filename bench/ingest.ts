// npm run bench:ingest — end-to-end webhook ingest through the real product (HTTP → verify → map →
// signalWithStart → workflow → batching writer → chDB), against a baseline measured in the same run
// on the same dev server: raw signalWithStart of a no-op workflow type with no HTTP, no adapter and
// no worker. Prints webhooks/s and ack latency p50/p99 for both, and their ratio; then how fast the
// worker stored the events end to end, and where its time went (activity and workflow task latency).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { readMessageBodies } from '../cli/datasetFile.js';
import { Command } from 'commander';
import { quantileSorted } from 'simple-statistics';
import { Webhook } from 'standardwebhooks';
import { nonNegativeInteger, outputFolder, positiveInteger } from '../cli/optionParsers.js';
import { loadConfig } from '../runtime/config.js';
import { startSupportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';
import { TABLES } from '../store/tables.js';
import { standardWebhookHeaders } from '../helpdesks/generic.js';
import { ticketWorkflowId } from '../workflows/messages.js';
import { activityLatencies, workflowTaskLatencies, type LatencySummary } from './workerLatency.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const defaultDataset = path.resolve(repoRoot, '../shared/data/bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv');

const options = new Command('bench:ingest')
  .option('--dataset <file>', 'CSV with an `instruction` (message text) column, or JSONL with `body`', defaultDataset)
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/bench-ingest'))
  .option('--events <n>', 'webhooks to send in each phase', positiveInteger, 3000)
  .option('--tickets <n>', 'distinct tickets the events spread over', positiveInteger, 600)
  .option('--concurrency <n>', 'concurrent senders', positiveInteger, 32)
  .option('--customers <n>', 'distinct customers the tickets belong to (0 = messages without a customer); drafting reads each customer\'s recent tickets', nonNegativeInteger, 200)
  .option('--history-sample <n>', 'tickets whose workflow histories are read for workflow task latency', nonNegativeInteger, 200)
  .parse()
  .opts<{ dataset: string; out: string; events: number; tickets: number; concurrency: number; customers: number; historySample: number }>();

const { events, tickets, concurrency, customers, historySample } = options;

/** Run `total` jobs with `concurrency` workers; returns per-job latencies in ms and the wall time. */
async function runPhase(name: string, total: number, job: (i: number) => Promise<void>): Promise<{ latencies: number[]; seconds: number; errors: number }> {
  const bar = new SingleBar({ format: `${name.padEnd(22)} [{bar}] {value}/{total} {eta_formatted}` });
  bar.start(total, 0);
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        try {
          await job(i);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
        bar.increment();
      }
    }),
  );
  bar.stop();
  return { latencies: latencies.sort((a, b) => a - b), seconds: (performance.now() - started) / 1000, errors };
}

const summary = (r: { latencies: number[]; seconds: number; errors: number }) => ({
  perSecond: r.latencies.length / r.seconds,
  p50: r.latencies.length ? quantileSorted(r.latencies, 0.5) : NaN,
  p99: r.latencies.length ? quantileSorted(r.latencies, 0.99) : NaN,
  errors: r.errors,
});

async function main(): Promise<void> {
  const bodies = await readMessageBodies(options.dataset);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-'));
  const sl = await startSupportloop(
    loadConfig({ dataDir, host: '127.0.0.1', port: await freePort(), temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey: 'bench-admin-key-000000', logLevel: 'error' }),
  );
  try {
    const created = await fetch(`${sl.url}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: 'Bearer bench-admin-key-000000', 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'bench' }),
    });
    const tenant = (await created.json()) as { webhookSecrets: { generic: string } };
    const webhook = new Webhook(tenant.webhookSecrets.generic);

    const baseline = await runPhase('baseline signalWithStart', events, async (i) => {
      await sl.temporal.client.workflow.signalWithStart('benchNoop', {
        workflowId: `bench-noop/${i % tickets}`,
        taskQueue: 'bench-noop-unpolled',
        args: [],
        signal: 'noop',
        signalArgs: [i],
      });
    });

    // Event loop delay of the one process that runs the API, the worker's activities and chDB's client.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const startedAt = Date.now();
    const ingest = await runPhase('webhooks end to end', events, async (i) => {
      const body = JSON.stringify({
        events: [
          {
            eventId: `bench-${i}`,
            kind: 'message.customer',
            ticketId: `B-${i % tickets}`,
            occurredAt: new Date(startedAt + i).toISOString(),
            channel: 'chat',
            tags: [],
            body: bodies[i % bodies.length],
            ...(customers > 0 && { customer: { customerId: `cust-${(i % tickets) % customers}` } }),
          },
        ],
      });
      const msgId = `msg_${i}`;
      const at = new Date();
      const response = await fetch(`${sl.url}/v1/webhooks/bench/generic`, {
        method: 'POST',
        headers: standardWebhookHeaders(webhook, msgId, at, body),
        body,
      });
      if (response.status !== 202) throw new Error(`HTTP ${response.status}`);
      await response.arrayBuffer();
    });

    // Acked means durable in Temporal; also measure how long until every event is in ClickHouse.
    const countStored = async () =>
      Number((await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String}`, { t: 'bench' }))[0]!.n);
    // What the worker had stored when the last webhook was acked, then its rate with ingest finished.
    const ingestSeconds = (Date.now() - startedAt) / 1000;
    const storedDuringIngest = await countStored();
    let stored = 0;
    while ((stored = await countStored()) < events - ingest.errors && Date.now() - startedAt < 600_000) await new Promise((r) => setTimeout(r, 250));
    const processedSeconds = (Date.now() - startedAt) / 1000;
    loopDelay.disable();
    const drainPerSecond = (stored - storedDuringIngest) / Math.max(processedSeconds - ingestSeconds, 1e-3);
    const activities = activityLatencies(await (await fetch(`${sl.url}/metrics`)).text());
    // Only tickets that received an event have a workflow (fewer than --tickets when --events is smaller).
    const touched = Math.min(tickets, events);
    const sampled = Array.from({ length: Math.min(touched, historySample) }, (_, k) => ticketWorkflowId('bench', `B-${Math.floor((k * touched) / Math.min(touched, historySample))}`));
    const workflowTasks = await workflowTaskLatencies(sl.temporal.client, sampled);

    const b = summary(baseline);
    const e = summary(ingest);
    const result = {
      events,
      tickets,
      concurrency,
      baseline: b,
      customers,
      ingest: { ...e, storedInClickHouse: stored, endToEndProcessedPerSecond: stored / processedSeconds, storedPerSecondDuringIngest: storedDuringIngest / ingestSeconds, storedPerSecondDraining: drainPerSecond },
      eventLoopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
      worker: { activities, workflowTasks: { sampledTickets: sampled.length, ...workflowTasks } },
      ratio: { throughput: e.perSecond / b.perSecond, p50: e.p50 / b.p50, p99: e.p99 / b.p99 },
    };
    mkdirSync(options.out, { recursive: true });
    writeFileSync(path.join(options.out, 'ingest.json'), JSON.stringify(result, null, 2));
    const f = (n: number) => n.toFixed(1);
    console.log('\n| phase | per second | ack p50 ms | ack p99 ms | errors |');
    console.log('|---|---|---|---|---|');
    console.log(`| baseline: raw signalWithStart (no-op workflow) | ${f(b.perSecond)} | ${f(b.p50)} | ${f(b.p99)} | ${b.errors} |`);
    console.log(`| supportloop webhooks (HTTP→verify→map→signalWithStart) | ${f(e.perSecond)} | ${f(e.p50)} | ${f(e.p99)} | ${e.errors} |`);
    console.log(`\nratio webhook/baseline: throughput ${result.ratio.throughput.toFixed(2)}×, p50 ${result.ratio.p50.toFixed(2)}×, p99 ${result.ratio.p99.toFixed(2)}×`);
    console.log(`processed into ClickHouse: ${stored}/${events} events, ${f(result.ingest.endToEndProcessedPerSecond)} events/s end to end (${f(result.ingest.storedPerSecondDuringIngest)}/s while webhooks arrived, ${f(drainPerSecond)}/s draining after)`);
    console.log(`event loop delay: p50 ${f(result.eventLoopDelayMs.p50)} ms, p99 ${f(result.eventLoopDelayMs.p99)} ms, max ${f(result.eventLoopDelayMs.max)} ms`);
    const row = (name: string, l: LatencySummary) => console.log(`| ${name} | ${l.count} | ${f(l.meanMs)} | ${f(l.p50Ms)} | ${f(l.p99Ms)} |`);
    console.log('\n| worker (ms) | n | mean | p50 | p99 |');
    console.log('|---|---|---|---|---|');
    for (const [name, l] of Object.entries(activities).sort()) row(`activity ${name} (p50/p99 from histogram buckets)`, l);
    row(`workflow task waiting for a slot (${sampled.length} tickets' histories)`, workflowTasks.waiting);
    row('workflow task running (incl. its local activities)', workflowTasks.running);
    console.log(`results: ${path.join(options.out, 'ingest.json')}`);
  } finally {
    await sl.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
