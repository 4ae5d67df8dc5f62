// Dashboard seeds write rows the way the product does: in time order, one insert per window of
// simulated time, so a later version of a row lands in a later part (which FINAL must collapse).
import type { BatchingWriter } from '../../store/batchingWriter.js';

export interface TimedWrite {
  at: number;
  write: () => Promise<void>;
}

/** Sort `writes` by time and insert them window by window (`windowMs` of simulated time per insert). */
export async function writeInTimeOrder(writer: BatchingWriter, writes: TimedWrite[], windowMs: number): Promise<void> {
  writes.sort((a, b) => a.at - b.at);
  for (let i = 0; i < writes.length; ) {
    const windowEnd = (Math.floor(writes[i].at / windowMs) + 1) * windowMs;
    const batch: Promise<void>[] = [];
    while (i < writes.length && writes[i].at < windowEnd) batch.push(writes[i++].write());
    await writer.flush();
    await Promise.all(batch);
  }
}
