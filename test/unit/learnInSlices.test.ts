// A learner build over a long history (activities/tenantLearners.ts learnInSlices) learns every
// record in order and lets the rest of the process run while it does.
import { describe, expect, it } from 'vitest';
import { learnInSlices } from '../../activities/tenantLearners.js';
import type { Learner } from '../../domain/learning/learner.js';
import type { LearningRecord } from '../../domain/learning/records.js';

describe('learning in slices', () => {
  it('learns every record in order, and other work runs between slices', async () => {
    const learned: string[] = [];
    let timerFiredAfter: number | undefined;
    // A learner whose learn takes 2 ms a record (a real one takes a few hundred microseconds).
    const slow = {
      learn: (record: LearningRecord) => {
        const until = performance.now() + 2;
        while (performance.now() < until);
        learned.push(record.at);
      },
    } as unknown as Learner;
    const records = Array.from({ length: 100 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }) as LearningRecord);
    setTimeout(() => (timerFiredAfter = learned.length), 0);
    const result = await learnInSlices(slow, records);
    expect(result).toBe(slow);
    expect(learned).toEqual(records.map((r) => r.at));
    // The timer ran while records were still being learned (a 200 ms build, 50 ms slices).
    expect(timerFiredAfter).toBeGreaterThan(0);
    expect(timerFiredAfter).toBeLessThan(records.length);
  });
});
