// A tenant's learners saved now and then (store/learnerSnapshots.ts), so a starting worker continues
// from them instead of relearning the tenant's whole history: the latest row per tenant, learner and
// time is kept.
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 17;
export const name = 'learner-snapshots';

export function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: TABLES.learnerSnapshots,
    columns: [
      'tenant_id LowCardinality(String)',
      // 'live', or 'as-of': a learner of the records before as_of, in time order (store/learnerSnapshots.ts SnapshotKey)
      'learner LowCardinality(String)',
      "as_of DateTime64(3, 'UTC')",
      // digest of the learning code that wrote it: another code's snapshot is not continued
      'fingerprint String',
      // live: the learning records' watermark it had learned up to (ISO time; records recorded from it on are learned after a restore)
      'watermark String',
      // records learned (as-of: the records before as_of, which a restore checks are still as many)
      'records UInt64',
      'model_version String',
      // the learner's state: v8 structured serialisation, gzip, base64
      'state String',
      "taken_at DateTime64(3, 'UTC')",
    ],
    engine: 'ReplacingMergeTree',
    engineArgs: 'taken_at',
    orderBy: '(tenant_id, learner, as_of)',
    shardingKey: 'cityHash64(tenant_id)',
  });
}
