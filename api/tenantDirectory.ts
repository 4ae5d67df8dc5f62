// The API's cached view of the tenants table: authenticates API keys and finds webhook secrets
// without a ClickHouse round trip per request. Refreshed on an interval and on a miss (bounded),
// so a tenant created by another API replica is seen within seconds.
import { StoreError, type ClickHouse } from '../store/clickhouse.js';
import { hashApiKey, listTenants, type TenantRecord } from '../store/tenants.js';

export class TenantDirectory {
  private byId = new Map<string, TenantRecord>();
  private byKeyHash = new Map<string, TenantRecord>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly ch: ClickHouse,
    private readonly maxAgeMs = 5_000,
    private readonly minMissRefreshMs = 1_000,
    /** A request waits this long for a refresh; a slow ClickHouse must not hold webhooks open. */
    private readonly refreshWaitMs = 2_000,
  ) {}

  async refresh(): Promise<void> {
    this.loading ??= listTenants(this.ch)
      .then((tenants) => {
        this.byId = new Map(tenants.filter((t) => !t.disabled).map((t) => [t.tenantId, t]));
        this.byKeyHash = new Map([...this.byId.values()].flatMap((t) => t.apiKeyHashes.map((h) => [h, t] as const)));
        this.loadedAt = Date.now();
      })
      .finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** refresh(), but give up waiting after refreshWaitMs (the refresh itself carries on). */
  private async refreshBounded(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new StoreError(`ClickHouse did not answer the tenant lookup within ${this.refreshWaitMs} ms`)), this.refreshWaitMs);
    });
    try {
      await Promise.race([this.refresh(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async lookup<T>(find: () => T | undefined): Promise<T | undefined> {
    const age = Date.now() - this.loadedAt;
    if (age > this.maxAgeMs) {
      try {
        await this.refreshBounded();
      } catch (err) {
        // ClickHouse down or slow: a tenant known moments ago is still served (Temporal makes the
        // webhook durable); anything not in the cache fails as unavailable (503, retry).
        const cached = find();
        if (cached !== undefined) return cached;
        throw err;
      }
    }
    const found = find();
    if (found !== undefined || Date.now() - this.loadedAt < this.minMissRefreshMs) return found;
    await this.refreshBounded();
    return find();
  }

  get(tenantId: string): Promise<TenantRecord | undefined> {
    return this.lookup(() => this.byId.get(tenantId));
  }

  byApiKey(apiKey: string): Promise<TenantRecord | undefined> {
    const hash = hashApiKey(apiKey);
    return this.lookup(() => this.byKeyHash.get(hash));
  }

  count(): number {
    return this.byId.size;
  }
}
