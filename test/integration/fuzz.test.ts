// Short form of `npm run fuzz` on real engines: generated bad webhook requests for every provider
// each get the expected 4xx naming the problem, nothing is written, no workflow starts; and the
// OpenAPI-driven fuzzer (schemathesis) finds no 5xx on any route.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, type Provider } from '../../helpdesks/index.js';
import { snapshotChanges, snapshotProduct } from '../../resilience/productSnapshot.js';
import { ensureSchemathesis, runSchemathesis } from '../../resilience/schemathesis.js';
import { runWebhookFuzz } from '../../resilience/webhookFuzzRun.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { ADMIN_KEY, createTenant, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
});
afterAll(async () => sl?.cleanup());

describe('webhook fuzz (short form)', () => {
  it('answers 300 generated bad requests per provider with the expected 4xx naming the problem, and writes nothing', async () => {
    const before = await snapshotProduct(sl);
    const results = await runWebhookFuzz({
      baseUrl: sl.url!,
      ctx: { tenantId: acme.tenantId, secrets: acme.webhookSecrets as Record<Provider, string>, maxBodyBytes: sl.config.webhookMaxBodyBytes, toleranceSeconds: sl.config.webhookToleranceSeconds },
      providers: PROVIDERS,
      perProvider: 300,
      seed: 7,
      concurrency: 8,
    });
    for (const r of results) {
      expect(r.failures, `${r.provider}: ${JSON.stringify(r.failures.slice(0, 5), null, 1)}`).toEqual([]);
      expect(r.passed).toBe(300);
      expect(Object.keys(r.statuses).every((s) => s.startsWith('4'))).toBe(true);
      // Every category the provider's scheme has was generated.
      expect(Object.keys(r.categories).length).toBeGreaterThanOrEqual(8);
    }
    // Let the batching writer flush anything it might have been handed.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(snapshotChanges(before, await snapshotProduct(sl))).toEqual({});
    expect((await fetch(`${sl.url}/healthz`)).status).toBe(200);
    // Unknown provider path segments must not become metric labels (one series each would grow memory without bound).
    const labels = new Set([...(await (await fetch(`${sl.url}/metrics`)).text()).matchAll(/supportloop_webhooks_total\{provider="([^"]*)"/g)].map((m) => m[1]));
    expect([...labels].filter((l) => ![...PROVIDERS, 'unknown'].includes(l!))).toEqual([]);
    expect(labels.has('unknown')).toBe(true);
  });
});

describe('OpenAPI fuzz (short form)', () => {
  it('schemathesis finds no server error on any documented route', async () => {
    const bin = await ensureSchemathesis({ toolsDir: sl.config.toolsDir, log: () => {} });
    const summary = await runSchemathesis({ bin, baseUrl: sl.url!, apiKey: acme.apiKey, adminKey: ADMIN_KEY, maxExamples: 5, seed: 1 });
    expect(summary.operations, summary.output).toBeGreaterThan(10);
    expect(summary.serverErrors, summary.output).toEqual([]);
    expect(summary.exitCode, summary.output).toBe(0);
  }, 600_000);
});
