// Every draft shown to an agent, with everything behind it (the full Suggestion as JSON) and the
// strategy it was sent in: the strategy columns are what dashboards and credit assignment read; the
// whole choice (runner-up, deciding features) rides in suggestion_json under "strategy".
import type { StrategyChoice } from '../domain/bandit/strategyChoice.js';
import type { Suggestion, TicketMessage } from '../domain/learning/records.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { AFTER_EVERY_EVENT, fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export function writeSuggestion(writer: BatchingWriter, tenantId: string, messageEventId: string, message: TicketMessage, suggestion: Suggestion, createdAtMs: number, strategy?: StrategyChoice): Promise<void> {
  return writer.write(TABLES.suggestions, [
    {
      tenant_id: tenantId,
      ticket_id: suggestion.ticketId,
      suggestion_id: suggestion.suggestionId,
      message_event_id: messageEventId,
      message_at: toClickHouseTime(suggestion.messageAt),
      created_at: toClickHouseTime(createdAtMs),
      model_version: suggestion.modelVersion,
      topic: suggestion.topic.topic,
      topic_confidence: suggestion.topic.confidence,
      confidence: suggestion.confidence,
      basis: suggestion.basis.kind,
      draft: suggestion.draft,
      rule_ids: suggestion.rules.map((r) => r.ruleId),
      suggestion_json: JSON.stringify(strategy ? { ...suggestion, strategy } : suggestion),
      message_json: JSON.stringify(message),
      ...(strategy && {
        strategy: strategy.id,
        policy: strategy.policy,
        propensity: strategy.propensity,
        explored: strategy.explored ? 1 : 0,
        expected_reward: strategy.expectedReward,
        bandit_features: strategy.features,
      }),
    },
  ]);
}

export interface StoredSuggestion {
  suggestion: Suggestion;
  message: TicketMessage;
  /** Absent on suggestions stored before strategies existed. */
  strategy?: StrategyChoice;
}

function parseStored(suggestionJson: string): { suggestion: Suggestion; strategy?: StrategyChoice } {
  const { strategy, ...suggestion } = JSON.parse(suggestionJson) as Suggestion & { strategy?: StrategyChoice };
  return { suggestion, strategy };
}

/**
 * The ticket's latest suggestion and the message it answered; with `notAfter`, the latest for a
 * message at or before that time (what an agent replying then had seen, even if a later message
 * has been drafted for since).
 */
export async function latestSuggestion(ch: ClickHouse, tenantId: string, ticketId: string, notAfter?: string): Promise<StoredSuggestion | undefined> {
  const rows = await ch.query<{ suggestion_json: string; message_json: string }>(
    `SELECT suggestion_json, message_json FROM ${ch.table(TABLES.suggestions)} FINAL
     WHERE tenant_id = {tenantId:String} AND ticket_id = {ticketId:String} AND message_at <= {notAfter:DateTime64(3)}
     ORDER BY message_at DESC, created_at DESC LIMIT 1`,
    { tenantId, ticketId, notAfter: toClickHouseTime(notAfter ?? AFTER_EVERY_EVENT) },
  );
  return rows[0] ? { ...parseStored(rows[0].suggestion_json), message: JSON.parse(rows[0].message_json) as TicketMessage } : undefined;
}

export async function suggestionById(ch: ClickHouse, tenantId: string, suggestionId: string): Promise<Suggestion | undefined> {
  const rows = await ch.query<{ suggestion_json: string }>(
    `SELECT suggestion_json FROM ${ch.table(TABLES.suggestions)} FINAL
     WHERE tenant_id = {tenantId:String} AND suggestion_id = {suggestionId:String} LIMIT 1`,
    { tenantId, suggestionId },
  );
  return rows[0] ? parseStored(rows[0].suggestion_json).suggestion : undefined;
}

/** Time of the first message the product drafted for (the control arm's install time, on the event clock the learner uses); undefined before any. */
export async function firstSuggestionAt(ch: ClickHouse, tenantId: string): Promise<string | undefined> {
  const rows = await ch.query<{ first: string; n: string }>(
    `SELECT min(message_at) AS first, count() AS n FROM ${ch.table(TABLES.suggestions)} WHERE tenant_id = {tenantId:String}`,
    { tenantId },
  );
  return rows[0] && Number(rows[0].n) > 0 ? fromClickHouseTime(rows[0].first) : undefined;
}
