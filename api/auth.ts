// Bearer-key authentication: a tenant API key scopes every /v1 resource to its tenant; the admin
// key guards /v1/admin. Missing or unknown keys get 401 with what to send.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TenantRecord } from '../store/tenants.js';
import { ApiError } from './errors.js';
import type { TenantDirectory } from './tenantDirectory.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: TenantRecord;
  }
}

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = header && /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError(401, 'unauthorized', 'authorization: send "Authorization: Bearer <api key>"', 'authorization');
  return match[1]!;
}

export function tenantAuth(tenants: TenantDirectory) {
  return async (request: FastifyRequest): Promise<void> => {
    const tenant = await tenants.byApiKey(bearer(request));
    if (!tenant) throw new ApiError(401, 'unauthorized', 'authorization: unknown API key', 'authorization');
    request.tenant = tenant;
  };
}

export function adminAuth(adminKey: string | undefined) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!adminKey) throw new ApiError(403, 'admin_disabled', 'admin routes are disabled: set SUPPORTLOOP_ADMIN_KEY on the server');
    const given = Buffer.from(bearer(request));
    const expected = Buffer.from(adminKey);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ApiError(401, 'unauthorized', 'authorization: not the admin key', 'authorization');
    }
  };
}
