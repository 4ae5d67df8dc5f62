// Applies the numbered migrations in order. Every statement is idempotent (IF NOT EXISTS) and each
// applied version is recorded, so a restart, a second replica or a re-run is harmless.
import type { ClickHouse } from './clickhouse.js';
import { createDatabase, createTable, type DdlContext } from './ddl.js';
import * as spine from './migrations/001_spine.js';
import * as learning from './migrations/002_learning.js';
import * as detection from './migrations/003_detection.js';
import * as outcomes from './migrations/004_outcomes.js';
import * as strategies from './migrations/005_strategies.js';
import * as settingChanges from './migrations/006_setting_changes.js';
import * as customerMessages from './migrations/007_customer_messages.js';
import * as negativeShare from './migrations/008_negative_share.js';
import * as productAreas from './migrations/009_product_areas.js';
import * as dormantSeries from './migrations/010_dormant_series.js';
import * as alertContributors from './migrations/011_alert_contributors.js';
import * as sliceRollup from './migrations/012_slice_rollup.js';
import * as alertCountWindow from './migrations/013_alert_count_window.js';
import * as detectorMemoryParts from './migrations/014_detector_memory_parts.js';
import * as alertSilences from './migrations/015_alert_silences.js';
import * as subscriptionGrouping from './migrations/016_subscription_grouping.js';
import * as learnerSnapshots from './migrations/017_learner_snapshots.js';
import * as historyArrivals from './migrations/018_history_arrivals.js';
import { TABLES, toClickHouseTime } from './tables.js';

interface Migration {
  version: number;
  name: string;
  statements(ctx: DdlContext): string[];
}

export const MIGRATIONS: readonly Migration[] = [spine, learning, detection, outcomes, strategies, settingChanges, customerMessages, negativeShare, productAreas, dormantSeries, alertContributors, sliceRollup, alertCountWindow, detectorMemoryParts, alertSilences, subscriptionGrouping, learnerSnapshots, historyArrivals];

/** The database and the table that records applied versions. */
export function bootstrapStatements(ctx: DdlContext): string[] {
  return [
    createDatabase(ctx),
    ...createTable(ctx, {
      name: TABLES.schemaMigrations,
      columns: ['version UInt32', 'name String', "applied_at DateTime64(3, 'UTC')"],
      engine: 'ReplacingMergeTree',
      orderBy: 'version',
      shardingKey: 'version',
    }),
  ];
}

/** Every statement, in order, for a context: what `migrate` runs on an empty database and what the DDL golden test reads. */
export function migrationStatements(ctx: DdlContext): string[] {
  return [...bootstrapStatements(ctx), ...MIGRATIONS.flatMap((m) => m.statements(ctx))];
}

export async function migrate(ch: ClickHouse, log: (line: string) => void = () => {}): Promise<number[]> {
  const ctx: DdlContext = { db: ch.database, cluster: ch.cluster };
  for (const statement of bootstrapStatements(ctx)) await ch.command(statement);
  const applied = new Set(
    (await ch.query<{ version: number }>(`SELECT version FROM ${ch.table(TABLES.schemaMigrations)} FINAL`)).map((r) => Number(r.version)),
  );
  const ran: number[] = [];
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    for (const statement of migration.statements(ctx)) await ch.command(statement);
    await ch.insert(TABLES.schemaMigrations, [{ version: migration.version, name: migration.name, applied_at: toClickHouseTime(Date.now()) }]);
    log(`applied migration ${migration.version} (${migration.name})`);
    ran.push(migration.version);
  }
  return ran;
}
