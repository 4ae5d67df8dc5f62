// Sends generated bad webhook requests to a running product over loopback HTTP and tallies how
// each was answered: status, whether the message named the problem, latency. Used by
// `npm run fuzz` and by the short form in test/integration/fuzz.test.ts.
import fc from 'fast-check';
import { quantileSorted } from 'simple-statistics';
import type { Provider } from '../helpdesks/index.js';
import { buildRequest, fuzzPlans, judge, type FuzzContext, type FuzzPlan } from './webhookFuzzCases.js';

export interface ProviderFuzzResult {
  provider: Provider;
  requests: number;
  /** Answered with a 4xx that is the expected one and names the problem. */
  passed: number;
  statuses: Record<string, number>;
  categories: Record<string, { requests: number; failed: number }>;
  latencyMs: { p50: number; p99: number; max: number };
  /** The first failures, with the request's category and variant, for reproduction. */
  failures: { category: string; variant: string; url: string; problem: string }[];
}

export interface FuzzRunOptions {
  baseUrl: string;
  ctx: FuzzContext;
  providers: readonly Provider[];
  perProvider: number;
  seed: number;
  concurrency: number;
  /** Called after each request (progress bars). */
  onRequest?: () => void;
  /** Called every `checkpointEvery` requests across the run (heap samples). */
  onCheckpoint?: (sent: number) => Promise<void>;
  checkpointEvery?: number;
}

const MAX_FAILURES_KEPT = 25;

/** The plans of one provider: deterministic under `seed`, so a failing run can be replayed. */
export function planFor(provider: Provider, options: { perProvider: number; seed: number; maxBodyBytes: number }): FuzzPlan[] {
  return fc.sample(fuzzPlans(provider, options.maxBodyBytes), { numRuns: options.perProvider, seed: options.seed });
}

export async function runWebhookFuzz(options: FuzzRunOptions): Promise<ProviderFuzzResult[]> {
  const results: ProviderFuzzResult[] = [];
  let sent = 0;
  for (const [index, provider] of options.providers.entries()) {
    const plans = planFor(provider, { perProvider: options.perProvider, seed: options.seed + index, maxBodyBytes: options.ctx.maxBodyBytes });
    const result: ProviderFuzzResult = { provider, requests: 0, passed: 0, statuses: {}, categories: {}, latencyMs: { p50: 0, p99: 0, max: 0 }, failures: [] };
    const latencies: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < plans.length) {
        const plan = plans[next++]!;
        const request = buildRequest(plan, options.ctx);
        const category = (result.categories[request.category] ??= { requests: 0, failed: 0 });
        const started = performance.now();
        let status = 0;
        let text = '';
        try {
          const response = await fetch(`${options.baseUrl}${request.url}`, { method: 'POST', headers: request.headers, body: Uint8Array.from(request.body) });
          status = response.status;
          text = await response.text();
        } catch (err) {
          text = `request failed: ${(err as Error).message}${(err as Error).cause ? ` (${String((err as Error).cause)})` : ''}`;
        }
        latencies.push(performance.now() - started);
        result.requests++;
        category.requests++;
        result.statuses[String(status)] = (result.statuses[String(status)] ?? 0) + 1;
        const verdict = status === 0 ? { ok: false, problem: text } : judge(request, status, text);
        if (verdict.ok) result.passed++;
        else {
          category.failed++;
          if (result.failures.length < MAX_FAILURES_KEPT) result.failures.push({ category: request.category, variant: request.variant, url: request.url, problem: verdict.problem! });
        }
        options.onRequest?.();
        sent++;
        if (options.onCheckpoint && options.checkpointEvery && sent % options.checkpointEvery === 0) await options.onCheckpoint(sent);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    latencies.sort((a, b) => a - b);
    if (latencies.length) result.latencyMs = { p50: quantileSorted(latencies, 0.5), p99: quantileSorted(latencies, 0.99), max: latencies.at(-1)! };
    results.push(result);
  }
  return results;
}
