// The learning loop's tables: every suggestion shown (with everything behind it), every correction
// mined from what the agent really sent, and explicit thumbs up/down.
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 2;
export const name = 'learning';

export function statements(ctx: DdlContext): string[] {
  return [
    ...createTable(ctx, {
      name: TABLES.suggestions,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        'suggestion_id String',
        // The customer message the draft answers.
        'message_event_id String',
        "message_at DateTime64(3, 'UTC')",
        "created_at DateTime64(3, 'UTC')",
        'model_version String',
        'topic LowCardinality(String)',
        'topic_confidence Float32',
        'confidence Float32',
        'basis LowCardinality(String)',
        'draft String',
        'rule_ids Array(String)',
        // The whole Suggestion (candidates, scores, features, context, explanation) as served by the API.
        'suggestion_json String',
        // The TicketMessage it answered, so `asOf` can redraft the same message with an older learner.
        'message_json String',
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'created_at',
      partitionBy: 'toYYYYMM(message_at)',
      orderBy: '(tenant_id, ticket_id, suggestion_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.corrections,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        'suggestion_id String',
        // The agent reply compared with the draft: one correction per reply.
        'reply_event_id String',
        "replied_at DateTime64(3, 'UTC')",
        "created_at DateTime64(3, 'UTC')",
        'model_version String',
        'topic LowCardinality(String)',
        'class LowCardinality(String)',
        'edit_distance Float32',
        'accepted UInt8',
        'escalated_while_confident UInt8',
        'additions Array(String)',
        'removals Array(String)',
        'rules_kept Array(String)',
        'rules_removed Array(String)',
        'context Map(String, String)',
        'channel LowCardinality(String)',
        'segment LowCardinality(String)',
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'created_at',
      partitionBy: 'toYYYYMM(replied_at)',
      orderBy: '(tenant_id, ticket_id, reply_event_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
    ...createTable(ctx, {
      name: TABLES.suggestionFeedback,
      columns: [
        'tenant_id LowCardinality(String)',
        'ticket_id String',
        'suggestion_id String',
        'feedback_id String',
        "created_at DateTime64(3, 'UTC')",
        'rating LowCardinality(String)',
        'comment String',
        'author_id String',
      ],
      engine: 'ReplacingMergeTree',
      engineArgs: 'created_at',
      orderBy: '(tenant_id, suggestion_id, feedback_id)',
      shardingKey: 'cityHash64(tenant_id, ticket_id)',
    }),
  ];
}
