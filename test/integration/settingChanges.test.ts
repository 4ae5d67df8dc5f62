// Tenant settings as a history of changes on real chDB: an install that saved settings in the
// single-row table of migrations 004/005 keeps them through migration 006; every later save is a
// change of its own, the settings in force at a past date can be read back, and saving one kind of
// settings leaves the other as it was.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import type { DdlContext } from '../../store/ddl.js';
import { bootstrapStatements, migrate, MIGRATIONS } from '../../store/migrate.js';
import { RETIRED_TABLES, TABLES, toClickHouseTime } from '../../store/tables.js';
import { banditSettingsOverrides, rewardWeightOverrides, saveBanditSettingsOverrides, saveRewardWeightOverrides } from '../../store/tenantSettings.js';

let dataDir: string;
let ch: ClickHouse;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-settings-'));
  ch = createClickHouse({ dataDir, database: 'settings_test' });
  // An install as migration 5 left it: everything up to 005 applied and recorded.
  const ctx: DdlContext = { db: ch.database };
  const before = MIGRATIONS.filter((m) => m.version < 6);
  for (const statement of [...bootstrapStatements(ctx), ...before.flatMap((m) => m.statements(ctx))]) await ch.command(statement);
  await ch.insert(TABLES.schemaMigrations, before.map((m) => ({ version: m.version, name: m.name, applied_at: toClickHouseTime(Date.now()) })));
  await ch.insert(RETIRED_TABLES.tenantSettings, [
    { tenant_id: 'acme', reward_weights: JSON.stringify({ csat: 0.5 }), bandit_settings: JSON.stringify({ epsilon: 0.05 }), updated_at: toClickHouseTime('2026-01-10T00:00:00Z') },
    { tenant_id: 'globex', reward_weights: '{}', bandit_settings: '', updated_at: toClickHouseTime('2026-01-10T00:00:00Z') },
  ]);
});

afterAll(async () => {
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('tenant settings as changes', () => {
  it('migration 006 carries saved settings over and drops the single-row table', async () => {
    expect(await migrate(ch)).toEqual(MIGRATIONS.filter((m) => m.version >= 6).map((m) => m.version));
    expect(await rewardWeightOverrides(ch, 'acme')).toEqual({ csat: 0.5 });
    expect(await banditSettingsOverrides(ch, 'acme')).toEqual({ epsilon: 0.05 });
    expect(await rewardWeightOverrides(ch, 'globex')).toEqual({});
    expect(await banditSettingsOverrides(ch, 'globex')).toEqual({});
    const [{ n }] = await ch.query<{ n: string }>(`SELECT count() AS n FROM system.tables WHERE database = {db:String} AND name = {name:String}`, { db: ch.database, name: RETIRED_TABLES.tenantSettings });
    expect(Number(n)).toBe(0);
    expect(await migrate(ch)).toEqual([]);
  });

  it('reads the settings in force at a date; saving one kind keeps the other', async () => {
    await saveBanditSettingsOverrides(ch, 'acme', { epsilon: 0.2, controlShare: 0 }, Date.parse('2026-03-01T00:00:00Z'));
    await saveRewardWeightOverrides(ch, 'acme', { escalation: 1 }, Date.parse('2026-03-02T00:00:00Z'));
    expect(await banditSettingsOverrides(ch, 'acme')).toEqual({ epsilon: 0.2, controlShare: 0 });
    expect(await rewardWeightOverrides(ch, 'acme')).toEqual({ escalation: 1 });
    expect(await banditSettingsOverrides(ch, 'acme', '2026-02-01T00:00:00Z')).toEqual({ epsilon: 0.05 });
    expect(await banditSettingsOverrides(ch, 'acme', '2026-01-01T00:00:00Z')).toEqual({});
    expect(await banditSettingsOverrides(ch, 'globex', '2026-03-05T00:00:00Z')).toEqual({});
  });
});
