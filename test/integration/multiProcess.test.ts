// The production path on one host: a separately started Temporal dev server, `supportloop store`
// (ClickHouse HTTP on chDB), two `supportloop api` processes and one `supportloop worker`, each a
// real OS process talking through TEMPORAL_ADDRESS and CLICKHOUSE_URL.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWhenSettled } from '../../resilience/deliveryAudit.js';
import { HelpdeskSender, planEvents } from '../../resilience/helpdeskSender.js';
import { SplitTopology } from '../../resilience/topology.js';
import { loadConfig } from '../../runtime/config.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { ADMIN_KEY } from '../helpers/supportloop.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'supportloop-multi-'));
let topology: SplitTopology | undefined;
let ch: ClickHouse;
let tenant: { apiKey: string; webhookSecrets: Record<string, string> };

beforeAll(async () => {
  topology = await SplitTopology.start({
    dataDir: path.join(root, 'data'),
    logDir: path.join(root, 'logs'),
    apiCount: 2,
    temporalCli: loadConfig().temporalCli!,
    adminKey: ADMIN_KEY,
    settings: { detectionEnabled: false, writerFlushMs: 20 },
  });
  ch = createClickHouse({ url: topology.storeUrl, database: 'supportloop', dataDir: root });
  tenant = await topology.createTenant('multi');
}, 300_000);

afterAll(async () => {
  await ch?.close();
  await topology?.stopAll();
  rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('separate processes: dev server, store, two APIs, one worker', () => {
  it('takes webhooks on both APIs and records every event exactly once in ClickHouse and in workflow state', async () => {
    const t = topology!;
    const events = planEvents('mp', 40, 8);
    const attempts: number[] = [];
    const sender = new HelpdeskSender({ targets: t.apiUrls, tenantId: 'multi', secret: tenant.webhookSecrets.generic!, timeoutMs: 15_000, giveUpAfterMs: 60_000, onAttempt: (a) => attempts.push(a.target) });
    const deliveries = await sender.deliverAll(events, 4);
    expect(deliveries.every((d) => d.acknowledged && d.attempts === 1)).toBe(true);
    expect(new Set(attempts)).toEqual(new Set([0, 1]));
    // A helpdesk redelivery (same webhook-id, same event) through the other API changes nothing.
    const again = await sender.attempt(events[0]!, `msg_${events[0]!.eventId}`);
    expect(again.status).toBe(202);

    const counts = await auditWhenSettled({ ch, temporal: t.temporalClient!, tenantId: 'multi', runPrefix: 'mp' }, events, deliveries, 120_000);
    expect(counts).toMatchObject({ acknowledged: 40, inClickHouse: 40, inWorkflowState: 40, inVolumeRollup: 40, lost: 0, duplicated: 0, unexpected: 0 });
  });

  it('serves reads from both APIs', async () => {
    const t = topology!;
    for (const url of t.apiUrls) {
      const state = await fetch(`${url}/v1/tickets/mp-t3`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      expect(state.status).toBe(200);
      expect(((await state.json()) as { version: number }).version).toBe(5);
      const history = await fetch(`${url}/v1/tickets/mp-t3/events`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      expect(((await history.json()) as { events: unknown[] }).events).toHaveLength(5);
      const ready = await fetch(`${url}/readyz`);
      expect(await ready.json()).toEqual({ status: 'ready', clickhouse: 'ok', temporal: 'ok' });
    }
  });

  it('runs the worker only in the worker process, and the worker process does not listen', async () => {
    const t = topology!;
    const pollers = await t.taskQueuePollers();
    expect(pollers.some((id) => id.startsWith(`${t.worker!.pid}@`))).toBe(true);
    for (const api of t.apis) expect(pollers.some((id) => id.startsWith(`${api!.pid}@`))).toBe(false);
    const probe = await fetch(`http://127.0.0.1:${t.ports.workerProbe}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.status,
      (err: { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(probe).toBe('ECONNREFUSED');
  });
});
