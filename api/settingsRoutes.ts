// The routes of one per-tenant settings kind (reward weights, strategy bandit, holiday calendar): GET
// shows the overrides, the effective values and the defaults; PUT replaces the overrides, stored as a
// change of its own (store/tenantSettings.ts).
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ClickHouse } from '../store/clickhouse.js';
import { ApiError, ErrorResponse } from './errors.js';

export interface SettingsKind<O extends object> {
  path: string;
  /** OpenAPI tag of the area the settings belong to. */
  tag: string;
  what: string;
  applies: string;
  overrides: TSchema;
  full: TSchema;
  effective: (overrides: O) => unknown;
  defaults: unknown;
  /** What the schema cannot check (a time zone that does not exist): a 400 naming the field, nothing saved. */
  problem?: (overrides: O) => { field: string; message: string } | undefined;
  load: (ch: ClickHouse, tenantId: string) => Promise<O>;
  save: (ch: ClickHouse, tenantId: string, overrides: O, nowMs: number) => Promise<void>;
}

export function settingsRoutes<O extends object>(app: FastifyInstance, ch: ClickHouse, kind: SettingsKind<O>): void {
  const security = [{ apiKey: [] }];
  const View = Type.Object({ overrides: kind.overrides, effective: kind.full, defaults: kind.full });
  const view = (overrides: O) => ({ overrides, effective: kind.effective(overrides), defaults: kind.defaults });
  app.get(kind.path, { schema: { summary: `The tenant's ${kind.what} (overrides, effective, defaults)`, tags: [kind.tag], security, response: { 200: View, 401: ErrorResponse } } }, async (request) =>
    view(await kind.load(ch, request.tenant.tenantId)),
  );
  app.put<{ Body: O }>(
    kind.path,
    {
      schema: {
        summary: `Set ${kind.what} overrides (unset keys keep their defaults); ${kind.applies}`,
        tags: [kind.tag],
        security,
        body: kind.overrides,
        response: { 200: View, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      // The body schema is kind.overrides, validated before this runs.
      const overrides = request.body as O;
      const problem = kind.problem?.(overrides);
      if (problem) throw new ApiError(400, 'invalid_request', problem.message, problem.field);
      await kind.save(ch, request.tenant.tenantId, overrides, Date.now());
      return view(overrides);
    },
  );
}
