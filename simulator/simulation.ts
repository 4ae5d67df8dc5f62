// The simulator's programmatic entry point (the CLI and benchmarks call it): plan the stream, play
// the tickets against a running product with N concurrent "agents" in arrival order, and collect
// the ground truth — streamed to JSONL as tickets finish, summarised at the end.
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { ProductArea } from '../domain/productAreas.js';
import { SupportloopClient, type TenantCredentials } from './client.js';
import { summarise, toJsonLine, type SimulationSummary, type TicketTruth } from './groundTruth.js';
import { playTicket, type HelpdeskConnection } from './simulatedTicket.js';
import { planSimulation, type PlanOptions, type SimulationPlan } from './ticketPlan.js';

export interface SimulationOptions extends Omit<PlanOptions, 'tenantIds'> {
  /** Base URL of the product's API, e.g. http://127.0.0.1:8080. */
  url: string;
  /** One entry per simulated tenant; each needs its API key and generic webhook secret. */
  tenants: TenantCredentials[];
  /** Tickets in flight at once (default 8). Tickets start in arrival order. */
  concurrency?: number;
  /** Wait this long for each draft before treating it as empty (default 5000 ms). */
  draftTimeoutMs?: number;
  /** Write ground-truth.jsonl (as tickets finish) and summary.json here. */
  outDir?: string;
  /** Called as each ticket finishes (completion order). */
  onTicket?: (ticket: TicketTruth, done: number, total: number) => void;
  /** Stop starting new tickets; those in flight finish. */
  signal?: AbortSignal;
  /**
   * The simulated tenants the stream is planned for (default: the credentials' tenant ids); the i-th
   * one's tickets go to tenants[i]. The same seed and planTenantIds give the same stream whichever
   * product tenant plays it (two product tenants fed one stream to compare their settings).
   */
  planTenantIds?: string[];
  /** Play only the planned tickets with index in [from, to) (e.g. the stream's continuation in a second phase). */
  ticketRange?: { from: number; to: number };
  /** Product areas to save first for each tenant that has none of its own (topics.ts PRODUCT_AREAS). */
  productAreas?: readonly ProductArea[];
}

export interface SimulationResult {
  plan: SimulationPlan;
  /** Ground truth of every played ticket, in arrival order. */
  tickets: TicketTruth[];
  summary: SimulationSummary & {
    seed: number;
    runId: string;
    heldOut: SimulationPlan['heldOut'];
    practiceChange: SimulationPlan['practiceChange'];
    /** The tenants this run saved product areas for (the others had their own). */
    productAreasSavedFor: string[];
    wallSeconds: number;
    http: SupportloopClient['stats'];
  };
}

export const GROUND_TRUTH_FILE = 'ground-truth.jsonl';
export const SUMMARY_FILE = 'summary.json';

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const started = performance.now();
  const productTenants = options.tenants.map((t) => t.tenantId);
  const planTenants = options.planTenantIds ?? productTenants;
  if (planTenants.length !== productTenants.length) throw new Error(`planTenantIds has ${planTenants.length} tenants for ${productTenants.length} credentials`);
  const planned = planSimulation({ ...options, tenantIds: planTenants });
  const range = options.ticketRange ?? { from: 0, to: planned.tickets.length };
  const plan: SimulationPlan = {
    ...planned,
    tickets: planned.tickets.slice(range.from, range.to).map((t) => ({ ...t, tenantId: productTenants[planTenants.indexOf(t.tenantId)]! })),
  };
  const client = new SupportloopClient({ url: options.url, tenants: options.tenants, draftTimeoutMs: options.draftTimeoutMs });
  const productAreasSavedFor: string[] = [];
  for (const tenantId of options.productAreas ? productTenants : []) {
    if (await client.defineProductAreas(tenantId, options.productAreas!)) productAreasSavedFor.push(tenantId);
  }
  let out: WriteStream | undefined;
  if (options.outDir) {
    mkdirSync(options.outDir, { recursive: true });
    out = createWriteStream(path.join(options.outDir, GROUND_TRUTH_FILE));
  }
  const tickets = await playAll(plan, client, options, out);
  if (out) {
    const stream = out;
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject);
      stream.end(() => resolve());
    });
  }
  const summary = {
    seed: options.seed,
    runId: plan.tickets[0]?.ticketId.replace(/-\d+$/, '') ?? '',
    heldOut: plan.heldOut,
    practiceChange: plan.practiceChange,
    ...summarise(tickets),
    productAreasSavedFor,
    wallSeconds: (performance.now() - started) / 1000,
    http: { ...client.stats },
  };
  if (options.outDir) writeFileSync(path.join(options.outDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
  return { plan, tickets, summary };
}

/** Play every planned ticket with `concurrency` workers; the first failure stops new tickets and is rethrown. */
async function playAll(plan: SimulationPlan, connection: HelpdeskConnection, options: SimulationOptions, out: WriteStream | undefined): Promise<TicketTruth[]> {
  const results: TicketTruth[] = [];
  let next = 0;
  let failure: unknown;
  const concurrency = Math.max(1, options.concurrency ?? 8);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, plan.tickets.length) }, async () => {
      while (next < plan.tickets.length && failure === undefined && !options.signal?.aborted) {
        const ticket = plan.tickets[next++]!;
        try {
          const truth = await playTicket(ticket, connection, options.seed);
          results.push(truth);
          out?.write(toJsonLine(truth));
          options.onTicket?.(truth, results.length, plan.tickets.length);
        } catch (err) {
          failure ??= err;
        }
      }
    }),
  );
  if (failure !== undefined) throw failure;
  return results.sort((a, b) => a.index - b.index);
}
