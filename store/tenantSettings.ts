// Per-tenant settings a support leader changes through the API (today: reward weights).
import type { RewardWeightOverrides } from '../domain/reward.js';
import type { ClickHouse } from './clickhouse.js';
import { TABLES, toClickHouseTime } from './tables.js';

export async function rewardWeightOverrides(ch: ClickHouse, tenantId: string): Promise<RewardWeightOverrides> {
  const rows = await ch.query<{ reward_weights: string }>(`SELECT reward_weights FROM ${ch.table(TABLES.tenantSettings)} FINAL WHERE tenant_id = {tenantId:String}`, { tenantId });
  return rows[0] ? (JSON.parse(rows[0].reward_weights) as RewardWeightOverrides) : {};
}

export async function saveRewardWeightOverrides(ch: ClickHouse, tenantId: string, overrides: RewardWeightOverrides, nowMs: number): Promise<void> {
  await ch.insert(TABLES.tenantSettings, [{ tenant_id: tenantId, reward_weights: JSON.stringify(overrides), updated_at: toClickHouseTime(nowMs) }]);
}
