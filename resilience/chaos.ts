// `npm run chaos`: the long-form resilience run (10,000 webhook events over 200 tickets against the
// split topology with two worker SIGKILLs, a dev-server kill + restart and a restart of every
// supportloop process). Prints lost / duplicated counts and the recovery after each fault, writes
// chaos.json and two PNG charts (acknowledgements and latency over time, faults marked).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { outputFolder, positiveInteger } from '../cli/optionParsers.js';
import { writeLineChartPng, type LineSeries } from '../reporting/lineChart.js';
import { loadConfig } from '../runtime/config.js';
import { ensureTemporalCli } from '../runtime/temporalCli.js';
import { runChaos, type ChaosResult, type FaultKind } from './chaosRun.js';
import { runEmbeddedChaos, type EmbeddedChaosResult } from './embeddedChaos.js';

const FAULT_KINDS: readonly FaultKind[] = ['worker-sigkill', 'devserver-restart', 'full-restart'];
export const LONG_FORM_FAULTS: FaultKind[] = ['worker-sigkill', 'devserver-restart', 'worker-sigkill', 'full-restart'];

const seconds = (ms: number | undefined) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);

export function chaosReport(result: ChaosResult): string[] {
  const c = result.counts;
  const lines = [
    `events ${c.planned} over ${result.options.tickets} tickets, ${result.options.apiCount} APIs, at most ${result.options.concurrency} in flight, sent at ${result.options.ratePerSecond}/s; run ${seconds(result.durationMs)}`,
    '',
    'delivery                         count',
    `acknowledged 2xx                 ${c.acknowledged}`,
    `undelivered (sender gave up)     ${c.undelivered}`,
    `deliveries that needed a retry   ${result.retriedDeliveries}`,
    `attempts (total / retries)       ${result.attempts.total} / ${result.attempts.retried}`,
    `attempt outcomes                 ${Object.entries(result.attempts.byStatus).map(([s, n]) => `${s}: ${n}`).join(', ')}`,
    `in ClickHouse (FINAL)            ${c.inClickHouse}`,
    `in the volume rollup             ${c.inVolumeRollup}`,
    `in workflow state                ${c.inWorkflowState}`,
    `physical duplicate rows          ${c.physicalDuplicateRows} (retried inserts, collapsed on read)`,
    `LOST                             ${c.lost}   (target 0)`,
    `DUPLICATED                       ${c.duplicated}   (target 0)`,
    `unexpected event ids             ${c.unexpected}`,
    '',
    'fault               at        acked before  back up   next 2xx  worker processing again',
    ...result.faults.map((f) => `${f.kind.padEnd(19)} ${seconds(f.at).padEnd(9)} ${String(f.ackedBefore).padEnd(13)} ${seconds(f.restartedAfterMs).padEnd(9)} ${seconds(f.nextAckAfterMs).padEnd(9)} ${seconds(f.processingAfterMs)}`),
    '',
    `ack rate ${result.overall.acksPerSecond.toFixed(1)}/s over the whole run = ${(result.overall.acksPerSecond / result.baseline.acksPerSecond).toFixed(2)}× the fault-free baseline (${result.baseline.acksPerSecond.toFixed(1)}/s ${result.baseline.window})`,
    `ack latency p50 ${result.overall.p50LatencyMs} ms = ${(result.overall.p50LatencyMs / Math.max(1, result.baseline.p50LatencyMs)).toFixed(2)}× baseline (${result.baseline.p50LatencyMs} ms); p99 ${result.overall.p99LatencyMs} ms`,
  ];
  return lines;
}

export function embeddedReport(r: EmbeddedChaosResult): string[] {
  return [
    '',
    `embedded \`supportloop start\`: ${r.events} events, SIGKILL at ${seconds(r.kill.at)} (${r.kill.ackedBefore} acknowledged), back up after ${seconds(r.kill.backUpAfterMs)}, next 2xx after ${seconds(r.kill.nextAckAfterMs)}`,
    `acknowledged ${r.acknowledged}, undelivered ${r.undelivered}, needed a retry ${r.retriedDeliveries}, served from ClickHouse ${r.inClickHouse}, in workflow state ${r.inWorkflowState}`,
    `LOST ${r.lost}   DUPLICATED ${r.duplicated}   (target 0 / 0)`,
  ];
}

/** Fault markers as vertical two-point series. */
function faultMarkers(result: ChaosResult, top: number): LineSeries[] {
  return result.faults.map((f, i) => ({ name: `fault ${i + 1}: ${f.kind}`, points: [{ x: f.at / 1000, y: 0 }, { x: f.at / 1000, y: top }] }));
}

export async function writeChaosOutputs(result: ChaosResult, outDir: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'chaos.json'), JSON.stringify(result, null, 2));
  const acks = result.timeline.map((t) => ({ x: t.second, y: t.acks }));
  const failed = result.timeline.map((t) => ({ x: t.second, y: t.failed }));
  const topAcks = Math.max(1, ...acks.map((p) => p.y), ...failed.map((p) => p.y));
  await writeLineChartPng(path.join(outDir, 'chaos-acks.png'), [{ name: 'acknowledged / s', points: acks }, { name: 'failed attempts / s (retried)', points: failed }, ...faultMarkers(result, topAcks)], {
    title: 'Webhook acknowledgements under faults',
    subtitle: `${result.counts.planned} events; lost ${result.counts.lost}, duplicated ${result.counts.duplicated}`,
    xTitle: 'seconds since start',
    yTitle: 'per second',
  });
  const p50 = result.timeline.filter((t) => t.acks > 0).map((t) => ({ x: t.second, y: t.p50Ms }));
  const max = result.timeline.filter((t) => t.acks > 0).map((t) => ({ x: t.second, y: t.maxMs }));
  const topMs = Math.max(1, ...max.map((p) => p.y));
  await writeLineChartPng(path.join(outDir, 'chaos-latency.png'), [{ name: 'p50 ack latency', points: p50 }, { name: 'max ack latency', points: max }, ...faultMarkers(result, topMs)], {
    title: 'Webhook acknowledgement latency under faults',
    xTitle: 'seconds since start',
    yTitle: 'ms',
  });
}

async function main(): Promise<void> {
  const program = new Command('chaos')
    .description('resilience run: webhook stream against separate processes while workers, the dev server and every process are killed/restarted')
    .option('--events <n>', 'webhook events to send', positiveInteger, 10_000)
    .option('--tickets <n>', 'tickets they are spread over', positiveInteger, 200)
    .option('--out <dir>', 'output folder (chaos.json, PNG charts, process logs)', outputFolder, 'out/chaos')
    .option('--concurrency <n>', 'deliveries in flight', positiveInteger, 16)
    .option('--rate <n>', 'events per second the helpdesk sends (the run spans events / rate seconds, so faults hit a live stream)', positiveInteger, 40)
    .option('--apis <n>', 'API processes', positiveInteger, 2)
    .option('--down-ms <n>', 'how long a killed piece stays down', positiveInteger, 3_000)
    .option('--faults <list>', `comma-separated, in order (${FAULT_KINDS.join(', ')})`, LONG_FORM_FAULTS.join(','))
    .option('--embedded-events <n>', 'then the embedded form: this many events into `supportloop start`, SIGKILLed and restarted mid-stream (0 = skip)', (v) => (v === '0' ? 0 : positiveInteger(v)), 2_000)
    .option('--keep-data', 'keep the processes\' data directories after the run');
  const opts = program.parse().opts<{ events: number; tickets: number; out: string; concurrency: number; rate: number; embeddedEvents: number; apis: number; downMs: number; faults: string; keepData?: boolean }>();
  const faults = opts.faults.split(',').filter(Boolean) as FaultKind[];
  const unknown = faults.find((f) => !FAULT_KINDS.includes(f));
  if (unknown) throw new Error(`--faults: unknown fault "${unknown}" (known: ${FAULT_KINDS.join(', ')})`);
  const config = loadConfig();
  const temporalCli = await ensureTemporalCli({ explicitPath: config.temporalCli, toolsDir: config.toolsDir, log: console.log });
  const outDir = path.resolve(opts.out);
  const workDir = path.join(outDir, 'work');
  rmSync(workDir, { recursive: true, force: true });

  const bar = new SingleBar({ format: 'chaos [{bar}] {value}/{total} acknowledged | {phase}', hideCursor: true });
  bar.start(opts.events, 0, { phase: 'starting processes' });
  const result = await runChaos({
    events: opts.events,
    tickets: opts.tickets,
    workDir,
    temporalCli,
    faults,
    concurrency: opts.concurrency,
    ratePerSecond: opts.rate,
    apiCount: opts.apis,
    downMs: opts.downMs,
    settleTimeoutMs: 15 * 60_000,
    onProgress: (acked, phase) => bar.update(acked, { phase }),
  }).finally(() => bar.stop());
  console.log(chaosReport(result).join('\n'));
  await writeChaosOutputs(result, outDir);
  let embedded: EmbeddedChaosResult | undefined;
  if (opts.embeddedEvents > 0) {
    const embeddedBar = new SingleBar({ format: 'embedded [{bar}] {value}/{total} acknowledged | {phase}', hideCursor: true });
    embeddedBar.start(opts.embeddedEvents, 0, { phase: 'starting supportloop start' });
    embedded = await runEmbeddedChaos({
      events: opts.embeddedEvents,
      tickets: Math.max(1, Math.round((opts.tickets * opts.embeddedEvents) / opts.events)),
      workDir,
      ratePerSecond: Math.min(opts.rate, 20),
      concurrency: opts.concurrency,
      downMs: opts.downMs,
      settleTimeoutMs: 15 * 60_000,
      onProgress: (acked, phase) => embeddedBar.update(acked, { phase }),
    }).finally(() => embeddedBar.stop());
    console.log(embeddedReport(embedded).join('\n'));
    writeFileSync(path.join(outDir, 'chaos-embedded.json'), JSON.stringify(embedded, null, 2));
  }
  if (!opts.keepData) rmSync(path.join(workDir, 'data'), { recursive: true, force: true });
  console.log(`\nwrote ${path.join(outDir, 'chaos.json')}, chaos-acks.png, chaos-latency.png; process logs in ${path.join(workDir, 'logs')}`);
  const failed = (c: { lost: number; duplicated: number; undelivered: number } | undefined) => !!c && (c.lost > 0 || c.duplicated > 0 || c.undelivered > 0);
  if (failed(result.counts) || failed(embedded)) process.exitCode = 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
