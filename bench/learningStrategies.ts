// bench:learning part C — learning from outcomes, through the embedded product. One simulated stream
// (hidden strategy rules, simulator/strategyRules.ts) is played into two product tenants at once:
// "bandit" with default bandit settings, and "context-free" with `features: []` (PUT
// /v1/settings/bandit): the same bandit with nothing to tell customers apart. The simulator knows,
// per ticket, the expected reward of every strategy under the product's reward (the oracle) and of
// the strategy the customer received, so regret is measured exactly (pseudo-regret), not sampled.
//
// Simulated times lie in the past, so the product's outcome timer (solve + outcome window) has
// always passed: each ticket's outcome is recorded as soon as its solve (posted with its thanks and
// rating) is processed, and the bandit learns during the run. The outcome window is set short anyway
// (--outcome-window) so no ticket near the end of the stream waits for it.
//
// Off-policy check: the bandit folded from the earliest credited outcomes (all but the last
// --ope-share) is evaluated doubly-robustly on the later bandit-logged outcomes read from
// ClickHouse; then the tenant's bandit is switched to pure exploitation (epsilon 0, no floor, no
// control arm) and plays the stream's next --eval-tickets fresh tickets: their credited rewards are
// its on-policy value. The product keeps learning during that phase, so the policy is the final one,
// nearly frozen (a few hundred rows on top of thousands).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MultiBar, Presets } from 'cli-progress';
import { linearRegression, mean, sampleStandardDeviation } from 'simple-statistics';
import { banditSettingsFor, modelConfig } from '../domain/bandit/banditSettings.js';
import { foldBandit, type BanditRow } from '../domain/bandit/banditState.js';
import { evaluateOffPolicy, greedyPolicy, zFor, type Estimate } from '../domain/bandit/offPolicy.js';
import { STRATEGY_IDS } from '../domain/strategies.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { loadConfig } from '../runtime/config.js';
import { startSupportloop, type Supportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';
import type { TenantCredentials } from '../simulator/client.js';
import { parseGroundTruth, type TicketTruth } from '../simulator/groundTruth.js';
import { GROUND_TRUTH_FILE, runSimulation } from '../simulator/simulation.js';
import { defaultStart } from '../simulator/ticketPlan.js';
import { creditedOutcomes, type CreditedOutcome } from '../store/ticketRewards.js';
import { TABLES } from '../store/tables.js';

export interface StrategyBenchOptions {
  tickets: number;
  evalTickets: number;
  seed: number;
  concurrency: number;
  out: string;
  outcomeWindowSeconds: number;
  /** Share of the credited outcomes, latest first, the learned policy is evaluated on off-policy. */
  opeShare: number;
  /** Tickets in the final window the reward targets are measured on. */
  window: number;
  /** How long the simulated agent waits for each draft before writing the reply without it. */
  draftTimeoutMs: number;
}

const ADMIN_KEY = 'bench-admin-key-000000';
const BANDIT = 'bandit';
const CONTEXT_FREE = 'context-free';
/** The simulated tenant both product tenants play. */
const SIMULATED_TENANT = 'sim';
const DEFAULT_STRATEGY = banditSettingsFor({}).defaultStrategy;

async function api(sl: Supportloop, method: string, route: string, key: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sl.url}${route}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${route} → ${response.status}: ${text}`);
  return JSON.parse(text) as unknown;
}

async function createTenant(sl: Supportloop, tenantId: string): Promise<TenantCredentials> {
  const created = (await api(sl, 'POST', '/v1/admin/tenants', ADMIN_KEY, { tenantId })) as { apiKey: string; webhookSecrets: { generic: string } };
  return { tenantId, apiKey: created.apiKey, webhookSecret: created.webhookSecrets.generic };
}

/** Wait until the tenant's reward rows stop growing (outcomes of the last tickets still being recorded). */
async function settledRewards(sl: Supportloop, tenantId: string, atLeast: number): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let waited = 0; waited < 180_000; waited += 2000) {
    const [{ n }] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketRewards)} FINAL WHERE tenant_id = {tenantId:String}`, { tenantId });
    const count = Number(n);
    stable = count === last ? stable + 1 : 0;
    if (count >= atLeast && stable >= 2) return count;
    last = count;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return last;
}

const cumulative = (xs: readonly number[]) => {
  let sum = 0;
  return xs.map((x) => (sum += x));
};

/** Log-log slope of cumulative regret over the second half of the run: < 1 is sublinear growth. */
export function secondHalfSlope(cumulativeRegret: readonly number[]): number {
  const points: [number, number][] = [];
  for (let t = Math.floor(cumulativeRegret.length / 2); t < cumulativeRegret.length; t++) if (cumulativeRegret[t]! > 0) points.push([Math.log(t + 1), Math.log(cumulativeRegret[t]!)]);
  return points.length >= 2 ? linearRegression(points).m : NaN;
}

function estimateOf(values: readonly number[], confidence = 0.95): Estimate {
  const value = mean(values as number[]);
  const stdError = values.length > 1 ? sampleStandardDeviation(values as number[]) / Math.sqrt(values.length) : Infinity;
  const z = zFor(confidence);
  return { value, stdError, lower: value - z * stdError, upper: value + z * stdError };
}

/**
 * The final bandit against always-the-default on the same fresh tickets, paired: per ticket the exact
 * expected reward of what the customer received (and of the strategy the bandit suggested) minus
 * the default strategy's, with 95% CIs. Exploitation only, so this is what the learned policy is
 * worth once exploration stops — the part of the claim the last window (with exploration) hides.
 */
function freshVersusDefault(tickets: readonly TicketTruth[]) {
  const byDefault = (t: TicketTruth) => t.strategy.byStrategy[DEFAULT_STRATEGY]!;
  const suggested = tickets.filter((t) => t.strategy.suggested !== null);
  return {
    strategy: DEFAULT_STRATEGY,
    received: estimateOf(tickets.map((t) => t.strategy.receivedExpectedReward - byDefault(t))),
    suggested: estimateOf(suggested.map((t) => t.strategy.byStrategy[t.strategy.suggested!]! - byDefault(t))),
    ticketsDiffering: suggested.filter((t) => t.strategy.suggested !== DEFAULT_STRATEGY).length,
  };
}

const rowOf = (o: CreditedOutcome): BanditRow => ({ id: o.id, at: o.at, features: o.features, arm: o.arm, propensity: o.propensity, reward: o.reward });

export async function strategyPath(options: StrategyBenchOptions) {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-strategies-'));
  const sl = await startSupportloop(
    loadConfig({
      dataDir,
      host: '127.0.0.1',
      port: await freePort(),
      temporalDevPort: await freePort(),
      temporalDevUiPort: 0,
      adminKey: ADMIN_KEY,
      logLevel: 'error',
      detectionEnabled: false,
      outcomeWindowSeconds: options.outcomeWindowSeconds,
    }),
  );
  try {
    const bandit = await createTenant(sl, BANDIT);
    const contextFree = await createTenant(sl, CONTEXT_FREE);
    await api(sl, 'PUT', '/v1/settings/bandit', contextFree.apiKey, { features: [] });
    const total = options.tickets + options.evalTickets;
    // One start for both tenants, so both play exactly the same stream.
    const start = defaultStart(total, 60, new Date());
    const common = { url: sl.url!, seed: options.seed, tickets: total, start, concurrency: options.concurrency, draftTimeoutMs: options.draftTimeoutMs, planTenantIds: [SIMULATED_TENANT], runId: `bench-s${options.seed}` };
    // A bar per tenant on a terminal; otherwise (a log file) a line every tenth of the run.
    const interactive = Boolean(process.stderr.isTTY);
    const bars = new MultiBar({ format: '{label} [{bar}] {value}/{total} · regret/ticket (last 200) {regret}', hideCursor: true }, Presets.shades_classic);
    const play = (tenant: TenantCredentials, range: { from: number; to: number }, label: string) => {
      const count = range.to - range.from;
      const bar = interactive ? bars.create(count, 0, { label: label.padEnd(14), regret: '-' }) : undefined;
      const recent: number[] = [];
      return runSimulation({
        ...common,
        tenants: [tenant],
        ticketRange: range,
        outDir: path.join(options.out, 'strategies', label),
        onTicket: (t, done) => {
          recent.push(t.strategy.regret);
          if (recent.length > 200) recent.shift();
          if (bar) bar.update(done, { regret: mean(recent).toFixed(4) });
          else if (done % Math.max(1, Math.floor(count / 10)) === 0) console.error(`${label}: ${done}/${count} tickets · regret/ticket (last 200) ${mean(recent).toFixed(4)}`);
        },
      });
    };
    const phase1 = { from: 0, to: options.tickets };
    const [a, b] = await Promise.all([play(bandit, phase1, BANDIT), play(contextFree, phase1, CONTEXT_FREE)]);
    await Promise.all([settledRewards(sl, BANDIT, a.tickets.length), settledRewards(sl, CONTEXT_FREE, b.tickets.length)]);

    // Off-policy: the bandit as of the last opeShare of credited outcomes, evaluated on the bandit-logged outcomes after it.
    const settings = banditSettingsFor({});
    const config = modelConfig(settings);
    const logged = (await creditedOutcomes(sl.ch, BANDIT)).map((o) => ({ outcome: o, row: rowOf(o) }));
    const split = Math.floor(logged.length * (1 - options.opeShare));
    const training = logged.slice(0, split).map((l) => l.row);
    const evaluated = logged.slice(split).filter((l) => l.outcome.policy === 'bandit').map((l) => l.row);
    const asOfSplit = evaluateOffPolicy(evaluated, greedyPolicy(foldBandit(training, { config }), config), { config, rewardModelRows: training });
    const finalPolicy = evaluateOffPolicy(evaluated, greedyPolicy(foldBandit(logged.map((l) => l.row), { config }), config), { config, rewardModelRows: training });

    // On-policy: the final bandit, exploiting only, on the stream's next tickets.
    const phase2From = new Date().toISOString();
    await api(sl, 'PUT', '/v1/settings/bandit', bandit.apiKey, { epsilon: 0, explorationFloor: 0, controlShare: 0 });
    const fresh = options.evalTickets > 0 ? await play(bandit, { from: options.tickets, to: total }, `${BANDIT}-greedy`) : undefined;
    bars.stop();
    if (fresh) await settledRewards(sl, BANDIT, a.tickets.length + fresh.tickets.length);
    const onPolicyRows = fresh ? await creditedOutcomes(sl.ch, BANDIT, { recordedFrom: phase2From }) : [];
    const onPolicy = onPolicyRows.length > 1 ? estimateOf(onPolicyRows.map((o) => o.reward)) : null;
    const inside = (e: Estimate) => onPolicy !== null && onPolicy.value >= e.lower && onPolicy.value <= e.upper;
    const overlap = (e: Estimate) => onPolicy !== null && onPolicy.lower <= e.upper && e.lower <= onPolicy.upper;

    const report = regretReport(a.tickets, b.tickets, options.window);
    await charts(options.out, a.tickets, b.tickets, report.window);
    const realised = async (tenantId: string) => {
      const rows = await sl.ch.query<{ reward: number }>(`SELECT reward FROM ${sl.ch.table(TABLES.ticketRewards)} FINAL WHERE tenant_id = {tenantId:String} ORDER BY at, ticket_id`, { tenantId });
      return rows.map((r) => Number(r.reward));
    };
    const [realisedA, realisedB] = await Promise.all([realised(BANDIT), realised(CONTEXT_FREE)]);
    const phase1RealisedA = realisedA.slice(0, realisedA.length - onPolicyRows.length);
    return {
      ...report,
      creditedShare: { bandit: logged.length / Math.max(1, a.tickets.length), contextFree: (await creditedOutcomes(sl.ch, CONTEXT_FREE)).length / Math.max(1, b.tickets.length) },
      productRewardLastWindow: { bandit: mean(phase1RealisedA.slice(-options.window)), contextFree: mean(realisedB.slice(-options.window)) },
      offPolicy: {
        loggedRows: logged.length,
        trainingRows: training.length,
        evaluatedRows: evaluated.length,
        asOfSplit: { doublyRobust: asOfSplit.doublyRobust, snips: asOfSplit.snips, effectiveSampleSize: asOfSplit.effectiveSampleSize, onPolicyInside: inside(asOfSplit.doublyRobust), intervalsOverlap: overlap(asOfSplit.doublyRobust) },
        finalPolicy: { doublyRobust: finalPolicy.doublyRobust, onPolicyInside: inside(finalPolicy.doublyRobust), intervalsOverlap: overlap(finalPolicy.doublyRobust) },
        onPolicy: onPolicy && { ...onPolicy, rows: onPolicyRows.length, tickets: fresh?.tickets.length ?? 0 },
        freshTicketsExpectedReward: fresh ? mean(fresh.tickets.map((t) => t.strategy.receivedExpectedReward)) : null,
        freshTicketsOracle: fresh ? mean(fresh.tickets.map((t) => t.strategy.oracleExpectedReward)) : null,
        freshVersusDefault: fresh ? freshVersusDefault(fresh.tickets) : null,
      },
      wallSeconds: { phase1: Math.max(a.summary.wallSeconds, b.summary.wallSeconds), phase2: fresh?.summary.wallSeconds ?? 0 },
    };
  } finally {
    await sl.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function regretReport(a: readonly TicketTruth[], b: readonly TicketTruth[], windowSize: number) {
  const window = Math.min(windowSize, a.length, b.length);
  const last = <T>(xs: readonly T[]) => xs.slice(-window);
  const expected = (ts: readonly TicketTruth[]) => mean(ts.map((t) => t.strategy.receivedExpectedReward));
  const oracle = (ts: readonly TicketTruth[]) => mean(ts.map((t) => t.strategy.oracleExpectedReward));
  const uniform = (ts: readonly TicketTruth[]) => mean(ts.map((t) => mean(STRATEGY_IDS.map((id) => t.strategy.byStrategy[id]!))));
  // The best one strategy for every ticket, chosen in hindsight: no context-free policy can do better
  // in this world, so it bounds how far below the oracle "context-free" can be pushed by the world itself.
  const bestSingle = (ts: readonly TicketTruth[]) =>
    STRATEGY_IDS.map((id) => ({ strategy: id, reward: mean(ts.map((t) => t.strategy.byStrategy[id]!)) })).reduce((best, s) => (s.reward > best.reward ? s : best));
  const alwaysDefault = (ts: readonly TicketTruth[]) => mean(ts.map((t) => t.strategy.byStrategy[DEFAULT_STRATEGY]!));
  const control = a.filter((t) => t.strategy.policy === 'control');
  const regretA = cumulative(a.map((t) => t.strategy.regret));
  const regretB = cumulative(b.map((t) => t.strategy.regret));
  const regretDefault = cumulative(a.map((t) => t.strategy.oracleExpectedReward - t.strategy.byStrategy[DEFAULT_STRATEGY]!));
  const half = Math.floor(a.length / 2);
  const best = bestSingle(last(a));
  return {
    tickets: a.length,
    window,
    oracleLastWindow: oracle(last(a)),
    policy: {
      lastWindow: expected(last(a)),
      fractionOfOracle: expected(last(a)) / oracle(last(a)),
      cumulativeRegret: regretA.at(-1) ?? 0,
      regretFirstHalf: regretA[half - 1] ?? 0,
      regretSecondHalf: (regretA.at(-1) ?? 0) - (regretA[half - 1] ?? 0),
      secondHalfSlope: secondHalfSlope(regretA),
      sentAsDrafted: a.filter((t) => t.strategy.suggested !== null && t.strategy.received === t.strategy.suggested).length / Math.max(1, a.length),
    },
    contextFree: {
      lastWindow: expected(last(b)),
      fractionOfOracle: expected(last(b)) / oracle(last(b)),
      cumulativeRegret: regretB.at(-1) ?? 0,
      secondHalfSlope: secondHalfSlope(regretB),
    },
    controlArm: { tickets: control.length, expectedReward: control.length ? expected(control) : NaN, fractionOfOracle: control.length ? expected(control) / oracle(control) : NaN },
    alwaysDefault: { strategy: DEFAULT_STRATEGY, lastWindow: alwaysDefault(last(a)), fractionOfOracle: alwaysDefault(last(a)) / oracle(last(a)), cumulativeRegret: regretDefault.at(-1) ?? 0 },
    uniformRandom: { lastWindow: uniform(last(a)), fractionOfOracle: uniform(last(a)) / oracle(last(a)) },
    bestSingleStrategy: { ...best, fractionOfOracle: best.reward / oracle(last(a)) },
  };
}

async function charts(out: string, a: readonly TicketTruth[], b: readonly TicketTruth[], window: number): Promise<void> {
  mkdirSync(out, { recursive: true });
  const every = Math.max(1, Math.floor(a.length / 200));
  const curve = (values: readonly number[]) => values.flatMap((y, i) => (i % every === every - 1 || i === values.length - 1 ? [{ x: i + 1, y }] : []));
  await writeLineChartPng(
    path.join(out, 'strategy-regret.png'),
    [
      { name: 'bandit (all features)', points: curve(cumulative(a.map((t) => t.strategy.regret))) },
      { name: 'context-free bandit', points: curve(cumulative(b.map((t) => t.strategy.regret))) },
      { name: `control (always ${DEFAULT_STRATEGY})`, points: curve(cumulative(a.map((t) => t.strategy.oracleExpectedReward - t.strategy.byStrategy[DEFAULT_STRATEGY]!))) },
    ],
    { title: 'Cumulative regret vs the simulator oracle (expected reward)', xTitle: 'tickets', yTitle: 'cumulative regret' },
  );
  const size = Math.max(50, Math.floor(window / 4));
  const windows = (ts: readonly TicketTruth[], value: (t: TicketTruth) => number) =>
    Array.from({ length: Math.floor(ts.length / size) }, (_, i) => ({ x: (i + 1) * size, y: mean(ts.slice(i * size, (i + 1) * size).map(value)) }));
  await writeLineChartPng(
    path.join(out, 'strategy-reward.png'),
    [
      { name: 'oracle', points: windows(a, (t) => t.strategy.oracleExpectedReward) },
      { name: 'bandit (all features)', points: windows(a, (t) => t.strategy.receivedExpectedReward) },
      { name: 'context-free bandit', points: windows(b, (t) => t.strategy.receivedExpectedReward) },
      { name: `always ${DEFAULT_STRATEGY}`, points: windows(a, (t) => t.strategy.byStrategy[DEFAULT_STRATEGY]!) },
    ],
    { title: `Expected reward per ${size} tickets vs the oracle`, xTitle: 'tickets', yTitle: 'expected reward' },
  );
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const ci = (e: Estimate | null | undefined) => (e ? `${f3(e.value)} [${f3(e.lower)}, ${f3(e.upper)}]` : '–');

/** The regret part again from a run's saved ground truth (<dir>/bandit, <dir>/context-free), on the tickets both tenants finished: for runs stopped early. */
export async function reportFromGroundTruth(dir: string, windowSize: number, out: string): Promise<ReturnType<typeof regretReport>> {
  const load = (tenant: string) => parseGroundTruth(readFileSync(path.join(dir, tenant, GROUND_TRUTH_FILE), 'utf8'));
  const [a, b] = [load(BANDIT), load(CONTEXT_FREE)];
  // Tickets are played in arrival order but finish out of order: keep the prefix of the stream both tenants completed.
  const complete = (ts: TicketTruth[]) => {
    const byIndex = new Map(ts.map((t) => [t.index, t]));
    const prefix: TicketTruth[] = [];
    while (byIndex.has(prefix.length)) prefix.push(byIndex.get(prefix.length)!);
    return prefix;
  };
  const [pa, pb] = [complete(a), complete(b)];
  const n = Math.min(pa.length, pb.length);
  const report = regretReport(pa.slice(0, n), pb.slice(0, n), windowSize);
  await charts(out, pa.slice(0, n), pb.slice(0, n), report.window);
  printRegretTable(report);
  return report;
}

function printRegretTable(c: ReturnType<typeof regretReport>): void {
  console.log(`\nC. learning from outcomes: ${c.tickets} tickets per tenant through the product (expected rewards from the simulator's oracle; last ${c.window} tickets)`);
  const rows: [string, string, string, string, string][] = [
    ['policy', 'reward (last window)', '÷ oracle', 'cumulative regret', 'log-log slope (2nd half)'],
    ['oracle', f3(c.oracleLastWindow), '1.000', '0', '–'],
    ['bandit, all features', f3(c.policy.lastWindow), f3(c.policy.fractionOfOracle), f3(c.policy.cumulativeRegret), f3(c.policy.secondHalfSlope)],
    ['context-free bandit', f3(c.contextFree.lastWindow), f3(c.contextFree.fractionOfOracle), f3(c.contextFree.cumulativeRegret), f3(c.contextFree.secondHalfSlope)],
    [`control arm (${c.controlArm.tickets} tickets)`, f3(c.controlArm.expectedReward), f3(c.controlArm.fractionOfOracle), '–', '–'],
    [`always ${c.alwaysDefault.strategy}`, f3(c.alwaysDefault.lastWindow), f3(c.alwaysDefault.fractionOfOracle), f3(c.alwaysDefault.cumulativeRegret), '–'],
    ['uniform random strategy', f3(c.uniformRandom.lastWindow), f3(c.uniformRandom.fractionOfOracle), '–', '–'],
    [`best single strategy in hindsight (${c.bestSingleStrategy.strategy})`, f3(c.bestSingleStrategy.reward), f3(c.bestSingleStrategy.fractionOfOracle), '–', '–'],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(`  ${r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`);
  console.log(`  targets: bandit ≥ 0.9 × oracle → ${c.policy.fractionOfOracle >= 0.9 ? 'met' : 'NOT met'}; context-free ≤ 0.75 × oracle → ${c.contextFree.fractionOfOracle <= 0.75 ? 'met' : 'NOT met'}; regret sublinear (slope < 1) → ${c.policy.secondHalfSlope < 1 ? 'met' : 'NOT met'}`);
  console.log(`  no context-free policy can do better than the best single strategy: ${f3(c.bestSingleStrategy.fractionOfOracle)} × oracle in this simulated world`);
  console.log(`  regret first half ${f3(c.policy.regretFirstHalf)}, second half ${f3(c.policy.regretSecondHalf)}; drafts sent in their strategy ${(100 * c.policy.sentAsDrafted).toFixed(1)}%`);
}

export function printStrategyReport(c: Awaited<ReturnType<typeof strategyPath>>): void {
  printRegretTable(c);
  console.log(`  credited outcomes per ticket: bandit ${f3(c.creditedShare.bandit)}, context-free ${f3(c.creditedShare.contextFree)}`);
  console.log(`  product-recorded mean reward, last ${c.window} outcomes: bandit ${f3(c.productRewardLastWindow.bandit)}, context-free ${f3(c.productRewardLastWindow.contextFree)}`);
  const o = c.offPolicy;
  console.log(`  off-policy (${o.trainingRows} training rows, ${o.evaluatedRows} evaluated): DR of the bandit as of the split ${ci(o.asOfSplit.doublyRobust)} (ESS ${o.asOfSplit.effectiveSampleSize.toFixed(0)}), of the final bandit ${ci(o.finalPolicy.doublyRobust)}`);
  console.log(`  on-policy (final bandit, exploiting, ${o.onPolicy?.tickets ?? 0} fresh tickets, ${o.onPolicy?.rows ?? 0} credited): ${ci(o.onPolicy)} → inside the as-of-split DR interval: ${o.asOfSplit.onPolicyInside ? 'yes' : 'no'} (intervals overlap: ${o.asOfSplit.intervalsOverlap ? 'yes' : 'no'}); inside the final DR interval: ${o.finalPolicy.onPolicyInside ? 'yes' : 'no'}`);
  console.log(`  fresh tickets: expected reward received ${f3(o.freshTicketsExpectedReward)} vs oracle ${f3(o.freshTicketsOracle)}; wall ${c.wallSeconds.phase1.toFixed(0)} s + ${c.wallSeconds.phase2.toFixed(0)} s`);
  const v = o.freshVersusDefault;
  const signed = (e: Estimate) => `${e.value >= 0 ? '+' : ''}${e.value.toFixed(4)} [${e.lower.toFixed(4)}, ${e.upper.toFixed(4)}]`;
  if (v) console.log(`  final bandit vs always ${v.strategy} on the same fresh tickets (paired expected reward per ticket, 95% CI): received ${signed(v.received)}, suggested ${signed(v.suggested)}; ${v.ticketsDiffering} tickets suggested another strategy`);
}
