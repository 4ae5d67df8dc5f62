// Per-tenant settings a support leader changes through the API: reward weights, strategy-bandit
// settings, and the holiday calendar and product areas of spike detection. Every save is a row of its own in
// tenant_setting_changes (kind, overrides, time), so the settings in force at a past date can be read
// (the bandit as of a date), and saving one kind never touches the others.
import type { BanditSettingsOverrides } from '../domain/bandit/banditSettings.js';
import type { HolidayCalendarOverrides } from '../domain/holidays.js';
import type { ProductAreasOverrides } from '../domain/productAreas.js';
import type { RewardWeightOverrides } from '../domain/reward.js';
import type { ClickHouse } from './clickhouse.js';
import { AFTER_EVERY_EVENT, TABLES, toClickHouseTime } from './tables.js';

export const SETTING_KINDS = { rewardWeights: 'reward-weights', bandit: 'bandit', holidays: 'holidays', productAreas: 'product-areas' } as const;
type SettingKind = (typeof SETTING_KINDS)[keyof typeof SETTING_KINDS];

/** The overrides of one kind in force at `asOf` (default: now); {} when none were ever saved. */
async function overridesOf(ch: ClickHouse, tenantId: string, kind: SettingKind, asOf?: string): Promise<Record<string, unknown>> {
  const rows = await ch.query<{ overrides: string }>(
    `SELECT overrides FROM ${ch.table(TABLES.tenantSettingChanges)} FINAL
     WHERE tenant_id = {tenantId:String} AND kind = {kind:String} AND updated_at <= {asOf:DateTime64(3)}
     ORDER BY updated_at DESC LIMIT 1`,
    { tenantId, kind, asOf: toClickHouseTime(asOf ?? AFTER_EVERY_EVENT) },
  );
  return rows[0]?.overrides ? (JSON.parse(rows[0].overrides) as Record<string, unknown>) : {};
}

async function saveOverrides(ch: ClickHouse, tenantId: string, kind: SettingKind, overrides: object, nowMs: number): Promise<void> {
  await ch.insert(TABLES.tenantSettingChanges, [{ tenant_id: tenantId, kind, overrides: JSON.stringify(overrides), updated_at: toClickHouseTime(nowMs) }]);
}

export async function rewardWeightOverrides(ch: ClickHouse, tenantId: string): Promise<RewardWeightOverrides> {
  return (await overridesOf(ch, tenantId, SETTING_KINDS.rewardWeights)) as RewardWeightOverrides;
}

export function saveRewardWeightOverrides(ch: ClickHouse, tenantId: string, overrides: RewardWeightOverrides, nowMs: number): Promise<void> {
  return saveOverrides(ch, tenantId, SETTING_KINDS.rewardWeights, overrides, nowMs);
}

/** The bandit settings overrides in force now, or at `asOf`. */
export async function banditSettingsOverrides(ch: ClickHouse, tenantId: string, asOf?: string): Promise<BanditSettingsOverrides> {
  return (await overridesOf(ch, tenantId, SETTING_KINDS.bandit, asOf)) as BanditSettingsOverrides;
}

export function saveBanditSettingsOverrides(ch: ClickHouse, tenantId: string, overrides: BanditSettingsOverrides, nowMs: number): Promise<void> {
  return saveOverrides(ch, tenantId, SETTING_KINDS.bandit, overrides, nowMs);
}

export async function holidayCalendarOverrides(ch: ClickHouse, tenantId: string): Promise<HolidayCalendarOverrides> {
  return (await overridesOf(ch, tenantId, SETTING_KINDS.holidays)) as HolidayCalendarOverrides;
}

export function saveHolidayCalendarOverrides(ch: ClickHouse, tenantId: string, overrides: HolidayCalendarOverrides, nowMs: number): Promise<void> {
  return saveOverrides(ch, tenantId, SETTING_KINDS.holidays, overrides, nowMs);
}

export async function productAreasOverrides(ch: ClickHouse, tenantId: string): Promise<ProductAreasOverrides> {
  return (await overridesOf(ch, tenantId, SETTING_KINDS.productAreas)) as ProductAreasOverrides;
}

export function saveProductAreasOverrides(ch: ClickHouse, tenantId: string, overrides: ProductAreasOverrides, nowMs: number): Promise<void> {
  return saveOverrides(ch, tenantId, SETTING_KINDS.productAreas, overrides, nowMs);
}
