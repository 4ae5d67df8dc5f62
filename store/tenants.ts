// Tenants: hashed API keys and per-provider webhook secrets (with rotation overlap windows).
import { createHash } from 'node:crypto';
import type { ClickHouse } from './clickhouse.js';
import { TABLES, toClickHouseTime } from './tables.js';

export interface WebhookSecret {
  secret: string;
  /** ISO time after which this secret no longer verifies (set when it is rotated out); null = current. */
  notAfter: string | null;
}

export interface TenantRecord {
  tenantId: string;
  name: string;
  apiKeyHashes: string[];
  webhookSecrets: Record<string, WebhookSecret[]>;
  disabled: boolean;
}

/** API keys are 32 random bytes, so a plain SHA-256 is a sufficient one-way hash (no stretching needed). */
export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex');
}

interface TenantRow {
  tenant_id: string;
  name: string;
  api_key_hashes: string[];
  webhook_secrets: string;
  disabled: number;
}

const fromRow = (r: TenantRow): TenantRecord => ({
  tenantId: r.tenant_id,
  name: r.name,
  apiKeyHashes: r.api_key_hashes,
  webhookSecrets: JSON.parse(r.webhook_secrets || '{}') as Record<string, WebhookSecret[]>,
  disabled: Number(r.disabled) === 1,
});

/**
 * The whole tenant directory. Deliberately cross-tenant: it is what authenticates a request into
 * a tenant in the first place, and only the API's tenant directory and admin routes call it.
 */
export async function listTenants(ch: ClickHouse): Promise<TenantRecord[]> {
  const rows = await ch.query<TenantRow>(
    `SELECT tenant_id, name, api_key_hashes, webhook_secrets, disabled FROM ${ch.table(TABLES.tenants)} FINAL ORDER BY tenant_id`,
  );
  return rows.map(fromRow);
}

export async function getTenant(ch: ClickHouse, tenantId: string): Promise<TenantRecord | undefined> {
  const rows = await ch.query<TenantRow>(
    `SELECT tenant_id, name, api_key_hashes, webhook_secrets, disabled FROM ${ch.table(TABLES.tenants)} FINAL WHERE tenant_id = {tenantId:String}`,
    { tenantId },
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Insert a new version of the tenant (admin operations are rare: written directly, not batched). */
export async function saveTenant(ch: ClickHouse, tenant: TenantRecord, nowMs: number): Promise<void> {
  await ch.insert(TABLES.tenants, [
    {
      tenant_id: tenant.tenantId,
      name: tenant.name,
      api_key_hashes: tenant.apiKeyHashes,
      webhook_secrets: JSON.stringify(tenant.webhookSecrets),
      disabled: tenant.disabled ? 1 : 0,
      updated_at: toClickHouseTime(nowMs),
    },
  ]);
}

/** Secrets that verify right now: current ones and rotated ones still inside their overlap window. */
export function activeWebhookSecrets(tenant: TenantRecord, provider: string, nowMs: number): string[] {
  return (tenant.webhookSecrets[provider] ?? []).filter((s) => s.notAfter === null || Date.parse(s.notAfter) > nowMs).map((s) => s.secret);
}

/** Make `secret` the provider's current secret; the previous ones keep verifying for `overlapSeconds`. */
export function withRotatedSecret(tenant: TenantRecord, provider: string, secret: string, nowMs: number, overlapSeconds: number): TenantRecord {
  const until = new Date(nowMs + overlapSeconds * 1000).toISOString();
  const previous = (tenant.webhookSecrets[provider] ?? [])
    .filter((s) => s.notAfter === null || Date.parse(s.notAfter) > nowMs)
    .map((s) => ({ secret: s.secret, notAfter: s.notAfter === null || Date.parse(s.notAfter) > Date.parse(until) ? until : s.notAfter }));
  return { ...tenant, webhookSecrets: { ...tenant.webhookSecrets, [provider]: [{ secret, notAfter: null }, ...previous] } };
}
