// Tenant isolation for every route the API serves: tenant acme owns a ticket (events, suggestion,
// feedback, reward), an alert subscription and an alert; tenant globex's key asks for each of them by
// id and gets 404 — not 403, not data — and globex's list, aggregate and settings routes show none
// of acme's ids and change none of acme's data. The route list is read from /openapi.json, so a new
// route fails this test until it says how it is isolated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertState } from '../../domain/alerts.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { runSeriesPass } from '../../domain/spikeDetection.js';
import { writeAlerts } from '../../store/alerts.js';
import { writeDetectorStates } from '../../store/detectorState.js';
import { ADMIN_KEY, createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;
let globex: TestTenant;
const owned = { ticketId: 'T-iso-1', suggestionId: '', subscriptionId: '', silenceId: '', alertId: 'alert-acme-iso-1' };

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const inject = (method: string, url: string, key: string, payload?: unknown) =>
  sl.app!.inject({ method: method as 'GET', url, headers: bearer(key), ...(payload === undefined ? {} : { payload: payload as object }) });

async function postGeneric(tenant: TestTenant, events: unknown[]) {
  const body = JSON.stringify({ events });
  const res = await sl.app!.inject({ method: 'POST', url: `/v1/webhooks/${tenant.tenantId}/generic`, headers: signGeneric(tenant.webhookSecrets.generic!, body), payload: body });
  expect(res.statusCode).toBe(202);
}

const event = (eventId: string, kind: string, extra: Record<string, unknown> = {}) => ({ eventId, kind, ticketId: owned.ticketId, occurredAt: new Date().toISOString(), channel: 'email', tags: ['billing'], ...extra });

beforeAll(async () => {
  sl = await startTestSupportloop({ outcomeWindowSeconds: 2, detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
  globex = await createTenant(sl, 'globex');

  await postGeneric(acme, [
    event('iso-1', 'ticket.created', { subject: 'Invoice is wrong', customer: { customerId: 'c-iso', plan: 'pro' } }),
    event('iso-2', 'message.customer', { body: 'My invoice shows the wrong amount this month' }),
  ]);
  const suggestion = await eventually(async () => {
    const res = await inject('GET', `/v1/tickets/${owned.ticketId}/suggestion`, acme.apiKey);
    return res.statusCode === 200 ? (res.json() as { suggestion: { suggestionId: string } }).suggestion : undefined;
  }, 60_000);
  owned.suggestionId = suggestion.suggestionId;
  // The suggestion row reaches ClickHouse through the batching writer, shortly after the draft.
  await eventually(async () => ((await inject('POST', `/v1/suggestions/${encodeURIComponent(owned.suggestionId)}/feedback`, acme.apiKey, { rating: 'up' })).statusCode < 300 ? true : undefined));
  await postGeneric(acme, [event('iso-3', 'reply.agent', { body: 'Sorry about that, the corrected invoice is attached.' }), event('iso-4', 'ticket.solved')]);
  await eventually(async () => ((await inject('GET', `/v1/tickets/${owned.ticketId}/reward`, acme.apiKey)).statusCode === 200 ? true : undefined), 60_000);

  const subscription = await inject('POST', '/v1/alerts/subscriptions', acme.apiKey, { targetUrl: 'https://hooks.example.com/acme' });
  expect(subscription.statusCode).toBe(201);
  owned.subscriptionId = (subscription.json() as { subscriptionId: string }).subscriptionId;
  const silence = await inject('POST', '/v1/alerts/silences', acme.apiKey, { dimension: 'topic', values: ['billing'], durationMinutes: 600, comment: 'acme incident' });
  expect(silence.statusCode, silence.body).toBe(201);
  owned.silenceId = (silence.json() as { silenceId: string }).silenceId;

  const now = Date.now();
  const alert: AlertState = { alertId: owned.alertId, series: 'topic=billing', status: 'firing', severity: 'high', score: 0.99, observed: 12, expected: 2, lower: 0, upper: 5, startedAtMs: now, lastAnomalyAtMs: now, resolvedAtMs: null, notifiedSeverity: '', quietMinutes: 0, version: 1, contributors: [], countWindow: null };
  await writeAlerts(sl.writer, 'acme', [alert], now);
  // A watched series of acme's only (detection is off here): one hour of a tag no one else has.
  const pass = runSeriesPass({ series: 'tag=c-iso-watched', counts: new Map([[Math.floor(now / 60_000) * 60_000 - 60_000, 3]]), newSeriesFromMs: Math.floor(now / 60_000) * 60_000 - 3_600_000, untilMs: Math.floor(now / 60_000) * 60_000 - 60_000, alert: undefined }, now);
  await writeDetectorStates(sl.writer, 'acme', [{ series: 'tag=c-iso-watched', lastMinuteMs: pass.lastMinuteMs, lastEventMs: pass.lastMinuteMs, snapshot: pass.snapshot, definition: '' }], [], now);
  await eventually(async () => ((await inject('GET', '/v1/alerts/series', acme.apiKey)).body.includes('c-iso-watched') ? true : undefined));
  await eventually(async () => ((await inject('GET', '/v1/alerts', acme.apiKey)).body.includes(owned.alertId) ? true : undefined));
}, 180_000);
afterAll(async () => sl?.cleanup());

/** acme's ids that must never appear in anything globex's key receives. */
const acmeIds = () => [owned.ticketId, owned.suggestionId, owned.subscriptionId, owned.silenceId, owned.alertId, 'c-iso'];
const expectNoAcmeData = (body: string) => {
  for (const id of acmeIds()) expect(body, `leaks ${id}`).not.toContain(id);
};

type Check = () => Promise<void>;

/** A route addressed by one of acme's ids: acme's key gets it, globex's key gets 404 without data. */
function byId(method: string, url: () => string, payload?: unknown, ownerStatus = 200): Check {
  return async () => {
    const foreign = await inject(method, url(), globex.apiKey, payload);
    expect(foreign.statusCode, `${method} ${url()} with another tenant's key`).toBe(404);
    expectNoAcmeData(foreign.body.replaceAll(owned.ticketId, '').replaceAll(owned.suggestionId, '').replaceAll(owned.subscriptionId, '').replaceAll(owned.silenceId, '').replaceAll(owned.alertId, ''));
    if (method === 'GET') expect((await inject(method, url(), acme.apiKey, payload)).statusCode).toBe(ownerStatus);
  };
}

/** A tenant-wide route: globex's key sees only globex's (empty) data. */
function tenantWide(url: string): Check {
  return async () => {
    const res = await inject('GET', url, globex.apiKey);
    expect(res.statusCode, `GET ${url}`).toBe(200);
    expectNoAcmeData(res.body);
  };
}

/** A settings route: globex's PUT changes globex only. */
function settings(url: string, change: Record<string, unknown>): Check {
  return async () => {
    const before = (await inject('GET', url, acme.apiKey)).body;
    const put = await inject('PUT', url, globex.apiKey, change);
    expect(put.statusCode, `PUT ${url}: ${put.body}`).toBe(200);
    expect((await inject('GET', url, acme.apiKey)).body).toBe(before);
    expect((await inject('GET', url, globex.apiKey)).body).not.toBe(before);
  };
}

const last30Days = () => `from=${encodeURIComponent(new Date(Date.now() - 30 * 86_400_000).toISOString())}&to=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`;

const CHECKS: Record<string, Check> = {
  'GET /v1/tickets/{ticketId}': byId('GET', () => `/v1/tickets/${owned.ticketId}`),
  'GET /v1/tickets/{ticketId}/events': byId('GET', () => `/v1/tickets/${owned.ticketId}/events`),
  'GET /v1/tickets/{ticketId}/suggestion': byId('GET', () => `/v1/tickets/${owned.ticketId}/suggestion`),
  'GET /v1/tickets/{ticketId}/reward': byId('GET', () => `/v1/tickets/${owned.ticketId}/reward`),
  'POST /v1/suggestions/{suggestionId}/feedback': byId('POST', () => `/v1/suggestions/${encodeURIComponent(owned.suggestionId)}/feedback`, { rating: 'down' }),
  'GET /v1/alerts/{alertId}/deliveries': byId('GET', () => `/v1/alerts/${owned.alertId}/deliveries`),
  'DELETE /v1/alerts/subscriptions/{subscriptionId}': async () => {
    await byId('DELETE', () => `/v1/alerts/subscriptions/${owned.subscriptionId}`)();
    expect((await inject('GET', '/v1/alerts/subscriptions', acme.apiKey)).body).toContain(owned.subscriptionId);
  },
  'PATCH /v1/alerts/subscriptions/{subscriptionId}': async () => {
    await byId('PATCH', () => `/v1/alerts/subscriptions/${owned.subscriptionId}`, { targetUrl: 'https://hooks.example.com/globex' })();
    expect((await inject('GET', '/v1/alerts/subscriptions', acme.apiKey)).body).not.toContain('hooks.example.com/globex');
  },
  // acme's target (hooks.example.com) is never called: the lookup refuses first.
  'POST /v1/alerts/subscriptions/{subscriptionId}/test': byId('POST', () => `/v1/alerts/subscriptions/${owned.subscriptionId}/test`),
  'DELETE /v1/alerts/silences/{silenceId}': async () => {
    await byId('DELETE', () => `/v1/alerts/silences/${owned.silenceId}`)();
    expect((await inject('GET', '/v1/alerts/silences?state=active', acme.apiKey)).body).toContain(owned.silenceId);
  },
  'GET /v1/alerts/silences': tenantWide('/v1/alerts/silences'),
  'POST /v1/alerts/silences': async () => {
    const res = await inject('POST', '/v1/alerts/silences', globex.apiKey, { durationMinutes: 60, comment: 'globex maintenance' });
    expect(res.statusCode).toBe(201);
    expect((await inject('GET', '/v1/alerts/silences', acme.apiKey)).body).not.toContain('globex maintenance');
  },
  'GET /v1/alerts': tenantWide('/v1/alerts'),
  'GET /v1/alerts/series': tenantWide('/v1/alerts/series'),
  'GET /v1/alerts/subscriptions': tenantWide('/v1/alerts/subscriptions'),
  'POST /v1/alerts/subscriptions': async () => {
    const res = await inject('POST', '/v1/alerts/subscriptions', globex.apiKey, { targetUrl: 'https://hooks.example.com/globex' });
    expect(res.statusCode).toBe(201);
    expect((await inject('GET', '/v1/alerts/subscriptions', acme.apiKey)).body).not.toContain('hooks.example.com/globex');
  },
  'GET /v1/metrics/volume': async () => {
    const res = await inject('GET', `/v1/metrics/volume?${last30Days()}`, globex.apiKey);
    expect(res.statusCode).toBe(200);
    const mine = await inject('GET', `/v1/metrics/volume?${last30Days()}`, acme.apiKey);
    expect(mine.body).not.toBe(res.body);
    expect(JSON.stringify(res.json())).not.toMatch(/"count":[1-9]/);
  },
  'GET /v1/learning/model': tenantWide('/v1/learning/model'),
  'GET /v1/learning/policy-evaluation': tenantWide('/v1/learning/policy-evaluation'),
  'GET /v1/learning/clarify-by-topic': tenantWide('/v1/learning/clarify-by-topic'),
  'GET /v1/settings/reward-weights': tenantWide('/v1/settings/reward-weights'),
  'PUT /v1/settings/reward-weights': settings('/v1/settings/reward-weights', { csat: 0.05 }),
  'GET /v1/settings/bandit': tenantWide('/v1/settings/bandit'),
  'PUT /v1/settings/bandit': settings('/v1/settings/bandit', { epsilon: 0.05 }),
  'GET /v1/settings/holidays': tenantWide('/v1/settings/holidays'),
  'PUT /v1/settings/holidays': settings('/v1/settings/holidays', { dates: ['2031-12-24'] }),
  'GET /v1/settings/product-areas': tenantWide('/v1/settings/product-areas'),
  'PUT /v1/settings/product-areas': settings('/v1/settings/product-areas', { areas: [{ name: 'Payments', tags: ['billing'] }] }),
  'GET /v1/settings/holidays/days': async () => {
    expect((await inject('PUT', '/v1/settings/holidays', acme.apiKey, { dates: ['2031-03-03'] })).statusCode).toBe(200);
    const span = '/v1/settings/holidays/days?from=2031-01-01&to=2031-12-31';
    expect((await inject('GET', span, acme.apiKey)).body).toContain('2031-03-03');
    const foreign = await inject('GET', span, globex.apiKey);
    expect(foreign.statusCode).toBe(200);
    expect(foreign.body).not.toContain('2031-03-03');
  },
  'POST /v1/import/tickets': async () => {
    const before = (await inject('GET', `/v1/tickets/${owned.ticketId}/events`, acme.apiKey)).body;
    const at = new Date(Date.now() - 86_400_000).toISOString();
    const res = await inject('POST', '/v1/import/tickets', globex.apiKey, { tickets: [{ id: owned.ticketId, createdAt: at, subject: 'Globex ticket', body: 'same id, other tenant', reply: 'done', repliedAt: at, solvedAt: at }] });
    expect(res.statusCode, res.body).toBeLessThan(300);
    expect((await inject('GET', `/v1/tickets/${owned.ticketId}/events`, acme.apiKey)).body).toBe(before);
  },
  'POST /v1/webhooks/{tenantId}/{provider}': async () => {
    // Another tenant's secret cannot post into acme's door.
    const body = JSON.stringify({ events: [event('iso-x', 'message.customer', { body: 'not yours' })] });
    const res = await sl.app!.inject({ method: 'POST', url: `/v1/webhooks/acme/generic`, headers: signGeneric(globex.webhookSecrets.generic!, body), payload: body });
    expect(res.statusCode).toBe(401);
  },
};

/** Admin routes take the admin key only: a tenant key is refused whatever tenant it names. */
const ADMIN_ROUTES: Record<string, { method: string; url: string; payload?: unknown }> = {
  'GET /v1/admin/tenants': { method: 'GET', url: '/v1/admin/tenants' },
  'POST /v1/admin/tenants': { method: 'POST', url: '/v1/admin/tenants', payload: { tenantId: 'intruder' } },
  'POST /v1/admin/tenants/{tenantId}/api-keys': { method: 'POST', url: '/v1/admin/tenants/acme/api-keys' },
  'PUT /v1/admin/tenants/{tenantId}/webhook-secrets/{provider}': { method: 'PUT', url: '/v1/admin/tenants/acme/webhook-secrets/generic', payload: {} },
};

/** Routes that hold no tenant data. */
const UNSCOPED = new Set(['GET /healthz', 'GET /readyz']);

describe('tenant isolation on every route', () => {
  it('every route in the OpenAPI document has an isolation check', async () => {
    const doc = (await sl.app!.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`));
    const covered = new Set([...Object.keys(CHECKS), ...Object.keys(ADMIN_ROUTES), ...UNSCOPED]);
    expect(operations.filter((op) => !covered.has(op))).toEqual([]);
    expect([...covered].filter((op) => !operations.includes(op))).toEqual([]);
  });

  for (const [operation, check] of Object.entries(CHECKS)) {
    it(`${operation}: another tenant's key gets 404 or only its own data`, check, 30_000);
  }

  it('admin routes refuse a tenant key (and create nothing)', async () => {
    for (const [operation, route] of Object.entries(ADMIN_ROUTES)) {
      const res = await inject(route.method, route.url, acme.apiKey, route.payload);
      expect(res.statusCode, operation).toBe(401);
    }
    const tenants = await sl.app!.inject({ method: 'GET', url: '/v1/admin/tenants', headers: bearer(ADMIN_KEY) });
    expect(tenants.body).not.toContain('intruder');
  });
});
