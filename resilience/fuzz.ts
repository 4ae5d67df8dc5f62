// npm run fuzz — bad input at every door of the running product (embedded, loopback):
// 1. per provider webhook endpoint, N property-based bad requests (resilience/webhookFuzzCases.ts):
//    each must get its 4xx with a message naming the problem; nothing may be written to any
//    ClickHouse table, no workflow may start, and the heap after GC must not grow across the run;
// 2. schemathesis against the served /openapi.json for every route: zero 5xx.
// The baseline is the product's answer to valid requests measured in the same run (latency).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { quantileSorted } from 'simple-statistics';
import { integer, outputFolder, positiveInteger } from '../cli/optionParsers.js';
import { PROVIDERS } from '../helpdesks/index.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { heapAfterGcBytes, mb, startEmbeddedProduct } from './embeddedProduct.js';
import { settledSnapshot, snapshotChanges, snapshotProduct } from './productSnapshot.js';
import { ensureSchemathesis, runSchemathesis, schemathesisSummaryLines } from './schemathesis.js';
import { messageDelivery } from './signedDeliveries.js';
import { runWebhookFuzz, type ProviderFuzzResult } from './webhookFuzzRun.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const options = new Command('fuzz')
  .option('--per-provider <n>', 'bad requests per provider endpoint', positiveInteger, 10_000)
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/fuzz'))
  .option('--seed <n>', 'generator seed (same seed, same requests)', integer, 20261124)
  .option('--concurrency <n>', 'concurrent requests', positiveInteger, 16)
  .option('--schemathesis-examples <n>', 'schemathesis max examples per operation', positiveInteger, 100)
  .option('--skip-schemathesis', 'only the webhook fuzz')
  .parse()
  .opts<{ perProvider: number; out: string; seed: number; concurrency: number; schemathesisExamples: number; skipSchemathesis?: boolean }>();

/** Heap growth across the run above this is reported as a leak (the run then exits non-zero). */
const HEAP_GROWTH_LIMIT_MB = 32;

async function main(): Promise<void> {
  const { perProvider, seed } = options;
  mkdirSync(options.out, { recursive: true });
  console.log('starting the embedded product (chDB + Temporal dev server) …');
  const product = await startEmbeddedProduct();
  const { sl, url, tenant } = product;
  let failed = false;
  try {
    const ctx = { tenantId: tenant.tenantId, secrets: tenant.webhookSecrets, maxBodyBytes: sl.config.webhookMaxBodyBytes, toleranceSeconds: sl.config.webhookToleranceSeconds };
    const fuzz = { baseUrl: url, ctx, providers: PROVIDERS, concurrency: options.concurrency };

    // Baseline: valid deliveries' latency, before the bad ones (they start workflows, so before the "nothing written" snapshot).
    const validLatencies: number[] = [];
    for (let i = 0; i < 200; i++) {
      const provider = PROVIDERS[i % PROVIDERS.length]!;
      const d = messageDelivery(provider, tenant.webhookSecrets[provider], { ticketId: `V-${i}`, messageId: `${900_000 + i}`, text: `valid message ${i}`, deliveryId: `valid-${i}`, at: new Date() });
      const t0 = performance.now();
      const response = await fetch(`${url}/v1/webhooks/${tenant.tenantId}/${provider}`, { method: 'POST', headers: d.headers, body: d.body });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`baseline: a valid ${provider} delivery got ${response.status}`);
      validLatencies.push(performance.now() - t0);
    }
    validLatencies.sort((a, b) => a - b);
    // Warm-up (not counted): JIT and pools settle before the heap figure is taken.
    await runWebhookFuzz({ ...fuzz, perProvider: 50, seed: seed + 1000 });
    const before = await settledSnapshot(sl);
    const heapBefore = heapAfterGcBytes();
    const rssBefore = process.memoryUsage().rss;
    const heapSamples: { requests: number; heapMb: number; rssMb: number }[] = [{ requests: 0, heapMb: mb(heapBefore), rssMb: mb(rssBefore) }];

    const bar = new SingleBar({ format: 'webhook fuzz [{bar}] {value}/{total} {eta_formatted}', noTTYOutput: true, notTTYSchedule: 10_000 });
    bar.start(perProvider * PROVIDERS.length, 0);
    const started = performance.now();
    const results = await runWebhookFuzz({
      ...fuzz, perProvider, seed,
      onRequest: () => bar.increment(),
      checkpointEvery: Math.max(1000, Math.floor((perProvider * PROVIDERS.length) / 20)),
      onCheckpoint: async (sent) => {
        heapSamples.push({ requests: sent, heapMb: mb(heapAfterGcBytes()), rssMb: mb(process.memoryUsage().rss) });
      },
    });
    bar.stop();
    const seconds = (performance.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1000)); // the batching writer flushes every writerFlushMs
    const heapAfter = heapAfterGcBytes();
    const rssAfter = process.memoryUsage().rss;
    heapSamples.push({ requests: perProvider * PROVIDERS.length, heapMb: mb(heapAfter), rssMb: mb(rssAfter) });
    const changes = snapshotChanges(before, await snapshotProduct(sl));
    const healthy = (await fetch(`${url}/healthz`)).status === 200;

    printWebhookTable(results, validLatencies);
    const heapGrowthMb = mb(heapAfter - heapBefore);
    console.log(`\n${results.reduce((n, r) => n + r.requests, 0)} bad requests in ${seconds.toFixed(0)} s; process alive and /healthz ${healthy ? 'OK' : 'FAILING'}`);
    console.log(`heap used after GC: before ${mb(heapBefore).toFixed(1)} MB, after ${mb(heapAfter).toFixed(1)} MB (${heapGrowthMb >= 0 ? '+' : ''}${heapGrowthMb.toFixed(1)} MB; limit +${HEAP_GROWTH_LIMIT_MB} MB); RSS ${mb(rssBefore).toFixed(0)} → ${mb(rssAfter).toFixed(0)} MB (includes chDB)`);
    console.log(`rows written / workflows started during the run: ${Object.keys(changes).length === 0 ? 'none' : JSON.stringify(changes)}`);
    await writeLineChartPng(path.join(options.out, 'heap.png'), [
      { name: 'V8 heap after GC', points: heapSamples.map((s) => ({ x: s.requests, y: s.heapMb })) },
      { name: 'RSS incl. chDB', points: heapSamples.map((s) => ({ x: s.requests, y: s.rssMb })) },
    ], { title: 'Memory across the webhook fuzz run', xTitle: 'bad requests sent', yTitle: 'MB' });

    let schemathesis;
    if (!options.skipSchemathesis) {
      const bin = await ensureSchemathesis({ toolsDir: sl.config.toolsDir, log: (l) => console.log(l) });
      console.log(`\nschemathesis against ${url}/openapi.json (max ${options.schemathesisExamples} examples per operation) …`);
      schemathesis = await runSchemathesis({ bin, baseUrl: url, apiKey: tenant.apiKey, adminKey: product.adminKey, maxExamples: options.schemathesisExamples, seed });
      console.log(schemathesisSummaryLines(schemathesis.output));
      console.log(`schemathesis: ${schemathesis.operations} operations, ${schemathesis.testCases} test cases, ${schemathesis.serverErrors.length} server errors (5xx), ${schemathesis.errors.length} run errors`);
      writeFileSync(path.join(options.out, 'schemathesis.log'), schemathesis.output);
    }

    const failures = results.reduce((n, r) => n + (r.requests - r.passed), 0);
    failed = failures > 0 || Object.keys(changes).length > 0 || !healthy || heapGrowthMb > HEAP_GROWTH_LIMIT_MB ||
      (schemathesis !== undefined && (schemathesis.serverErrors.length > 0 || schemathesis.errors.length > 0));
    writeFileSync(path.join(options.out, 'fuzz.json'), JSON.stringify({
      perProvider, seed, seconds, results, validBaseline: { p50: quantileSorted(validLatencies, 0.5), p99: quantileSorted(validLatencies, 0.99) },
      heap: { beforeMb: mb(heapBefore), afterMb: mb(heapAfter), growthMb: heapGrowthMb, limitMb: HEAP_GROWTH_LIMIT_MB, samples: heapSamples },
      written: changes, rowsBefore: before.rows, workflowsBefore: before.workflows, healthy,
      schemathesis: schemathesis && { operations: schemathesis.operations, testCases: schemathesis.testCases, serverErrors: schemathesis.serverErrors, errors: schemathesis.errors, exitCode: schemathesis.exitCode, runs: schemathesis.runs },
      verdict: failed ? 'FAIL' : 'PASS',
    }, null, 2));
    console.log(`\n${failed ? 'FAIL' : 'PASS'} — results: ${path.join(options.out, 'fuzz.json')}, ${path.join(options.out, 'heap.png')}`);
  } finally {
    await product.stop();
  }
  if (failed) process.exitCode = 1;
}

function printWebhookTable(results: ProviderFuzzResult[], validLatencies: number[]): void {
  const validP99 = quantileSorted(validLatencies, 0.99);
  console.log('\n| provider | requests | expected 4xx + named problem | other answers | statuses | categories (requests) | p99 ms | p99 vs valid deliveries |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const statuses = Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ');
    const categories = Object.entries(r.categories).map(([c, v]) => `${c} ${v.requests}${v.failed ? ` (${v.failed} failed)` : ''}`).join(', ');
    console.log(`| ${r.provider} | ${r.requests} | ${r.passed} | ${r.requests - r.passed} | ${statuses} | ${categories} | ${r.latencyMs.p99.toFixed(1)} | ${(r.latencyMs.p99 / validP99).toFixed(2)}× |`);
  }
  console.log(`valid deliveries (baseline, same run): p50 ${quantileSorted(validLatencies, 0.5).toFixed(1)} ms, p99 ${validP99.toFixed(1)} ms`);
  for (const r of results.filter((x) => x.failures.length)) {
    console.log(`\n${r.provider}: first failures`);
    for (const f of r.failures.slice(0, 10)) console.log(`  [${f.category} / ${f.variant}] ${f.url}: ${f.problem}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
