// Explicit thumbs up/down on suggestions.
import type { BatchingWriter } from './batchingWriter.js';
import { TABLES, toClickHouseTime } from './tables.js';

export interface FeedbackRow {
  tenantId: string;
  ticketId: string;
  suggestionId: string;
  feedbackId: string;
  rating: 'up' | 'down';
  comment: string;
  authorId: string;
  createdAtMs: number;
}

export function writeFeedback(writer: BatchingWriter, row: FeedbackRow): Promise<void> {
  return writer.write(TABLES.suggestionFeedback, [
    {
      tenant_id: row.tenantId,
      ticket_id: row.ticketId,
      suggestion_id: row.suggestionId,
      feedback_id: row.feedbackId,
      created_at: toClickHouseTime(row.createdAtMs),
      rating: row.rating,
      comment: row.comment,
      author_id: row.authorId,
    },
  ]);
}
