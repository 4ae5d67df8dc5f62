// Tenants at start-up: seed the ones listed in a tenants file (only those not yet in the store, so
// secrets rotated through the admin API are not overwritten), and on a brand-new install with no
// tenant at all create "default" and write its credentials next to the data so `npm start` is
// usable at once.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { provisionTenant } from '../api/routes/admin.js';
import { PROVIDERS } from '../helpdesks/index.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { getTenant, hashApiKey, listTenants, saveTenant } from '../store/tenants.js';

const TenantsFile = Type.Object({
  tenants: Type.Array(
    Type.Object({
      tenantId: Type.String({ minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
      name: Type.Optional(Type.String()),
      /** Plain keys (hashed on load) or sha256 hex hashes. */
      apiKeys: Type.Optional(Type.Array(Type.String({ minLength: 16 }))),
      apiKeyHashes: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }))),
      webhookSecrets: Type.Optional(Type.Record(Type.Union(PROVIDERS.map((p) => Type.Literal(p))), Type.String({ minLength: 8 }))),
    }),
  ),
});
type TenantsFile = Static<typeof TenantsFile>;
const checkTenantsFile = TypeCompiler.Compile(TenantsFile);

export async function seedTenantsFromFile(ch: ClickHouse, file: string, log: (line: string) => void): Promise<void> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`tenants file ${file}: ${(err as Error).message}`);
  }
  if (!checkTenantsFile.Check(parsed)) {
    const first = checkTenantsFile.Errors(parsed).First();
    throw new Error(`tenants file ${file}: ${first?.path || '(root)'} ${first?.message ?? 'is invalid'}`);
  }
  for (const t of (parsed as TenantsFile).tenants) {
    if (await getTenant(ch, t.tenantId)) continue;
    await saveTenant(
      ch,
      {
        tenantId: t.tenantId,
        name: t.name ?? t.tenantId,
        apiKeyHashes: [...(t.apiKeyHashes ?? []), ...(t.apiKeys ?? []).map(hashApiKey)],
        webhookSecrets: Object.fromEntries(Object.entries(t.webhookSecrets ?? {}).map(([p, secret]) => [p, [{ secret: String(secret), notAfter: null }]])),
        disabled: false,
      },
      Date.now(),
    );
    log(`tenant ${t.tenantId} created from ${file}`);
  }
}

/** On an install with no tenants, create "default"; returns the credentials file written, if any. */
export async function ensureDefaultTenant(ch: ClickHouse, dataDir: string, log: (line: string) => void): Promise<string | undefined> {
  if ((await listTenants(ch)).length > 0) return undefined;
  // With CLICKHOUSE_URL nothing else creates the data dir; create it before the tenant, or a failed
  // write would leave a tenant whose credentials nobody ever saw.
  mkdirSync(dataDir, { recursive: true });
  const { apiKey, webhookSecrets } = await provisionTenant(ch, 'default', 'default');
  const file = path.join(dataDir, 'default-tenant.json');
  writeFileSync(file, JSON.stringify({ tenantId: 'default', apiKey, webhookSecrets }, null, 2), { mode: 0o600 });
  log(`first start: created tenant "default"; its API key and webhook secrets are in ${file} (shown nowhere else)`);
  return file;
}

export function defaultTenantsFile(dataDir: string, configured: string | undefined): string | undefined {
  if (configured) return configured;
  const candidate = path.join(dataDir, 'tenants.json');
  return existsSync(candidate) ? candidate : undefined;
}
