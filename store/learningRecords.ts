// The learner's input, read from the event log: one record per solved ticket (its first customer
// message, the agent's first reply, its topic label, the draft the agent saw), one per closed
// outcome window, one per thumbs up/down. Both the live learner and `asOf` time travel are fed
// from here, so "what it would have said on date D" is the same computation over events before D.
import { messageText, type LearningRecord, type Suggestion } from '../domain/learning/records.js';
import { outcomeQuality, topicFromTags } from '../domain/outcomeQuality.js';
import type { ClickHouse } from './clickhouse.js';
import { AFTER_EVERY_EVENT, fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface RecordWindow {
  /**
   * Only rows recorded at or after this (incremental refresh); omit for all. Inclusive because a
   * row written in the same millisecond may not have been visible to the previous read; the
   * learner ignores record ids it has already learned.
   */
  recordedAfter?: string;
  /** Only records whose time is before this (asOf). */
  before?: string;
}

interface TicketRow {
  solved_id: string;
  at: string;
  recorded_at: string;
  ticket_id: string;
  message_id: string;
  message_at: string;
  subject: string;
  message: string;
  reply: string;
  channel: string;
  plan: string;
  segment: string;
  customer_role: string;
  customer_id: string;
  account_id: string;
  signup_at: string | null;
  tags: string[];
  escalations: string;
  suggestion_json: string;
}

const FAR_FUTURE = toClickHouseTime(AFTER_EVERY_EVENT);
const EPOCH = '1970-01-01 00:00:00.000';

async function ticketRecords(ch: ClickHouse, tenantId: string, w: RecordWindow): Promise<{ records: LearningRecord[]; maxRecordedAt: string }> {
  const events = ch.table(TABLES.ticketEvents);
  const rows = await ch.query<TicketRow>(
    `SELECT s.event_id AS solved_id, s.occurred_at AS at, s.recorded_at AS recorded_at, s.ticket_id AS ticket_id,
            t.message_id, t.message_at, t.subject, t.message, t.reply, t.channel, t.plan, t.segment, t.customer_role,
            t.customer_id, t.account_id, t.signup_at, t.tags, t.escalations, sg.suggestion_json
     FROM (
       -- FINAL merges only the tickets with a solve in the window (their key ranges), not the
       -- tenant's whole log: a refresh runs every second or so.
       SELECT ticket_id, event_id, occurred_at, recorded_at FROM ${events} FINAL
       WHERE tenant_id = {tenantId:String} AND kind = 'ticket.solved'
         AND recorded_at >= {after:DateTime64(3)} AND occurred_at < {before:DateTime64(3)}
         AND ticket_id IN (SELECT ticket_id FROM ${events} WHERE tenant_id = {tenantId:String} AND kind = 'ticket.solved' AND recorded_at >= {after:DateTime64(3)})
     ) AS s
     INNER JOIN (
       SELECT ticket_id,
         argMinIf(event_id, occurred_at, kind = 'message.customer') AS message_id,
         minIf(occurred_at, kind = 'message.customer') AS message_at,
         argMinIf(subject, occurred_at, subject != '') AS subject,
         argMinIf(body, occurred_at, kind = 'message.customer') AS message,
         argMinIf(body, occurred_at, kind = 'reply.agent') AS reply,
         argMinIf(channel, occurred_at, kind = 'message.customer') AS channel,
         argMaxIf(plan, occurred_at, plan != '') AS plan,
         argMaxIf(segment, occurred_at, segment != '') AS segment,
         argMaxIf(customer_role, occurred_at, customer_role != '') AS customer_role,
         argMaxIf(customer_id, occurred_at, customer_id != '') AS customer_id,
         argMaxIf(account_id, occurred_at, account_id != '') AS account_id,
         argMaxIf(signup_at, occurred_at, signup_at IS NOT NULL) AS signup_at,
         groupUniqArrayArray(tags) AS tags,
         countIf(kind = 'ticket.escalated') AS escalations
       FROM ${events} FINAL
       WHERE tenant_id = {tenantId:String} AND ticket_id IN (
         SELECT ticket_id FROM ${events} WHERE tenant_id = {tenantId:String} AND kind = 'ticket.solved' AND recorded_at >= {after:DateTime64(3)}
       )
       GROUP BY ticket_id
       HAVING countIf(kind = 'message.customer') > 0
     ) AS t ON t.ticket_id = s.ticket_id
     LEFT JOIN (
       -- Only the window's tickets' suggestions (a primary-key range each): a refresh runs every
       -- second or so and must not read every draft the tenant ever got.
       SELECT message_event_id, argMax(suggestion_json, created_at) AS suggestion_json
       FROM ${ch.table(TABLES.suggestions)} FINAL
       WHERE tenant_id = {tenantId:String} AND ticket_id IN (
         SELECT ticket_id FROM ${events} WHERE tenant_id = {tenantId:String} AND kind = 'ticket.solved' AND recorded_at >= {after:DateTime64(3)}
       )
       GROUP BY message_event_id
     ) AS sg ON sg.message_event_id = t.message_id
     ORDER BY at, solved_id`,
    { tenantId, after: w.recordedAfter ? toClickHouseTime(w.recordedAfter) : EPOCH, before: w.before ? toClickHouseTime(w.before) : FAR_FUTURE },
  );
  let maxRecordedAt = w.recordedAfter ?? fromClickHouseTime(EPOCH);
  const records: LearningRecord[] = rows.map((r) => {
    const recordedAt = fromClickHouseTime(r.recorded_at);
    if (recordedAt > maxRecordedAt) maxRecordedAt = recordedAt;
    return {
      kind: 'ticket',
      id: `solved:${r.solved_id}`,
      at: fromClickHouseTime(r.at),
      message: {
        ticketId: r.ticket_id,
        text: messageText(r.subject, r.message),
        at: fromClickHouseTime(r.message_at),
        channel: r.channel,
        customer: {
          ...(r.plan ? { plan: r.plan } : {}),
          ...(r.segment ? { segment: r.segment } : {}),
          ...(r.customer_role ? { role: r.customer_role } : {}),
          ...(r.customer_id ? { customerId: r.customer_id } : {}),
          ...(r.account_id ? { accountId: r.account_id } : {}),
          ...(r.signup_at ? { signupAt: fromClickHouseTime(r.signup_at) } : {}),
        },
      },
      topic: topicFromTags(r.tags),
      reply: r.reply || undefined,
      escalated: Number(r.escalations) > 0,
      suggestion: r.suggestion_json ? (JSON.parse(r.suggestion_json) as Suggestion) : undefined,
    };
  });
  return { records, maxRecordedAt };
}

interface OutcomeRow {
  event_id: string;
  ticket_id: string;
  at: string;
  recorded_at: string;
  details: string;
}

async function outcomeRecords(ch: ClickHouse, tenantId: string, w: RecordWindow): Promise<{ records: LearningRecord[]; maxRecordedAt: string }> {
  const rows = await ch.query<OutcomeRow>(
    `SELECT event_id, ticket_id, occurred_at AS at, recorded_at, details FROM ${ch.table(TABLES.ticketEvents)} FINAL
     WHERE tenant_id = {tenantId:String} AND kind = 'ticket.outcome' AND recorded_at >= {after:DateTime64(3)} AND occurred_at < {before:DateTime64(3)}
       -- FINAL over the key ranges of the tickets with an outcome in the window only (as ticketRecords).
       AND ticket_id IN (SELECT ticket_id FROM ${ch.table(TABLES.ticketEvents)} WHERE tenant_id = {tenantId:String} AND kind = 'ticket.outcome' AND recorded_at >= {after:DateTime64(3)})
     ORDER BY at, event_id`,
    { tenantId, after: w.recordedAfter ? toClickHouseTime(w.recordedAfter) : EPOCH, before: w.before ? toClickHouseTime(w.before) : FAR_FUTURE },
  );
  let maxRecordedAt = w.recordedAfter ?? fromClickHouseTime(EPOCH);
  const records: LearningRecord[] = rows.map((r) => {
    const recordedAt = fromClickHouseTime(r.recorded_at);
    if (recordedAt > maxRecordedAt) maxRecordedAt = recordedAt;
    const d = JSON.parse(r.details) as { reopened: boolean; escalated: boolean; csat: number | null; followUps: number };
    return { kind: 'outcome', id: `outcome:${r.event_id}`, at: fromClickHouseTime(r.at), ticketId: r.ticket_id, outcome: outcomeQuality(d) };
  });
  return { records, maxRecordedAt };
}

async function feedbackRecords(ch: ClickHouse, tenantId: string, w: RecordWindow): Promise<{ records: LearningRecord[]; maxRecordedAt: string }> {
  const rows = await ch.query<{ feedback_id: string; at: string; rating: 'up' | 'down'; comment: string; suggestion_json: string }>(
    `SELECT f.feedback_id AS feedback_id, f.created_at AS at, f.rating AS rating, f.comment AS comment, s.suggestion_json AS suggestion_json
     FROM (SELECT * FROM ${ch.table(TABLES.suggestionFeedback)} FINAL WHERE tenant_id = {tenantId:String}
           AND created_at >= {after:DateTime64(3)} AND created_at < {before:DateTime64(3)}) AS f
     INNER JOIN (SELECT suggestion_id, argMax(suggestion_json, created_at) AS suggestion_json FROM ${ch.table(TABLES.suggestions)} FINAL
                 WHERE tenant_id = {tenantId:String} AND suggestion_id IN (
                   SELECT suggestion_id FROM ${ch.table(TABLES.suggestionFeedback)} WHERE tenant_id = {tenantId:String}
                     AND created_at >= {after:DateTime64(3)} AND created_at < {before:DateTime64(3)})
                 GROUP BY suggestion_id) AS s ON s.suggestion_id = f.suggestion_id
     ORDER BY at, feedback_id`,
    { tenantId, after: w.recordedAfter ? toClickHouseTime(w.recordedAfter) : EPOCH, before: w.before ? toClickHouseTime(w.before) : FAR_FUTURE },
  );
  let maxRecordedAt = w.recordedAfter ?? fromClickHouseTime(EPOCH);
  const records: LearningRecord[] = rows.map((r) => {
    const at = fromClickHouseTime(r.at);
    if (at > maxRecordedAt) maxRecordedAt = at;
    return { kind: 'feedback', id: `feedback:${r.feedback_id}`, at, rating: r.rating, comment: r.comment || undefined, suggestion: JSON.parse(r.suggestion_json) as Suggestion };
  });
  return { records, maxRecordedAt };
}

/** Learning records of a tenant in learning order (time, then id), with the watermark to resume from. */
export async function loadLearningRecords(ch: ClickHouse, tenantId: string, window: RecordWindow = {}): Promise<{ records: LearningRecord[]; watermark: string }> {
  const parts = await Promise.all([ticketRecords(ch, tenantId, window), outcomeRecords(ch, tenantId, window), feedbackRecords(ch, tenantId, window)]);
  const records = parts.flatMap((p) => p.records).sort((a, b) => (a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1));
  const watermark = parts.map((p) => p.maxRecordedAt).reduce((a, b) => (a > b ? a : b));
  return { records, watermark };
}
