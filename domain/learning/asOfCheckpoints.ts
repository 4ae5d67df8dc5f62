// Where a time-travel learner starts and where it leaves checkpoints. A learner "as of T" learns the
// records before T in time order (then id), so the learner of the records before an earlier time C
// is where every later one passes through: a build can start from a checkpoint saved at C instead of
// relearning the whole history (100,000 tickets: about 6 minutes), provided the records before C are
// still the ones it learned. Records only ever join the log, so "still as many" is the check: history
// imported since with earlier times makes the checkpoint unusable and the build goes further back.
import type { LearningRecord } from './records.js';

/**
 * Records between checkpoints a build leaves: ~35 s of learning at 3–4 ms a record is the most a
 * later build relearns past its checkpoint, and a 100,000-record history keeps ten (≤ 10 MB each).
 */
export const AS_OF_CHECKPOINT_EVERY = 10_000;

export interface AsOfCheckpoint {
  /** The learner holds the records with time before this. */
  asOf: string;
  records: number;
}

/** How many of the records (in time order) are before a time. */
export function countBefore(records: readonly LearningRecord[], time: string): number {
  const cutoff = Date.parse(time);
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (Date.parse(records[middle]!.at) < cutoff) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The stored checkpoints a build over these records (in time order) can start from, the furthest along first. */
export function usableCheckpoints(records: readonly LearningRecord[], stored: readonly AsOfCheckpoint[]): AsOfCheckpoint[] {
  return stored.filter((c) => c.records <= records.length && countBefore(records, c.asOf) === c.records).sort((a, b) => b.records - a.records);
}

/**
 * Where a build that has learned the first `from` records leaves checkpoints: after every `every`
 * records, at the time of the first record not learned. A position inside a run of equal times is
 * skipped (no time separates the records before it from the rest).
 */
export function checkpointPositions(records: readonly LearningRecord[], from: number, every = AS_OF_CHECKPOINT_EVERY): AsOfCheckpoint[] {
  const positions: AsOfCheckpoint[] = [];
  for (let index = (Math.floor(from / every) + 1) * every; index < records.length; index += every) {
    if (Date.parse(records[index - 1]!.at) < Date.parse(records[index]!.at)) positions.push({ asOf: records[index]!.at, records: index });
  }
  return positions;
}
