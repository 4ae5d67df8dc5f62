// One live learner per tenant in this worker's memory, fed from the event log: built on first use,
// then topped up incrementally (records recorded since the last watermark). No retraining step:
// every solved ticket, outcome and thumbs is learned at the next refresh. `asOf` learners are the
// same computation restricted to records before a date (time travel), kept in a small cache.
// The install-time learner (the control arm's content model) is the learner as of the tenant's first
// draft: every record from before supportloop first drafted for the tenant (imported history
// included, whenever it was imported), nothing after.
// The tenant's strategy bandits live beside the learners (`bandits`).
// The live learner is saved every `snapshotEvery` records it learns (store/learnerSnapshots.ts): a
// worker that starts restores the tenant's last snapshot and learns only what was recorded after it.
// Learners as of a time (asOf, install-time) start from the latest checkpoint an earlier build left
// that still holds (domain/learning/asOfCheckpoints.ts), and leave their own; the install-time
// learner is also saved whole.
import { AS_OF_CHECKPOINT_EVERY, checkpointPositions, usableCheckpoints, type AsOfCheckpoint } from '../domain/learning/asOfCheckpoints.js';
import { createLearner, recordsBefore, type Learner } from '../domain/learning/learner.js';
import type { LearningRecord } from '../domain/learning/records.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { historyArrivalsSince } from '../store/historyArrivals.js';
import { encodeLearnerState, listAsOfSnapshots, loadLearnerSnapshot, retireAsOfSnapshots, writeLearnerSnapshot, type LearnerSnapshot, type SnapshotKey } from '../store/learnerSnapshots.js';
import { loadLearningRecords } from '../store/learningRecords.js';
import { firstSuggestionAt } from '../store/suggestions.js';
import { learnInSlices } from './eventLoopSlices.js';
import { TenantBandits } from './tenantBandits.js';

interface InstallTimeLearner {
  installedAt: string;
  learner: Promise<Learner>;
  builtFromMs: number;
  checkedAtMs: number;
  /** A build with newly imported history is under way (one at a time). */
  renewing: boolean;
}

interface LiveLearner {
  learner: Learner;
  watermark: string | undefined;
  refreshedAt: number;
  refreshing: Promise<void> | undefined;
  /** Records the learner had learned at its last snapshot (or restore). */
  snapshotRecords: number;
}

export interface TenantLearnersOptions {
  /** A learner younger than this is used without a refresh (bounds the cost added to a draft). */
  maxStalenessMs?: number;
  pastCacheSize?: number;
  /** Records learned between snapshots of a live learner (config SUPPORTLOOP_LEARNER_SNAPSHOT_EVERY); 0 or absent: no snapshot or as-of checkpoint is saved or restored. */
  snapshotEvery?: number;
  /** Records between the checkpoints a learner as of a time leaves (default AS_OF_CHECKPOINT_EVERY). */
  asOfCheckpointEvery?: number;
  /** A snapshot stored, restored, or failed (failures only cost a longer relearn after a restart). */
  onSnapshot?: (event: LearnerSnapshotEvent) => void;
  /** Quiet time after the last `refreshSoon` call before the background refresh starts (default 5 s). */
  backgroundRefreshDelayMs?: number;
  /** A background refresh (`refreshSoon`) finished or failed (a failure only means the next draft learns it instead). */
  onBackgroundRefresh?: (event: BackgroundRefreshEvent) => void;
  /** How often the install-time learner looks for history imported since its build (default 60 s). */
  installTimeCheckMs?: number;
  /** An import counts as finished once it has stored nothing for this long (config SUPPORTLOOP_DETECTION_IMPORT_QUIET_SECONDS, default 60 s); the install-time learner is not rebuilt on a part of one. */
  importQuietMs?: number;
  /** A learner was handed out still learning: its caller's wait bound (`current`'s `waitAtMostMs`) passed first. */
  onServedWhileLearning?: (event: ServedWhileLearningEvent) => void;
}

export interface ServedWhileLearningEvent {
  tenantId: string;
  /** Records the learner had learned when handed out. */
  learned: number;
  waitedMs: number;
}

/** A background refresh of the live learner (after an import), or the install-time learner built again with imported history. */
export type BackgroundRefreshEvent = { tenantId: string; learner: 'live' | 'install-time' } & ({ kind: 'done'; records: number; ms: number } | { kind: 'failed'; error: unknown });

export type LearnerSnapshotEvent = { tenantId: string; key: SnapshotKey } & (
  | { kind: 'saved'; records: number; bytes: number; ms: number }
  | { kind: 'restored'; records: number; ms: number }
  | { kind: 'failed'; during: 'save' | 'restore'; error: unknown }
);

export class TenantLearners {
  private readonly live = new Map<string, Promise<LiveLearner>>();
  private readonly past = new Map<string, Promise<Learner>>();
  /** Install-time learners by tenant: the install time (the tenant's first draft) they are as of, when their build began, when imports were last looked for. */
  private readonly installTime = new Map<string, InstallTimeLearner>();
  private readonly maxStalenessMs: number;
  private readonly pastCacheSize: number;
  private readonly snapshotEvery: number;
  private readonly asOfCheckpointEvery: number;
  private readonly onSnapshot: (event: LearnerSnapshotEvent) => void;
  /** Snapshots being compressed and stored, one per tenant and learner at a time (and retirements of stale checkpoints). */
  private readonly saving = new Map<string, Promise<void>>();
  private readonly backgroundRefreshDelayMs: number;
  private readonly onBackgroundRefresh: (event: BackgroundRefreshEvent) => void;
  private readonly onServedWhileLearning: (event: ServedWhileLearningEvent) => void;
  private readonly installTimeCheckMs: number;
  private readonly importQuietMs: number;
  /** Background refreshes waiting for their quiet time, by tenant. */
  private readonly refreshTimers = new Map<string, NodeJS.Timeout>();
  private closing = false;
  readonly bandits: TenantBandits;

  constructor(
    private readonly ch: ClickHouse,
    options: TenantLearnersOptions = {},
  ) {
    this.maxStalenessMs = options.maxStalenessMs ?? 1_000;
    this.pastCacheSize = options.pastCacheSize ?? 16;
    this.snapshotEvery = options.snapshotEvery ?? 0;
    this.asOfCheckpointEvery = options.asOfCheckpointEvery ?? AS_OF_CHECKPOINT_EVERY;
    this.onSnapshot = options.onSnapshot ?? (() => {});
    this.backgroundRefreshDelayMs = options.backgroundRefreshDelayMs ?? 5_000;
    this.onBackgroundRefresh = options.onBackgroundRefresh ?? (() => {});
    this.onServedWhileLearning = options.onServedWhileLearning ?? (() => {});
    this.installTimeCheckMs = options.installTimeCheckMs ?? 60_000;
    this.importQuietMs = options.importQuietMs ?? 60_000;
    this.bandits = new TenantBandits(ch, this.maxStalenessMs, this.pastCacheSize);
  }

  /**
   * The install-time learner: as of the tenant's first draft, built once per worker and kept. History
   * imported later with earlier timestamps joins it (renewInstallTimeIfBehind). Before any draft it
   * is the current learner: nothing has been learned live yet.
   */
  async atInstall(tenantId: string): Promise<Learner> {
    const cached = this.installTime.get(tenantId);
    if (cached) {
      this.renewInstallTimeIfBehind(tenantId, cached);
      return cached.learner;
    }
    const installedAt = await firstSuggestionAt(this.ch, tenantId);
    if (installedAt === undefined) return this.current(tenantId);
    // A concurrent call may have started it while this one read the install time.
    const started = this.installTime.get(tenantId);
    if (started) return started.learner;
    const now = Date.now();
    const learner = this.learnedAsOf(tenantId, installedAt, true);
    learner.catch(() => this.installTime.delete(tenantId));
    this.installTime.set(tenantId, { installedAt, learner, builtFromMs: now, checkedAtMs: now, renewing: false });
    return learner;
  }

  /**
   * Builds the install-time learner again, in the background, once an import that stored history
   * from before the install since its build has gone quiet (store/historyArrivals.ts; looked for at
   * most every installTimeCheckMs). The control arm measures the model supportloop had before it
   * learned anything live, and history is part of it whichever came first in this worker, the import
   * or the first control-arm draft. The learner it has keeps drafting until the new one is ready.
   * Any process that drafts sees the arrivals, so this holds with the API in another process too.
   */
  private renewInstallTimeIfBehind(tenantId: string, cached: InstallTimeLearner): void {
    const now = Date.now();
    if (this.closing || cached.renewing || now - cached.checkedAtMs < this.installTimeCheckMs) return;
    cached.checkedAtMs = now;
    cached.renewing = true;
    const renew = async () => {
      const arrivals = await historyArrivalsSince(this.ch, tenantId, cached.builtFromMs);
      const behind = arrivals.some((a) => a.events > 0 && a.earliestMs < Date.parse(cached.installedAt));
      if (!behind || arrivals.some((a) => a.arrivedAtMs > now - this.importQuietMs)) return;
      const renewed = await this.learnedAsOf(tenantId, cached.installedAt, true);
      if (this.installTime.get(tenantId) === cached) this.installTime.set(tenantId, { ...cached, learner: Promise.resolve(renewed), builtFromMs: now, checkedAtMs: Date.now(), renewing: false });
      this.onBackgroundRefresh({ kind: 'done', tenantId, learner: 'install-time', records: renewed.learnedCount, ms: Date.now() - now });
    };
    renew()
      .catch((error: unknown) => this.closing || this.onBackgroundRefresh({ kind: 'failed', tenantId, learner: 'install-time', error }))
      .finally(() => (cached.renewing = false));
  }

  /**
   * The learner of the records before a time, in time order: from the furthest stored checkpoint that
   * still holds, leaving checkpoints on the way; `keepWhole` saves the result too (the install-time
   * learner, asked for again after every restart).
   */
  private async learnedAsOf(tenantId: string, asOf: string, keepWhole = false): Promise<Learner> {
    const records = recordsBefore((await loadLearningRecords(this.ch, tenantId, { before: asOf })).records, asOf);
    const usable = await this.checkpointsThatHold(tenantId, { learner: 'as-of', asOf }, records, asOf);
    let learner = createLearner();
    let start: AsOfCheckpoint | undefined;
    for (const checkpoint of usable) {
      const restored = await this.restore(tenantId, { learner: 'as-of', asOf: checkpoint.asOf }, (s) => s.records === checkpoint.records);
      if (!restored) continue;
      learner = restored.learner;
      start = checkpoint;
      break;
    }
    await this.learnLeavingCheckpoints(tenantId, learner, records, start?.records ?? 0, usable);
    if (keepWhole && start?.asOf !== asOf) this.save(tenantId, { learner: 'as-of', asOf }, learner, { watermark: '', records: records.length });
    return learner;
  }

  /**
   * This code's as-of checkpoints (at or before a time if given) that still hold for these records,
   * which `key`'s learner is being built from; none when snapshots are off or unreadable. Those that
   * no longer hold are retired in the background.
   */
  private async checkpointsThatHold(tenantId: string, key: SnapshotKey, records: readonly LearningRecord[], notAfter?: string): Promise<AsOfCheckpoint[]> {
    if (this.snapshotEvery <= 0) return [];
    let stored: AsOfCheckpoint[];
    try {
      stored = await listAsOfSnapshots(this.ch, tenantId, notAfter);
    } catch (error) {
      this.onSnapshot({ kind: 'failed', tenantId, key, during: 'restore', error });
      return [];
    }
    const usable = usableCheckpoints(records, stored);
    const stale = stored.filter((c) => !usable.includes(c)).map((c) => c.asOf);
    const retiringKey = `${tenantId}\u0000retire`;
    if (stale.length > 0 && !this.saving.has(retiringKey)) {
      const retiring = retireAsOfSnapshots(this.ch, tenantId, stale, Date.now())
        .catch((error: unknown) => this.onSnapshot({ kind: 'failed', tenantId, key, during: 'save', error }))
        .finally(() => this.saving.delete(retiringKey));
      this.saving.set(retiringKey, retiring);
    }
    return usable;
  }

  /**
   * Learns records (in time order) from the `learned`-th on, leaving an as-of checkpoint at each
   * position (asOfCheckpoints.ts) where none of `usable` — checkpoints that still hold — already is.
   */
  private async learnLeavingCheckpoints(tenantId: string, learner: Learner, records: readonly LearningRecord[], learned: number, usable: readonly AsOfCheckpoint[]): Promise<void> {
    const kept = new Set(usable.map((c) => c.records));
    for (const position of checkpointPositions(records, learned, this.asOfCheckpointEvery)) {
      await learnInSlices(learner, records.slice(learned, position.records));
      learned = position.records;
      if (!kept.has(position.records)) this.save(tenantId, { learner: 'as-of', asOf: position.asOf }, learner, { watermark: '', records: position.records });
    }
    await learnInSlices(learner, records.slice(learned));
  }

  /**
   * The tenant's learner, refreshed if older than the staleness bound (or always with force).
   * With `waitAtMostMs`, a learner that already knows the tenant (restored from a snapshot, or
   * refreshed once in this worker) is handed out after that long even if its refresh is still
   * learning: a draft then comes from what it has learned so far (whole records, in order; it learns
   * between drafts, never during one) instead of waiting minutes while a large import is learned.
   * A learner that has never finished learning the tenant is always waited for: it knows nothing yet.
   */
  async current(tenantId: string, options: { force?: boolean; waitAtMostMs?: number } = {}): Promise<Learner> {
    let started = this.live.get(tenantId);
    if (!started) {
      started = this.start(tenantId);
      started.catch(() => this.live.delete(tenantId));
      this.live.set(tenantId, started);
    }
    const entry = await started;
    if (!options.force && Date.now() - entry.refreshedAt <= this.maxStalenessMs) return entry.learner;
    const refreshing = this.refresh(tenantId, entry);
    const knowsTenant = entry.refreshedAt > 0 || entry.snapshotRecords > 0;
    if (options.waitAtMostMs === undefined || !knowsTenant) {
      await refreshing;
      return entry.learner;
    }
    const startedAt = Date.now();
    if (!(await settlesWithin(refreshing, options.waitAtMostMs))) this.onServedWhileLearning({ tenantId, learned: entry.learner.learnedCount, waitedMs: Date.now() - startedAt });
    return entry.learner;
  }

  /** The tenant's live learner in this worker: from its last snapshot when there is one this code can continue, else empty. */
  private async start(tenantId: string): Promise<LiveLearner> {
    const restored = await this.restore(tenantId, { learner: 'live' }, () => true);
    if (restored) return { learner: restored.learner, watermark: restored.watermark, refreshedAt: 0, refreshing: undefined, snapshotRecords: restored.records };
    return { learner: createLearner(), watermark: undefined, refreshedAt: 0, refreshing: undefined, snapshotRecords: 0 };
  }

  /** The tenant's stored snapshot of that learner, if this code wrote it and it is the one wanted; a failure is reported and means none. */
  private async restore(tenantId: string, key: SnapshotKey, wanted: (snapshot: LearnerSnapshot) => boolean): Promise<(LearnerSnapshot & { learner: Learner }) | undefined> {
    if (this.snapshotEvery <= 0) return undefined;
    const startedAt = Date.now();
    try {
      const snapshot = await loadLearnerSnapshot(this.ch, tenantId, key);
      if (!snapshot || !wanted(snapshot)) return undefined;
      const restored = createLearner({}, snapshot.state);
      this.onSnapshot({ kind: 'restored', tenantId, key, records: snapshot.records, ms: Date.now() - startedAt });
      return { ...snapshot, learner: restored };
    } catch (error) {
      this.onSnapshot({ kind: 'failed', tenantId, key, during: 'restore', error });
      return undefined;
    }
  }

  private refresh(tenantId: string, entry: LiveLearner): Promise<void> {
    // One refresh per tenant at a time; concurrent callers share it.
    entry.refreshing ??= (async () => {
      const startedAt = Date.now();
      const { records, watermark } = await loadLearningRecords(this.ch, tenantId, { recordedAfter: entry.watermark });
      // A new learner's first load (no watermark: a restored one has its snapshot's) is the whole log
      // in time order, which is what a learner as of now learns: it leaves the checkpoints time travel
      // starts from, at no extra learning.
      if (entry.watermark === undefined) await this.learnLeavingCheckpoints(tenantId, entry.learner, records, 0, await this.checkpointsThatHold(tenantId, { learner: 'live' }, records));
      else await learnInSlices(entry.learner, records);
      entry.watermark = watermark;
      entry.refreshedAt = startedAt;
      this.saveIfDue(tenantId, entry);
    })().finally(() => (entry.refreshing = undefined));
    return entry.refreshing;
  }

  /**
   * Saves the learner once it has learned `snapshotEvery` records since the last snapshot. Called
   * between refreshes, so the state and the watermark agree; the caller does not wait for the store.
   */
  private saveIfDue(tenantId: string, entry: LiveLearner): void {
    const learned = entry.learner.learnedCount;
    if (learned - entry.snapshotRecords < this.snapshotEvery || entry.watermark === undefined) return;
    if (this.save(tenantId, { learner: 'live' }, entry.learner, { watermark: entry.watermark, records: learned })) entry.snapshotRecords = learned;
  }

  /**
   * Serialises the learner now (it must not learn in between) and stores it in the background;
   * false when snapshots are off or one of this learner is still being stored.
   */
  private save(tenantId: string, key: SnapshotKey, learner: Learner, snapshot: { watermark: string; records: number }): boolean {
    const savingKey = [tenantId, key.learner, key.learner === 'as-of' ? key.asOf : ''].join('\u0000');
    if (this.snapshotEvery <= 0 || this.saving.has(savingKey)) return false;
    const startedAt = Date.now();
    const modelVersion = learner.modelVersion;
    const saving = encodeLearnerState(learner.exportState())
      .then(async (state) => {
        await writeLearnerSnapshot(this.ch, tenantId, key, { ...snapshot, modelVersion, state, takenAtMs: startedAt });
        this.onSnapshot({ kind: 'saved', tenantId, key, records: snapshot.records, bytes: state.length, ms: Date.now() - startedAt });
      })
      .catch((error: unknown) => this.onSnapshot({ kind: 'failed', tenantId, key, during: 'save', error }))
      .finally(() => this.saving.delete(savingKey));
    this.saving.set(savingKey, saving);
    return true;
  }

  /**
   * Refreshes the tenant's live learner in the background once no further call has come for the
   * quiet time. An import arrives as many requests; learning its history right after (instead of at
   * the tenant's next draft, which would wait for it: minutes for tens of thousands of tickets) has
   * the learner ready, and its snapshot stored for other processes to restore.
   */
  refreshSoon(tenantId: string): void {
    if (this.closing) return;
    clearTimeout(this.refreshTimers.get(tenantId));
    const timer = setTimeout(() => {
      this.refreshTimers.delete(tenantId);
      const startedAt = Date.now();
      this.current(tenantId, { force: true }).then(
        (learner) => this.onBackgroundRefresh({ kind: 'done', tenantId, learner: 'live', records: learner.learnedCount, ms: Date.now() - startedAt }),
        // A failure while stopping is the store closing under it, not news.
        (error: unknown) => this.closing || this.onBackgroundRefresh({ kind: 'failed', tenantId, learner: 'live', error }),
      );
    }, this.backgroundRefreshDelayMs);
    timer.unref();
    this.refreshTimers.set(tenantId, timer);
  }

  /** Waits for the snapshots being stored. */
  async drain(): Promise<void> {
    await Promise.all(this.saving.values());
  }

  /** A graceful stop: background refreshes not yet started are dropped, snapshots being stored awaited. */
  async close(): Promise<void> {
    this.closing = true;
    for (const timer of this.refreshTimers.values()) clearTimeout(timer);
    this.refreshTimers.clear();
    await this.drain();
  }

  /** What the tenant's learner knew just before `asOf`. */
  asOf(tenantId: string, asOf: string): Promise<Learner> {
    const key = `${tenantId}\u0000${asOf}`;
    let learner = this.past.get(key);
    if (!learner) {
      learner = this.learnedAsOf(tenantId, asOf);
      learner.catch(() => this.past.delete(key));
      this.past.set(key, learner);
      if (this.past.size > this.pastCacheSize) this.past.delete(this.past.keys().next().value!);
    }
    return learner;
  }
}

/**
 * True once the promise is fulfilled, false if `ms` pass first; its rejection within `ms` is thrown.
 * A rejection after that is dropped: the refresh left `refreshedAt` as it was, so the next call
 * refreshes again.
 */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([promise.then(() => true as const), expired]);
  } finally {
    clearTimeout(timer);
    promise.catch(() => {});
  }
}
