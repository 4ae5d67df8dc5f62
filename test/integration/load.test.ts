// Short form of `npm run load` on real engines: ~20 s of open-loop signed webhooks at a low fixed
// rate; every request acknowledged (error rate 0), and the worker lag drains to zero afterwards
// (every acknowledged event reaches ClickHouse).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoadLevel } from '../../resilience/loadRun.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { createTenant, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
});
afterAll(async () => sl?.cleanup());

describe('sustained webhook load (short form)', () => {
  it('acknowledges every webhook at 8/s for 20 s and the worker catches up', async () => {
    const result = await runLoadLevel({
      sl, url: sl.url!, tenantId: 'acme', secret: acme.webhookSecrets.generic!, label: 'ci', ratePerSecond: 8, durationSeconds: 20,
      tickets: 40, bodies: ['I was charged twice', 'cannot log in', 'where is my order?'], sampleSeconds: 2, maxDrainSeconds: 90, maxInFlight: 200,
    });
    expect(result.planned).toBe(160);
    expect(result.sent).toBe(160);
    expect(result.errors, JSON.stringify(result.errorKinds)).toBe(0);
    expect(result.acked).toBe(160);
    expect(result.drainedAfterSeconds, `${result.pendingAtEnd} acked events never reached ClickHouse`).not.toBeNull();
    expect(result.samples.at(-1)!.workerLagSeconds).toBe(0);
    // Lag was measured, not assumed: events were pending at some point during the run.
    expect(Math.max(...result.samples.map((s) => s.pending))).toBeGreaterThan(0);
    expect(result.maxActiveParts).toBeGreaterThan(0);
    expect(result.maxClickhouseMemoryMb).toBeGreaterThan(0);
    expect(result.ackP99Ms).toBeGreaterThan(0);
  }, 180_000);
});
