// Every ClickHouse query in the store layer is tenant-scoped: a SELECT without a bound tenant
// parameter would let one tenant's request read another's rows. The few deliberate exceptions
// (the tenant directory itself, bootstrap DDL) are listed by function name.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const storeDir = fileURLToPath(new URL('../../store/', import.meta.url));
/** Functions that must read across tenants, and why. */
const CROSS_TENANT = new Set([
  'listTenants', // authenticates a request into a tenant in the first place
  'migrate', // schema bookkeeping
]);

function queriesByFunction(source: string): { fn: string; sql: string }[] {
  const found: { fn: string; sql: string }[] = [];
  const fnPattern = /(?:export\s+)?(?:async\s+)?function\s+(\w+)/g;
  const starts = [...source.matchAll(fnPattern)].map((m) => ({ fn: m[1]!, at: m.index! }));
  for (const match of source.matchAll(/\.query<[^>]*>\(\s*`([\s\S]*?)`/g)) {
    const owner = starts.filter((s) => s.at < match.index!).pop();
    found.push({ fn: owner?.fn ?? '(top level)', sql: match[1]! });
  }
  return found;
}

describe('tenant scoping of the query layer', () => {
  const files = readdirSync(storeDir).filter((f) => f.endsWith('.ts'));
  const all = files.flatMap((file) => queriesByFunction(readFileSync(storeDir + file, 'utf8')).map((q) => ({ file, ...q })));

  it('finds the queries (the scan itself works)', () => {
    expect(all.length).toBeGreaterThan(15);
  });

  it('every query binds the tenant, except the listed cross-tenant functions', () => {
    const unscoped = all.filter((q) => !CROSS_TENANT.has(q.fn) && !/tenant_id\s*=\s*\{tenantId:String\}/.test(q.sql));
    expect(unscoped.map((q) => `${q.file}:${q.fn}`)).toEqual([]);
  });
});
