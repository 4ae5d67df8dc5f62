// NAB's scoring profiles (cost matrices), as in NAB's config/profiles.json. Kept as data so the
// bench can also read a profiles.json shipped with a corpus and check it against these.

/** One NAB cost matrix. A_TN (tnWeight) is carried for completeness; NAB's scorer never uses it. */
export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

export const PROFILE_NAMES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

export const NAB_PROFILES: Readonly<Record<ProfileName, CostMatrix>> = {
  standard: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FP_rate: { tpWeight: 1.0, fpWeight: 0.22, fnWeight: 1.0, tnWeight: 1.0 },
  reward_low_FN_rate: { tpWeight: 1.0, fpWeight: 0.11, fnWeight: 2.0, tnWeight: 1.0 },
};

/**
 * Parses NAB's profiles.json (`{ "<profile>": { "CostMatrix": { tpWeight, … } } }`). Throws naming
 * the profile or field that is missing, so a malformed file fails loudly instead of scoring with NaN.
 */
export function parseProfiles(json: unknown): Record<ProfileName, CostMatrix> {
  if (typeof json !== 'object' || json === null) throw new Error('profiles: expected a JSON object');
  const out = {} as Record<ProfileName, CostMatrix>;
  for (const name of PROFILE_NAMES) {
    const entry = (json as Record<string, unknown>)[name] as { CostMatrix?: Record<string, unknown> } | undefined;
    const matrix = entry?.CostMatrix;
    if (!matrix) throw new Error(`profiles: ${name}.CostMatrix is missing`);
    const field = (key: keyof CostMatrix): number => {
      const v = matrix[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`profiles: ${name}.CostMatrix.${key} must be a number`);
      return v;
    };
    out[name] = { tpWeight: field('tpWeight'), fpWeight: field('fpWeight'), fnWeight: field('fnWeight'), tnWeight: field('tnWeight') };
  }
  return out;
}
