// Per-tenant settings a support leader changes through the API: reward weights and strategy-bandit
// settings, one row per tenant. Saving one kind keeps the other (read, then write the whole row).
import type { BanditSettingsOverrides } from '../domain/bandit/banditSettings.js';
import type { RewardWeightOverrides } from '../domain/reward.js';
import type { ClickHouse } from './clickhouse.js';
import { TABLES, toClickHouseTime } from './tables.js';

interface SettingsRow {
  rewardWeights: RewardWeightOverrides;
  bandit: BanditSettingsOverrides;
}

async function settingsRow(ch: ClickHouse, tenantId: string): Promise<SettingsRow> {
  const rows = await ch.query<{ reward_weights: string; bandit_settings: string }>(
    `SELECT reward_weights, bandit_settings FROM ${ch.table(TABLES.tenantSettings)} FINAL WHERE tenant_id = {tenantId:String}`,
    { tenantId },
  );
  const row = rows[0];
  return {
    rewardWeights: row?.reward_weights ? (JSON.parse(row.reward_weights) as RewardWeightOverrides) : {},
    bandit: row?.bandit_settings ? (JSON.parse(row.bandit_settings) as BanditSettingsOverrides) : {},
  };
}

async function saveSettingsRow(ch: ClickHouse, tenantId: string, row: SettingsRow, nowMs: number): Promise<void> {
  await ch.insert(TABLES.tenantSettings, [{ tenant_id: tenantId, reward_weights: JSON.stringify(row.rewardWeights), bandit_settings: JSON.stringify(row.bandit), updated_at: toClickHouseTime(nowMs) }]);
}

export async function rewardWeightOverrides(ch: ClickHouse, tenantId: string): Promise<RewardWeightOverrides> {
  return (await settingsRow(ch, tenantId)).rewardWeights;
}

export async function saveRewardWeightOverrides(ch: ClickHouse, tenantId: string, overrides: RewardWeightOverrides, nowMs: number): Promise<void> {
  await saveSettingsRow(ch, tenantId, { ...(await settingsRow(ch, tenantId)), rewardWeights: overrides }, nowMs);
}

export async function banditSettingsOverrides(ch: ClickHouse, tenantId: string): Promise<BanditSettingsOverrides> {
  return (await settingsRow(ch, tenantId)).bandit;
}

export async function saveBanditSettingsOverrides(ch: ClickHouse, tenantId: string, overrides: BanditSettingsOverrides, nowMs: number): Promise<void> {
  await saveSettingsRow(ch, tenantId, { ...(await settingsRow(ch, tenantId)), bandit: overrides }, nowMs);
}
