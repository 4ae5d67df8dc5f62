// npm run load — sustained webhook load on the embedded product over loopback. First the ingest
// ceiling is measured in the same run (closed-loop burst of signed webhooks, as bench/ingest.ts
// does: acknowledged webhooks per second with 32 senders), then each level (default 50% and 90% of
// it) runs open-loop at a fixed rate for --duration-minutes, then drains. Prints a table per level
// and writes PNGs over time and JSON (definitions of every figure: resilience/loadRun.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { outputFolder, positiveInteger, positiveNumber } from '../cli/optionParsers.js';
import { readMessageBodies } from '../cli/datasetFile.js';
import { writeLineChartPng, type LineSeries } from '../reporting/lineChart.js';
import type { Supportloop } from '../runtime/supportloop.js';
import { TABLES } from '../store/tables.js';
import { startEmbeddedProduct } from './embeddedProduct.js';
import { runLoadLevel, type LoadLevelResult, type LoadSample } from './loadRun.js';
import { signedHeaders } from './signedDeliveries.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** `--levels`: comma-separated fractions of the ceiling, each above 0 and at most 2. */
function ceilingFractions(value: string): number[] {
  const levels = value.split(',').map(Number);
  if (levels.some((l) => !(l > 0 && l <= 2))) throw new InvalidArgumentError('expected fractions of the ceiling like 0.5,0.9 (each above 0, at most 2)');
  return levels;
}

const options = new Command('load')
  .option('--dataset <file>', 'CSV with an instruction/body/message/text column, or JSONL with body: message texts', path.resolve(repoRoot, '../shared/data/bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv'))
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/load'))
  .option('--duration-minutes <n>', 'minutes of load at each level', positiveNumber, 10)
  .option('--ceiling <perSecond>', 'ingest ceiling in webhooks/s (default: measured first, in this run)', positiveNumber)
  .option('--ceiling-events <n>', 'webhooks in the ceiling burst', positiveInteger, 1500)
  .option('--levels <list>', 'fractions of the ceiling to run at', ceilingFractions, [0.5, 0.9])
  .option('--tickets <n>', 'distinct tickets the load spreads over', positiveInteger, 5000)
  .option('--sample-seconds <n>', 'sampling interval', positiveNumber, 5)
  .option('--max-drain-minutes <n>', 'after each level, how long to wait for the worker to catch up', positiveNumber, 10)
  .option('--max-in-flight <n>', 'requests in flight at once before due ones count as errors', positiveInteger, 2000)
  .parse()
  .opts<{ dataset: string; out: string; durationMinutes: number; ceiling?: number; ceilingEvents: number; levels: number[]; tickets: number; sampleSeconds: number; maxDrainMinutes: number; maxInFlight: number }>();

/** Closed loop, 32 senders: acknowledged webhooks per second is the ceiling the levels are fractions of. */
async function measureCeiling(url: string, tenantId: string, secret: string, events: number, bodies: readonly string[]): Promise<{ perSecond: number; errors: number; seconds: number }> {
  const bar = new SingleBar({ format: 'ceiling burst [{bar}] {value}/{total}', noTTYOutput: true, notTTYSchedule: 10_000 });
  bar.start(events, 0);
  let next = 0;
  let ok = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: 32 }, async () => {
    while (next < events) {
      const i = next++;
      const body = JSON.stringify({ eventId: `ceiling-${i}`, kind: 'message.customer', ticketId: `C-${i % 600}`, occurredAt: new Date().toISOString(), channel: 'chat', tags: [], body: bodies[i % bodies.length] });
      try {
        const response = await fetch(`${url}/v1/webhooks/${tenantId}/generic`, { method: 'POST', headers: signedHeaders('generic', secret, body, { deliveryId: `c_${i}`, at: new Date() }), body });
        await response.arrayBuffer();
        if (response.status === 202) ok++;
        else errors++;
      } catch {
        errors++;
      }
      bar.increment();
    }
  }));
  bar.stop();
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: ok / seconds, errors, seconds };
}

/** Wait until `expected` events with the id prefix are in ticket_events (bounded): how long that took, and the end-to-end rate over burst + wait. */
async function waitForStored(sl: Supportloop, tenantId: string, prefix: string, expected: number, maxSeconds: number, burstSeconds: number) {
  const started = Date.now();
  let stored = 0;
  while (Date.now() - started < maxSeconds * 1000) {
    const [row] = await sl.ch.query<{ n: string }>(
      `SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String} AND startsWith(event_id, {p:String})`,
      { t: tenantId, p: prefix },
    );
    stored = Number(row?.n ?? 0);
    if (stored >= expected) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seconds = (Date.now() - started) / 1000;
  return { stored, seconds, perSecond: stored / (seconds + burstSeconds) };
}

const f = (n: number | null, digits = 0) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(digits));

/** One row per minute (per drain minute too) so ten minutes fit on a screen; every sample is in the JSON. */
function printLevel(result: LoadLevelResult): void {
  console.log(`\n### ${result.label}: ${f(result.targetPerSecond, 1)} webhooks/s for ${result.durationSeconds / 60} min`);
  console.log('| t (s) | phase | sent/s | acked/s | ack p50 ms | ack p99 ms | errors | worker lag s | pending | CH active parts | CH MemoryTracking MB | RSS MB |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  const byMinute = new Map<string, LoadSample[]>();
  for (const s of result.samples) {
    const key = `${s.phase}-${Math.floor(s.t / 60)}`;
    byMinute.set(key, [...(byMinute.get(key) ?? []), s]);
  }
  for (const group of byMinute.values()) {
    const last = group.at(-1)!;
    const mean = (pick: (s: LoadSample) => number) => group.reduce((n, s) => n + pick(s), 0) / group.length;
    const p99s = group.map((s) => s.ackP99Ms).filter((v): v is number => v !== null);
    const p50s = group.map((s) => s.ackP50Ms).filter((v): v is number => v !== null);
    console.log(`| ${f(last.t)} | ${last.phase} | ${f(mean((s) => s.sentPerSecond), 1)} | ${f(mean((s) => s.ackedPerSecond), 1)} | ${p50s.length ? f(p50s.sort((a, b) => a - b)[Math.floor(p50s.length / 2)]!) : '–'} | ${p99s.length ? f(Math.max(...p99s)) : '–'} | ${group.reduce((n, s) => n + s.errors, 0)} | ${f(Math.max(...group.map((s) => s.workerLagSeconds)), 1)} | ${last.pending} | ${Math.max(...group.map((s) => s.clickhouseActiveParts))} | ${f(Math.max(...group.map((s) => s.clickhouseMemoryMb)))} | ${f(Math.max(...group.map((s) => s.rssMb)))} |`);
  }
  console.log(`sent ${result.sent}/${result.planned}, acked ${result.acked} (${f(result.achievedPerSecond, 1)}/s), errors ${result.errors} (rate ${(result.errorRate * 100).toFixed(2)}%${result.errors ? ` — ${JSON.stringify(result.errorKinds)}` : ''}), ack p50 ${f(result.ackP50Ms)} ms / p99 ${f(result.ackP99Ms)} ms`);
  console.log(`worker lag max ${f(result.maxWorkerLagSeconds, 1)} s; ${result.drainedAfterSeconds === null ? `NOT drained: ${result.pendingAtEnd} acked events still missing from ClickHouse` : `drained ${f(result.drainedAfterSeconds, 1)} s after the last request`}; ClickHouse active parts max ${result.maxActiveParts}, MemoryTracking max ${f(result.maxClickhouseMemoryMb)} MB; RSS max ${f(result.maxRssMb)} MB`);
}

async function writeCharts(out: string, results: LoadLevelResult[]): Promise<string[]> {
  const series = (name: (r: LoadLevelResult) => string, pick: (s: LoadSample) => number | null) =>
    results.map((r): LineSeries => ({ name: name(r), points: r.samples.filter((s) => pick(s) !== null).map((s) => ({ x: s.t, y: pick(s)! })) }));
  const charts: [string, LineSeries[], string, string][] = [
    ['load-ack.png', [...series((r) => `${r.label} p50`, (s) => s.ackP50Ms), ...series((r) => `${r.label} p99`, (s) => s.ackP99Ms)], 'Webhook ack latency per sample window', 'ms'],
    ['load-lag.png', series((r) => r.label, (s) => s.workerLagSeconds), 'Worker lag: age of the oldest acked event not yet in ClickHouse', 's'],
    ['load-throughput.png', [...series((r) => `${r.label} sent/s`, (s) => s.sentPerSecond), ...series((r) => `${r.label} acked/s`, (s) => s.ackedPerSecond)], 'Webhooks sent and acknowledged per second', 'per second'],
    ['load-clickhouse.png', [...series((r) => `${r.label} active parts`, (s) => s.clickhouseActiveParts), ...series((r) => `${r.label} chDB MB`, (s) => s.clickhouseMemoryMb), ...series((r) => `${r.label} RSS MB`, (s) => s.rssMb)], 'ClickHouse active parts, chDB MemoryTracking and process RSS', 'parts / MB'],
  ];
  const files: string[] = [];
  for (const [file, lines, title, yTitle] of charts) {
    await writeLineChartPng(path.join(out, file), lines, { title, xTitle: 'seconds since the level started (load, then drain)', yTitle });
    files.push(path.join(out, file));
  }
  return files;
}

async function main(): Promise<void> {
  const { levels } = options;
  const durationSeconds = options.durationMinutes * 60;
  const bodies = await readMessageBodies(options.dataset);
  mkdirSync(options.out, { recursive: true });
  console.log('starting the embedded product (chDB + Temporal dev server) …');
  const product = await startEmbeddedProduct();
  const { url, tenant } = product;
  const secret = tenant.webhookSecrets.generic;
  try {
    let ceiling: { perSecond: number; errors: number; measured: boolean; workerDrainSeconds?: number; storedPerSecondWhileDraining?: number } | undefined =
      options.ceiling !== undefined ? { perSecond: options.ceiling, errors: 0, measured: false } : undefined;
    if (!ceiling) {
      const measured = await measureCeiling(url, tenant.tenantId, secret, options.ceilingEvents, bodies);
      // The burst leaves a backlog in the worker; the levels start once it is in ClickHouse, or their lag would include it.
      const drain = await waitForStored(product.sl, tenant.tenantId, 'ceiling-', options.ceilingEvents - measured.errors, options.maxDrainMinutes * 60, measured.seconds);
      ceiling = { ...measured, measured: true, workerDrainSeconds: drain.seconds, storedPerSecondWhileDraining: drain.perSecond };
      console.log(`ingest ceiling (closed loop, 32 senders, ${options.ceilingEvents} webhooks): ${f(ceiling.perSecond, 1)} acked webhooks/s, ${ceiling.errors} errors`);
      console.log(`the burst's backlog reached ClickHouse ${f(drain.seconds, 1)} s after the burst (${drain.stored} events; worker end to end ≈ ${f(drain.perSecond, 1)} events/s over burst + drain)`);
    }
    const results: LoadLevelResult[] = [];
    for (const level of levels) {
      const rate = ceiling.perSecond * level;
      const label = `${Math.round(level * 100)}%`;
      console.log(`\nlevel ${label}: ${f(rate, 1)} webhooks/s for ${options.durationMinutes} min, then drain (≤ ${options.maxDrainMinutes} min)`);
      const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total} s  lag {lag} s  p99 {p99} ms  errors {errors}`, noTTYOutput: true, notTTYSchedule: 10_000 });
      bar.start(durationSeconds, 0, { lag: 0, p99: '–', errors: 0 });
      let errors = 0;
      const result = await runLoadLevel({
        sl: product.sl, url, tenantId: tenant.tenantId, secret, label, ratePerSecond: rate, durationSeconds, tickets: options.tickets, bodies,
        sampleSeconds: options.sampleSeconds, maxDrainSeconds: options.maxDrainMinutes * 60, maxInFlight: options.maxInFlight,
        onSample: (s) => {
          errors += s.errors;
          bar.update(Math.min(durationSeconds, Math.round(s.t)), { lag: f(s.workerLagSeconds, 1), p99: f(s.ackP99Ms), errors });
        },
      });
      bar.stop();
      results.push(result);
      printLevel(result);
    }
    const charts = await writeCharts(options.out, results);
    writeFileSync(path.join(options.out, 'load.json'), JSON.stringify({ ceiling, levels: results, durationSeconds }, null, 2));
    console.log('\n| level | target /s | acked /s | × ceiling | ack p50 ms | ack p99 ms | error rate | max worker lag s | drained after s | max CH parts | max CH MemoryTracking MB | max RSS MB |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.label} | ${f(r.targetPerSecond, 1)} | ${f(r.achievedPerSecond, 1)} | ${(r.achievedPerSecond / ceiling.perSecond).toFixed(2)} | ${f(r.ackP50Ms)} | ${f(r.ackP99Ms)} | ${(r.errorRate * 100).toFixed(2)}% | ${f(r.maxWorkerLagSeconds, 1)} | ${r.drainedAfterSeconds === null ? `not drained (${r.pendingAtEnd} pending)` : f(r.drainedAfterSeconds, 1)} | ${r.maxActiveParts} | ${f(r.maxClickhouseMemoryMb)} | ${f(r.maxRssMb)} |`);
    }
    console.log(`\nresults: ${path.join(options.out, 'load.json')}; charts: ${charts.join(', ')}`);
    if (results.some((r) => r.errors > 0)) process.exitCode = 1;
  } finally {
    await product.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
