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
  for (const table of COUNTED_TABLES) {
    const [row] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(table)}`);
    rows[table] = Number(row?.n ?? 0);
  }
  const { count } = await sl.temporal.client.workflow.count();
  return { rows, workflows: count };
}

/** Tables (and "workflows") whose count changed between two snapshots, with before → after. */
export function snapshotChanges(before: ProductSnapshot, after: ProductSnapshot): Record<string, { before: number; after: number }> {
  const changed: Record<string, { before: number; after: number }> = {};
  for (const [table, n] of Object.entries(after.rows)) if (n !== before.rows[table]) changed[table] = { before: before.rows[table] ?? 0, after: n };
  if (after.workflows !== before.workflows) changed.workflows = { before: before.workflows, after: after.workflows };
  return changed;
}
