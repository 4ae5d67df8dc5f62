// A tenant's strategy-bandit settings, as a support leader sets them (GET/PUT /v1/settings/bandit):
// the model's priors and exploration (BanditConfig), which context features it may read, the share of
// tickets kept on the randomized control arm, and the strategy the control arm (and a bandit that has
// learned nothing yet) uses. Overrides are stored; everything unset keeps its default.
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { STRATEGY_IDS } from '../strategies.js';
import { BANDIT_CONTEXT_FEATURES, type BanditContextFeature } from './banditContext.js';
import { BanditConfig, DEFAULT_BANDIT_CONFIG } from './banditState.js';

export const BanditSettings = Type.Object(
  {
    ...BanditConfig.properties,
    features: Type.Array(Type.Union(BANDIT_CONTEXT_FEATURES.map((f) => Type.Literal(f))), {
      uniqueItems: true,
      description: 'Context features the bandit may read; [] = context-free (one best strategy for everyone).',
    }),
    controlShare: Type.Number({ minimum: 0, maximum: 1, description: 'Share of tickets (by a stable hash of the ticket id) on the control arm: install-time content model and the default strategy, no bandit.' }),
    defaultStrategy: Type.Union(STRATEGY_IDS.map((id) => Type.Literal(id)), { description: 'Strategy of the control arm, and what the bandit uses before it has learned anything.' }),
  },
  { additionalProperties: false },
);
export type BanditSettings = Static<typeof BanditSettings>;
export const BanditSettingsOverrides = Type.Partial(BanditSettings, { additionalProperties: false });
export type BanditSettingsOverrides = Static<typeof BanditSettingsOverrides>;

/** controlShare 0.05: 1 ticket in 20 measures the install-time baseline, small enough to cost little. */
export const DEFAULT_BANDIT_SETTINGS: BanditSettings = {
  ...DEFAULT_BANDIT_CONFIG,
  features: [...BANDIT_CONTEXT_FEATURES],
  controlShare: 0.05,
  defaultStrategy: 'answer.detailed.plain',
};

export function banditSettingsFor(overrides: BanditSettingsOverrides = {}): BanditSettings {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...DEFAULT_BANDIT_SETTINGS, ...defined };
}

/** The model configuration part of the settings (what chooseArm and the fold read). */
export function modelConfig(settings: BanditSettings): BanditConfig {
  const { ridge, contextRidge, priorMean, noise, epsilon, explorationFloor, maxValuesPerFeature } = settings;
  return { ridge, contextRidge, priorMean, noise, epsilon, explorationFloor, maxValuesPerFeature };
}

/** Only the features the settings allow ("name=value" kept when its name is allowed). */
export function allowedFeatures(features: readonly string[], allowed: readonly BanditContextFeature[]): string[] {
  const names = new Set<string>(allowed);
  return features.filter((f) => names.has(f.slice(0, f.indexOf('=') < 0 ? f.length : f.indexOf('='))));
}

/**
 * Whether a ticket is on the control arm: a SHA-256 of the ticket id mapped to [0, 1) below the share.
 * Stable per ticket (every message of a ticket is on the same arm, replays agree) and independent of
 * anything about the customer, so the control arm is a random sample.
 */
export function isControlTicket(tenantId: string, ticketId: string, controlShare: number): boolean {
  if (controlShare <= 0) return false;
  const u = createHash('sha256').update(`control-arm:${tenantId}:${ticketId}`).digest().readUInt32BE(0) / 2 ** 32;
  return u < controlShare;
}
