// The reward of each closed ticket, with the components a leader reads to see why, and the suggestion
// it is credited to (credit assignment happens when the reward is recorded, so the bandit, off-policy
// evaluation and the dashboards all read this one table).
import type { RewardResult } from '../domain/reward.js';
import type { TicketState } from '../domain/ticketState.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { AFTER_EVERY_EVENT, fromClickHouseTime, LATEST_REWARD_PER_TICKET, TABLES, toClickHouseTime } from './tables.js';

/** The suggestion an outcome is credited to and how it was chosen. */
export interface RewardCredit {
  suggestionId: string;
  strategy: string;
  policy: string;
  propensity: number;
  banditFeatures: string[];
  /** The draft reached the customer (first agent reply accepted or lightly edited): only then does the bandit learn from it. */
  credited: boolean;
}

export function writeTicketReward(writer: BatchingWriter, ticket: TicketState, outcomeEventId: string, at: string, result: RewardResult, nowMs: number, credit?: RewardCredit): Promise<void> {
  return writer.write(TABLES.ticketRewards, [
    {
      tenant_id: ticket.tenantId,
      ticket_id: ticket.ticketId,
      outcome_event_id: outcomeEventId,
      at: toClickHouseTime(at),
      reward: result.reward,
      components: JSON.stringify(result.components),
      weights: JSON.stringify(result.weights),
      channel: ticket.channel,
      segment: ticket.customer.segment ?? '',
      plan: ticket.customer.plan ?? '',
      topic: ticket.topic,
      recorded_at: toClickHouseTime(nowMs),
      ...(credit && {
        suggestion_id: credit.suggestionId,
        strategy: credit.strategy,
        policy: credit.policy,
        propensity: credit.propensity,
        bandit_features: credit.banditFeatures,
        credited: credit.credited ? 1 : 0,
      }),
    },
  ]);
}

/** Correction classes under which the draft (and so its strategy) reached the customer. */
export const CREDITED_CLASSES = ['accepted', 'lightly-edited'] as const;

/**
 * Credit for a ticket's outcome: the suggestion the agent's first reply (or escalation) was compared
 * with — the latest one shown before it — credited when that correction kept the draft. Without an
 * agent reply, the ticket's latest suggestion, not credited. Undefined when nothing was drafted.
 */
export async function rewardCredit(ch: ClickHouse, tenantId: string, ticketId: string): Promise<RewardCredit | undefined> {
  const first = await ch.query<{ suggestion_id: string; class: string }>(
    `SELECT suggestion_id, class FROM ${ch.table(TABLES.corrections)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String}
     ORDER BY replied_at, reply_event_id LIMIT 1`,
    { tenantId, ticketId },
  );
  const rows = await ch.query<{ suggestion_id: string; strategy: string; policy: string; propensity: number; bandit_features: string[] }>(
    `SELECT suggestion_id, strategy, policy, propensity, bandit_features FROM ${ch.table(TABLES.suggestions)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String} AND (suggestion_id = {suggestionId:String} OR {suggestionId:String} = '')
     ORDER BY message_at DESC, created_at DESC LIMIT 1`,
    { tenantId, ticketId, suggestionId: first[0]?.suggestion_id ?? '' },
  );
  const s = rows[0];
  if (!s) return undefined;
  const kept = first[0] !== undefined && (CREDITED_CLASSES as readonly string[]).includes(first[0].class);
  return {
    suggestionId: s.suggestion_id,
    strategy: s.strategy,
    policy: s.policy,
    propensity: Number(s.propensity),
    banditFeatures: s.bandit_features,
    // A suggestion stored before strategies existed has no strategy to credit.
    credited: kept && s.strategy !== '' && Number(s.propensity) > 0,
  };
}

export interface StoredReward {
  outcomeEventId: string;
  at: string;
  reward: number;
  components: unknown[];
  weights: Record<string, number>;
  suggestionId: string;
  strategy: string;
  policy: string;
  credited: boolean;
}

export async function ticketRewards(ch: ClickHouse, tenantId: string, ticketId: string): Promise<StoredReward[]> {
  const rows = await ch.query<{ outcome_event_id: string; at: string; reward: number; components: string; weights: string; suggestion_id: string; strategy: string; policy: string; credited: number }>(
    `SELECT outcome_event_id, at, reward, components, weights, suggestion_id, strategy, policy, credited FROM ${ch.table(TABLES.ticketRewards)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String} ORDER BY at`,
    { tenantId, ticketId },
  );
  return rows.map((r) => ({
    outcomeEventId: r.outcome_event_id,
    at: fromClickHouseTime(r.at),
    reward: Number(r.reward),
    components: JSON.parse(r.components) as unknown[],
    weights: JSON.parse(r.weights) as Record<string, number>,
    suggestionId: r.suggestion_id,
    strategy: r.strategy,
    policy: r.policy,
    credited: Number(r.credited) === 1,
  }));
}

/** One credited outcome: a bandit learning row plus what evaluation and the clarify report group by. */
export interface CreditedOutcome {
  /** `${ticketId}/${outcomeEventId}`: rows are learned in (at, id) order, i.e. by outcome time then ticket id. */
  id: string;
  ticketId: string;
  at: string;
  recordedAt: string;
  features: string[];
  arm: string;
  propensity: number;
  reward: number;
  policy: string;
  topic: string;
  /** Time from creation to solve, from the outcome event (with `withResolution`); null when unknown. */
  resolutionSeconds: number | null;
}

/**
 * The bandit's learning rows: per ticket its latest outcome in `ticket_rewards FINAL` (a reopened
 * ticket is rewarded again when it closes again; that reward supersedes the first, so the suggestion
 * is learned once, with what finally happened), kept when credited, in (outcome time, ticket id)
 * order. `before` keeps outcomes before a date (asOf: the latest outcome known then); `recordedFrom`
 * only rows recorded since then (an incremental refresh; inclusive, callers de-duplicate by id and
 * replace a ticket's earlier row).
 */
export async function creditedOutcomes(ch: ClickHouse, tenantId: string, window: { before?: string; recordedFrom?: string; withResolution?: boolean } = {}): Promise<CreditedOutcome[]> {
  // Resolution time comes from the outcome event; only the clarify report needs it, and the join
  // scans the tenant's outcome events, so the bandit's frequent refreshes skip it.
  const resolution = window.withResolution
    ? {
        column: `JSONExtract(e.details, 'resolutionSeconds', 'Nullable(Float64)')`,
        join: `LEFT JOIN (SELECT event_id, any(details) AS details FROM ${ch.table(TABLES.ticketEvents)}
                WHERE tenant_id = {tenantId:String} AND kind = 'ticket.outcome' GROUP BY event_id) AS e ON e.event_id = r.outcome_event_id`,
      }
    : { column: 'CAST(NULL AS Nullable(Float64))', join: '' };
  // An incremental refresh (the live bandit, about once a second) de-duplicates only the tickets with
  // a row recorded since then, not the tenant's whole reward history.
  const recent =
    window.recordedFrom === undefined
      ? ''
      : `
         AND ticket_id IN (SELECT ticket_id FROM ${ch.table(TABLES.ticketRewards)} WHERE tenant_id = {tenantId:String} AND recorded_at >= {recordedFrom:DateTime64(3)})`;
  const rows = await ch.query<{ ticket_id: string; outcome_event_id: string; at: string; recorded_at: string; bandit_features: string[]; strategy: string; propensity: number; reward: number; policy: string; topic: string; resolution_seconds: number | null }>(
    `SELECT r.ticket_id AS ticket_id, r.outcome_event_id AS outcome_event_id, r.at AS at, r.recorded_at AS recorded_at, r.bandit_features AS bandit_features,
            r.strategy AS strategy, r.propensity AS propensity, r.reward AS reward, r.policy AS policy, r.topic AS topic,
            ${resolution.column} AS resolution_seconds
     FROM (
       SELECT ticket_id, outcome_event_id, at, recorded_at, bandit_features, strategy, propensity, reward, policy, topic, credited
       FROM ${ch.table(TABLES.ticketRewards)} FINAL
       WHERE tenant_id = {tenantId:String} AND at < {before:DateTime64(3)}${recent}
       ${LATEST_REWARD_PER_TICKET}
     ) AS r
     ${resolution.join}
     WHERE r.credited = 1 AND r.recorded_at >= {recordedFrom:DateTime64(3)}
     ORDER BY r.at, r.ticket_id, r.outcome_event_id`,
    { tenantId, before: toClickHouseTime(window.before ?? AFTER_EVERY_EVENT), recordedFrom: toClickHouseTime(window.recordedFrom ?? 0) },
  );
  return rows.map((r) => ({
    id: `${r.ticket_id}/${r.outcome_event_id}`,
    ticketId: r.ticket_id,
    at: fromClickHouseTime(r.at),
    recordedAt: fromClickHouseTime(r.recorded_at),
    features: r.bandit_features,
    arm: r.strategy,
    propensity: Number(r.propensity),
    reward: Number(r.reward),
    policy: r.policy,
    topic: r.topic,
    resolutionSeconds: r.resolution_seconds === null ? null : Number(r.resolution_seconds),
  }));
}
