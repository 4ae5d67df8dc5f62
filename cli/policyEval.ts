// `supportloop eval --policy --url <api> --api-key <key> [--tenant <id>]`: asks a running supportloop
// how the learned strategy policy would do against what was logged, the default strategy and the
// randomized control arm (off-policy evaluation over the tenant's credited outcomes), and whether
// asking first works per topic. Prints tables with ratios against the control arm and the logged
// policy (baselines measured from the same outcomes), and writes JSON + a PNG bar chart.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { writeBarChartPng, type Bar } from '../reporting/barChart.js';
import { isoDate, outputFolder, share } from './optionParsers.js';

interface Estimate {
  value: number;
  stdError: number;
  lower: number;
  upper: number;
}
interface OffPolicyReport {
  rows: number;
  ips: Estimate;
  snips: Estimate;
  doublyRobust: Estimate;
  directMethod: Estimate;
  effectiveSampleSize: number;
}
interface PolicyEvaluation {
  status: 'ok' | 'not-enough-data';
  defaultStrategy: string;
  rows: { total: number; training: number; evaluated: number; control: number };
  splitAt: string | null;
  confidence: number;
  logged: Estimate | null;
  learned: OffPolicyReport | null;
  defaultPolicy: OffPolicyReport | null;
  control: Estimate | null;
  learnedVsControl: Estimate | null;
  learnedVsLogged: Estimate | null;
}
interface ClarifyTopic {
  topic: string;
  verdict: string;
  summary: string;
}

async function getJson<T>(base: string, path: string, apiKey: string): Promise<T> {
  const response = await fetch(new URL(path, base), { headers: { authorization: `Bearer ${apiKey}` } });
  const body = await response.text();
  if (!response.ok) throw new Error(`GET ${path}: ${response.status} ${body}`);
  return JSON.parse(body) as T;
}

const fmt = (e: Estimate | null | undefined) => (e ? `${e.value.toFixed(3)} [${e.lower.toFixed(3)}, ${e.upper.toFixed(3)}]` : '—');
const ratio = (a: Estimate | null | undefined, b: Estimate | null | undefined) => (a && b && b.value > 0 ? `${(a.value / b.value).toFixed(2)}×` : '—');

export async function policyEvalCommand(argv: string[]): Promise<void> {
  const program = new Command('supportloop eval --policy')
    .description("off-policy evaluation of a running supportloop's learned strategy policy for one tenant")
    .requiredOption('--policy', 'evaluate the strategy policy of a running server')
    .requiredOption('--url <url>', 'the API base URL, e.g. http://localhost:8080')
    .requiredOption('--api-key <key>', "the tenant's API key")
    .option('--tenant <id>', 'tenant id (a label for the report; the API key decides the tenant)')
    .option('--as-of <date>', 'only outcomes before this ISO date', isoDate)
    .option('--train-share <x>', 'share of the earliest outcomes the learned policy is folded from', share, 0.5)
    .option('--out <dir>', 'output directory for policy-evaluation.{json,png}', outputFolder, './out/eval-policy')
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const opts = program.opts<{ url: string; apiKey: string; tenant?: string; asOf?: string; trainShare: number; out: string }>();
  const query = new URLSearchParams({ trainShare: String(opts.trainShare), ...(opts.asOf ? { asOf: new Date(opts.asOf).toISOString() } : {}) });
  const clarifyQuery = new URLSearchParams(opts.asOf ? { asOf: new Date(opts.asOf).toISOString() } : {});
  const [report, clarify] = await Promise.all([
    getJson<PolicyEvaluation>(opts.url, `/v1/learning/policy-evaluation?${query}`, opts.apiKey),
    getJson<{ topics: ClarifyTopic[] }>(opts.url, `/v1/learning/clarify-by-topic?${clarifyQuery}`, opts.apiKey),
  ]);
  const tenant = opts.tenant ?? '(tenant of the key)';
  const { rows } = report;
  console.log(`tenant ${tenant}: ${rows.total} credited outcomes; learned policy folded from the first ${rows.training}, evaluated on ${rows.evaluated} later bandit-chosen drafts${report.splitAt ? ` (from ${report.splitAt})` : ''}; ${rows.control} control-arm tickets in that period`);
  if (report.status !== 'ok') {
    console.log('not enough credited outcomes yet to evaluate the learned policy (needs at least 2 on each side of the split)');
  } else {
    const ci = `${Math.round(report.confidence * 100)}% CI`;
    console.table([
      { policy: 'control arm (install-time model + default), observed', [`reward (${ci})`]: fmt(report.control), 'vs control': ratio(report.control, report.control), 'vs logged': ratio(report.control, report.logged) },
      { policy: 'logged (the live bandit, exploring), observed', [`reward (${ci})`]: fmt(report.logged), 'vs control': ratio(report.logged, report.control), 'vs logged': '1.00×' },
      { policy: `default strategy ${report.defaultStrategy}, DR`, [`reward (${ci})`]: fmt(report.defaultPolicy?.doublyRobust), 'vs control': ratio(report.defaultPolicy?.doublyRobust, report.control), 'vs logged': ratio(report.defaultPolicy?.doublyRobust, report.logged) },
      { policy: 'learned (greedy), IPS', [`reward (${ci})`]: fmt(report.learned?.ips), 'vs control': ratio(report.learned?.ips, report.control), 'vs logged': ratio(report.learned?.ips, report.logged) },
      { policy: 'learned (greedy), SNIPS', [`reward (${ci})`]: fmt(report.learned?.snips), 'vs control': ratio(report.learned?.snips, report.control), 'vs logged': ratio(report.learned?.snips, report.logged) },
      { policy: 'learned (greedy), doubly robust', [`reward (${ci})`]: fmt(report.learned?.doublyRobust), 'vs control': ratio(report.learned?.doublyRobust, report.control), 'vs logged': ratio(report.learned?.doublyRobust, report.logged) },
    ]);
    console.log(`learned − control: ${fmt(report.learnedVsControl)}; learned − logged: ${fmt(report.learnedVsLogged)}; effective sample size ${report.learned!.effectiveSampleSize.toFixed(0)} of ${report.learned!.rows}`);
  }
  if (clarify.topics.length > 0) console.table(clarify.topics.map((t) => ({ topic: t.topic, verdict: t.verdict, summary: t.summary })));

  const outDir = resolve(opts.out);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'policy-evaluation.json'), `${JSON.stringify({ tenant, url: opts.url, report, clarify: clarify.topics }, null, 2)}\n`);
  const bar = (label: string, e: Estimate | null | undefined, group: string): Bar[] => (e ? [{ label, value: e.value, lower: e.lower, upper: e.upper, group }] : []);
  const bars = [
    ...bar('control arm', report.control, 'baseline'),
    ...bar('logged', report.logged, 'baseline'),
    ...bar(`default (${report.defaultStrategy})`, report.defaultPolicy?.doublyRobust, 'baseline'),
    ...bar('learned: IPS', report.learned?.ips, 'learned'),
    ...bar('learned: SNIPS', report.learned?.snips, 'learned'),
    ...bar('learned: DR', report.learned?.doublyRobust, 'learned'),
  ];
  // Rewards are 0..1, but an IPS interval on few rows can leave that range: widen rather than clip.
  const yDomain: [number, number] = [Math.min(0, ...bars.map((b) => b.lower ?? 0)), Math.max(1, ...bars.map((b) => b.upper ?? 1))];
  await writeBarChartPng(join(outDir, 'policy-evaluation.png'), bars, {
    title: `Strategy policy: estimated reward per ticket (${tenant})`,
    subtitle: `${rows.evaluated} evaluated drafts, ${rows.control} control tickets; whiskers: ${Math.round(report.confidence * 100)}% CI`,
    yTitle: 'mean reward',
    yDomain,
  });
  console.log(`wrote ${join(outDir, 'policy-evaluation.json')}, policy-evaluation.png`);
}
