// Batches the lookups that concurrent activities make (DataLoader), shaped for a store that runs one
// statement at a time (embedded chDB): the first lookup goes out at once, and the ones arriving while
// a batch is in flight wait for it and go out together as the next batch. Under load that is one
// query per batch instead of one per lookup; when idle it adds no wait.
import DataLoader from 'dataloader';

export function createCoalescingLoader<K, V>(loadBatch: (keys: readonly K[]) => Promise<V[]>, options: { maxBatchSize: number }): (key: K) => Promise<V> {
  let inFlight: Promise<unknown> = Promise.resolve();
  const loader = new DataLoader<K, V>(
    (keys) => {
      const batch = loadBatch(keys);
      inFlight = batch.catch(() => {});
      return batch;
    },
    {
      // Never cached: every lookup must see what is stored when it is made.
      cache: false,
      maxBatchSize: options.maxBatchSize,
      // Dispatch once the batch before it has finished (setImmediate gathers lookups made together).
      batchScheduleFn: (dispatch) => void inFlight.then(() => setImmediate(dispatch)),
    },
  );
  return (key) => loader.load(key);
}
