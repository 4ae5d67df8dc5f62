import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { banditContextOf, banditFeatures } from '../../../domain/bandit/banditContext.js';
import { BanditConfigOverrides, banditConfigFor, compareRows, DEFAULT_BANDIT_CONFIG, emptyBanditState, foldBandit, resolveFeatures, updateBandit, type BanditRow, type BanditState } from '../../../domain/bandit/banditState.js';
import { chooseArm } from '../../../domain/bandit/chooseArm.js';
import { choiceRandom } from '../../../domain/bandit/choiceRandom.js';

const ARMS = ['answer.concise.plain', 'answer.detailed.acknowledge', 'clarify.concise.plain'];
const VALUES = { segment: ['smb', 'enterprise'], role: ['admin', 'developer', 'end-user'], frustration: ['calm', 'frustrated'], topic: ['refund', 'login', 'sso', 'export'] };

function randomRows(count: number, seed: string): BanditRow[] {
  const rng = choiceRandom(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(uniformFloat64(rng) * xs.length)]!;
  return Array.from({ length: count }, (_, i) => ({
    id: `r${String(i).padStart(4, '0')}`,
    // Several rows share a timestamp, so the id breaks ties.
    at: new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 3_600_000).toISOString(),
    features: banditFeatures({ segment: pick(VALUES.segment), role: pick(VALUES.role), frustration: pick(VALUES.frustration), topic: pick(VALUES.topic) }),
    arm: pick(ARMS),
    propensity: 1 / 3,
    reward: Math.round(uniformFloat64(rng) * 100) / 100,
  }));
}

function shuffled<T>(xs: readonly T[], seed: string): T[] {
  const rng = choiceRandom(seed);
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(uniformFloat64(rng) * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('bandit state is a fold over logged rows', () => {
  const rows = randomRows(400, 'rows');

  it('folding the rows in any input order equals incremental updates in (at, id) order', () => {
    // Generation order is already (at, id) order; sums are floating point, so the order is part of the contract.
    expect([...rows].sort(compareRows)).toEqual(rows);
    const incremental = rows.reduce((state, row) => updateBandit(state, row), emptyBanditState());
    expect(foldBandit(shuffled(rows, 'a'))).toEqual(incremental);
    expect(foldBandit(shuffled(rows, 'b'))).toEqual(incremental);
    expect(incremental.rows).toBe(400);
    expect(incremental.lastAt).toBe(rows[399]!.at);
  });

  it('asOf = the fold of the rows before the date, and differs from later states', () => {
    const asOf = rows[200]!.at;
    const before = rows.filter((r) => Date.parse(r.at) < Date.parse(asOf));
    const prefix = before.reduce((state, row) => updateBandit(state, row), emptyBanditState());
    expect(foldBandit(shuffled(rows, 'c'), { asOf })).toEqual(prefix);
    expect(prefix.rows).toBe(before.length);
    expect(before.length).toBeLessThan(rows.length);
    expect(foldBandit(rows)).not.toEqual(prefix);
  });

  it('keeps sufficient statistics: counts, reward sums, co-occurrence counts', () => {
    const state = foldBandit(rows);
    for (const arm of ARMS) {
      const mine = rows.filter((r) => r.arm === arm);
      const stats = state.arms[arm]!;
      expect(stats.n).toBe(mine.length);
      expect(stats.sumReward).toBeCloseTo(mine.reduce((s, r) => s + r.reward, 0), 9);
      expect(stats.gram[0]![0]).toBe(mine.length);
      const i = state.features.indexOf('frustration=frustrated');
      const j = state.features.indexOf('segment=enterprise');
      const both = mine.filter((r) => r.features.includes('frustration=frustrated') && r.features.includes('segment=enterprise')).length;
      expect(stats.gram[i]?.[j] ?? 0).toBe(both);
    }
  });

  it('is plain JSON and updates without mutating the previous state', () => {
    const state = deepFreeze(foldBandit(rows.slice(0, 100)));
    const next = updateBandit(state, { ...rows[100]!, features: [...rows[100]!.features, 'channel=chat'] });
    expect(next.features.length).toBe(state.features.length + 1);
    const roundTrip = JSON.parse(JSON.stringify(next)) as BanditState;
    expect(roundTrip).toEqual(next);
    const context = banditFeatures({ segment: 'enterprise', role: 'developer', frustration: 'frustrated', topic: 'login' });
    expect(chooseArm(roundTrip, context, ARMS, choiceRandom('m-1'))).toEqual(chooseArm(next, context, ARMS, choiceRandom('m-1')));
  });

  it('caps the values a feature keeps: later values share name=other', () => {
    const config = banditConfigFor({ maxValuesPerFeature: 2 });
    const row = (id: string, topic: string): BanditRow => ({ id, at: '2026-01-01T00:00:00Z', features: [`topic=${topic}`, 'role=admin'], arm: 'a', propensity: 1, reward: 1 });
    const state = ['refund', 'login', 'sso', 'export'].reduce((s, topic, i) => updateBandit(s, row(`r${i}`, topic), config), emptyBanditState());
    expect(state.features).toEqual(['bias', 'topic=refund', 'role=admin', 'topic=login', 'topic=other']);
    expect(state.arms.a!.gram[4]![4]).toBe(2);
    expect(resolveFeatures(state, ['topic=billing'], config).names).toEqual(['bias', 'topic=other']);
    expect(resolveFeatures(state, ['topic=login', 'segment=smb'], config)).toEqual({ known: [0, 3], unseen: ['segment=smb'], names: ['bias', 'topic=login', 'segment=smb'] });
  });

  it('rejects a reward that is not a number', () => {
    expect(() => updateBandit(emptyBanditState(), { ...rows[0]!, reward: Number.NaN })).toThrow(/reward/);
  });

  it('validates a tenant config with its TypeBox schema', () => {
    expect(Value.Check(BanditConfigOverrides, { epsilon: 0.05 })).toBe(true);
    expect(Value.Check(BanditConfigOverrides, { epsilon: 1.5 })).toBe(false);
    expect(Value.Check(BanditConfigOverrides, { ridge: 0 })).toBe(false);
    expect(banditConfigFor({ epsilon: 0.05 })).toEqual({ ...DEFAULT_BANDIT_CONFIG, epsilon: 0.05 });
  });
});

describe('bandit context features', () => {
  it('one-hot features, cleaned, unknown facts left out', () => {
    expect(banditFeatures({ segment: ' Enterprise ', role: 'Developer', tenure: 'under-30d', frustration: 'frustrated', topic: 'Billing Refund', channel: 'email', priorContacts: 3 })).toEqual([
      'segment=enterprise', 'role=developer', 'tenure=under-30d', 'frustration=frustrated', 'topic=billing-refund', 'channel=email', 'history=several',
    ]);
    expect(banditFeatures({ topic: 'unknown', priorContacts: 0, plan: '' })).toEqual(['history=none']);
  });

  it('builds the context of a customer message', () => {
    const message = { ticketId: 't1', text: 'where is my refund', at: '2026-03-10T10:00:00Z', channel: 'chat', customer: { plan: 'Trial', segment: 'smb', role: 'admin', signupAt: '2026-03-01T00:00:00Z' }, priorContacts: 1 };
    expect(banditFeatures(banditContextOf(message, 'annoyed', 'billing-refund'))).toEqual([
      'segment=smb', 'plan=trial', 'role=admin', 'tenure=under-30d', 'frustration=annoyed', 'topic=billing-refund', 'channel=chat', 'history=one',
    ]);
  });
});
