// `supportloop simulate …` (or `tsx simulator/run.ts …`): play a simulated ticket stream against a
// running product and watch draft acceptance rise. Credentials come from the file the product
// writes on first start (data/default-tenant.json), a file listing several tenants, or flags.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { integer, isoDate, outputFolder, positiveInteger, positiveNumber, share } from '../cli/optionParsers.js';
import { AGENT_RULES } from './agentRules.js';
import type { Spike } from './arrivals.js';
import type { TenantCredentials } from './client.js';
import { practiceChangeLine, practiceChangeReport, RollingWindow, rollingLine } from './groundTruth.js';
import { runSimulation, GROUND_TRUTH_FILE, SUMMARY_FILE } from './simulation.js';
import { PRODUCT_AREAS, TOPICS } from './topics.js';

interface CliOptions {
  url: string;
  credentials: string;
  tenant?: string;
  apiKey?: string;
  secret?: string;
  tickets: number;
  ticketsPerDay: number;
  concurrency: number;
  seed: number;
  start?: string;
  runId?: string;
  out: string;
  heldOutRule: string[];
  heldOutTopics?: string[];
  heldOutUntil: number;
  practiceChange?: number;
  practiceChangeTopics?: string[];
  spike: Spike[];
  draftTimeout: number;
  /** false with --no-product-areas. */
  productAreas: boolean;
  list?: boolean;
}

const spike = (value: string, previous: Spike[]): Spike[] => {
  const [topicId, factor, from, to, tenantId] = value.split(',');
  if (!topicId || !factor || !from || !to || !(Number(factor) > 0) || Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) {
    throw new InvalidArgumentError('expected topic,factor,fromIso,toIso[,tenant], e.g. refund-request,5,2025-03-04T09:00:00Z,2025-03-04T15:00:00Z');
  }
  return [...previous, { topicId, factor: Number(factor), from, to, ...(tenantId ? { tenantId } : {}) }];
};

/** Tenants from flags, or from a credentials file: one tenant `{tenantId, apiKey, webhookSecrets}` or `{tenants: [...]}`. */
export function loadCredentials(options: Pick<CliOptions, 'credentials' | 'tenant' | 'apiKey' | 'secret'>): TenantCredentials[] {
  if (options.tenant || options.apiKey || options.secret) {
    if (!options.tenant || !options.apiKey || !options.secret) throw new Error('--tenant, --api-key and --secret go together');
    return [{ tenantId: options.tenant, apiKey: options.apiKey, webhookSecret: options.secret }];
  }
  if (!existsSync(options.credentials)) {
    throw new Error(`${options.credentials} not found: start the product once (npm start writes data/default-tenant.json), or pass --credentials <file> or --tenant/--api-key/--secret`);
  }
  const parsed = JSON.parse(readFileSync(options.credentials, 'utf8')) as unknown;
  const entries = (parsed as { tenants?: unknown[] }).tenants ?? (Array.isArray(parsed) ? parsed : [parsed]);
  return entries.map((entry, i) => {
    const e = entry as { tenantId?: string; apiKey?: string; apiKeys?: string[]; webhookSecrets?: { generic?: string } };
    const apiKey = e.apiKey ?? e.apiKeys?.[0];
    const webhookSecret = e.webhookSecrets?.generic;
    if (!e.tenantId || !apiKey || !webhookSecret) throw new Error(`${options.credentials}: tenant ${i} needs tenantId, apiKey and webhookSecrets.generic`);
    return { tenantId: e.tenantId, apiKey, webhookSecret };
  });
}

function describeCatalogue(): string {
  const topics = TOPICS.map((t) => `  ${t.id.padEnd(22)} ${t.name}`).join('\n');
  const rules = AGENT_RULES.map((r) => `  ${r.id.padEnd(26)} ${r.description}`).join('\n');
  return `topics:\n${topics}\nhidden agent rules (for --held-out-rule):\n${rules}`;
}

function buildCommand(): Command {
  return new Command('simulate')
    .description('play a realistic multi-tenant ticket stream with hidden agent rules against a running supportloop, through its public API')
    .option('--url <url>', 'the product API', 'http://127.0.0.1:8080')
    .option('--credentials <file>', 'tenant credentials: the product-written default-tenant.json or {"tenants":[…]}', './data/default-tenant.json')
    .option('--tenant <id>', 'tenant id (with --api-key and --secret instead of a credentials file)')
    .option('--api-key <key>', "the tenant's API key")
    .option('--secret <whsec>', "the tenant's generic webhook secret")
    .option('--tickets <n>', 'tickets to play', positiveInteger, 500)
    .option('--tickets-per-day <n>', 'average simulated tickets per day before seasonality', positiveNumber, 60)
    .option('--concurrency <n>', 'tickets in flight at once', positiveInteger, 8)
    .option('--seed <n>', 'world seed (same seed, same stream)', integer, 1)
    .option('--start <iso>', 'simulated clock start (default: so the stream ends before now)', isoDate)
    .option('--run-id <id>', 'ticket id prefix (default sim-s<seed>-<time>, so runs never collide)')
    .option('--out <dir>', 'ground truth JSONL and summary JSON', outputFolder, './out/simulate')
    .option('--held-out-rule <id>', 'hold this rule out of some topics for the first part of the stream (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--held-out-topics <ids>', 'comma-separated topics to hold the rules out of (default: a seeded quarter)', (v: string) => v.split(',').filter(Boolean))
    .option('--held-out-until <share>', 'share of the stream during which held-out rules stay held out', share, 0.5)
    .option('--practice-change <share>', 'from this share of the stream on, agents answer some topics a new way (a change of practice)', share)
    .option('--practice-change-topics <ids>', 'comma-separated topics whose answer changes (default: every topic with a revised answer)', (v: string) => v.split(',').filter(Boolean))
    .option('--spike <spec>', 'topic,factor,fromIso,toIso[,tenant]: multiply a topic\'s rate in a window (repeatable)', spike, [])
    .option('--draft-timeout <ms>', 'wait this long for each draft before treating it as empty', positiveInteger, 5000)
    .option('--no-product-areas', "don't save the catalogue's product areas for tenants that have none (they are saved by default, so area series have data)")
    .option('--list', 'print topic and rule ids and exit');
}

export async function simulateCommand(argv: string[]): Promise<void> {
  const options = buildCommand().parse(argv, { from: 'user' }).opts<CliOptions>();
  if (options.list) {
    console.log(describeCatalogue());
    return;
  }
  const tenants = loadCredentials(options);
  const window = new RollingWindow(100);
  const interactive = Boolean(process.stderr.isTTY);
  const bar = new SingleBar({ format: 'simulate [{bar}] {value}/{total} tickets | {rolling}', hideCursor: true });
  if (interactive) bar.start(options.tickets, 0, { rolling: rollingLine(window) });
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  try {
    const result = await runSimulation({
      url: options.url,
      tenants,
      tickets: options.tickets,
      ticketsPerDay: options.ticketsPerDay,
      concurrency: options.concurrency,
      seed: options.seed,
      start: options.start ? new Date(options.start) : undefined,
      runId: options.runId ?? `sim-s${options.seed}-${Date.now().toString(36)}`,
      outDir: options.out,
      spikes: options.spike,
      heldOut: options.heldOutRule.length > 0 ? { ruleIds: options.heldOutRule, topicIds: options.heldOutTopics, until: options.heldOutUntil } : undefined,
      practiceChange: options.practiceChange === undefined ? undefined : { at: options.practiceChange, topicIds: options.practiceChangeTopics },
      draftTimeoutMs: options.draftTimeout,
      productAreas: options.productAreas ? PRODUCT_AREAS : undefined,
      signal: abort.signal,
      onTicket: (ticket, done, total) => {
        window.add(ticket);
        if (interactive) bar.update(done, { rolling: rollingLine(window) });
        else if (done % Math.max(1, Math.floor(total / 20)) === 0 || done === total) console.error(`${done}/${total} tickets | ${rollingLine(window)}`);
      },
    });
    if (interactive) bar.stop();
    const s = result.summary;
    const curve = s.acceptanceByTenth.map((a) => `${Math.round(100 * a)}%`).join(' → ');
    console.log(`${s.tickets} tickets for ${s.tenants.join(', ')}, simulated ${s.simulatedFrom} … ${s.simulatedTo}, in ${s.wallSeconds.toFixed(0)} s`);
    if (s.productAreasSavedFor.length) console.log(`product areas saved for ${s.productAreasSavedFor.join(', ')}: ${PRODUCT_AREAS.map((a) => a.name).join(', ')}`);
    console.log(`drafts: ${s.drafts.drafted} drafted, ${s.drafts.missing} missing, ${s.drafts.unavailable} unavailable (no suggestion route)`);
    console.log(`acceptance ${Math.round(100 * s.acceptance)}% (by tenth: ${curve}); mean edit distance ${s.meanEditDistance.toFixed(2)}`);
    for (const [rule, t] of Object.entries(s.transfer)) console.log(`transfer ${rule}: ${t.inDraft}/${t.cases} held-out-topic drafts had it (${t.firstOnTopicInDraft}/${t.firstOnTopic} on a topic's first case)`);
    if (result.plan.practiceChange) {
      for (const t of practiceChangeReport(result.tickets, result.plan.practiceChange.topicIds)) console.log(`practice change ${practiceChangeLine(t)}`);
    }
    console.log(`ground truth: ${path.join(options.out, GROUND_TRUTH_FILE)}, summary: ${path.join(options.out, SUMMARY_FILE)}`);
  } finally {
    if (interactive) bar.stop();
    process.removeListener('SIGINT', onSigint);
  }
}

const invokedDirectly = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  simulateCommand(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
