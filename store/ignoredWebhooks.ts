// Webhooks that were authentic and well-formed but of a type supportloop does not act on. They are
// acknowledged (helpdesks retry non-2xx forever) and recorded here so nothing disappears silently.
import { createHash } from 'node:crypto';
import type { BatchingWriter } from './batchingWriter.js';
import { TABLES, toClickHouseTime } from './tables.js';

export function writeIgnoredWebhook(
  writer: BatchingWriter,
  row: { tenantId: string; provider: string; eventType: string; reason: string; rawBody: Buffer; receivedAtMs: number },
): Promise<void> {
  return writer.write(TABLES.ignoredWebhooks, [
    {
      tenant_id: row.tenantId,
      received_at: toClickHouseTime(row.receivedAtMs),
      provider: row.provider,
      event_type: row.eventType,
      reason: row.reason,
      body_sha256: createHash('sha256').update(row.rawBody).digest('hex'),
    },
  ]);
}
