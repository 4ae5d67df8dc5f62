import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { retryAfterMs, SupportloopClient, WebhookRejectedError, type WebhookEvent } from '../../../simulator/client.js';

// A local HTTP receiver standing in for the product's routes; each test scripts its answers.
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server;
let url: string;
let script: Handler[] = [];
let received: { method: string; path: string; headers: IncomingMessage['headers']; body: string; at: number }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, path: req.url!, headers: req.headers, body, at: Date.now() });
      const handler = script.shift() ?? ((_r, _b, response) => response.writeHead(500).end('unscripted'));
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  script = [];
  received = [];
});

const secret = `whsec_${Buffer.from('a-test-secret-of-enough-length!!').toString('base64')}`;
const tenants = [{ tenantId: 'acme', apiKey: 'key-acme', webhookSecret: secret }];
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Handler => (_req, _body, res) => res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
const event: WebhookEvent = { eventId: 'e1', kind: 'message.customer', ticketId: 't1', occurredAt: '2025-03-03T10:00:00.000Z', channel: 'email', tags: [], body: 'hello' };

describe('webhook delivery', () => {
  it('signs deliveries the Standard Webhooks way, on the tenant generic route', async () => {
    script = [json(202, { status: 'accepted' })];
    const client = new SupportloopClient({ url, tenants });
    await client.postEvents('acme', [event, { ...event, eventId: 'e2' }]);
    const [request] = received;
    expect(request).toMatchObject({ method: 'POST', path: '/v1/webhooks/acme/generic' });
    expect(JSON.parse(request!.body)).toEqual({ events: [event, { ...event, eventId: 'e2' }] });
    const verified = new Webhook(secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toEqual({ events: [event, { ...event, eventId: 'e2' }] });
    expect(client.stats).toMatchObject({ webhooks: 1, events: 2, retries: 0 });
  });

  it('sends a single event unwrapped', async () => {
    script = [json(202, {})];
    await new SupportloopClient({ url, tenants }).postEvents('acme', [event]);
    expect(JSON.parse(received[0]!.body)).toEqual(event);
  });

  it('retries 429 and 503 with the same webhook-id, honouring Retry-After', async () => {
    script = [json(429, { code: 'slow_down' }, { 'retry-after': '1' }), json(503, { code: 'temporal_unavailable' }), json(202, {})];
    const client = new SupportloopClient({ url, tenants });
    await client.postEvents('acme', [event]);
    expect(received).toHaveLength(3);
    expect(new Set(received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(950);
    expect(client.stats.retries).toBe(2);
  });

  it('does not retry a rejection, and says why', async () => {
    script = [json(401, { code: 'invalid_signature', message: 'bad signature' })];
    await expect(new SupportloopClient({ url, tenants }).postEvents('acme', [event])).rejects.toThrow(WebhookRejectedError);
    expect(received).toHaveLength(1);
  });

  it('gives up after maxAttempts', async () => {
    script = [json(500, {}), json(500, {})];
    await expect(new SupportloopClient({ url, tenants, maxAttempts: 2 }).postEvents('acme', [event])).rejects.toThrow(/after 2 attempts/);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('draft fetching', () => {
  it('polls through 404 until a suggestion appears, with the tenant API key', async () => {
    script = [json(404, { code: 'suggestion_not_found' }), json(404, { code: 'suggestion_not_found' }), json(200, { suggestionId: 's1', draft: 'Try this.' })];
    const draft = await new SupportloopClient({ url, tenants, draftPollMs: 10 }).fetchDraft('acme', 't 1');
    expect(draft).toMatchObject({ status: 'drafted', suggestionId: 's1', draft: 'Try this.' });
    expect(received[0]).toMatchObject({ method: 'GET', path: '/v1/tickets/t%201/suggestion' });
    expect(received[0]!.headers.authorization).toBe('Bearer key-acme');
  });

  it('waits for a suggestion newer than the previous one', async () => {
    script = [json(200, { suggestionId: 's1', draft: 'old' }), json(200, { suggestionId: 's2', draft: 'new' })];
    const draft = await new SupportloopClient({ url, tenants, draftPollMs: 10 }).fetchDraft('acme', 't1', 's1');
    expect(draft).toMatchObject({ status: 'drafted', suggestionId: 's2', draft: 'new' });
  });

  it("reads the product's {suggestion: …} answer and skips a suggestion drafted for an older message", async () => {
    script = [
      json(200, { suggestion: { suggestionId: 's-thanks', draft: 'Glad it worked!', messageAt: '2025-03-03T10:00:00.000Z' } }),
      json(200, { suggestion: { suggestionId: 's-reopen', draft: 'Sorry it is back.', messageAt: '2025-03-05T08:00:00.000Z' } }),
    ];
    const draft = await new SupportloopClient({ url, tenants, draftPollMs: 10 }).fetchDraft('acme', 't1', 's-first', '2025-03-05T08:00:00.000Z');
    expect(draft).toMatchObject({ status: 'drafted', suggestionId: 's-reopen', draft: 'Sorry it is back.' });
    expect(received).toHaveLength(2);
  });

  it('treats a missing route as "no drafts" and stops asking', async () => {
    script = [json(404, { statusCode: 404, code: 'route_not_found', message: 'no route' })];
    const client = new SupportloopClient({ url, tenants });
    expect((await client.fetchDraft('acme', 't1')).status).toBe('unavailable');
    expect((await client.fetchDraft('acme', 't2')).status).toBe('unavailable');
    expect(received).toHaveLength(1);
  });

  it('gives up with an empty draft after the timeout', async () => {
    script = Array.from({ length: 100 }, () => json(404, { code: 'suggestion_not_found' }));
    const started = Date.now();
    const draft = await new SupportloopClient({ url, tenants, draftTimeoutMs: 300, draftPollMs: 50 }).fetchDraft('acme', 't1');
    expect(draft).toMatchObject({ status: 'missing', draft: '', suggestionId: undefined });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
