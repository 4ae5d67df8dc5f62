// Bad input at the webhook door, on real engines: every malformed, truncated, replayed, unsigned,
// wrongly typed or over-limit request gets a 4xx naming the problem, and nothing is written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

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

  it('stores text holding half an emoji (a lone surrogate) with U+FFFD, without failing the rows it is written with', async () => {
    // JSON may carry \ud83d alone; ClickHouse refuses such a row, and a refused row used to fail its whole batch.
    const half = JSON.stringify({ eventId: 'half-emoji-1', kind: 'message.customer', ticketId: 'H-1', occurredAt: new Date().toISOString(), channel: 'email', tags: [], body: 'broken \ud83d here' });
    expect(half).toContain('\\ud83d');
    const whole = JSON.stringify({ eventId: 'whole-1', kind: 'message.customer', ticketId: 'H-2', occurredAt: new Date().toISOString(), channel: 'email', tags: [], body: 'fine 😀' });
    const secret = acme.webhookSecrets.generic!;
    const [a, b] = await Promise.all([half, whole].map((payload) => sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(secret, payload), payload })));
    expect([a!.statusCode, b!.statusCode]).toEqual([202, 202]);
    const imported = await sl.app!.inject({
      method: 'POST',
      url: '/v1/import/tickets',
      headers: { authorization: `Bearer ${acme.apiKey}`, 'content-type': 'application/json' },
      payload: '{"tickets":[{"id":"H-3","createdAt":"2026-01-01T00:00:00Z","body":"cut \\udc00 off","reply":"ok"}]}',
    });
    expect(imported.statusCode, imported.body).toBe(200);
    const bodies = await eventually(async () => {
      const rows = await sl.ch.query<{ ticket_id: string; body: string }>(
        `SELECT ticket_id, body FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = 'acme' AND ticket_id IN ('H-1', 'H-2', 'H-3') AND kind = 'message.customer' ORDER BY ticket_id`,
      );
      return rows.length === 3 ? rows.map((r) => r.body) : undefined;
    });
    expect(bodies).toEqual(['broken \ufffd here', 'fine 😀', 'cut \ufffd off']);
  });

  it('query strings: unknown parameters, impossible times and non-finite numbers are 400s naming the parameter; a plain date is a time', async () => {
    const get = (url: string) => sl.app!.inject({ method: 'GET', url, headers: { authorization: `Bearer ${acme.apiKey}` } });
    const cases: [string, string, RegExp][] = [
      ['/v1/learning/model?asof=2026-01-01', 'querystring.asof', /is not a known field/],
      ['/v1/learning/model?asOf=2016-12-31T23:59:60Z', 'querystring.asOf', /RFC 3339 date-time.*or a date/],
      ['/v1/learning/model?asOf=2024-02-30', 'querystring.asOf', /RFC 3339/],
      ['/v1/learning/policy-evaluation?trainShare=Infinity', 'querystring.trainShare', /finite number/],
      ['/v1/tickets/A-1/events?limit=Infinity', 'querystring.limit', /finite number/],
      ['/v1/metrics/volume?from=0000-01-01T00:30:00%2B01:00&to=2026-01-01T00:00:00Z', 'querystring.from', /between 1970 and 2105/],
      ['/v1/metrics/volume?from=2026-01-01&to=2026-01-02&interval=week', 'querystring.interval', /must be one of "minute", "hour", "day"/],
    ];
    for (const [url, field, message] of cases) {
      const res = await get(url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(res.json().field, url).toBe(field);
      expect(res.json().message, url).toMatch(message);
    }
    const model = await get('/v1/learning/model?asOf=2026-11-20');
    expect(model.statusCode, model.body).toBe(200);
    expect(model.json().asOf).toBe('2026-11-20T00:00:00.000Z');
    expect((await get('/v1/metrics/volume?from=2026-01-01&to=2026-01-02')).statusCode).toBe(200);
    const feedback = await sl.app!.inject({ method: 'POST', url: '/v1/suggestions/any/feedback', headers: { authorization: `Bearer ${acme.apiKey}` }, payload: { rating: 'meh' } });
    expect(feedback.json()).toMatchObject({ statusCode: 400, field: 'rating', message: 'rating: must be one of "up", "down"' });
  });

  it('event times the store would mangle are refused at the door, naming the field', async () => {
    const secret = acme.webhookSecrets.generic!;
    const before = await totalEvents();
    for (const occurredAt of ['2024-02-30T10:00:00Z', '0000-01-01T00:30:00+01:00', '0000-01-01T00:00:00Z', '2016-12-31T23:59:60Z']) {
      const payload = valid().replace(/"occurredAt":"[^"]+"/, `"occurredAt":"${occurredAt}"`);
      const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(secret, payload), payload });
      expect(res.statusCode, `${occurredAt}: ${res.body}`).toBe(400);
      expect(res.json().message, occurredAt).toMatch(/occurredAt/);
    }
    expect(await totalEvents()).toBe(before);
  });

  it('JSON bodies are taken as typed: null or true where a number belongs is a 400 naming the field, not a stored 0 or 1', async () => {
    const put = (payload: object) => sl.app!.inject({ method: 'PUT', url: '/v1/settings/reward-weights', headers: { authorization: `Bearer ${acme.apiKey}` }, payload });
    for (const [field, value] of [['csat', null], ['escalation', true], ['perFollowUp', '0.2']] as const) {
      const res = await put({ [field]: value });
      expect(res.statusCode, `${field}=${JSON.stringify(value)}: ${res.body}`).toBe(400);
      expect(res.json().field).toBe(field);
    }
    const before = (await sl.app!.inject({ method: 'GET', url: '/v1/settings/reward-weights', headers: { authorization: `Bearer ${acme.apiKey}` } })).body;
    expect(before).not.toMatch(/"escalation":1\b/);
    expect((await put({ csat: 0.3 })).statusCode).toBe(200);
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
