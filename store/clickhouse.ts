// The one ClickHouse client wrapper: embedded chDB (default) or a ClickHouse server, the same SQL
// on both. It owns the connection, qualifies table names with the configured database, binds
// parameters ({name:Type}, never string-built values) and maps errors to StoreError.
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

export interface ClickHouseOptions {
  /** Server URL; undefined = embedded chDB under `dataDir/clickhouse`. */
  url?: string;
  user?: string;
  password?: string;
  database: string;
  /** ON CLUSTER name (server mode only). */
  cluster?: string;
  dataDir: string;
}

export class StoreError extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export type QueryParams = Record<string, unknown>;

export interface ClickHouse {
  readonly database: string;
  readonly cluster: string | undefined;
  readonly embedded: boolean;
  /** `db`.`name`, for table names from the store's constants (never from input). */
  table(name: string): string;
  query<T>(sql: string, params?: QueryParams): Promise<T[]>;
  command(sql: string, params?: QueryParams): Promise<void>;
  insert(table: string, rows: readonly object[]): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

async function wrap<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new StoreError(`ClickHouse ${what} failed: ${err instanceof Error ? err.message : String(err)}`, err);
  }
}

export function createClickHouse(options: ClickHouseOptions): ClickHouse {
  let client: ClickHouseClient;
  const embedded = !options.url;
  if (embedded) {
    const chPath = path.join(options.dataDir, 'clickhouse');
    mkdirSync(chPath, { recursive: true });
    // chdb types its connection against @clickhouse/client-common while @clickhouse/client now ships
    // its own copy of those types; the runtime contract is the same (chdb's documented wiring).
    const connection = createChdbConnection({ path: chPath }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
    client = createClient({ connection });
  } else {
    client = createClient({
      url: options.url,
      username: options.user,
      password: options.password,
      // On a cluster every table is Distributed and several reads filter with `IN (SELECT … FROM <table>)`
      // or join two tables: ClickHouse denies such double-distributed subqueries by default; `global`
      // runs the subquery once and ships its result to the shards (GLOBAL IN / GLOBAL JOIN). No effect
      // on a single server. Grafana's datasource sets the same (infra/grafana/provisioning).
      clickhouse_settings: { date_time_input_format: 'best_effort', distributed_product_mode: 'global' },
    });
  }
  const db = options.database;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(db)) throw new StoreError(`CLICKHOUSE_DATABASE=${db} is not a valid identifier`);

  return {
    database: db,
    cluster: embedded ? undefined : options.cluster,
    embedded,
    table: (name) => `\`${db}\`.\`${name}\``,
    query: <T>(sql: string, params: QueryParams = {}) =>
      wrap('query', async () => {
        const result = await client.query({ query: sql, query_params: params, format: 'JSONEachRow' });
        return (await result.json()) as T[];
      }),
    command: (sql, params = {}) =>
      wrap('command', async () => {
        await client.command({ query: sql, query_params: params });
      }),
    insert: (table, rows) =>
      wrap(`insert into ${table}`, async () => {
        if (rows.length === 0) return;
        await client.insert({ table: `${db}.${table}`, values: (rows as object[]).map(wellFormedRow), format: 'JSONEachRow' });
      }),
    ping: async () => {
      try {
        const result = await client.ping();
        return result.success;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

const isPlainObject = (value: unknown): value is object => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
const isWellFormed = (value: unknown): boolean =>
  typeof value === 'string' ? value.isWellFormed() : Array.isArray(value) ? value.every(isWellFormed) : isPlainObject(value) ? Object.entries(value).every(([k, v]) => k.isWellFormed() && isWellFormed(v)) : true;
const toWellFormed = (value: unknown): unknown =>
  typeof value === 'string'
    ? value.toWellFormed()
    : Array.isArray(value)
      ? value.map(toWellFormed)
      : isPlainObject(value)
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toWellFormed(), toWellFormed(v)]))
        : value;

/**
 * ClickHouse refuses a JSON row holding a lone UTF-16 surrogate (half an emoji, cut by a client that
 * truncates text), and one refused row fails every row of the batch, other tickets' and tenants'
 * included. Such text is stored with U+FFFD in place of the half, as any UTF-8 decoder would read it.
 */
function wellFormedRow(row: object): object {
  return isWellFormed(row) ? row : (toWellFormed(row) as object);
}
