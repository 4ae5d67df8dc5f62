import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { describe, expect, it } from 'vitest';
import { banditFeatures } from '../../../domain/bandit/banditContext.js';
import { compareRows, foldBandit } from '../../../domain/bandit/banditState.js';
import { greedyArm } from '../../../domain/bandit/chooseArm.js';
import { choiceRandom } from '../../../domain/bandit/choiceRandom.js';
import { evaluatePolicies, type LoggedOutcome } from '../../../domain/bandit/policyEvaluation.js';
import { STRATEGY_IDS } from '../../../domain/strategies.js';
import { drawCustomer, drawHiddenReward, hiddenExpectedReward, type SimulatedCustomer } from './hiddenStrategyWorld.js';

const DEFAULT = 'answer.detailed.plain';

/** Tickets logged by a uniform policy (propensity 1/8), every 20th on the control arm (default strategy). */
function logged(n: number, seed: string): { rows: LoggedOutcome[]; customers: Map<string, SimulatedCustomer> } {
  const rng = choiceRandom(seed);
  const customers = new Map<string, SimulatedCustomer>();
  const rows = Array.from({ length: n }, (_, i): LoggedOutcome => {
    const customer = drawCustomer(rng);
    const id = `T-${String(i).padStart(6, '0')}`;
    customers.set(id, customer);
    const control = i % 20 === 0;
    const arm = control ? DEFAULT : STRATEGY_IDS[Math.floor(uniformFloat64(rng) * STRATEGY_IDS.length)]!;
    return { id, at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(), features: banditFeatures(customer), arm, propensity: control ? 1 : 1 / 8, reward: drawHiddenReward(customer, arm, rng), policy: control ? 'control' : 'bandit' };
  });
  return { rows, customers };
}

describe('policy evaluation from logged outcomes', () => {
  const { rows, customers } = logged(4000, 'ope-world');
  const report = evaluatePolicies(rows, { defaultStrategy: DEFAULT });

  it('splits in time: learns from the earlier rows, evaluates on later bandit rows only', () => {
    expect(report.status).toBe('ok');
    expect(report.rows).toEqual({ total: 4000, training: 2000, evaluated: 1900, control: 100 });
    expect(report.splitAt).toBe(rows.sort(compareRows)[2000]!.at);
    expect(report.learned!.rows).toBe(1900);
  });

  it("estimates the learned policy's true value on the evaluated tickets, and it beats the logged and control policies", () => {
    const state = foldBandit(rows.slice(0, 2000));
    const evaluated = rows.slice(2000).filter((r) => r.policy === 'bandit');
    const truth = evaluated.reduce((s, r) => s + hiddenExpectedReward(customers.get(r.id)!, greedyArm(state, r.features, STRATEGY_IDS)), 0) / evaluated.length;
    const dr = report.learned!.doublyRobust;
    expect(Math.abs(dr.value - truth)).toBeLessThan(Math.max(0.02, 2 * dr.stdError));
    expect(dr.lower).toBeLessThan(truth);
    expect(dr.upper).toBeGreaterThan(truth);
    expect(dr.value).toBeGreaterThan(report.logged!.value + 0.05);
    expect(report.learnedVsControl!.lower).toBeGreaterThan(0);
    expect(report.learnedVsLogged!.value).toBeCloseTo(dr.value - report.logged!.value, 10);
    // The default strategy for everyone: its estimate is near its truth too.
    const defaultTruth = evaluated.reduce((s, r) => s + hiddenExpectedReward(customers.get(r.id)!, DEFAULT), 0) / evaluated.length;
    expect(Math.abs(report.defaultStrategy!.doublyRobust.value - defaultTruth)).toBeLessThan(0.03);
    // The control arm's observed mean estimates the same thing, without propensities.
    expect(Math.abs(report.control!.value - defaultTruth)).toBeLessThan(3 * report.control!.stdError + 0.02);
  });

  it('says when there is not enough data, and rejects a bad split', () => {
    const few = evaluatePolicies(rows.slice(0, 3), { defaultStrategy: DEFAULT });
    expect(few.status).toBe('not-enough-data');
    expect(few.learned).toBeNull();
    expect(() => evaluatePolicies(rows, { defaultStrategy: DEFAULT, trainShare: 1 })).toThrow(/trainShare/);
  });
});
