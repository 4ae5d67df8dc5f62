// buildApp(deps): the whole HTTP surface as one fastify instance, separate from listen() so tests
// use app.inject() against real engines. Route groups are encapsulated plugins with full schemas;
// the OpenAPI document is generated from them at /openapi.json.
import AjvCompiler from '@fastify/ajv-compiler';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { TenantLearners } from '../activities/tenantLearners.js';
import type { HelpdeskAdapter } from '../helpdesks/adapter.js';
import type { Provider } from '../helpdesks/index.js';
import { rowsRefused, type BatchingWriter } from '../store/batchingWriter.js';
import { StoreError, type ClickHouse } from '../store/clickhouse.js';
import { adminAuth, tenantAuth } from './auth.js';
import { ApiError, ErrorResponse, handleError } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { alertRoutes } from './routes/alerts.js';
import { alertSeriesRoutes } from './routes/alertSeries.js';
import { alertSilenceRoutes } from './routes/alertSilences.js';
import { healthRoutes, type DependencyChecks } from './routes/health.js';
import { importRoutes } from './routes/import.js';
import { metricsRoutes } from './routes/metrics.js';
import { learningRoutes } from './routes/learning.js';
import { outcomeRoutes } from './routes/outcomes.js';
import { suggestionRoutes } from './routes/suggestions.js';
import { ticketRoutes } from './routes/tickets.js';
import { webhookRoutes } from './routes/webhooks.js';
import type { TenantDirectory } from './tenantDirectory.js';
import type { TicketSignalOptions } from './ticketSignals.js';
import type { Metrics } from '../runtime/metrics.js';
import rateLimit from '@fastify/rate-limit';
import { INSTANT_FORMAT, instantFormat } from './querySchemas.js';

export interface AppDeps {
  ch: ClickHouse;
  learners: TenantLearners;
  writer: BatchingWriter;
  tenants: TenantDirectory;
  adapters: Record<Provider, HelpdeskAdapter>;
  signals: TicketSignalOptions;
  checks: DependencyChecks;
  adminKey: string | undefined;
  /** Per-tenant set-up beyond the tenants table (the detection schedule). */
  onTenantCreated: (tenantId: string) => Promise<void>;
  maxBodyBytes: number;
  logLevel: string;
  metrics: Metrics;
  rateLimits: { perIpPerMinute: number; perTenantPerMinute: number };
  /** SUPPORTLOOP_GRAFANA_URL: alerts link to the Anomalies dashboard when set. */
  grafanaUrl?: string;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: deps.logLevel },
    // Request ids flow into every log line; a helpdesk's own delivery id is not trusted as ours.
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false, formats: { [INSTANT_FORMAT]: instantFormat } } },
    // Query strings, params and headers arrive as text, so "5" must become 5; a JSON body already has
    // types, and coercing it turned `null` or `true` into a stored 0 or 1. Bodies are validated as sent.
    schemaController: {
      compilersFactory: {
        buildValidator(externalSchemas, ajvOptions) {
          const options = ajvOptions as { customOptions: Record<string, unknown> };
          const compilers = AjvCompiler();
          const textParts = compilers(externalSchemas, options);
          const bodies = compilers(externalSchemas, { ...options, customOptions: { ...options.customOptions, coerceTypes: false } });
          return (route) => (route.httpPart === 'body' ? bodies : textParts)(route);
        },
      },
    },
  });
  app.addSchema(ErrorResponse);
  app.addHook('preValidation', refuseNonFiniteQueryNumbers);
  app.setErrorHandler((error, request, reply) => {
    // A store that cannot write is a temporary condition: tell the caller to retry. Rows ClickHouse
    // refused for their content would be refused again: that is our validation's gap, a 500.
    if (error instanceof StoreError && !rowsRefused(error)) return handleError(new ApiError(503, 'clickhouse_unavailable', `${error.message}; retry later`, undefined, 5), request, reply);
    return handleError(error as Error, request, reply);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ statusCode: 404, code: 'route_not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  await app.register(swagger, {
    openapi: {
      // 3.1: its Schema Object is JSON Schema 2020-12, what TypeBox emits (numeric exclusiveMinimum, null types); 3.0 readers reject those.
      openapi: '3.1.0',
      info: { title: 'supportloop API', version: '0.1.0', description: 'Helpdesk webhooks in; ticket state, metrics and learning out.' },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'tenant API key' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'SUPPORTLOOP_ADMIN_KEY' },
        },
      },
    },
  });

  // Limits are applied per route (webhooks: per IP and per tenant); the plugin only provides the handlers.
  await app.register(rateLimit, { global: false });
  await app.register(healthRoutes, { checks: deps.checks });
  // Prometheus scrape endpoint (like /healthz, meant for the internal network).
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  await app.register(webhookRoutes, { tenants: deps.tenants, adapters: deps.adapters, writer: deps.writer, signals: deps.signals, maxBodyBytes: deps.maxBodyBytes, metrics: deps.metrics, rateLimits: deps.rateLimits });
  await app.register(async (tenantScoped) => {
    tenantScoped.addHook('onRequest', tenantAuth(deps.tenants));
    await tenantScoped.register(ticketRoutes, { ch: deps.ch });
    await tenantScoped.register(metricsRoutes, { ch: deps.ch });
    await tenantScoped.register(suggestionRoutes, { ch: deps.ch, writer: deps.writer, learners: deps.learners });
    await tenantScoped.register(importRoutes, { ch: deps.ch, writer: deps.writer, learners: deps.learners });
    await tenantScoped.register(alertRoutes, { ch: deps.ch, grafanaUrl: deps.grafanaUrl });
    await tenantScoped.register(alertSilenceRoutes, { ch: deps.ch });
    await tenantScoped.register(alertSeriesRoutes, { ch: deps.ch });
    await tenantScoped.register(outcomeRoutes, { ch: deps.ch });
    await tenantScoped.register(learningRoutes, { ch: deps.ch, learners: deps.learners });
  });
  await app.register(async (admin) => {
    admin.addHook('onRequest', adminAuth(deps.adminKey));
    await admin.register(adminRoutes, { ch: deps.ch, tenants: deps.tenants, onTenantCreated: deps.onTenantCreated });
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.ready();
  return app;
}

/** preValidation hook: numeric query parameters must be finite numbers before ajv coerces them (its coercion lets `Infinity` past every bound). */
async function refuseNonFiniteQueryNumbers(request: FastifyRequest): Promise<void> {
  const properties = (request.routeOptions.schema?.querystring as { properties?: Record<string, { type?: string }> } | undefined)?.properties;
  if (!properties) return;
  for (const [name, value] of Object.entries(request.query as Record<string, unknown>)) {
    const type = properties[name]?.type;
    if ((type === 'number' || type === 'integer') && typeof value === 'string' && !Number.isFinite(Number(value))) {
      throw new ApiError(400, 'invalid_request', `querystring.${name}: must be a finite number`, `querystring.${name}`);
    }
  }
}
