// npm run bench:detection — spike detection on simulated support streams, with the same code the
// scheduled detection runs (runSeriesPass: streaming detector + alert lifecycle, minute by minute):
//  1. false alerts per topic-week on spike-free weeks (after a warm-up week), against a baseline
//     measured in the same run: a fixed 3-sigma Poisson threshold on the trailing hour's mean;
//  2. detection latency: minutes from the start of an injected spike (topic volume × factor) to the
//     first firing alert on that topic's series, p50/p95, and the share of spikes caught;
//  3. the cost of one scheduled pass per series: restore the stored JSON state, feed one minute,
//     serialise the state again (what runSpikeDetection does per series every minute);
//  4. holidays: a larger tenant (--holiday-tickets-per-day, --holiday-weeks) whose last Mondays but
//     one run at --holiday-factor of an ordinary day's volume (Christmas and New Year's Day fall on
//     the same weekday); alerts on every topic and on the whole volume from the end of the second
//     holiday on (the stream has no spikes, so each is false), with the days undeclared and declared
//     in the tenant's holiday calendar, next to the same days of the stream without holidays. Only the
//     arrival process of the simulator is used here (planning whole tickets at this volume is slow).
//  5. the negative-sentiment share (bench/detectionShare.ts): --share-incidents "mood incidents"
//     multiply one topic's frustrated customers by --share-factor for --spike-minutes in a tenant at
//     --share-tickets-per-day; false share alerts, incidents caught, latency, against a naive rule.
//  6. a whole scheduled pass of one tenant through chDB (bench/detectionPassCost.ts): --pass-days at
//     --pass-tickets-per-day, --pass-one-off-share of messages with a tag of their own; the first
//     pass and --pass-passes passes a minute apart, the state they write, against reading the
//     pass's minute and every series' backfill window on the same store.
//  7. late rows (bench/detectionLate.ts): section 2's spikes with every message of the spike stored
//     --late-minutes after its minute, through passes a minute apart: caught and latency when each
//     pass reads only the minutes it feeds, and when it reads again those its count windows hold.
// `--live` measures wall-clock latency through the running product instead (bench/detectionLive.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { quantile } from 'simple-statistics';
import { integer, isoDate, nonNegativeInteger, outputFolder, positiveInteger, positiveNumber, shareOrZero } from '../cli/optionParsers.js';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts.js';
import type { DetectorSnapshot } from '../domain/detection/streamingDetector.js';
import { MINUTE_MS, runSeriesPass, VOLUME_DETECTOR_OPTIONS } from '../domain/spikeDetection.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { generateArrivals } from '../simulator/arrivals.js';
import { SeededRandom } from '../simulator/seededRandom.js';
import { planSimulation } from '../simulator/ticketPlan.js';
import { TOPICS } from '../simulator/topics.js';
import { negativeShareBench } from './detectionShare.js';
import { lateRowsBench, type LateSpike } from './detectionLate.js';
import { tenantPassCost } from './detectionPassCost.js';
import { SETTINGS } from '../runtime/config.js';
import { injectedStartMs, minuteCounts, ticketsIn, WEEK_MS } from './minuteSeries.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opts = new Command('bench:detection')
  .option('--weeks <n>', 'simulated weeks per stream (the first is warm-up)', positiveInteger, 4)
  .option('--tickets-per-day <n>', 'tenant volume', positiveNumber, 800)
  .option('--spikes <n>', 'injected spikes for the latency measurement', positiveInteger, 12)
  .option('--factor <n>', 'spike multiplier of the topic volume', positiveNumber, 4)
  .option('--spike-minutes <n>', 'spike duration', positiveInteger, 90)
  .option('--seed <n>', 'seed', integer, 11)
  .option('--alert-threshold <x>', 'detector alertThreshold (default: the product default)', positiveNumber)
  .option('--holiday-factor <x>', "holidays: volume on the two holidays, as a share of an ordinary day's", positiveNumber, 0.15)
  .option('--holiday-tickets-per-day <n>', 'holidays: tenant volume (≈ 35 a minute: where a weekly baseline shows the holidays)', positiveNumber, 50_000)
  .option('--holiday-weeks <n>', 'holidays: weeks of stream; the holidays are the Mondays of the last two weeks but one', positiveInteger, 8)
  .option('--share-tickets-per-day <n>', 'negative share: tenant volume (≈ 1 a minute per topic: where an hour holds enough messages for a share)', positiveNumber, 20_000)
  .option('--share-incidents <n>', 'negative share: mood incidents (one topic, its frustrated share multiplied)', positiveInteger, 12)
  .option('--share-factor <x>', "negative share: multiplier of the frustrated customers' share in an incident (5: 12% → 60% of that topic's customers)", positiveNumber, 5)
  .option('--pass-tickets-per-day <n>', 'pass cost: tenant volume', positiveNumber, 5000)
  .option('--pass-days <n>', 'pass cost: days of stored messages before the first pass', positiveInteger, 14)
  .option('--pass-one-off-share <x>', 'pass cost: share of messages with a tag no other message has (order numbers, campaigns)', shareOrZero, 0.01)
  .option('--pass-passes <n>', 'pass cost: timed passes, a minute apart, after the first', positiveInteger, 20)
  .option('--late-minutes <n>', "late rows: how long after its minute each message of a spike is stored (ingest lagging behind the spike)", positiveInteger, 3)
  .option('--live', 'measure wall-clock alert latency through the running product (see bench/detectionLive.ts)')
  .option('--replay-live <liveStart>', 'replay a live run (its live start, ISO) offline through the scheduled passes, with the same --spikes/--spike-minutes/--gap-minutes/--warmup-days/--seed (bench/detectionLiveReplay.ts)', isoDate)
  .option('--warmup-days <n>', 'live: days of imported history before the real-time stream', positiveInteger, 7)
  .option('--gap-minutes <n>', 'live: spike-free minutes before and between spikes', nonNegativeInteger, 3)
  .option('--lead-minutes <n>', 'live: minutes for the history import and first detection pass before the real-time stream', positiveInteger, 5)
  .option('--detection-interval <s>', 'live: SUPPORTLOOP_DETECTION_INTERVAL_SECONDS for the run', positiveInteger, 60)
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/bench-detection'))
  .parse()
  .opts<{ weeks: number; ticketsPerDay: number; spikes: number; factor: number; spikeMinutes: number; seed: number; alertThreshold?: number; holidayFactor: number; holidayTicketsPerDay: number; holidayWeeks: number; shareTicketsPerDay: number; shareIncidents: number; shareFactor: number; passTicketsPerDay: number; passDays: number; passOneOffShare: number; passPasses: number; lateMinutes: number; live?: boolean; replayLive?: string; warmupDays: number; leadMinutes: number; gapMinutes: number; detectionInterval: number; out: string }>();

const DAY_MS = 24 * 60 * MINUTE_MS;
const weeks = opts.weeks;
const perDay = opts.ticketsPerDay;
const start = new Date(Date.UTC(2026, 0, 5));
const now = new Date(start.getTime() + weeks * WEEK_MS);
const detectorOptions = { ...VOLUME_DETECTOR_OPTIONS, ...(opts.alertThreshold !== undefined ? { alertThreshold: opts.alertThreshold } : {}) };

/** Per-topic minute counts of new tickets in a simulated stream. */
function topicCounts(seed: number, spikes: { topicId: string; from: string; to: string; factor: number }[]): Map<string, Map<number, number>> {
  const plan = planSimulation({ seed, tenantIds: ['bench'], tickets: Math.round(perDay * 7 * weeks), ticketsPerDay: perDay, start, now, spikes });
  return minuteCounts(plan.tickets.map((t) => ({ atMs: Date.parse(t.openedAt), series: [t.topicId] })), now.getTime());
}

/**
 * Firing alerts of a series over the whole stream (the lifecycle's own notices, without the notify
 * window), as the schedule sees a tenant whose series start with the stream: a first pass at its first
 * minute, then the rest (passes after the first give the same results however they are cut). One
 * pass over all of it would be a new series' first pass over weeks of backfill, which fits the count
 * model's hour profile to the whole stream, spikes and scored weeks included.
 */
function firings(series: string, counts: Map<number, number>, holidays: [number, number][] = [], endMs = now.getTime()): number[] {
  const policy = { ...DEFAULT_ALERT_POLICY, notifyWithinMinutes: Number.MAX_SAFE_INTEGER };
  const first = runSeriesPass({ series, counts, newSeriesFromMs: start.getTime(), untilMs: start.getTime(), alert: undefined, holidays }, endMs, policy, detectorOptions);
  const rest = runSeriesPass(
    { series, previous: { lastMinuteMs: first.lastMinuteMs, snapshot: first.snapshot }, counts, newSeriesFromMs: start.getTime(), untilMs: endMs - MINUTE_MS, alert: first.alert, holidays },
    endMs,
    policy,
    detectorOptions,
  );
  return [...first.notices, ...rest.notices].filter((n) => n.kind === 'firing').map((n) => n.alert.startedAtMs);
}

/**
 * Section 4: a tenant at --holiday-tickets-per-day over --holiday-weeks, through the simulator's
 * arrival process (its weekly profile and topic mix), with and without two holidays on the Mondays
 * of the last two weeks but one; false alerts from the end of the second holiday on.
 */
function holidayFalseAlerts() {
  const hWeeks = opts.holidayWeeks;
  if (hWeeks < 3) throw new Error('--holiday-weeks: needs 3 or more (two holiday weeks and the week after)');
  const endMs = start.getTime() + hWeeks * WEEK_MS;
  const holidays: [number, number][] = [hWeeks - 3, hWeeks - 2].map((week) => [start.getTime() + week * WEEK_MS, start.getTime() + week * WEEK_MS + DAY_MS]);
  const weightSum = TOPICS.reduce((sum, t) => sum + t.weight, 0);
  const stream = (withHolidays: boolean) => {
    const arrivals = generateArrivals({
      start,
      count: Math.round(opts.holidayTicketsPerDay * 7 * hWeeks),
      ticketsPerDay: opts.holidayTicketsPerDay,
      sources: TOPICS.map((t) => ({ tenantId: 'bench', topicId: t.id, share: t.weight / weightSum })),
      spikes: withHolidays ? TOPICS.flatMap((t) => holidays.map(([from, to]) => ({ topicId: t.id, from: new Date(from).toISOString(), to: new Date(to).toISOString(), factor: opts.holidayFactor }))) : [],
      rng: new SeededRandom(opts.seed).derive('holiday-arrivals'),
    });
    return minuteCounts(arrivals.map((a) => ({ atMs: a.at.getTime(), series: ['all', `topic=${a.topicId}`] })), endMs);
  };
  const [withHolidays, without] = [stream(true), stream(false)];
  const after = (ms: number) => ms >= holidays[1]![1];
  const alerts = { quiet: 0, undeclared: 0, declared: 0, totalQuiet: 0, totalUndeclared: 0, totalDeclared: 0 };
  const bar = new SingleBar({ format: 'holidays [{bar}] {value}/{total} series' });
  bar.start(withHolidays.size, 0);
  for (const [series, counts] of withHolidays) {
    const [quiet, undeclared, declared] = [firings(series, without.get(series) ?? new Map(), [], endMs), firings(series, counts, [], endMs), firings(series, counts, holidays, endMs)].map((xs) => xs.filter(after).length) as [number, number, number];
    alerts.quiet += quiet;
    alerts.undeclared += undeclared;
    alerts.declared += declared;
    if (series === 'all') Object.assign(alerts, { totalQuiet: quiet, totalUndeclared: undeclared, totalDeclared: declared });
    bar.increment();
  }
  bar.stop();
  return {
    ticketsPerDay: opts.holidayTicketsPerDay, weeks: hWeeks, factor: opts.holidayFactor, days: holidays.map(([from]) => new Date(from).toISOString().slice(0, 10)),
    daysAfter: (endMs - holidays[1]![1]) / DAY_MS, series: withHolidays.size, falseAlertsAfter: alerts,
  };
}

/** Baseline detector: a minute above the trailing hour's mean + 3·sqrt(mean) (Poisson), one alert per quiet gap of 30 minutes. */
function baselineFirings(counts: Map<number, number>): number[] {
  const out: number[] = [];
  const window: number[] = [];
  let sum = 0;
  let lastAlert = -Infinity;
  for (let m = start.getTime(); m < now.getTime(); m += MINUTE_MS) {
    const value = counts.get(m) ?? 0;
    const mean = window.length ? sum / window.length : 0;
    if (window.length === 60 && value > mean + 3 * Math.sqrt(Math.max(mean, 0.1)) && m - lastAlert > 30 * MINUTE_MS) {
      out.push(m);
      lastAlert = m;
    }
    window.push(value);
    sum += value;
    if (window.length > 60) sum -= window.shift()!;
  }
  return out;
}

/**
 * What the topic usually gets in a spike's slot: the mean count over the same weekday and time in
 * the stream's other weeks (the spike's own stream, so the same seeded customers and seasonality).
 */
function usualTickets(counts: Map<number, number>, fromMs: number, toMs: number): number {
  const others: number[] = [];
  for (let week = -weeks; week <= weeks; week++) {
    const from = fromMs + week * WEEK_MS;
    if (week !== 0 && from >= start.getTime() && toMs + week * WEEK_MS <= now.getTime()) others.push(ticketsIn(counts, from, toMs + week * WEEK_MS));
  }
  return others.length ? others.reduce((a, b) => a + b, 0) / others.length : NaN;
}

/**
 * Per-series cost of one scheduled pass on a warmed series: JSON state in, one minute fed, JSON
 * state out (the store's round trip included, ClickHouse I/O not). Median and p95 in µs.
 */
function passCost(counts: Map<number, number>): { medianUs: number; p95Us: number; snapshotBytes: number } {
  const warmUntil = start.getTime() + WEEK_MS;
  let state = runSeriesPass({ series: 'cost', counts, newSeriesFromMs: start.getTime(), untilMs: warmUntil, alert: undefined }, warmUntil, DEFAULT_ALERT_POLICY, detectorOptions);
  let json = JSON.stringify(state.snapshot);
  const times: number[] = [];
  for (let i = 1; i <= 1000; i++) {
    const untilMs = warmUntil + i * MINUTE_MS;
    const t0 = process.hrtime.bigint();
    const snapshot = JSON.parse(json) as DetectorSnapshot;
    state = runSeriesPass({ series: 'cost', previous: { lastMinuteMs: state.lastMinuteMs, snapshot }, counts, newSeriesFromMs: start.getTime(), untilMs, alert: state.alert }, untilMs, DEFAULT_ALERT_POLICY, detectorOptions);
    json = JSON.stringify(state.snapshot);
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return { medianUs: quantile(times, 0.5), p95Us: quantile(times, 0.95), snapshotBytes: json.length };
}

async function main(): Promise<void> {
  if (opts.replayLive) {
    const { replayLiveRun } = await import('./detectionLiveReplay.js');
    replayLiveRun({ spikes: opts.spikes, factor: opts.factor, spikeMinutes: opts.spikeMinutes, gapMinutes: opts.gapMinutes, warmupDays: opts.warmupDays, ticketsPerDay: perDay, seed: opts.seed, out: opts.out }, Date.parse(opts.replayLive));
    return;
  }
  if (opts.live) {
    const { runLiveBench } = await import('./detectionLive.js');
    await runLiveBench({ spikes: opts.spikes, factor: opts.factor, spikeMinutes: opts.spikeMinutes, gapMinutes: opts.gapMinutes, warmupDays: opts.warmupDays, leadMinutes: opts.leadMinutes, ticketsPerDay: perDay, seed: opts.seed, detectionIntervalSeconds: opts.detectionInterval, out: opts.out });
    return;
  }
  const afterWarmup = (ms: number) => ms >= start.getTime() + WEEK_MS;
  // 1. False alerts on spike-free weeks.
  const quiet = topicCounts(opts.seed, []);
  let falseAlerts = 0;
  let baselineFalse = 0;
  const topicWeeks = quiet.size * (weeks - 1);
  for (const [topic, counts] of quiet) {
    falseAlerts += firings(`topic=${topic}`, counts).filter(afterWarmup).length;
    baselineFalse += baselineFirings(counts).filter(afterWarmup).length;
  }

  // 2. Latency over injected spikes, one per stream, at seeded times after the warm-up week.
  const spikes = opts.spikes;
  const spikeStreams: LateSpike[] = [];
  const perSpike: { topic: string; startsAt: string; usualTickets: number; spikeTickets: number; latency: number | null; baselineLatency: number | null }[] = [];
  const bar = new SingleBar({ format: 'spikes [{bar}] {value}/{total}' });
  bar.start(spikes, 0);
  for (let i = 0; i < spikes; i++) {
    const topic = TOPICS[i % TOPICS.length]!.id;
    const spikeStart = injectedStartMs(i, start.getTime(), weeks);
    const spikeEnd = spikeStart + opts.spikeMinutes * MINUTE_MS;
    const counts = topicCounts(opts.seed + 1 + i, [{ topicId: topic, from: new Date(spikeStart).toISOString(), to: new Date(spikeEnd).toISOString(), factor: opts.factor }]).get(topic) ?? new Map();
    spikeStreams.push({ series: `topic=${topic}`, counts, startMs: spikeStart, endMs: spikeEnd });
    const hit = firings(`topic=${topic}`, counts).find((ms) => ms >= spikeStart && ms <= spikeEnd);
    const baseHit = baselineFirings(counts).find((ms) => ms >= spikeStart && ms <= spikeEnd);
    perSpike.push({
      topic, startsAt: new Date(spikeStart).toISOString(), usualTickets: usualTickets(counts, spikeStart, spikeEnd), spikeTickets: ticketsIn(counts, spikeStart, spikeEnd),
      latency: hit === undefined ? null : (hit - spikeStart) / MINUTE_MS, baselineLatency: baseHit === undefined ? null : (baseHit - spikeStart) / MINUTE_MS,
    });
    bar.increment();
  }
  bar.stop();

  // 3. Cost of one pass per series, on the busiest and the quietest topic.
  const byVolume = [...quiet.entries()].sort((a, b) => ticketsIn(b[1], 0, Infinity) - ticketsIn(a[1], 0, Infinity));
  const cost = { busiest: { topic: byVolume[0]![0], ...passCost(byVolume[0]![1]) }, quietest: { topic: byVolume.at(-1)![0], ...passCost(byVolume.at(-1)![1]) } };

  // 4. Holidays, undeclared and declared.
  const holiday = holidayFalseAlerts();

  // 5. The negative-sentiment share.
  const share = negativeShareBench({ start, endMs: now.getTime(), weeks, seed: opts.seed, ticketsPerDay: opts.shareTicketsPerDay, incidents: opts.shareIncidents, factor: opts.shareFactor, minutes: opts.spikeMinutes });

  // 6. One tenant's whole pass through chDB.
  const tenantPass = await tenantPassCost({
    start, days: opts.passDays, ticketsPerDay: opts.passTicketsPerDay, oneOffShare: opts.passOneOffShare, passes: opts.passPasses, seed: opts.seed,
    backfillMinutes: SETTINGS.detectionBackfillMinutes.default, retireAfterMinutes: SETTINGS.detectionRetireAfterDays.default * 24 * 60, settleMs: SETTINGS.detectionSettleSeconds.default * 1000,
    importQuietMs: SETTINGS.detectionImportQuietSeconds.default * 1000,
  });

  // 7. The same spikes with their messages stored late.
  const lateBar = new SingleBar({ format: 'late rows [{bar}] {value}/{total}' });
  lateBar.start(spikeStreams.length, 0);
  const lateRows = lateRowsBench(spikeStreams, { streamStartMs: start.getTime(), lateMinutes: opts.lateMinutes, settleMs: SETTINGS.detectionSettleSeconds.default * 1000, options: detectorOptions, onSpike: () => lateBar.increment() });
  lateBar.stop();

  const latencies = perSpike.flatMap((s) => (s.latency === null ? [] : [s.latency]));
  const baselineLatencies = perSpike.flatMap((s) => (s.baselineLatency === null ? [] : [s.baselineLatency]));
  const q = (xs: number[], p: number) => (xs.length ? quantile(xs, p) : NaN);
  const result = {
    streams: { weeks, ticketsPerDay: perDay, topics: quiet.size, meanTicketsPerTopicMinute: perDay / 1440 / quiet.size },
    falseAlertsPerTopicWeek: falseAlerts / topicWeeks,
    baselineFalseAlertsPerTopicWeek: baselineFalse / topicWeeks,
    spikes: { injected: spikes, factor: opts.factor, minutes: opts.spikeMinutes, caught: latencies.length, missed: spikes - latencies.length },
    latencyMinutes: { p50: q(latencies, 0.5), p95: q(latencies, 0.95) },
    baseline: { caught: baselineLatencies.length, p50: q(baselineLatencies, 0.5), p95: q(baselineLatencies, 0.95) },
    passCost: cost,
    holidays: holiday,
    negativeShare: share,
    tenantPass,
    lateRows,
    perSpike,
  };
  mkdirSync(opts.out, { recursive: true });
  writeFileSync(path.join(opts.out, 'detection.json'), JSON.stringify(result, null, 2));
  const caughtBy = (xs: number[]) => Array.from({ length: opts.spikeMinutes / 5 + 1 }, (_, k) => ({ x: k * 5, y: xs.filter((l) => l <= k * 5).length / spikes }));
  await writeLineChartPng(path.join(opts.out, 'spikes-caught.png'), [{ name: 'supportloop', points: caughtBy(latencies) }, { name: '3σ Poisson baseline', points: caughtBy(baselineLatencies) }], {
    title: `Share of ×${opts.factor} topic spikes alerted, by minutes since the spike began`, xTitle: 'minutes since spike start', yTitle: 'share of spikes alerted', yDomain: [0, 1],
    subtitle: `${spikes} spikes; false alerts per topic-week: supportloop ${result.falseAlertsPerTopicWeek.toFixed(3)}, baseline ${result.baselineFalseAlertsPerTopicWeek.toFixed(1)}`,
  });

  console.log('\nspike  topic                start (UTC)           usual  in spike  supportloop  baseline');
  perSpike.forEach((s, i) => console.log(`${String(i + 1).padStart(5)}  ${s.topic.padEnd(20)} ${s.startsAt.slice(0, 16).replace('T', ' ')} ${new Date(s.startsAt).toUTCString().slice(0, 3)} ${s.usualTickets.toFixed(1).padStart(6)} ${String(s.spikeTickets).padStart(9)} ${(s.latency === null ? 'missed' : `${s.latency} min`).padStart(12)} ${(s.baselineLatency === null ? 'missed' : `${s.baselineLatency} min`).padStart(9)}`));
  console.log(`\nspike-free weeks: ${falseAlerts} false alerts over ${topicWeeks} topic-weeks = ${result.falseAlertsPerTopicWeek.toFixed(3)} per topic-week (baseline 3σ Poisson rule: ${result.baselineFalseAlertsPerTopicWeek.toFixed(3)})`);
  console.log(`spikes ×${opts.factor} for ${opts.spikeMinutes} min: caught ${latencies.length}/${spikes}; detection latency p50 ${result.latencyMinutes.p50} min, p95 ${result.latencyMinutes.p95} min (baseline caught ${baselineLatencies.length}/${spikes}, p50 ${result.baseline.p50} min)`);
  console.log(`one scheduled pass per series (JSON state in, 1 minute, JSON state out): busiest topic median ${cost.busiest.medianUs.toFixed(0)} µs, p95 ${cost.busiest.p95Us.toFixed(0)} µs, state ${cost.busiest.snapshotBytes} B; quietest median ${cost.quietest.medianUs.toFixed(0)} µs, state ${cost.quietest.snapshotBytes} B`);
  const { falseAlertsAfter: h } = holiday;
  console.log(`holidays (${holiday.days.join(', ')}: Mondays at ${holiday.factor}× volume, ${holiday.ticketsPerDay} tickets a day), false alerts over the ${holiday.daysAfter} days after, ${holiday.series} series (topics + the whole volume): undeclared ${h.undeclared} (whole volume ${h.totalUndeclared}), declared in the calendar ${h.declared} (${h.totalDeclared}); the same days of the stream without holidays ${h.quiet} (${h.totalQuiet})`);
  const [sl, nv] = [share.supportloop, share.naive];
  console.log(`negative share (${share.ticketsPerDay} tickets a day, ${(100 * share.negativeShare).toFixed(1)}% negative, ${share.incidents} incidents: one topic's frustrated share ×${share.factor} for ${share.minutes} min): false share alerts ${sl.falseAlerts} over ${share.topicWeeks} topic-weeks = ${sl.falseAlertsPerTopicWeek.toFixed(3)} per topic-week, caught ${sl.caught}/${share.incidents}, p50 ${sl.p50} min, p95 ${sl.p95} min; naive 3σ hourly rule ${nv.falseAlerts} false (${nv.falseAlertsPerTopicWeek.toFixed(3)} per topic-week), caught ${nv.caught}/${share.incidents}, p50 ${nv.p50} min`);
  const tp = tenantPass;
  console.log(`one tenant's scheduled pass through chDB (${tp.ticketsPerDay} tickets a day, ${tp.days} days stored, ${tp.oneOffTags} one-off tags among ${tp.baseSeriesWithEvents} series with messages): first pass ${(tp.firstPassMs / 1000).toFixed(1)} s (longest event-loop stall ${(tp.firstPassLongestStallMs / 1000).toFixed(2)} s: ${(tp.firstPassLongestStallMs / tp.firstPassMs).toFixed(3)} of it); then median ${tp.steadyPassMs.median.toFixed(0)} ms, p95 ${tp.steadyPassMs.p95.toFixed(0)} ms a pass for ${tp.seriesWatched} series watched (${(tp.stateBytesPerPass / 1e6).toFixed(2)} MB of state written a pass); reading the pass's minute ${tp.baselines.readPassMinuteMs.toFixed(0)} ms, every series' ${tp.days}-day window ${tp.baselines.readBackfillWindowMs.toFixed(0)} ms (${tp.baselines.backfillWindowRows} rows): pass ÷ window read ${(tp.steadyPassMs.median / tp.baselines.readBackfillWindowMs).toFixed(2)}`);
  const lr = lateRows;
  const lateLine = (v: typeof lr.onTime) => `caught ${v.caught}/${lr.spikes}, p50 ${v.p50} min, p95 ${v.p95} min`;
  console.log(`late rows (every message of a spike stored ${lr.lateMinutes} min after its minute; passes a minute apart, ${lr.settleSeconds} s settle): on time ${lateLine(lr.onTime)}; late, each pass reading only the minutes it feeds (before) ${lateLine(lr.lateReadOnce)}; late, each pass reading again the minutes its count windows hold (now) ${lateLine(lr.lateReadAgain)}, ${lr.lateReadAgain.lateEventsAdded} late messages added`);
  console.log(`wall-clock alert latency adds ≤ one detection interval (default 60 s) plus webhook delivery (--live measures it); results: ${path.join(opts.out, 'detection.json')}, spikes-caught.png`);
}

await main();
