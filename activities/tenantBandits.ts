// One live strategy bandit per tenant in this worker's memory, folded from the credited outcomes in
// ticket_rewards (domain/bandit/banditState.ts) and topped up when outcomes arrive: the lifecycle
// refreshes it right after recording a reward, and any draft refreshes it when it is older than the
// staleness bound (so other workers' outcomes arrive too). `asOf` bandits are the fold of the rows
// with outcome time before the date, kept in a small cache.
import { banditSettingsFor, modelConfig, type BanditSettings } from '../domain/bandit/banditSettings.js';
import { compareRows, emptyBanditState, foldBandit, updateBandit, type BanditRow, type BanditState } from '../domain/bandit/banditState.js';
import type { ClickHouse } from '../store/clickhouse.js';
import { banditSettingsOverrides } from '../store/tenantSettings.js';
import { creditedOutcomes, type CreditedOutcome } from '../store/ticketRewards.js';

export interface TenantBandit {
  state: BanditState;
  settings: BanditSettings;
}

interface LiveBandit extends TenantBandit {
  /** Ticket id → id of the row learned for it (one row per ticket: its latest outcome). */
  learned: Map<string, string>;
  last: BanditRow | undefined;
  /** Rows recorded at or after this are fetched at the next refresh. */
  watermark: string | undefined;
  refreshedAt: number;
  refreshing: Promise<void> | undefined;
}

const WATERMARK_LOOKBACK_MS = 60_000;

export const banditRow = (o: CreditedOutcome): BanditRow => ({ id: o.id, at: o.at, features: o.features, arm: o.arm, propensity: o.propensity, reward: o.reward });

export class TenantBandits {
  private readonly live = new Map<string, LiveBandit>();
  private readonly past = new Map<string, Promise<TenantBandit>>();

  constructor(
    private readonly ch: ClickHouse,
    private readonly maxStalenessMs = 1_000,
    private readonly pastCacheSize = 16,
  ) {}

  async current(tenantId: string, options: { force?: boolean } = {}): Promise<TenantBandit> {
    let entry = this.live.get(tenantId);
    if (!entry) {
      entry = { state: emptyBanditState(), settings: banditSettingsFor(), learned: new Map(), last: undefined, watermark: undefined, refreshedAt: 0, refreshing: undefined };
      this.live.set(tenantId, entry);
    }
    if (options.force || Date.now() - entry.refreshedAt > this.maxStalenessMs) await this.refresh(tenantId, entry);
    return { state: entry.state, settings: entry.settings };
  }

  private refresh(tenantId: string, entry: LiveBandit): Promise<void> {
    entry.refreshing ??= (async () => {
      const startedAt = Date.now();
      const settings = banditSettingsFor(await banditSettingsOverrides(this.ch, tenantId));
      // maxValuesPerFeature shapes the fold's vocabulary: a change needs a refold.
      const refold = settings.maxValuesPerFeature !== entry.settings.maxValuesPerFeature;
      // A batch recorded a little before the watermark can become visible after it: look back a minute (learned ids are skipped).
      const recordedFrom = refold || entry.watermark === undefined ? undefined : new Date(Date.parse(entry.watermark) - WATERMARK_LOOKBACK_MS).toISOString();
      const fresh = await creditedOutcomes(this.ch, tenantId, { recordedFrom });
      const unseen = fresh.filter((o) => refold || entry.learned.get(o.ticketId) !== o.id).sort(compareRows);
      const config = modelConfig(settings);
      // A reopened ticket's later outcome replaces the row learned for it.
      const supersedes = unseen.some((o) => entry.learned.has(o.ticketId));
      if (refold || supersedes || (unseen.length > 0 && entry.last && compareRows(unseen[0]!, entry.last) < 0)) {
        // An outcome arrived out of order, replaces an earlier one, or the config changed: the fold is
        // defined in (at, id) order over one row per ticket, so rebuild it rather than append.
        const all = refold ? fresh : await creditedOutcomes(this.ch, tenantId);
        const allRows = all.map(banditRow);
        entry.state = foldBandit(allRows, { config });
        entry.learned = new Map(all.map((o) => [o.ticketId, o.id]));
        entry.last = allRows.sort(compareRows).at(-1);
      } else {
        for (const outcome of unseen) {
          const row = banditRow(outcome);
          entry.state = updateBandit(entry.state, row, config);
          entry.learned.set(outcome.ticketId, row.id);
          entry.last = row;
        }
      }
      const latest = fresh.reduce<string | undefined>((max, o) => (max === undefined || o.recordedAt > max ? o.recordedAt : max), entry.watermark);
      entry.watermark = latest;
      entry.settings = settings;
      entry.refreshedAt = startedAt;
    })().finally(() => (entry.refreshing = undefined));
    return entry.refreshing;
  }

  /** The bandit as of a date: the fold of the credited outcomes with outcome time before it, with the settings in force then. */
  asOf(tenantId: string, asOf: string): Promise<TenantBandit> {
    const key = `${tenantId}\u0000${asOf}`;
    let bandit = this.past.get(key);
    if (!bandit) {
      bandit = (async () => {
        const settings = banditSettingsFor(await banditSettingsOverrides(this.ch, tenantId, asOf));
        const rows = (await creditedOutcomes(this.ch, tenantId, { before: asOf })).map(banditRow);
        return { state: foldBandit(rows, { asOf, config: modelConfig(settings) }), settings };
      })();
      bandit.catch(() => this.past.delete(key));
      this.past.set(key, bandit);
      if (this.past.size > this.pastCacheSize) this.past.delete(this.past.keys().next().value!);
    }
    return bandit;
  }
}
