// `supportloop eval --dataset <file>`: replays a support dataset in time order through the learner
// (draft → compare with the agent's real reply → learn) and reports the learning curve per window of
// tickets as a table, JSON, CSV and a PNG chart. Also runnable alone: `tsx cli/eval.ts --dataset …`.
// `supportloop eval --policy …` instead evaluates a running server's strategy policy (cli/policyEval.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SingleBar, Presets } from 'cli-progress';
import { Command } from 'commander';
import { datasetTickets } from '../domain/learning/datasetTickets.js';
import { repeatedRows, REPEAT_WORDS } from '../domain/learning/recurringQuestions.js';
import { createLearner } from '../domain/learning/learner.js';
import { replayTicket, summariseWindow, summariseWindows, type TicketScore, type WindowSummary } from '../domain/learning/learningCurve.js';
import { REPLY_BASELINES, ReplyBaselines, type ReplyBaselineName } from '../domain/learning/replyBaselines.js';
import { DEFAULT_THRESHOLDS } from '../domain/learning/thresholds.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { MAPPABLE_FIELDS, readTicketRows } from './datasetFile.js';
import { outputFolder, positiveInteger } from './optionParsers.js';
import { policyEvalCommand } from './policyEval.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_DATASET = resolve(REPO_ROOT, '../shared/data/bitext-customer-support/Bitext_Sample_Customer_Support_Training_Dataset.csv');

/** A share as a percentage; 'n/a' where the dataset has nothing to measure it on (no topic labels). */
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);

function printTable(windows: readonly WindowSummary[]): void {
  console.table(
    windows.map((w) => ({
      window: w.window,
      tickets: `${w.from + 1}–${w.to + 1}`,
      'topic acc': pct(w.topicAccuracy),
      'topic cov': pct(w.topicCoverage),
      'draft cov': pct(w.draftCoverage),
      acceptance: pct(w.acceptance),
      'mean edit': w.meanEditDistance.toFixed(3),
      'token F1': w.meanTokenF1.toFixed(3),
      rewritten: w.classes.rewritten,
      ignored: w.classes.ignored,
      rules: w.activeRulesAtEnd,
    })),
  );
}

const BASELINE_LABELS: Record<ReplyBaselineName, string> = { nearestQuestion: "nearest earlier question's reply", sameTopic: 'an earlier reply of the same topic' };
const BASELINE_SHORT: Record<ReplyBaselineName, string> = { nearestQuestion: 'nearest question', sameTopic: 'same topic' };

function toCsv(windows: readonly WindowSummary[]): string {
  const baselineColumns = REPLY_BASELINES.flatMap((name) => [`${name}_acceptance`, `${name}_mean_edit_distance`, `${name}_mean_token_f1`]);
  const header = ['window,from,to,tickets,topic_accuracy,topic_coverage,draft_coverage,acceptance,mean_edit_distance,mean_edit_distance_drafted,mean_token_f1,accepted,lightly_edited,rewritten,ignored,active_rules', ...baselineColumns].join(',');
  const rows = windows.map((w) =>
    [
      w.window, w.from + 1, w.to + 1, w.tickets, w.topicAccuracy ?? '', w.topicCoverage, w.draftCoverage, w.acceptance, w.meanEditDistance, w.meanEditDistanceDrafted, w.meanTokenF1,
      w.classes.accepted, w.classes['lightly-edited'], w.classes.rewritten, w.classes.ignored, w.activeRulesAtEnd,
      ...REPLY_BASELINES.flatMap((name): (number | string)[] => { const b = w.baselines[name]; return b ? [b.acceptance, b.meanEditDistance, b.meanTokenF1] : ['', '', '']; }),
    ].join(','),
  );
  return `${[header, ...rows].join('\n')}\n`;
}

export async function evalCommand(argv: string[]): Promise<void> {
  if (argv.includes('--policy')) return policyEvalCommand(argv);
  const program = new Command('supportloop eval')
    .description('replay a support dataset in time order through the learner and report the learning curve')
    .option('--dataset <file>', 'CSV (header row) or JSON Lines; default the bitext development dataset', DEFAULT_DATASET)
    .option('--out <dir>', 'output directory for learning-curve.{json,csv,png}', outputFolder, './out/eval')
    .option('--window <n>', 'tickets per window', positiveInteger, 500)
    .option('--seed <n>', 'seed for what the dataset lacks (timestamps, customers)', positiveInteger, 20260101)
    .option('--limit <n>', 'replay only the first n tickets (after time ordering)', positiveInteger)
    .option('--repeat <n>', 'questions that come back: replay every row n times, each copy with one word of the dataset appended to its question and six to its reply (seeded)', positiveInteger)
    .option('--no-baselines', "skip the naive drafts replayed beside the learner (nearest earlier question's reply, a same-topic reply)")
    .option('--map <field=column...>', `column for a field (repeatable); fields: ${MAPPABLE_FIELDS.join(', ')}`, [])
    .option('--policy', "instead: off-policy evaluation of a running server's strategy policy (see `eval --policy --help`)")
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ dataset: string; out: string; window: number; seed: number; limit?: number; repeat?: number; map: string[]; baselines: boolean }>();
  const dataset = resolve(opts.dataset);
  const outDir = resolve(opts.out);
  const windowSize = opts.window;
  const seed = opts.seed;

  const { fileRows, rows, mapping } = await readTicketRows(dataset, opts.map);
  const replayed = opts.repeat ? repeatedRows(rows, mapping, opts.repeat, seed) : rows;
  if (opts.repeat) console.log(`every row ${opts.repeat} times, copies varied by ${REPEAT_WORDS.question} word appended to the question and ${REPEAT_WORDS.reply} to the reply (seed ${seed})`);
  const { tickets: all, synthesized } = datasetTickets(replayed, mapping, { seed, datasetName: basename(dataset, extname(dataset)).toLowerCase().split(/[^a-z0-9]+/)[0] || 'row' });
  const tickets = all.slice(0, opts.limit ?? all.length);
  console.log(`dataset ${dataset}: ${fileRows} rows, ${tickets.length} tickets replayed`);
  console.log(`column mapping: ${Object.entries(mapping).map(([f, c]) => `${f}=${c}`).join(', ')}`);
  if (synthesized.length) console.log(`synthesised (seed ${seed}), not observed: ${synthesized.join('; ')}`);

  const learner = createLearner();
  const baselines = opts.baselines ? new ReplyBaselines() : undefined;
  const scores: TicketScore[] = [];
  const bar = new SingleBar({ format: 'replay [{bar}] {value}/{total} tickets | {eta_formatted} left | acceptance so far {acceptance}', hideCursor: true }, Presets.shades_classic);
  const started = performance.now();
  bar.start(tickets.length, 0, { acceptance: '-' });
  for (const [i, ticket] of tickets.entries()) {
    scores.push(replayTicket(learner, ticket, i, baselines));
    if (i % 25 === 0 || i === tickets.length - 1) bar.update(i + 1, { acceptance: pct(scores.filter((s) => s.accepted).length / scores.length) });
  }
  bar.stop();
  const seconds = (performance.now() - started) / 1000;

  const windows = summariseWindows(scores, windowSize);
  // First 500 vs last 1,000 (the issue's comparison); a shorter replay keeps them apart: its first
  // third vs the rest, so no ticket is counted on both sides.
  const headSize = Math.min(500, Math.floor(scores.length / 3));
  const head = summariseWindow(scores.slice(0, headSize), 0);
  const tail = summariseWindow(scores.slice(Math.max(headSize, scores.length - 1000)), 0);
  printTable(windows);
  if (headSize === 0) console.log(`${scores.length} tickets: too few to compare the first with the last`);
  else console.log(`first ${head.tickets} vs last ${tail.tickets}: acceptance ${pct(head.acceptance)} → ${pct(tail.acceptance)}, mean edit ${head.meanEditDistance.toFixed(3)} → ${tail.meanEditDistance.toFixed(3)}, topic accuracy ${pct(head.topicAccuracy)} → ${pct(tail.topicAccuracy)}, token F1 ${head.meanTokenF1.toFixed(3)} → ${tail.meanTokenF1.toFixed(3)}`);
  for (const name of headSize > 0 ? REPLY_BASELINES : []) {
    const [h, t] = [head.baselines[name], tail.baselines[name]];
    if (h && t) console.log(`  baseline, ${BASELINE_LABELS[name]}: acceptance ${pct(h.acceptance)} → ${pct(t.acceptance)}, mean edit ${h.meanEditDistance.toFixed(3)} → ${t.meanEditDistance.toFixed(3)}, token F1 ${h.meanTokenF1.toFixed(3)} → ${t.meanTokenF1.toFixed(3)}`);
  }
  console.log(`replayed in ${seconds.toFixed(1)} s (${((seconds * 1000) / Math.max(1, tickets.length)).toFixed(1)} ms per ticket: draft + compare + learn${baselines ? ', and the baselines' : ''})`);

  const stats = learner.snapshotStats();
  const { replyChoice } = stats;
  if (replyChoice.meanDistance) console.log(`reply choice learned from ${replyChoice.comparisons} comparisons with sent replies: drafts take the "${replyChoice.rule}" reply (recent mean word edit distance ${Object.entries(replyChoice.meanDistance).map(([rule, d]) => `${rule} ${d.toFixed(3)}`).join(', ')})`);
  await mkdir(outDir, { recursive: true });
  const report = {
    dataset,
    tickets: tickets.length,
    windowSize,
    repeat: opts.repeat ?? 1,
    seed,
    mapping,
    synthesized,
    thresholds: DEFAULT_THRESHOLDS,
    windows,
    firstVsLast: { first: head, last: tail },
    model: { version: stats.modelVersion, topics: stats.topics, templates: stats.templates, contentClusters: stats.contentClusters, activeRules: stats.activeRules, replyChoice, calibration: stats.calibration },
    seconds,
  };
  await writeFile(join(outDir, 'learning-curve.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(outDir, 'learning-curve.csv'), toCsv(windows));
  const x = (w: WindowSummary): number => w.to + 1;
  await writeLineChartPng(
    join(outDir, 'learning-curve.png'),
    [
      // Only windows with labelled tickets have a topic accuracy (a dataset without labels has none).
      { name: 'topic accuracy', points: windows.flatMap((w) => (w.topicAccuracy === null ? [] : [{ x: x(w), y: w.topicAccuracy }])) },
      { name: 'draft acceptance', points: windows.map((w) => ({ x: x(w), y: w.acceptance })) },
      { name: 'mean edit distance', points: windows.map((w) => ({ x: x(w), y: w.meanEditDistance })) },
      { name: 'topic coverage', points: windows.map((w) => ({ x: x(w), y: w.topicCoverage })) },
      { name: 'draft coverage', points: windows.map((w) => ({ x: x(w), y: w.draftCoverage })) },
      { name: 'token F1 vs reply', points: windows.map((w) => ({ x: x(w), y: w.meanTokenF1 })) },
      ...REPLY_BASELINES.flatMap((name) => [
        { name: `token F1, baseline ${BASELINE_SHORT[name]}`, points: windows.flatMap((w) => (w.baselines[name] ? [{ x: x(w), y: w.baselines[name]!.meanTokenF1 }] : [])) },
        { name: `mean edit distance, baseline ${BASELINE_SHORT[name]}`, points: windows.flatMap((w) => (w.baselines[name] ? [{ x: x(w), y: w.baselines[name]!.meanEditDistance }] : [])) },
      ]).filter((series) => series.points.length > 0),
    ],
    {
      title: `Learning curve: ${basename(dataset)}`,
      subtitle: `prequential replay, ${windowSize} tickets per window; acceptance = edit distance ≤ ${DEFAULT_THRESHOLDS.lightlyEditedMax}`,
      xTitle: 'tickets replayed (window end)',
      yTitle: 'share / distance',
      yDomain: [0, 1],
    },
  );
  console.log(`wrote ${join(outDir, 'learning-curve.json')}, learning-curve.csv, learning-curve.png`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  evalCommand(process.argv.slice(2)).catch((error: unknown) => {
    if ((error as { code?: string }).code?.startsWith('commander.')) process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
    else {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    }
  });
}
