// A tenant's learner saved now and then (store/learnerSnapshots.ts), so a starting worker continues
// from it instead of relearning the tenant's whole history: the latest row per tenant is kept.
import { createTable, type DdlContext } from '../ddl.js';
import { TABLES } from '../tables.js';

export const version = 17;
export const name = 'learner-snapshots';

export function statements(ctx: DdlContext): string[] {
  return createTable(ctx, {
    name: TABLES.learnerSnapshots,
    columns: [
      'tenant_id LowCardinality(String)',
      // 'live' or 'install' (store/learnerSnapshots.ts SnapshotLearner)
      'learner LowCardinality(String)',
      // digest of the learning code that wrote it: another code's snapshot is not continued
      'fingerprint String',
      // live: the learning records' watermark it had learned up to (ISO time; records recorded from it on are learned after a restore); install: the install time
      'watermark String',
      // live: records learned; install: records before the install
      'records UInt64',
      'model_version String',
      // the learner's state: v8 structured serialisation, gzip, base64
      'state String',
      "taken_at DateTime64(3, 'UTC')",
    ],
    engine: 'ReplacingMergeTree',
    engineArgs: 'taken_at',
    orderBy: '(tenant_id, learner)',
    shardingKey: 'cityHash64(tenant_id)',
  });
}
