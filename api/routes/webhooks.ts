// POST /v1/webhooks/:tenantId/:provider — verify, map, hand to the ticket lifecycles, then 202.
// Every failure happens before anything is written: 401 signature, 400 payload (naming the field),
// 404 tenant, 413 size, 415 content type, 503 when Temporal cannot take it (helpdesks retry).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type WebhookRequest } from '../../helpdesks/adapter.js';
import { PROVIDERS, type Provider } from '../../helpdesks/index.js';
import type { BatchingWriter } from '../../store/batchingWriter.js';
import { writeIgnoredWebhook } from '../../store/ignoredWebhooks.js';
import { activeWebhookSecrets } from '../../store/tenants.js';
import { ApiError, ErrorResponse } from '../errors.js';
import type { TenantDirectory } from '../tenantDirectory.js';
import { signalTicketEvents, type TicketSignalOptions } from '../ticketSignals.js';

export interface WebhookRouteDeps {
  tenants: TenantDirectory;
  adapters: Record<Provider, HelpdeskAdapter>;
  writer: BatchingWriter;
  signals: TicketSignalOptions;
  maxBodyBytes: number;
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

  app.post<{ Params: { tenantId: string; provider: Provider } }>(
    '/v1/webhooks/:tenantId/:provider',
    {
      bodyLimit: deps.maxBodyBytes,
      schema: {
        summary: 'Receive a helpdesk webhook',
        description:
          'Providers: zendesk, intercom, freshdesk, helpscout, generic (Standard Webhooks signature over canonical events; see README). ' +
          'The 202 is sent only after Temporal accepted the events.',
        tags: ['webhooks'],
        params: Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 200 }), provider: Type.Union(PROVIDERS.map((p) => Type.Literal(p))) }),
        response: { 202: Accepted, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 503: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { tenantId, provider } = request.params;
      const tenant = await deps.tenants.get(tenantId);
      if (!tenant) throw new ApiError(404, 'tenant_not_found', `tenantId: no tenant "${tenantId}"`, 'tenantId');
      const rawBody = request.body as Buffer | undefined;
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
      return reply.status(202).send({ status: 'accepted', eventIds: mapped.events.map((e) => e.eventId), ticketIds });
    },
  );
};
