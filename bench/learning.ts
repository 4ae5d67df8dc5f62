// npm run bench:learning — the learning targets, measured through the real product:
//  A. The simulator (hidden agent rules, one rule held out of some topics) plays N tickets through
//     the webhooks of an embedded supportloop; acceptance of the first 500 vs the last 1,000 drafts,
//     and how often the held-out rule is in drafts for topics it was never corrected on.
//  B. Suggestion latency with P past tickets learned by one tenant's learner, next to the bare query
//     time of the retrieval library (MiniSearch) over the same texts, measured in the same run.
//  C. Learning from outcomes (bench/learningStrategies.ts): the strategy bandit against the
//     simulator's hidden strategy rules and oracle, beside a context-free bandit fed the same stream,
//     with an off-policy vs on-policy check.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import MiniSearch from 'minisearch';
import { quantileSorted } from 'simple-statistics';
import { integer, outputFolder, positiveInteger, shareOrZero } from '../cli/optionParsers.js';
import { createLearner, type Learner, type LearnerStats } from '../domain/learning/learner.js';
import type { TicketMessage } from '../domain/learning/records.js';
import { loadConfig } from '../runtime/config.js';
import { startSupportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { printStrategyReport, reportFromGroundTruth, strategyPath } from './learningStrategies.js';
import { renderReply } from '../simulator/agentRules.js';
import { practiceChangeLine, practiceChangeReport, type PracticeChangeTopicReport, type TicketTruth } from '../simulator/groundTruth.js';
import { runSimulation } from '../simulator/simulation.js';
import { planSimulation, type TicketPlan } from '../simulator/ticketPlan.js';
import { createClickHouse } from '../store/clickhouse.js';
import { encodeLearnerState, loadLearnerSnapshot, writeLearnerSnapshot } from '../store/learnerSnapshots.js';
import { migrate } from '../store/migrate.js';
import { TABLES } from '../store/tables.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opts = new Command('bench:learning')
  .option('--tickets <n>', 'simulated tickets played through the product', positiveInteger, 5000)
  .option('--past <n>', 'past tickets learned for the latency measurement', positiveInteger, 100_000)
  .option('--queries <n>', 'drafts timed for latency', positiveInteger, 1000)
  .option('--held-out <ruleId>', "the simulator's rule kept away from some topics in the first half", 'trial-workflow')
  .option('--practice-change <share>', 'part A: from this share of the stream on, agents answer the topics with a revised answer the new way (0: no change)', shareOrZero, 0.6)
  .option('--seed <n>', 'seed of the simulated world', integer, 7)
  .option('--concurrency <n>', 'tickets in flight at once', positiveInteger, 8)
  .option('--skip-latency', 'skip part B')
  .option('--skip-product', 'skip part A')
  .option('--skip-strategies', 'skip part C')
  .option('--eval-tickets <n>', 'part C: fresh tickets the final bandit plays exploiting only (on-policy value)', positiveInteger, 1000)
  .option('--outcome-window <seconds>', 'part C: the product outcome window', positiveInteger, 3600)
  .option('--window <n>', 'part C: final tickets the reward targets are measured on', positiveInteger, 1000)
  .option('--report-from <dir>', 'part C only: recompute the regret report and charts from a run\'s saved ground truth (<out>/strategies), e.g. of a run stopped early')
  .option('--draft-timeout <ms>', 'part C: how long the simulated agent waits for a draft (a loaded machine drafts slowly)', positiveInteger, 30_000)
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/bench-learning'))
  .parse()
  .opts<{
    tickets: number;
    past: number;
    queries: number;
    heldOut: string;
    practiceChange: number;
    seed: number;
    concurrency: number;
    skipLatency?: boolean;
    skipProduct?: boolean;
    skipStrategies?: boolean;
    evalTickets: number;
    outcomeWindow: number;
    window: number;
    draftTimeout: number;
    reportFrom?: string;
    out: string;
  }>();

const share = (xs: TicketTruth[], f: (t: TicketTruth) => boolean) => (xs.length ? xs.filter(f).length / xs.length : NaN);
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function productPath(): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-learning-'));
  const sl = await startSupportloop(
    loadConfig({ dataDir, host: '127.0.0.1', port: await freePort(), temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey: 'bench-admin-key-000000', logLevel: 'error', detectionEnabled: false }),
  );
  try {
    const created = await fetch(`${sl.url}/v1/admin/tenants`, { method: 'POST', headers: { authorization: 'Bearer bench-admin-key-000000', 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: 'bench' }) });
    const tenant = (await created.json()) as { apiKey: string; webhookSecrets: { generic: string } };
    const total = opts.tickets;
    const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} · acceptance(last 100) {acc}' });
    bar.start(total, 0, { acc: '-' });
    const recent: boolean[] = [];
    const { tickets, summary, plan } = await runSimulation({
      url: sl.url!,
      tenants: [{ tenantId: 'bench', apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecrets.generic }],
      tickets: total,
      seed: opts.seed,
      concurrency: opts.concurrency,
      heldOut: { ruleIds: [opts.heldOut] },
      practiceChange: opts.practiceChange > 0 ? { at: opts.practiceChange } : undefined,
      outDir: path.join(opts.out, 'simulation'),
      onTicket: (t, done) => {
        recent.push(t.accepted);
        if (recent.length > 100) recent.shift();
        bar.update(done, { acc: pct(recent.filter(Boolean).length / recent.length) });
      },
    });
    bar.stop();
    const first500 = tickets.slice(0, 500);
    const last1000 = tickets.slice(-1000);
    const transfer = tickets.flatMap((t) => t.transfer.filter((c) => c.ruleId === opts.heldOut).map((c) => ({ t, c })));
    const firstOnTopic = transfer.filter(({ c }) => c.priorOnTopic === 0);
    const applied = (xs: typeof transfer) => (xs.length ? xs.filter(({ t }) => t.rulesInDraft.includes(opts.heldOut)).length / xs.length : NaN);
    // The product's own view of the same thing: corrections it mined, oldest reply first.
    const corrections = await sl.ch.query<{ accepted: number }>(`SELECT accepted FROM ${sl.ch.table(TABLES.corrections)} FINAL WHERE tenant_id = {tenantId:String} ORDER BY replied_at`, { tenantId: 'bench' });
    const productAcceptance = (xs: { accepted: number }[]) => (xs.length ? xs.filter((c) => Number(c.accepted) === 1).length / xs.length : NaN);
    // Which reply-choice rule the tenant's drafts ended on, from the product's own account of its learner.
    const model = await fetch(`${sl.url}/v1/learning/model`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
    const learned = model.ok ? ((await model.json()) as Pick<LearnerStats, 'replyChoice'>).replyChoice : null;
    const replyChoice = learned
      ? `"${learned.rule}", from ${learned.comparisons} comparisons with sent replies (recent mean word edit distance ${Object.entries(learned.meanDistance ?? {}).map(([rule, d]) => `${rule} ${d.toFixed(2)}`).join(', ')})`
      : `unavailable (GET /v1/learning/model: HTTP ${model.status})`;
    const windows = Array.from({ length: Math.ceil(tickets.length / 100) }, (_, i) => ({ x: (i + 1) * 100, y: share(tickets.slice(i * 100, (i + 1) * 100), (t) => t.accepted) }));
    await writeLineChartPng(path.join(opts.out, 'acceptance.png'), [{ name: 'draft acceptance (per 100 tickets)', points: windows }], {
      title: `Draft acceptance through the product, ${total} simulated tickets`,
      xTitle: 'tickets',
      yTitle: 'acceptance',
    });
    return {
      tickets: tickets.length,
      acceptanceFirst50: share(tickets.slice(0, 50), (t) => t.accepted),
      acceptanceFirst500: share(first500, (t) => t.accepted),
      acceptanceLast1000: share(last1000, (t) => t.accepted),
      ratioLast1000ToFirst500: share(last1000, (t) => t.accepted) / share(first500, (t) => t.accepted),
      productCorrections: corrections.length,
      productAcceptanceFirst500: productAcceptance(corrections.slice(0, 500)),
      productAcceptanceLast1000: productAcceptance(corrections.slice(-1000)),
      heldOutRule: opts.heldOut,
      transferDrafts: transfer.length,
      transferApplied: applied(transfer),
      firstOnTopicDrafts: firstOnTopic.length,
      firstOnTopicApplied: applied(firstOnTopic),
      replyChoice,
      practiceChange: plan.practiceChange && { fromTicket: plan.practiceChange.fromIndex + 1, topics: practiceChangeReport(tickets, plan.practiceChange.topicIds) },
      wallSeconds: summary.wallSeconds,
    };
  } finally {
    await sl.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const probeMessage = (t: TicketPlan): TicketMessage => ({ ticketId: t.ticketId, text: `${t.subject}\n${t.body}`, at: t.openedAt, channel: t.channel, customer: t.customer });

/**
 * What a starting worker does with this tenant (activities/tenantLearners.ts): the learner saved
 * through a real chDB store and restored from it, next to relearning the history (`learnSeconds`,
 * measured above). Serialising holds the event loop; compressing runs on the thread pool.
 */
async function restartFromSnapshot(learner: Learner, probes: TicketMessage[], learnSeconds: number): Promise<Record<string, unknown>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-snapshot-'));
  const ch = createClickHouse({ dataDir, database: 'bench_snapshot' });
  try {
    await migrate(ch);
    const saveStarted = performance.now();
    const encoding = encodeLearnerState(learner.exportState());
    const serialiseSeconds = (performance.now() - saveStarted) / 1000;
    const state = await encoding;
    const encodeSeconds = (performance.now() - saveStarted) / 1000;
    await writeLearnerSnapshot(ch, 'bench', { learner: 'live' }, { watermark: new Date().toISOString(), records: learner.learnedCount, modelVersion: learner.modelVersion, state, takenAtMs: Date.now() });
    const saveSeconds = (performance.now() - saveStarted) / 1000;
    const restoreStarted = performance.now();
    const snapshot = await loadLearnerSnapshot(ch, 'bench', { learner: 'live' });
    if (!snapshot) throw new Error('the snapshot just written was not found');
    const restored = createLearner({}, snapshot.state);
    const restoreSeconds = (performance.now() - restoreStarted) / 1000;
    const sameDrafts = probes.filter((m) => isDeepStrictEqual(restored.draft(m), learner.draft(m))).length;
    console.log(
      `  restart from a snapshot (chDB): saved in ${saveSeconds.toFixed(2)} s (serialise ${serialiseSeconds.toFixed(2)} s holding the event loop, gzip to ${(state.length / 1e6).toFixed(1)} MB ${(encodeSeconds - serialiseSeconds).toFixed(2)} s), ` +
        `restored in ${restoreSeconds.toFixed(2)} s vs relearning ${learnSeconds.toFixed(1)} s (${(learnSeconds / restoreSeconds).toFixed(0)}× faster); drafts identical for ${sameDrafts}/${probes.length} probes`,
    );
    return { serialiseSeconds, encodeSeconds, saveSeconds, bytes: state.length, restoreSeconds, relearnSeconds: learnSeconds, sameDrafts, probes: probes.length };
  } finally {
    await ch.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function latency(): Promise<Record<string, unknown>> {
  const past = opts.past;
  const queries = opts.queries;
  const planStarted = performance.now();
  const plan = planSimulation({ seed: opts.seed + 1, tenantIds: ['bench'], tickets: past + queries, ticketsPerDay: 2000 });
  console.log(`\nB. planned ${past + queries} simulated tickets in ${((performance.now() - planStarted) / 1000).toFixed(1)} s (simulator, not timed below)`);
  const learner = createLearner();
  const bar = new SingleBar({ format: 'learn past tickets [{bar}] {value}/{total} {eta_formatted} · {perThousand} s per 1,000 now' });
  bar.start(past, 0, { perThousand: '-' });
  // Learning every past ticket from scratch is also what a time-travel (asOf) learner costs to build.
  // Seconds per 1,000 tickets as the fold grows: flat when learning is linear in the history. CPU
  // seconds of this process beside wall seconds, since other work on a shared machine inflates wall time.
  const step = 1000;
  const growth: Array<{ x: number; y: number }> = [];
  const cpuGrowth: Array<{ x: number; y: number }> = [];
  const cpuSeconds = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1e6;
  };
  const learnStarted = performance.now();
  let stepStarted = learnStarted;
  let stepCpu = cpuSeconds();
  for (const t of plan.tickets.slice(0, past)) {
    learner.learn({
      kind: 'ticket',
      id: t.ticketId,
      at: t.openedAt,
      message: { ticketId: t.ticketId, text: `${t.subject}\n${t.body}`, at: t.openedAt, channel: t.channel, customer: t.customer },
      topic: t.topicId,
      reply: renderReply(t.ideal),
      outcome: 'good',
    });
    if ((t.index + 1) % step === 0) {
      const now = performance.now();
      const cpu = cpuSeconds();
      growth.push({ x: t.index + 1, y: (now - stepStarted) / 1000 });
      cpuGrowth.push({ x: t.index + 1, y: cpu - stepCpu });
      stepStarted = now;
      stepCpu = cpu;
      bar.update(t.index + 1, { perThousand: growth[growth.length - 1]!.y.toFixed(2) });
    }
  }
  bar.update(past);
  bar.stop();
  const learnSeconds = (performance.now() - learnStarted) / 1000;
  const perThousand = (series: typeof growth, from: number, to: number): number => {
    const ys = series.filter((g) => g.x > from && g.x <= to).map((g) => g.y);
    return ys.length ? ys.reduce((a, b) => a + b, 0) / ys.length : NaN;
  };
  const tenth = Math.max(step, Math.floor(past / 10 / step) * step);
  const firstTenth = { wall: perThousand(growth, 0, tenth), cpu: perThousand(cpuGrowth, 0, tenth) };
  const lastTenth = { wall: perThousand(growth, past - tenth, past), cpu: perThousand(cpuGrowth, past - tenth, past) };
  for (const kind of ['wall', 'cpu'] as const) {
    console.log(`  ${kind} seconds per 1,000 tickets learned: first ${tenth} ${firstTenth[kind].toFixed(2)} s, last ${tenth} ${lastTenth[kind].toFixed(2)} s → ${(lastTenth[kind] / firstTenth[kind]).toFixed(2)}× (1× = linear)`);
  }
  if (growth.length > 1) {
    await writeLineChartPng(path.join(opts.out, 'learn-seconds-per-1000.png'), [{ name: 'wall', points: growth }, { name: 'CPU (this process)', points: cpuGrowth }], {
      title: `Learning ${past} past tickets from scratch: cost per 1,000 as the history grows`,
      xTitle: 'past tickets learned',
      yTitle: 'seconds per 1,000 tickets',
    });
  }
  const probes = plan.tickets.slice(past);
  const draftMs: number[] = [];
  // This process's CPU time per draft too: on a shared machine a preempted draft's wall time says more about the neighbours.
  const draftCpuMs: number[] = [];
  for (const t of probes) {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    learner.draft(probeMessage(t));
    const cpu = process.cpuUsage(cpu0);
    draftMs.push(performance.now() - t0);
    draftCpuMs.push((cpu.user + cpu.system) / 1000);
  }
  draftCpuMs.sort((a, b) => a - b);
  console.log(`  learner.draft CPU time p50 ${quantileSorted(draftCpuMs, 0.5).toFixed(2)} ms, p99 ${quantileSorted(draftCpuMs, 0.99).toFixed(2)} ms`);
  const restart = await restartFromSnapshot(learner, probes.map(probeMessage), learnSeconds);
  // The retrieval library alone, over the same past texts.
  const bare = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });
  bare.addAll(plan.tickets.slice(0, past).map((t) => ({ id: t.ticketId, text: `${t.subject}\n${t.body}` })));
  const searchMs: number[] = [];
  const bareBar = new SingleBar({ format: 'bare MiniSearch queries [{bar}] {value}/{total} {eta_formatted}' });
  bareBar.start(probes.length, 0);
  for (const t of probes) {
    const t0 = performance.now();
    bare.search(`${t.subject}\n${t.body}`, { fuzzy: 0.2, prefix: true });
    searchMs.push(performance.now() - t0);
    bareBar.increment();
  }
  bareBar.stop();
  draftMs.sort((a, b) => a - b);
  searchMs.sort((a, b) => a - b);
  return {
    pastTickets: past,
    learnSeconds,
    learnSecondsPer1000: growth,
    learnCpuSecondsPer1000: cpuGrowth,
    learnSecondsPer1000FirstTenth: firstTenth,
    learnSecondsPer1000LastTenth: lastTenth,
    queries,
    draftP50Ms: quantileSorted(draftMs, 0.5),
    draftP99Ms: quantileSorted(draftMs, 0.99),
    draftCpuP50Ms: quantileSorted(draftCpuMs, 0.5),
    draftCpuP99Ms: quantileSorted(draftCpuMs, 0.99),
    bareMiniSearchP50Ms: quantileSorted(searchMs, 0.5),
    bareMiniSearchP99Ms: quantileSorted(searchMs, 0.99),
    p99RatioDraftToBareSearch: quantileSorted(draftMs, 0.99) / quantileSorted(searchMs, 0.99),
    restart,
  };
}

async function main(): Promise<void> {
  mkdirSync(opts.out, { recursive: true });
  if (opts.reportFrom) {
    const report = await reportFromGroundTruth(opts.reportFrom, opts.window, opts.out);
    writeFileSync(path.join(opts.out, 'strategies-from-ground-truth.json'), JSON.stringify(report, null, 2));
    return;
  }
  const a = opts.skipProduct ? undefined : await productPath();
  if (a) {
    console.log('\nA. through the product (simulator → webhooks → Temporal → learner → drafts)');
    console.log(`  acceptance: first 50 ${pct(a.acceptanceFirst50 as number)}, first 500 ${pct(a.acceptanceFirst500 as number)}, last 1000 ${pct(a.acceptanceLast1000 as number)} → ratio ${(a.ratioLast1000ToFirst500 as number).toFixed(2)}× (target ≥ 3×)`);
    console.log(`  product's own corrections: ${a.productCorrections}, acceptance first 500 ${pct(a.productAcceptanceFirst500 as number)}, last 1000 ${pct(a.productAcceptanceLast1000 as number)}`);
    console.log(`  held-out rule "${a.heldOutRule}" in drafts for topics never corrected for it: ${pct(a.transferApplied as number)} of ${a.transferDrafts}; first on its topic ${pct(a.firstOnTopicApplied as number)} of ${a.firstOnTopicDrafts} (target ≥ 80%)`);
    console.log(`  learned reply choice: ${a.replyChoice}`);
    const change = a.practiceChange as { fromTicket: number; topics: PracticeChangeTopicReport[] } | undefined;
    if (change) {
      console.log(`  change of practice from ticket ${change.fromTicket}: agents answer ${change.topics.map((t) => t.topicId).join(', ')} a new way`);
      for (const t of change.topics) console.log(`    ${practiceChangeLine(t)}`);
    }
  }
  const b = opts.skipLatency ? undefined : await latency();
  if (b) {
    console.log(`\nB. suggestion latency with ${b.pastTickets} past tickets (one tenant)`);
    console.log(`  learning them from scratch (what an asOf learner costs to build, before reading the records): ${(b.learnSeconds as number).toFixed(1)} s`);
    console.log(`  learner.draft p50 ${(b.draftP50Ms as number).toFixed(2)} ms, p99 ${(b.draftP99Ms as number).toFixed(2)} ms (target p99 ≤ 50 ms)`);
    console.log(`  bare MiniSearch query p50 ${(b.bareMiniSearchP50Ms as number).toFixed(2)} ms, p99 ${(b.bareMiniSearchP99Ms as number).toFixed(2)} ms → draft/bare p99 ${(b.p99RatioDraftToBareSearch as number).toFixed(2)}×`);
  }
  const c = opts.skipStrategies
    ? undefined
    : await strategyPath({
        tickets: opts.tickets,
        evalTickets: opts.evalTickets,
        seed: opts.seed,
        concurrency: opts.concurrency,
        out: opts.out,
        outcomeWindowSeconds: opts.outcomeWindow,
        opeShare: 0.2,
        window: opts.window,
        draftTimeoutMs: opts.draftTimeout,
      });
  if (c) printStrategyReport(c);
  writeFileSync(path.join(opts.out, 'learning.json'), JSON.stringify({ productPath: a, latency: b, strategies: c }, null, 2));
  console.log(`\nresults: ${path.join(opts.out, 'learning.json')}, charts: ${path.join(opts.out, '*.png')}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
