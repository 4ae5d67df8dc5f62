// Tenant administration behind the admin key: create tenants, issue API keys, set or rotate webhook
// secrets with an overlap window. Keys and generated secrets are shown once, in the response.
import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { generateWebhookSecret, PROVIDERS, webhookSecretProblem, type Provider } from '../../helpdesks/index.js';
import type { ClickHouse } from '../../store/clickhouse.js';
import { getTenant, hashApiKey, listTenants, saveTenant, withRotatedSecret } from '../../store/tenants.js';
import { ApiError, ErrorResponse } from '../errors.js';
import type { TenantDirectory } from '../tenantDirectory.js';

export const newApiKey = () => `sl_${randomBytes(32).toString('base64url')}`;

/** Store a new tenant with a fresh API key and one generated webhook secret per provider; returns them (shown once). */
export async function provisionTenant(ch: ClickHouse, tenantId: string, name: string): Promise<{ apiKey: string; webhookSecrets: Record<Provider, string> }> {
  const apiKey = newApiKey();
  const webhookSecrets = Object.fromEntries(PROVIDERS.map((p) => [p, generateWebhookSecret(p)])) as Record<Provider, string>;
  await saveTenant(
    ch,
    {
      tenantId,
      name,
      apiKeyHashes: [hashApiKey(apiKey)],
      webhookSecrets: Object.fromEntries(Object.entries(webhookSecrets).map(([p, secret]) => [p, [{ secret, notAfter: null }]])),
      disabled: false,
    },
    Date.now(),
  );
  return { apiKey, webhookSecrets };
}

const TenantId = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' });
const ProviderParam = Type.Union(PROVIDERS.map((p) => Type.Literal(p)));
const Created = Type.Object({ tenantId: Type.String(), apiKey: Type.String(), webhookSecrets: Type.Record(Type.String(), Type.String()) });

export const adminRoutes: FastifyPluginAsync<{ ch: ClickHouse; tenants: TenantDirectory; onTenantCreated: (tenantId: string) => Promise<void> }> = async (app, { ch, tenants, onTenantCreated }) => {
  const security = [{ adminKey: [] }];
  const mustExist = async (tenantId: string) => {
    const tenant = await getTenant(ch, tenantId);
    if (!tenant) throw new ApiError(404, 'tenant_not_found', `tenantId: no tenant "${tenantId}"`, 'tenantId');
    return tenant;
  };

  app.get('/v1/admin/tenants', { schema: { summary: 'List tenants', tags: ['admin'], security, response: { 200: Type.Object({ tenants: Type.Array(Type.Object({ tenantId: Type.String(), name: Type.String(), providers: Type.Array(Type.String()) })) }), 401: ErrorResponse, 403: ErrorResponse } } }, async () => ({
    tenants: (await listTenants(ch)).map((t) => ({ tenantId: t.tenantId, name: t.name, providers: Object.keys(t.webhookSecrets) })),
  }));

  app.post<{ Body: { tenantId: string; name?: string } }>(
    '/v1/admin/tenants',
    {
      schema: {
        summary: 'Create a tenant with an API key and a webhook secret per provider',
        tags: ['admin'],
        security,
        body: Type.Object({ tenantId: TenantId, name: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false }),
        response: { 201: Created, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { tenantId, name } = request.body;
      if (await getTenant(ch, tenantId)) throw new ApiError(409, 'tenant_exists', `tenantId: tenant "${tenantId}" already exists`, 'tenantId');
      const { apiKey, webhookSecrets } = await provisionTenant(ch, tenantId, name ?? tenantId);
      await tenants.refresh();
      // The key is shown only in this answer: a failure to start the tenant's detection schedule
      // (Temporal unreachable) must not lose it. Every start ensures every tenant's schedule again.
      await onTenantCreated(tenantId).catch((err: unknown) => request.log.warn({ err, tenantId }, 'tenant created; its detection schedule will be started at the next start'));
      return reply.status(201).send({ tenantId, apiKey, webhookSecrets });
    },
  );

  app.post<{ Params: { tenantId: string } }>(
    '/v1/admin/tenants/:tenantId/api-keys',
    { schema: { summary: 'Issue an additional API key', tags: ['admin'], security, params: Type.Object({ tenantId: TenantId }), response: { 201: Type.Object({ tenantId: Type.String(), apiKey: Type.String() }), 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse } } },
    async (request, reply) => {
      const tenant = await mustExist(request.params.tenantId);
      const apiKey = newApiKey();
      await saveTenant(ch, { ...tenant, apiKeyHashes: [...tenant.apiKeyHashes, hashApiKey(apiKey)] }, Date.now());
      await tenants.refresh();
      return reply.status(201).send({ tenantId: tenant.tenantId, apiKey });
    },
  );

  app.put<{ Params: { tenantId: string; provider: Provider }; Body: { secret?: string; overlapSeconds?: number } }>(
    '/v1/admin/tenants/:tenantId/webhook-secrets/:provider',
    {
      schema: {
        summary: "Set or rotate a provider's webhook secret",
        description:
          'Omit `secret` to have one generated. A given secret must not start or end with whitespace or contain control characters; `helpscout` secrets are at most 40 characters; `generic` secrets are Standard Webhooks secrets, `whsec_` + base64 of 24–64 bytes. Previous secrets keep verifying for `overlapSeconds` (default 86400) so the helpdesk can be switched over without losing deliveries.',
        tags: ['admin'],
        security,
        params: Type.Object({ tenantId: TenantId, provider: ProviderParam }),
        body: Type.Object({ secret: Type.Optional(Type.String({ minLength: 8, maxLength: 500 })), overlapSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 30 * 86400 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ tenantId: Type.String(), provider: Type.String(), secret: Type.String(), previousValidUntil: Type.String() }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { tenantId, provider } = request.params;
      const given = request.body?.secret;
      const problem = given === undefined ? undefined : webhookSecretProblem(provider, given);
      if (problem) throw new ApiError(400, 'invalid_request', `secret: ${problem}`, 'secret');
      const tenant = await mustExist(tenantId);
      const secret = given ?? generateWebhookSecret(provider);
      const overlap = request.body?.overlapSeconds ?? 86_400;
      const now = Date.now();
      await saveTenant(ch, withRotatedSecret(tenant, provider, secret, now, overlap), now);
      await tenants.refresh();
      return { tenantId, provider, secret, previousValidUntil: new Date(now + overlap * 1000).toISOString() };
    },
  );
};
