// POST /v1/webhooks/:tenantId/:provider — verify, map, hand to the ticket lifecycles, then 202.
// Every failure happens before anything is written: 401 signature, 400 payload (naming the field),
// 404 tenant, 413 size, 415 content type, 503 when Temporal cannot take it (helpdesks retry).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type WebhookRequest } from '../../helpdesks/adapter.js';
import { isProvider, PROVIDERS, type Provider } from '../../helpdesks/index.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import { writeIgnoredWebhook } from '../../store/ignoredWebhooks.js';
import { activeWebhookSecrets } from '../../store/tenants.js';
import { ApiError, ErrorResponse } from '../errors.js';
import type { TenantDirectory } from '../tenantDirectory.js';
import { signalTicketEvents, type TicketSignalOptions } from '../ticketSignals.js';
import type { Metrics } from '../../runtime/metrics.js';

export interface WebhookRouteDeps {
  tenants: TenantDirectory;
  adapters: Record<Provider, HelpdeskAdapter>;
  writer: BatchingWriter;
  signals: TicketSignalOptions;
  maxBodyBytes: number;
  metrics: Metrics;
  rateLimits: { perIpPerMinute: number; perTenantPerMinute: number };
}

const Accepted = Type.Object({
  status: Type.Union([Type.Literal('accepted'), Type.Literal('ignored')]),
  eventIds: Type.Array(Type.String()),
  ticketIds: Type.Array(Type.String()),
  eventType: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
});

export const webhookRoutes: FastifyPluginAsync<WebhookRouteDeps> = async (app, deps) => {
  // Signatures are computed over the exact bytes received: keep the raw body, parse JSON ourselves.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: deps.maxBodyBytes }, (_req, body, done) => done(null, body));
  // Per IP (a misbehaving sender) and per tenant (one tenant cannot starve the others); both answer 429 + Retry-After.
  // (The plugin's route handler runs only the first limiter of a request, so both are checked here.)
  const limits = [
    { scope: 'IP', check: app.createRateLimit({ max: deps.rateLimits.perIpPerMinute, timeWindow: 60_000, keyGenerator: (request) => `ip:${request.ip}` }) },
    { scope: 'tenant', check: app.createRateLimit({ max: deps.rateLimits.perTenantPerMinute, timeWindow: 60_000, keyGenerator: (request) => `tenant:${(request.params as { tenantId?: string }).tenantId ?? ''}` }) },
  ];
  const rateLimited = async (request: FastifyRequest) => {
    for (const { scope, check } of limits) {
      const result = await check(request);
      if (!result.isAllowed && result.isExceeded) {
        throw new ApiError(429, 'rate_limited', `rate limit of ${result.max} webhooks per minute per ${scope} exceeded; retry after ${result.ttlInSeconds} s`, undefined, result.ttlInSeconds);
      }
    }
  };
  app.addHook('onResponse', async (request, reply) => {
    // Only known providers become label values: a label per unknown path segment grows the registry without bound.
    const requested = (request.params as { provider?: string }).provider ?? '';
    const provider = isProvider(requested) ? requested : 'unknown';
    deps.metrics.webhooks.inc({ provider, status: String(reply.statusCode) });
    deps.metrics.webhookAck.observe({ provider }, reply.elapsedTime / 1000);
  });

  app.post<{ Params: { tenantId: string; provider: Provider } }>(
    '/v1/webhooks/:tenantId/:provider',
    {
      bodyLimit: deps.maxBodyBytes,
      onRequest: rateLimited,
      schema: {
        summary: 'Receive a helpdesk webhook',
        description:
          'Providers: zendesk, intercom, freshdesk, helpscout, generic (Standard Webhooks signature over canonical events; see README). ' +
          'The 202 is sent only after Temporal accepted the events.',
        tags: ['webhooks'],
        params: Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 200 }), provider: Type.Union(PROVIDERS.map((p) => Type.Literal(p))) }),
        response: { 202: Accepted, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 429: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { tenantId, provider } = request.params;
      const tenant = await deps.tenants.get(tenantId);
      if (!tenant) throw new ApiError(404, 'tenant_not_found', `tenantId: no tenant "${tenantId}"`, 'tenantId');
      const rawBody = request.body as Buffer | undefined;
      if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
        throw new ApiError(415, 'unsupported_media_type', 'content-type: must be application/json', 'content-type');
      }
      if (!Buffer.isBuffer(rawBody) || rawBody.length === 0) throw new ApiError(400, 'invalid_payload', 'body: a JSON body is required', 'body');

      const now = Date.now();
      const webhook: WebhookRequest = {
        rawBody,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v])),
        receivedAt: new Date(now),
      };
      const secrets = activeWebhookSecrets(tenant, provider, now);
      if (secrets.length === 0) throw new ApiError(401, 'no_webhook_secret', `no ${provider} webhook secret is configured for tenant "${tenantId}"`);
      const adapter = deps.adapters[provider];
      let payload: unknown;
      let mapped;
      try {
        adapter.verify(webhook, secrets);
        try {
          payload = JSON.parse(rawBody.toString('utf8'));
        } catch (err) {
          throw new InvalidPayloadError('body', `body: not valid JSON (${(err as Error).message})`);
        }
        mapped = adapter.map(payload, webhook, tenantId);
      } catch (err) {
        if (err instanceof WebhookAuthError) throw new ApiError(401, 'invalid_signature', err.message);
        if (err instanceof InvalidPayloadError) throw new ApiError(400, 'invalid_payload', err.message, err.field);
        throw err;
      }

      if (mapped.outcome === 'ignored') {
        await writeIgnoredWebhook(deps.writer, { tenantId, provider, eventType: mapped.eventType, reason: mapped.reason, rawBody, receivedAtMs: now });
        return reply.status(202).send({ status: 'ignored', eventIds: [], ticketIds: [], eventType: mapped.eventType, reason: mapped.reason });
      }
      const ticketIds = await signalTicketEvents(deps.signals, mapped.events);
      // One line ties the request id to the tickets and events it carried (tracing a delivery through the logs).
      request.log.info({ tenantId, provider, ticketIds, eventIds: mapped.events.map((e) => e.eventId) }, 'webhook accepted');
      return reply.status(202).send({ status: 'accepted', eventIds: mapped.events.map((e) => e.eventId), ticketIds });
    },
  );
};
