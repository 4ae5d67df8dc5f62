// Liveness (the process answers) and readiness (ClickHouse and Temporal both reachable; which one
// fails is named so an operator knows where to look).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';

export interface DependencyChecks {
  clickhouse: () => Promise<boolean>;
  temporal: () => Promise<boolean>;
}

const Readiness = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  clickhouse: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
  temporal: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
});

export const healthRoutes: FastifyPluginAsync<{ checks: DependencyChecks }> = async (app, { checks }) => {
  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['health'], response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  app.get('/readyz', { schema: { summary: 'Readiness of ClickHouse and Temporal', tags: ['health'], response: { 200: Readiness, 503: Readiness } } }, async (_request, reply) => {
    const withTimeout = (check: () => Promise<boolean>) => Promise.race([check().catch(() => false), new Promise<boolean>((r) => setTimeout(() => r(false), 3000).unref())]);
    const [clickhouse, temporal] = await Promise.all([withTimeout(checks.clickhouse), withTimeout(checks.temporal)]);
    const ready = clickhouse && temporal;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ready' : 'not_ready',
      clickhouse: clickhouse ? 'ok' : 'failing',
      temporal: temporal ? 'ok' : 'failing',
    });
  });
};
