import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { describe, expect, it } from 'vitest';
import { banditFeatures } from '../../../domain/bandit/banditContext.js';
import { banditConfigFor, emptyBanditState, foldBandit, updateBandit, type BanditRow, type BanditState } from '../../../domain/bandit/banditState.js';
import { chooseArm, predictArms, probabilityBest } from '../../../domain/bandit/chooseArm.js';
import { choiceRandom } from '../../../domain/bandit/choiceRandom.js';
import { STRATEGY_IDS } from '../../../domain/strategies.js';

const FRUSTRATED_DEV = banditFeatures({ role: 'developer', frustration: 'frustrated', channel: 'email' });
const CALM_DEV = banditFeatures({ role: 'developer', frustration: 'calm', channel: 'email' });
const ACK = 'answer.detailed.acknowledge';
const PLAIN = 'answer.detailed.plain';

let rowId = 0;
const row = (features: string[], arm: string, reward: number): BanditRow => ({ id: `r${String(rowId++).padStart(6, '0')}`, at: '2026-02-01T00:00:00Z', features, arm, propensity: 1 / 8, reward });
const learn = (state: BanditState, rows: BanditRow[]) => rows.reduce((s, r) => updateBandit(s, r), state);
const times = (n: number, make: (i: number) => BanditRow) => Array.from({ length: n }, (_, i) => make(i));
const mean = (state: BanditState, features: string[], arm: string) => predictArms(state, features, [arm])[0]!;

/** Non-greedy share of many seeded choices in one context. */
function exploredShare(state: BanditState, features: string[], draws: number, options: Parameters<typeof chooseArm>[4] = {}): number {
  let explored = 0;
  for (let i = 0; i < draws; i += 1) if (chooseArm(state, features, STRATEGY_IDS, choiceRandom(`msg-${i}`), options).explored) explored += 1;
  return explored / draws;
}

describe('posterior updates', () => {
  it('an arm rewarded in context X gains expected reward in X, not in Y where it did badly', () => {
    const before = mean(emptyBanditState(), FRUSTRATED_DEV, ACK);
    expect(before.mean).toBeCloseTo(0.5, 10);
    const state = learn(emptyBanditState(), [...times(30, () => row(FRUSTRATED_DEV, ACK, 0.9)), ...times(30, () => row(CALM_DEV, ACK, 0.2))]);
    const inX = mean(state, FRUSTRATED_DEV, ACK);
    const inY = mean(state, CALM_DEV, ACK);
    expect(inX.mean).toBeGreaterThan(0.8);
    expect(inY.mean).toBeLessThan(0.3);
    expect(inX.sd).toBeLessThan(before.sd / 3);
    // The untried arm keeps its prior everywhere, so the greedy choice flips between X and Y.
    expect(mean(state, CALM_DEV, PLAIN).mean).toBeCloseTo(0.5, 10);
    const x = chooseArm(state, FRUSTRATED_DEV, [ACK, PLAIN], choiceRandom('m'), { highRisk: true });
    const y = chooseArm(state, CALM_DEV, [ACK, PLAIN], choiceRandom('m'), { highRisk: true });
    expect([x.arm, y.arm]).toEqual([ACK, PLAIN]);
  });

  it('explains the choice: runner-up and the context feature that made the difference', () => {
    const state = learn(emptyBanditState(), [
      ...times(40, (i) => row(i % 2 ? FRUSTRATED_DEV : CALM_DEV, ACK, i % 2 ? 0.9 : 0.4)),
      ...times(40, (i) => row(i % 2 ? FRUSTRATED_DEV : CALM_DEV, PLAIN, i % 2 ? 0.3 : 0.6)),
    ]);
    const choice = chooseArm(state, FRUSTRATED_DEV, [PLAIN, ACK], choiceRandom('m'), { highRisk: true });
    expect(choice.arm).toBe(ACK);
    expect(choice.runnerUp!.arm).toBe(PLAIN);
    expect(choice.expectedRewards[0]!.mean).toBeGreaterThan(choice.runnerUp!.mean + 0.3);
    expect(choice.deciding[0]).toMatchObject({ feature: 'frustration=frustrated' });
    // The data's 0.8 swing (frustrated vs calm, ACK vs PLAIN) is shared by frustration=frustrated and
    // frustration=calm and shrunk toward 0 by the context prior: a clear, if smaller, weight.
    expect(choice.deciding[0]!.difference).toBeGreaterThan(0.25);
    expect(choice.features).toEqual(['bias', ...FRUSTRATED_DEV]);
  });
});

describe('choosing', () => {
  const uncertain = foldBandit(STRATEGY_IDS.flatMap((arm, a) => times(3, (i) => row(i % 2 ? FRUSTRATED_DEV : CALM_DEV, arm, 0.4 + a * 0.02))));
  const confident = foldBandit(STRATEGY_IDS.flatMap((arm, a) => times(200, (i) => row(i % 2 ? FRUSTRATED_DEV : CALM_DEV, arm, a === 3 ? 0.9 : 0.3))));

  it('explores at most epsilon of the time, and about that much when the model is unsure', () => {
    // Exactly: the probability of not taking the greedy arm, for several contexts and settings.
    for (const features of [FRUSTRATED_DEV, CALM_DEV, banditFeatures({ role: 'admin' })]) {
      for (const epsilon of [0.05, 0.1, 0.3]) {
        const choice = chooseArm(uncertain, features, STRATEGY_IDS, choiceRandom('p'), { config: banditConfigFor({ epsilon }) });
        const nonGreedy = 1 - choice.expectedRewards.find((e) => e.arm === choice.greedyArm)!.propensity;
        expect(nonGreedy).toBeLessThanOrEqual(epsilon + 1e-12);
        expect(nonGreedy).toBeGreaterThan(epsilon - 1e-9);
      }
    }
    // Empirically, over seeded choices: within 3 standard errors of the cap.
    const share = exploredShare(uncertain, FRUSTRATED_DEV, 10_000);
    expect(share).toBeLessThanOrEqual(0.1 + 0.009);
    expect(share).toBeGreaterThan(0.1 - 0.009);
  });

  it('keeps exploring the floor share when the model is sure', () => {
    const share = exploredShare(confident, FRUSTRATED_DEV, 10_000);
    // Floor 0.02 spread over 8 arms: 7/8 of it lands on non-greedy arms; Thompson sampling adds ~nothing.
    expect(share).toBeGreaterThan(0.0175 - 0.004);
    expect(share).toBeLessThan(0.0175 + 0.004);
    const noFloor = exploredShare(confident, FRUSTRATED_DEV, 5_000, { config: banditConfigFor({ explorationFloor: 0 }) });
    expect(noFloor).toBeLessThan(0.003);
  });

  it('never explores a high-risk ticket', () => {
    expect(exploredShare(uncertain, FRUSTRATED_DEV, 3_000, { highRisk: true })).toBe(0);
    const choice = chooseArm(uncertain, FRUSTRATED_DEV, STRATEGY_IDS, choiceRandom('x'), { highRisk: true });
    expect(choice).toMatchObject({ propensity: 1, explored: false, highRisk: true, arm: choice.greedyArm });
    expect(choice.expectedRewards.filter((e) => e.propensity > 0)).toHaveLength(1);
  });

  it('is deterministic for a seed and state; different seeds vary', () => {
    const a = chooseArm(uncertain, FRUSTRATED_DEV, STRATEGY_IDS, choiceRandom('ticket-9/message-2'));
    const b = chooseArm(uncertain, FRUSTRATED_DEV, STRATEGY_IDS, choiceRandom('ticket-9/message-2'));
    expect(b).toEqual(a);
    const arms = new Set(Array.from({ length: 400 }, (_, i) => chooseArm(uncertain, FRUSTRATED_DEV, STRATEGY_IDS, choiceRandom(`m${i}`)).arm));
    expect(arms.size).toBeGreaterThan(2);
  });

  it('logs the probability the arm was actually drawn with', () => {
    const draws = 20_000;
    const counts = new Map<string, number>();
    for (let i = 0; i < draws; i += 1) {
      const { arm } = chooseArm(uncertain, CALM_DEV, STRATEGY_IDS, choiceRandom(`p${i}`), { config: banditConfigFor({ epsilon: 0.5 }) });
      counts.set(arm, (counts.get(arm) ?? 0) + 1);
    }
    const choice = chooseArm(uncertain, CALM_DEV, STRATEGY_IDS, choiceRandom('p0'), { config: banditConfigFor({ epsilon: 0.5 }) });
    expect(choice.expectedRewards.reduce((s, e) => s + e.propensity, 0)).toBeCloseTo(1, 12);
    for (const e of choice.expectedRewards) {
      const sd = Math.sqrt((e.propensity * (1 - e.propensity)) / draws);
      expect(Math.abs((counts.get(e.arm) ?? 0) / draws - e.propensity)).toBeLessThan(4 * sd + 1e-9);
    }
    expect(choice.propensity).toBe(choice.expectedRewards.find((e) => e.arm === choice.arm)!.propensity);
  });

  it('chooses only among allowed arms', () => {
    for (let i = 0; i < 200; i += 1) expect([ACK, PLAIN]).toContain(chooseArm(uncertain, CALM_DEV, [ACK, PLAIN], choiceRandom(`a${i}`)).arm);
    expect(chooseArm(uncertain, CALM_DEV, [PLAIN], choiceRandom('one'))).toMatchObject({ arm: PLAIN, propensity: 1, runnerUp: null });
    expect(() => chooseArm(uncertain, CALM_DEV, [], choiceRandom('none'))).toThrow(/no arm/);
  });
});

describe('probability an arm is best', () => {
  it('matches symmetry, dominance and a Monte Carlo estimate', () => {
    const [a, b] = probabilityBest([0.5, 0.5], [0.1, 0.1]);
    expect(a).toBeCloseTo(0.5, 6);
    expect(b).toBeCloseTo(0.5, 6);
    expect(probabilityBest([0.9, 0.1], [0.01, 0.01])[0]).toBeCloseTo(1, 9);
    const means = [0.5, 0.55, 0.45];
    const sds = [0.1, 0.05, 0.2];
    const rng = choiceRandom('mc');
    const normal = () => Math.sqrt(-2 * Math.log(1 - uniformFloat64(rng))) * Math.cos(2 * Math.PI * uniformFloat64(rng));
    const wins = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i += 1) {
      const draws = means.map((m, k) => m + sds[k]! * normal());
      wins[draws.indexOf(Math.max(...draws))]! += 1;
    }
    probabilityBest(means, sds).forEach((p, k) => expect(Math.abs(p - wins[k]! / n)).toBeLessThan(0.01));
  });
});

describe('choice randomness', () => {
  it('draws a uniform first number even for similar keys (so exploration happens at the configured rate)', () => {
    const n = 20_000;
    let low = 0;
    for (let i = 0; i < n; i += 1) if (uniformFloat64(choiceRandom(`message-${i}`)) < 0.1) low += 1;
    expect(Math.abs(low / n - 0.1)).toBeLessThan(0.01);
  });
});
