// Bad input at the webhook door, on real engines: every malformed, truncated, replayed, unsigned,
// wrongly typed or over-limit request gets a 4xx naming the problem, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { createTenant, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ rateLimitPerTenantPerMinute: 40, detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
});
afterAll(async () => sl?.cleanup());

const valid = () => JSON.stringify({ eventId: `ok-${Math.random()}`, kind: 'message.customer', ticketId: 'A-1', occurredAt: new Date().toISOString(), channel: 'email', tags: [], body: 'hello' });
const totalEvents = async () => Number((await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = 'acme'`))[0]!.n);

describe('webhook abuse', () => {
  it('rejects each kind of bad request with a 4xx that names the problem, writing nothing', async () => {
    const body = valid();
    const secret = acme.webhookSecrets.generic!;
    const cases: { name: string; headers: Record<string, string>; payload: string; status: number; message: RegExp }[] = [
      { name: 'truncated JSON', headers: signGeneric(secret, body.slice(0, 40)), payload: body.slice(0, 40), status: 400, message: /body/ },
      { name: 'tampered body', headers: signGeneric(secret, body), payload: body.replace('hello', 'HELLO'), status: 401, message: /signature/ },
      { name: 'replayed with an old timestamp', headers: signGeneric(secret, body, { at: new Date(Date.now() - 3600_000) }), payload: body, status: 401, message: /timestamp/ },
      { name: 'missing signature header', headers: { 'content-type': 'application/json', 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)) }, payload: body, status: 401, message: /webhook-signature/ },
      { name: 'wrong content type', headers: { ...signGeneric(secret, body), 'content-type': 'text/plain' }, payload: body, status: 415, message: /content-type|media type/i },
      { name: 'unknown kind', headers: signGeneric(secret, body.replace('message.customer', 'message.alien')), payload: body.replace('message.customer', 'message.alien'), status: 400, message: /kind/ },
      { name: 'wrong field type', headers: signGeneric(secret, body.replace('"tags":[]', '"tags":"x"')), payload: body.replace('"tags":[]', '"tags":"x"'), status: 400, message: /tags/ },
    ];
    const before = await totalEvents();
    for (const c of cases) {
      const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: c.headers, payload: c.payload });
      expect(res.statusCode, `${c.name}: ${res.body}`).toBe(c.status);
      expect(res.json().message, c.name).toMatch(c.message);
    }
    const unknownProvider = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/jira', headers: signGeneric(secret, body), payload: body });
    expect(unknownProvider.statusCode).toBe(400);
    expect(unknownProvider.json().field).toMatch(/provider/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await totalEvents()).toBe(before);
  });

  it('rate-limits a tenant with 429 and Retry-After, and counts it in /metrics', async () => {
    let limited;
    for (let i = 0; i < 60 && !limited; i++) {
      const body = valid();
      const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(acme.webhookSecrets.generic!, body), payload: body });
      if (res.statusCode === 429) limited = res;
    }
    expect(limited, 'no 429 within 60 requests').toBeDefined();
    expect(Number(limited!.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited!.json().code).toBe('rate_limited');
    const metrics = await sl.app!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(/supportloop_webhooks_total\{provider="generic",status="429"\} \d+/);
    expect(metrics.body).toMatch(/supportloop_webhook_ack_seconds_bucket/);
  });
});
