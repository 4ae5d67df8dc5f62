// What agents did with drafts: one correction per agent reply, keyed by context (labelled data).
import type { Correction } from '../domain/learning/records.js';
import type { BatchingWriter } from './batchingWriter.js';
import type { ClickHouse } from './clickhouse.js';
import { fromClickHouseTime, TABLES, toClickHouseTime } from './tables.js';

export interface CorrectionRow {
  tenantId: string;
  replyEventId: string;
  repliedAt: string;
  channel: string;
  segment: string;
  correction: Correction;
}

export function writeCorrection(writer: BatchingWriter, row: CorrectionRow, createdAtMs: number): Promise<void> {
  const c = row.correction;
  return writer.write(TABLES.corrections, [
    {
      tenant_id: row.tenantId,
      ticket_id: c.ticketId,
      suggestion_id: c.suggestionId,
      reply_event_id: row.replyEventId,
      replied_at: toClickHouseTime(row.repliedAt),
      created_at: toClickHouseTime(createdAtMs),
      model_version: c.modelVersion,
      topic: c.topic,
      class: c.class,
      edit_distance: c.editDistance,
      accepted: c.accepted ? 1 : 0,
      escalated_while_confident: c.escalatedWhileConfident ? 1 : 0,
      additions: c.additions,
      removals: c.removals,
      rules_kept: c.rulesKept,
      rules_removed: c.rulesRemoved,
      context: c.context,
      channel: row.channel,
      segment: row.segment,
    },
  ]);
}

export interface AcceptancePoint {
  bucket: string;
  corrections: number;
  accepted: number;
  meanEditDistance: number;
}

/** Acceptance and edit distance over time (the learning curve the Learning dashboard draws). */
export async function acceptanceOverTime(ch: ClickHouse, tenantId: string, from: string, to: string, stepSeconds: number): Promise<AcceptancePoint[]> {
  const rows = await ch.query<{ bucket: string; corrections: string; accepted: string; mean_edit: number }>(
    `SELECT toStartOfInterval(replied_at, toIntervalSecond({step:UInt32})) AS bucket, count() AS corrections, sum(accepted) AS accepted, avg(edit_distance) AS mean_edit
     FROM ${ch.table(TABLES.corrections)} FINAL
     WHERE tenant_id = {tenantId:String} AND replied_at >= {from:DateTime64(3)} AND replied_at < {to:DateTime64(3)}
     GROUP BY bucket ORDER BY bucket`,
    { tenantId, step: stepSeconds, from: toClickHouseTime(from), to: toClickHouseTime(to) },
  );
  return rows.map((r) => ({ bucket: fromClickHouseTime(r.bucket), corrections: Number(r.corrections), accepted: Number(r.accepted), meanEditDistance: Number(r.mean_edit) }));
}
