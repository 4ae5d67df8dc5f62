import { describe, expect, it } from 'vitest';
import { ReplyChoiceRecord, type ReplyChoiceRule } from '../../../domain/learning/replyChoice.js';
import { seededRandom } from '../../helpers/seededRandom.js';

type Distances = Record<ReplyChoiceRule, number>;

function feed(record: ReplyChoiceRecord, n: number, distances: () => Distances): ReplyChoiceRule[] {
  const rules: ReplyChoiceRule[] = [];
  for (let i = 0; i < n; i += 1) {
    record.observe(distances());
    rules.push(record.rule);
  }
  return rules;
}

describe('reply choice record', () => {
  it('keeps the default rule until it has 20 informative comparisons, then follows a clearly better one', () => {
    const record = new ReplyChoiceRecord();
    const rules = feed(record, 30, () => ({ similar: 0.5, typical: 0.6, nearest: 0.1 }));
    expect(rules.slice(0, 19).every((r) => r === 'similar')).toBe(true);
    expect(rules.at(-1)).toBe('nearest');
    expect(record.summary()).toMatchObject({ rule: 'nearest', comparisons: 30, meanDistance: { similar: 0.5, typical: 0.6, nearest: 0.1 } });
  });

  it('skips comparisons in which every rule chose the same reply', () => {
    const record = new ReplyChoiceRecord();
    feed(record, 50, () => ({ similar: 0.3, typical: 0.3, nearest: 0.3 }));
    expect(record.summary()).toEqual({ rule: 'similar', comparisons: 0, meanDistance: null });
  });

  it('rarely switches between two rules that are equally good (a plain lowest-mean rule would take turns)', () => {
    let runsThatSwitched = 0;
    for (let seed = 1; seed <= 50; seed += 1) {
      const random = seededRandom(seed);
      const record = new ReplyChoiceRecord();
      const rules = feed(record, 5000, () => {
        const base = random();
        return { similar: base + 0.2 * (random() - 0.5), typical: base + 0.2 * (random() - 0.5), nearest: base + 0.3 };
      });
      expect(rules).not.toContain('nearest');
      if (rules.some((r) => r !== 'similar')) runsThatSwitched += 1;
    }
    // At 3 standard errors 22 of these 50 runs switched; at 4, none.
    expect(runsThatSwitched).toBeLessThanOrEqual(2);
  });

  it('follows a change of practice within a few hundred replies', () => {
    const random = seededRandom(5);
    const record = new ReplyChoiceRecord();
    const noisy = (x: number) => x + 0.1 * (random() - 0.5);
    feed(record, 300, () => ({ similar: noisy(0.4), typical: noisy(0.3), nearest: noisy(0.5) }));
    expect(record.rule).toBe('typical');
    const after = feed(record, 300, () => ({ similar: noisy(0.4), typical: noisy(0.5), nearest: noisy(0.3) }));
    const switchedAt = after.indexOf('nearest');
    expect(switchedAt).toBeGreaterThan(0);
    expect(switchedAt).toBeLessThan(200);
    expect(after.at(-1)).toBe('nearest');
  });
});
