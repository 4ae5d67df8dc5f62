// The learning seed's inputs, shared by the dashboard tests: a small deterministic random source
// and the tenants' learning profiles (installs weeks before the ticket seed's days, on different
// dates per tenant, acceptance improving since).
import type { RewardWeightOverrides } from '../../domain/reward.js';

export interface Random {
  next(): number;
  between(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export interface LearningProfile {
  tenantId: string;
  /** The first customer message with a draft. */
  installedAt: number;
  messagesPerDay: number;
  topics: string[];
  /** Share of replies sent as the draft (accepted or lightly edited): at install, and by the end (linear in between). */
  acceptance: { atInstall: number; atEnd: number };
  escalationShare: number;
  feedbackShare: number;
  /** Customer segments ('' = none, so the plan stands in) and plans of the tickets. */
  segments: string[];
  plans: string[];
  /** The tenant's reward weights (defaults for the rest). */
  rewardWeights: RewardWeightOverrides;
}

/** mulberry32: small deterministic generator, so every run seeds the same tickets. */
export function randomSource(seed: number): Random {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    between: (min: number, max: number) => min + next() * (max - min),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
    chance: (p: number) => next() < p,
  };
}

// Learning rows: installs weeks before the ticket seed's days (so the install baseline is its own
// window), on different dates per tenant, acceptance improving since.
export const ACME_LEARNING: LearningProfile = {
  tenantId: 'acme',
  installedAt: Date.parse('2026-01-19T00:00:00Z'),
  messagesPerDay: 10,
  topics: ['billing', 'login', 'shipping'],
  acceptance: { atInstall: 0.3, atEnd: 0.8 },
  escalationShare: 0.12,
  feedbackShare: 0.3,
  segments: ['enterprise', 'smb', ''],
  plans: ['pro', 'trial'],
  rewardWeights: {},
};
export const GLOBEX_LEARNING: LearningProfile = {
  tenantId: 'globex',
  installedAt: Date.parse('2026-01-26T00:00:00Z'),
  messagesPerDay: 4,
  topics: ['billing', 'refunds'],
  acceptance: { atInstall: 0.2, atEnd: 0.6 },
  escalationShare: 0.2,
  feedbackShare: 0.4,
  segments: ['consumer', ''],
  plans: ['basic'],
  // A leader who counts CSAT more and resolution time not at all.
  rewardWeights: { csat: 0.5, slowResolution: 0 },
};
/** Inserted only by the isolation test, with the other tenants' topics. */
export const INITECH_LEARNING: LearningProfile = {
  tenantId: 'initech',
  installedAt: Date.parse('2026-01-05T00:00:00Z'),
  messagesPerDay: 14,
  topics: ['billing', 'login', 'refunds', 'shipping'],
  acceptance: { atInstall: 0.4, atEnd: 0.6 },
  escalationShare: 0.15,
  feedbackShare: 0.3,
  segments: ['enterprise', 'smb', 'consumer'],
  plans: ['pro'],
  rewardWeights: { escalation: 0.5 },
};

