import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';
import { describe, expect, it } from 'vitest';
import { banditFeatures } from '../../../domain/bandit/banditContext.js';
import type { BanditRow } from '../../../domain/bandit/banditState.js';
import { choiceRandom } from '../../../domain/bandit/choiceRandom.js';
import { evaluateOffPolicy, fixedArmPolicy, greedyPolicy, uniformPolicy, type Estimate, type TargetPolicy } from '../../../domain/bandit/offPolicy.js';
import { foldBandit } from '../../../domain/bandit/banditState.js';

// A small world with known truth: P(reward = 1) by segment, role and arm (with an interaction the
// linear reward model cannot express, so DR has to lean on its IPS correction).
const ARMS = ['a', 'b', 'c', 'd'];
const SEGMENTS = [['smb', 0.7], ['enterprise', 0.3]] as const;
const ROLES = [['admin', 0.3], ['developer', 0.3], ['end-user', 0.4]] as const;
interface Ctx { segment: string; role: string }

function truth(c: Ctx, arm: string): number {
  const base = { a: 0.3, b: 0.4, c: 0.5, d: 0.35 }[arm]!;
  const role = c.role === 'developer' ? { a: 0.4, b: 0, c: -0.1, d: 0.1 }[arm]! : c.role === 'end-user' ? { a: -0.1, b: 0.3, c: 0, d: 0 }[arm]! : 0;
  const enterpriseDeveloper = c.segment === 'enterprise' && c.role === 'developer' && arm === 'd' ? 0.45 : 0;
  return base + role + enterpriseDeveloper;
}

const contexts: Ctx[] = SEGMENTS.flatMap(([segment]) => ROLES.map(([role]) => ({ segment, role })));
const probability = (c: Ctx) => SEGMENTS.find(([s]) => s === c.segment)![1] * ROLES.find(([r]) => r === c.role)![1];
const best = (c: Ctx) => ARMS.reduce((x, y) => (truth(c, y) > truth(c, x) ? y : x));
const worst = (c: Ctx) => ARMS.reduce((x, y) => (truth(c, y) < truth(c, x) ? y : x));
/** Exact value of a deterministic policy over the context distribution. */
const valueOf = (policy: (c: Ctx) => string) => contexts.reduce((s, c) => s + probability(c) * truth(c, policy(c)), 0);

function draw(rng: RandomGenerator, options: readonly (readonly [string, number])[]): string {
  let u = uniformFloat64(rng);
  for (const [value, p] of options) if ((u -= p) < 0) return value;
  return options[options.length - 1]![0];
}

/** Logged rows from a logging policy giving each arm a probability. */
function logRows(n: number, seed: string, logging: (c: Ctx) => number[]): BanditRow[] {
  const rng = choiceRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const c = { segment: draw(rng, SEGMENTS), role: draw(rng, ROLES) };
    const probs = logging(c);
    const arm = draw(rng, ARMS.map((a, k) => [a, probs[k]!] as const));
    return { id: `r${String(i).padStart(6, '0')}`, at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), features: banditFeatures(c), arm, propensity: probs[ARMS.indexOf(arm)]!, reward: uniformFloat64(rng) < truth(c, arm) ? 1 : 0 };
  });
}

const ctxOf = (features: readonly string[]): Ctx => ({ segment: features.find((f) => f.startsWith('segment='))!.slice(8), role: features.find((f) => f.startsWith('role='))!.slice(5) });
const policyOf = (choose: (c: Ctx) => string): TargetPolicy => (features, arms) => arms.map((a) => (a === choose(ctxOf(features)) ? 1 : 0));
const covers = (e: Estimate, value: number) => e.lower <= value && value <= e.upper;

describe('off-policy evaluation', () => {
  const uniformRows = logRows(6000, 'uniform', () => [0.25, 0.25, 0.25, 0.25]);

  it('estimates the optimal policy from uniformly logged rows within the confidence interval', () => {
    const trueValue = valueOf(best);
    const report = evaluateOffPolicy(uniformRows, policyOf(best));
    expect(trueValue).toBeGreaterThan(0.6);
    for (const e of [report.ips, report.snips, report.doublyRobust]) expect(covers(e, trueValue), JSON.stringify(e)).toBe(true);
    expect(report.doublyRobust.stdError).toBeLessThan(report.ips.stdError);
    // The logging policy itself earned the average over arms; the optimal one is clearly better.
    expect(report.logged.value).toBeLessThan(report.doublyRobust.lower);
    expect(report.effectiveSampleSize).toBeGreaterThan(1000);
    expect(report.maxWeight).toBe(4);
  });

  it('separates a bad policy from a good one, and a fixed arm from uniform', () => {
    const bad = evaluateOffPolicy(uniformRows, policyOf(worst));
    expect(covers(bad.doublyRobust, valueOf(worst))).toBe(true);
    expect(bad.doublyRobust.upper).toBeLessThan(evaluateOffPolicy(uniformRows, policyOf(best)).doublyRobust.lower);
    expect(covers(evaluateOffPolicy(uniformRows, fixedArmPolicy('c')).doublyRobust, valueOf(() => 'c'))).toBe(true);
    const random = evaluateOffPolicy(uniformRows, uniformPolicy);
    expect(random.ips.value).toBeCloseTo(random.logged.value, 10);
  });

  it('stays unbiased under skewed logging, where the plain average of matching rows is not', () => {
    // The logger favours arm d for enterprise developers (where d is best) and arm a elsewhere.
    const skewed = logRows(8000, 'skewed0', (c) => (c.segment === 'enterprise' && c.role === 'developer' ? [0.1, 0.1, 0.1, 0.7] : [0.7, 0.1, 0.1, 0.1]));
    const alwaysD = valueOf(() => 'd');
    const report = evaluateOffPolicy(skewed, fixedArmPolicy('d'));
    // Over 30 seeds of this log, the 95% intervals covered the truth 30/30 (DR) and 28/30 (IPS); mean z ≈ 0.05.
    expect(covers(report.doublyRobust, alwaysD)).toBe(true);
    expect(Math.abs(report.ips.value - alwaysD)).toBeLessThan(3 * report.ips.stdError);
    const matching = skewed.filter((r) => r.arm === 'd');
    const naive = matching.reduce((s, r) => s + r.reward, 0) / matching.length;
    expect(Math.abs(naive - alwaysD)).toBeGreaterThan(0.1);
  });

  it('evaluates the learned bandit (folded from other rows) against its true value', () => {
    const learned = foldBandit(logRows(4000, 'training', () => [0.25, 0.25, 0.25, 0.25]));
    const policy = greedyPolicy(learned);
    const chosen = (c: Ctx) => ARMS[policy(banditFeatures(c), ARMS).indexOf(1)]!;
    expect(covers(evaluateOffPolicy(uniformRows, policy).doublyRobust, valueOf(chosen))).toBe(true);
  });

  it('is reproducible and rejects rows without a usable propensity', () => {
    expect(evaluateOffPolicy(uniformRows.slice(0, 500), policyOf(best))).toEqual(evaluateOffPolicy([...uniformRows.slice(0, 500)].reverse(), policyOf(best)));
    expect(() => evaluateOffPolicy([{ ...uniformRows[0]!, propensity: 0 }, uniformRows[1]!], uniformPolicy)).toThrow(/propensity/);
    expect(() => evaluateOffPolicy([uniformRows[0]!], uniformPolicy)).toThrow(/two/);
  });
});
