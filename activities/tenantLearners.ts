// One live learner per tenant in this worker's memory, fed from the event log: built on first use,
// then topped up incrementally (records recorded since the last watermark). No retraining step:
// every solved ticket, outcome and thumbs is learned at the next refresh. `asOf` learners are the
// same computation restricted to records before a date (time travel), kept in a small cache.
// The install-time learner (the control arm's content model) is the learner as of the tenant's first
// draft: everything imported or learned before supportloop first drafted for the tenant, nothing after.
// The tenant's strategy bandits live beside the learners (`bandits`).
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { createLearner, recordsBefore, type Learner } from '../domain/learning/learner.js';
import type { LearningRecord } from '../domain/learning/records.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { loadLearningRecords } from '../store/learningRecords.js';
import { firstSuggestionAt } from '../store/suggestions.js';
import { TenantBandits } from './tenantBandits.js';

interface LiveLearner {
  learner: Learner;
  watermark: string | undefined;
  refreshedAt: number;
  refreshing: Promise<void> | undefined;
}

export class TenantLearners {
  private readonly live = new Map<string, LiveLearner>();
  private readonly past = new Map<string, Promise<Learner>>();
  private readonly installTime = new Map<string, Promise<Learner>>();
  readonly bandits: TenantBandits;

  constructor(
    private readonly ch: ClickHouse,
    /** A learner younger than this is used without a refresh (bounds the cost added to a draft). */
    private readonly maxStalenessMs = 1_000,
    private readonly pastCacheSize = 16,
  ) {
    this.bandits = new TenantBandits(ch, maxStalenessMs, pastCacheSize);
  }

  /**
   * The install-time learner: as of the tenant's first draft (built once per worker and kept; history
   * imported later with earlier timestamps joins it at the next worker start). Before any draft it is
   * the current learner: nothing has been learned live yet.
   */
  async atInstall(tenantId: string): Promise<Learner> {
    const cached = this.installTime.get(tenantId);
    if (cached) return cached;
    const installedAt = await firstSuggestionAt(this.ch, tenantId);
    if (installedAt === undefined) return this.current(tenantId);
    const learner = loadLearningRecords(this.ch, tenantId, { before: installedAt }).then(({ records }) => learnInSlices(createLearner(), recordsBefore(records, installedAt)));
    learner.catch(() => this.installTime.delete(tenantId));
    this.installTime.set(tenantId, learner);
    return learner;
  }

  /** The tenant's learner, refreshed if older than the staleness bound (or always with force). */
  async current(tenantId: string, options: { force?: boolean } = {}): Promise<Learner> {
    let entry = this.live.get(tenantId);
    if (!entry) {
      entry = { learner: createLearner(), watermark: undefined, refreshedAt: 0, refreshing: undefined };
      this.live.set(tenantId, entry);
    }
    if (options.force || Date.now() - entry.refreshedAt > this.maxStalenessMs) await this.refresh(tenantId, entry);
    return entry.learner;
  }

  private refresh(tenantId: string, entry: LiveLearner): Promise<void> {
    // One refresh per tenant at a time; concurrent callers share it.
    entry.refreshing ??= (async () => {
      const startedAt = Date.now();
      const { records, watermark } = await loadLearningRecords(this.ch, tenantId, { recordedAfter: entry.watermark });
      await learnInSlices(entry.learner, records);
      entry.watermark = watermark;
      entry.refreshedAt = startedAt;
    })().finally(() => (entry.refreshing = undefined));
    return entry.refreshing;
  }

  /** What the tenant's learner knew just before `asOf`. */
  asOf(tenantId: string, asOf: string): Promise<Learner> {
    const key = `${tenantId}\u0000${asOf}`;
    let learner = this.past.get(key);
    if (!learner) {
      learner = loadLearningRecords(this.ch, tenantId, { before: asOf }).then(({ records }) => learnInSlices(createLearner(), recordsBefore(records, asOf)));
      learner.catch(() => this.past.delete(key));
      this.past.set(key, learner);
      if (this.past.size > this.pastCacheSize) this.past.delete(this.past.keys().next().value!);
    }
    return learner;
  }
}

/**
 * Longest stretch a learner build holds the event loop. Learning is a few hundred microseconds a
 * ticket (bench:learning: 100,000 past tickets ≈ a minute), so the first refresh after a large import,
 * or an asOf learner over a long history, would stall the worker — other tenants' drafts, workflow
 * tasks, and in the embedded process the API — for as long as it takes.
 */
const LEARN_SLICE_MS = 50;

/** Learns the records in order, yielding to the event loop every LEARN_SLICE_MS. */
export async function learnInSlices(learner: Learner, records: Iterable<LearningRecord>): Promise<Learner> {
  let sliceStart = performance.now();
  for (const record of records) {
    learner.learn(record);
    if (performance.now() - sliceStart > LEARN_SLICE_MS) {
      await yieldToEventLoop();
      sliceStart = performance.now();
    }
  }
  return learner;
}
