// A database as an older release left it: every migration before `version` applied and recorded, so
// a test can store data the old way and then check what `migrate` does to it.
import type { ClickHouse } from '../../store/clickhouse.js';
import { bootstrapStatements, MIGRATIONS } from '../../store/migrate.js';
import { TABLES, toClickHouseTime } from '../../store/tables.js';

export async function installBefore(ch: ClickHouse, version: number): Promise<void> {
  const ctx = { db: ch.database };
  const before = MIGRATIONS.filter((m) => m.version < version);
  for (const statement of [...bootstrapStatements(ctx), ...before.flatMap((m) => m.statements(ctx))]) await ch.command(statement);
  await ch.insert(TABLES.schemaMigrations, before.map((m) => ({ version: m.version, name: m.name, applied_at: toClickHouseTime(Date.now()) })));
}
