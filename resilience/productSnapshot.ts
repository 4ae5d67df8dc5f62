// What a run may or may not have written: rows in every ClickHouse table and the number of
// workflow executions Temporal knows, read from the running product's own connections.
import type { Supportloop } from '../runtime/supportloop.js';
import { TABLES } from '../store/tables.js';

export interface ProductSnapshot {
  /** Rows per table (materialized views are counted through their target tables). */
  rows: Record<string, number>;
  workflows: number;
}

const COUNTED_TABLES = Object.entries(TABLES).filter(([key]) => !key.endsWith('View')).map(([, name]) => name);

export async function snapshotProduct(sl: Pick<Supportloop, 'ch' | 'temporal'>): Promise<ProductSnapshot> {
  const rows: Record<string, number> = {};
  for (const table of COUNTED_TABLES) rows[table] = await logicalRows(sl, table);
  // Every row any insert wrote since the process started (materialized views' inserts included; merges are not inserts).
  const [inserted] = await sl.ch.query<{ n: string }>(`SELECT sum(value) AS n FROM system.events WHERE event = 'InsertedRows'`);
  rows['system.events InsertedRows'] = Number(inserted?.n ?? 0);
  const { count } = await sl.temporal.client.workflow.count();
  return { rows, workflows: count };
}

/**
 * Rows as queries see them: FINAL for the merging engines (background merges shrink their raw row
 * count without anything being written); plain MergeTree tables refuse FINAL and are counted as is.
 */
async function logicalRows(sl: Pick<Supportloop, 'ch'>, table: string): Promise<number> {
  try {
    const [row] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(table)} FINAL`);
    return Number(row?.n ?? 0);
  } catch {
    const [row] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(table)}`);
    return Number(row?.n ?? 0);
  }
}

/** Tables (and "workflows") whose count changed between two snapshots, with before → after. */
export function snapshotChanges(before: ProductSnapshot, after: ProductSnapshot): Record<string, { before: number; after: number }> {
  const changed: Record<string, { before: number; after: number }> = {};
  for (const [table, n] of Object.entries(after.rows)) if (n !== before.rows[table]) changed[table] = { before: before.rows[table] ?? 0, after: n };
  if (after.workflows !== before.workflows) changed.workflows = { before: before.workflows, after: after.workflows };
  return changed;
}

/** A snapshot once the worker has finished what earlier valid deliveries started: two equal reads 2 s apart (at most a minute). */
export async function settledSnapshot(sl: Pick<Supportloop, 'ch' | 'temporal'>): Promise<ProductSnapshot> {
  let previous = await snapshotProduct(sl);
  for (let i = 0; i < 30; i++) {
    await new Promise((r) => setTimeout(r, 2000));
    const current = await snapshotProduct(sl);
    if (Object.keys(snapshotChanges(previous, current)).length === 0) return current;
    previous = current;
  }
  throw new Error('the product kept writing for a minute after the baseline deliveries: cannot take a "before" snapshot');
}
