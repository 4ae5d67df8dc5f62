// Generates DDL from one table definition for both deployments: plain MergeTree-family tables on
// chDB or a single server, and with CLICKHOUSE_CLUSTER an `ON CLUSTER` Replicated local table plus a
// Distributed table under the public name (so queries and inserts never change). Migrations are
// written once against this builder; the cluster variant is derived, never kept as a second copy.

export interface DdlContext {
  db: string;
  cluster?: string;
}

export interface TableDef {
  name: string;
  columns: string[];
  engine: 'MergeTree' | 'ReplacingMergeTree' | 'AggregatingMergeTree';
  engineArgs?: string;
  orderBy: string;
  partitionBy?: string;
  /** Distributed sharding expression; keep a ticket's rows on one shard so Replacing dedupe works. */
  shardingKey: string;
}

export interface ViewDef {
  name: string;
  /** Target table (its definition's name). */
  to: string;
  /** Source table (its definition's name). */
  from: string;
  /** SELECT list and clauses after FROM, e.g. "SELECT … FROM {from} GROUP BY …"; `{from}` is replaced. */
  select: string;
}

const q = (db: string, name: string) => `\`${db}\`.\`${name}\``;
const onCluster = (ctx: DdlContext) => (ctx.cluster ? ` ON CLUSTER \`${ctx.cluster}\`` : '');
const localName = (ctx: DdlContext, name: string) => (ctx.cluster ? `${name}_local` : name);

export function createDatabase(ctx: DdlContext): string {
  return `CREATE DATABASE IF NOT EXISTS \`${ctx.db}\`${onCluster(ctx)}`;
}

export function createTable(ctx: DdlContext, def: TableDef): string[] {
  const local = localName(ctx, def.name);
  const args = def.engineArgs ?? '';
  const engine = ctx.cluster
    ? `Replicated${def.engine}('/clickhouse/tables/{shard}/${ctx.db}/${local}', '{replica}'${args ? `, ${args}` : ''})`
    : `${def.engine}(${args})`;
  const statements = [
    [
      `CREATE TABLE IF NOT EXISTS ${q(ctx.db, local)}${onCluster(ctx)} (`,
      def.columns.map((c) => `  ${c}`).join(',\n'),
      `) ENGINE = ${engine}`,
      def.partitionBy ? `PARTITION BY ${def.partitionBy}` : '',
      `ORDER BY ${def.orderBy}`,
    ]
      .filter(Boolean)
      .join('\n'),
  ];
  if (ctx.cluster) {
    statements.push(
      `CREATE TABLE IF NOT EXISTS ${q(ctx.db, def.name)}${onCluster(ctx)} AS ${q(ctx.db, local)}\n` +
        `ENGINE = Distributed(\`${ctx.cluster}\`, \`${ctx.db}\`, \`${local}\`, ${def.shardingKey})`,
    );
  }
  return statements;
}

/** Materialized views run per shard: local source → local target. */
export function createMaterializedView(ctx: DdlContext, def: ViewDef): string {
  const select = def.select.replace('{from}', q(ctx.db, localName(ctx, def.from)));
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${q(ctx.db, def.name)}${onCluster(ctx)}\nTO ${q(ctx.db, localName(ctx, def.to))}\nAS ${select}`;
}

/**
 * A materialized view's query replaced in place (the view keeps its name and target; no insert
 * falls between a drop and a create). Its target must already have every column the new query writes.
 */
export function alterMaterializedViewQuery(ctx: DdlContext, def: ViewDef): string {
  const select = def.select.replace('{from}', q(ctx.db, localName(ctx, def.from)));
  return `ALTER TABLE ${q(ctx.db, def.name)}${onCluster(ctx)}\nMODIFY QUERY ${select}`;
}

/**
 * A view's query run once over the rows its source already holds (those matching `where`, if given),
 * into its target: a new or changed view counts what was stored before it. Through the Distributed
 * tables on a cluster, so every shard's rows reach their target shard.
 */
export function backfillFromView(ctx: DdlContext, def: ViewDef, where?: string): string {
  const source = q(ctx.db, def.from);
  return `INSERT INTO ${q(ctx.db, def.to)} ${def.select.replace('{from}', where ? `(SELECT * FROM ${source} WHERE ${where})` : source)}`;
}

/**
 * Columns added to an existing table (idempotent). On a cluster the replicated local table and the
 * Distributed table in front of it both get the column, so inserts and reads see it.
 */
export function addColumns(ctx: DdlContext, table: string, columns: string[]): string[] {
  const alter = (name: string) => `ALTER TABLE ${q(ctx.db, name)}${onCluster(ctx)}\n${columns.map((c) => `  ADD COLUMN IF NOT EXISTS ${c}`).join(',\n')}`;
  return ctx.cluster ? [alter(localName(ctx, table)), alter(table)] : [alter(table)];
}

/** A table dropped (idempotent): on a cluster the Distributed table and the replicated local table. */
export function dropTable(ctx: DdlContext, table: string): string[] {
  const drop = (name: string) => `DROP TABLE IF EXISTS ${q(ctx.db, name)}${onCluster(ctx)} SYNC`;
  return ctx.cluster ? [drop(table), drop(localName(ctx, table))] : [drop(table)];
}
