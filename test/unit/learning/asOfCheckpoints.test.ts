import { describe, expect, it } from 'vitest';
import { checkpointPositions, countBefore, usableCheckpoints } from '../../../domain/learning/asOfCheckpoints.js';
import type { LearningRecord } from '../../../domain/learning/records.js';

/** Outcome records at these minutes past midnight, 1 Jan 2026, in time order. */
const recordsAt = (minutes: number[]): LearningRecord[] =>
  minutes.map((m, i) => ({ kind: 'outcome', id: `o${i}`, at: new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString(), ticketId: `t${i}`, outcome: 'good' }));
const minute = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

describe('as-of checkpoints', () => {
  it('counts the records before a time', () => {
    const records = recordsAt([1, 2, 2, 5, 9]);
    expect([0, 1, 2, 3, 5, 6, 9, 10].map((m) => countBefore(records, minute(m)))).toEqual([0, 0, 1, 3, 3, 4, 4, 5]);
    expect(countBefore([], minute(3))).toBe(0);
  });

  it('leaves a checkpoint every n records at the first record not learned, past where the build started, never inside a run of equal times', () => {
    const records = recordsAt([1, 2, 3, 4, 4, 5, 6, 7, 8, 9]);
    expect(checkpointPositions(records, 0, 2)).toEqual([
      { asOf: minute(3), records: 2 },
      // at 4 the fourth and fifth records share minute 4: no time separates them
      { asOf: minute(6), records: 6 },
      { asOf: minute(8), records: 8 },
    ]);
    expect(checkpointPositions(records, 4, 2)).toEqual([
      { asOf: minute(6), records: 6 },
      { asOf: minute(8), records: 8 },
    ]);
    expect(checkpointPositions(records, 6, 2)).toEqual([{ asOf: minute(8), records: 8 }]);
    expect(checkpointPositions(records, 0, 5)).toEqual([{ asOf: minute(5), records: 5 }]);
    // none at the end: the build's own result is not a checkpoint
    expect(checkpointPositions(records, 0, 10)).toEqual([]);
  });

  it('starts from the furthest checkpoint whose time still has as many records before it', () => {
    const records = recordsAt([1, 2, 3, 4, 5, 6, 7, 8]);
    const stored = [
      { asOf: minute(3), records: 2 },
      { asOf: minute(7), records: 6 },
      { asOf: minute(5), records: 4 },
    ];
    expect(usableCheckpoints(records, stored).map((c) => c.records)).toEqual([6, 4, 2]);
    // a record imported later at minute 4: the checkpoints after it no longer hold
    const withLate = recordsAt([1, 2, 3, 4, 4, 5, 6, 7, 8]);
    expect(usableCheckpoints(withLate, stored).map((c) => c.records)).toEqual([2]);
    // a checkpoint past the records this build learns
    expect(usableCheckpoints(records.slice(0, 5), stored).map((c) => c.records)).toEqual([4, 2]);
  });
});
