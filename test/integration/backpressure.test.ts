// Backpressure across processes: with ClickHouse (the store process) down or frozen, or Temporal
// (the dev server) down, the API answers within its deadline — 202 only when Temporal holds the
// events, otherwise 503 + Retry-After — /readyz names the failing dependency, nothing is written
// half-way, and everything recovers by itself without restarting the API.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditWhenSettled } from '../../resilience/deliveryAudit.js';
import { HelpdeskSender, type Delivery, type PlannedEvent } from '../../resilience/helpdeskSender.js';
import { SplitTopology } from '../../resilience/topology.js';
import { loadConfig } from '../../runtime/config.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { TABLES } from '../../store/tables.js';
import { ADMIN_KEY, eventually } from '../helpers/supportloop.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'supportloop-backpressure-'));
let topology: SplitTopology | undefined;
let ch: ClickHouse;
let sender: HelpdeskSender;
const sent: PlannedEvent[] = [];
const delivered: Delivery[] = [];
/** The API gives Temporal 10 s (signals deadlineMs); the rest is slack for a machine shared with other suites. */
const ANSWER_WITHIN_MS = 12_500;
/** Past the API's tenant cache age, so a webhook has to reach ClickHouse for its tenant. */
const TENANT_CACHE_MS = 5_500;

beforeAll(async () => {
  topology = await SplitTopology.start({
    dataDir: path.join(root, 'data'),
    logDir: path.join(root, 'logs'),
    apiCount: 1,
    temporalCli: loadConfig().temporalCli!,
    adminKey: ADMIN_KEY,
    settings: { detectionEnabled: false, writerFlushMs: 20 },
  });
  ch = createClickHouse({ url: topology.storeUrl, database: 'supportloop', dataDir: root });
  const { webhookSecrets } = await topology.createTenant('bp');
  sender = new HelpdeskSender({ targets: topology.apiUrls, tenantId: 'bp', secret: webhookSecrets.generic!, timeoutMs: 30_000, giveUpAfterMs: 120_000 });
}, 300_000);

afterAll(async () => {
  await ch?.close();
  await topology?.stopAll();
  rmSync(root, { recursive: true, force: true });
}, 120_000);

let serial = 0;
function nextEvent(ticket: string): PlannedEvent {
  const event: PlannedEvent = { eventId: `bp-e${serial++}`, ticketId: `bp-${ticket}`, kind: serial === 1 ? 'ticket.created' : 'message.customer' };
  sent.push(event);
  return event;
}

/** One helpdesk delivery attempt, remembered for the audit when acknowledged. */
async function attempt(event: PlannedEvent) {
  const result = await sender.attempt(event, `msg_${event.eventId}`);
  console.log(`${event.eventId}: ${result.status} in ${result.ms} ms${result.retryAfter ? ` (Retry-After ${result.retryAfter})` : ''}`);
  if (result.status === 202) delivered.push({ event, acknowledged: true, ackedAt: Date.now(), attempts: 1 });
  return result;
}

async function readiness() {
  return (await (await fetch(`${topology!.apiUrl(0)}/readyz`, { signal: AbortSignal.timeout(10_000) })).json()) as { status: string; clickhouse: string; temporal: string };
}

async function auditAll() {
  const retried = sent.filter((e) => !delivered.some((d) => d.event.eventId === e.eventId));
  for (const event of retried) delivered.push(await sender.deliver(event));
  return auditWhenSettled({ ch, temporal: topology!.temporalClient!, tenantId: 'bp', runPrefix: 'bp' }, sent, delivered, 120_000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('backpressure across processes', () => {
  it('ClickHouse down: answers in time (202 while Temporal holds the events, else 503 + Retry-After), readiness names clickhouse, rows land once it is back', async () => {
    const t = topology!;
    expect((await attempt(nextEvent('ch'))).status).toBe(202);
    await t.store!.kill();
    await sleep(TENANT_CACHE_MS);
    const during = await attempt(nextEvent('ch'));
    expect(during.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect([202, 503], `${during.status} ${during.error}`).toContain(during.status);
    if (during.status === 503) expect(Number(during.retryAfter)).toBeGreaterThan(0);
    expect(await readiness()).toEqual({ status: 'not_ready', clickhouse: 'failing', temporal: 'ok' });

    await t.startStore();
    await eventually(async () => ((await readiness()).status === 'ready' ? true : undefined), 30_000, 500);
    expect(await auditAll()).toMatchObject({ acknowledged: 2, inClickHouse: 2, inWorkflowState: 2, lost: 0, duplicated: 0 });
  }, 240_000);

  it('Temporal down: 503 + Retry-After within the deadline, readiness names temporal, nothing written; back by itself', async () => {
    const t = topology!;
    await t.devServer!.stop();
    const event = nextEvent('temporal');
    const during = await attempt(event);
    expect(during.status, during.error).toBe(503);
    expect(Number(during.retryAfter)).toBeGreaterThan(0);
    expect(during.ms).toBeLessThan(ANSWER_WITHIN_MS);
    expect(await readiness()).toEqual({ status: 'not_ready', clickhouse: 'ok', temporal: 'failing' });
    await sleep(1_000);
    const written = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.table(TABLES.ticketEvents)} WHERE tenant_id = 'bp' AND event_id = {id:String}`, { id: event.eventId });
    expect(Number(written[0]!.n)).toBe(0);

    await t.startDevServer();
    await eventually(async () => ((await readiness()).status === 'ready' ? true : undefined), 60_000, 500);
    // The helpdesk's retry of the same delivery now goes through the same, never restarted, API.
    expect((await attempt(event)).status).toBe(202);
    expect(await auditAll()).toMatchObject({ acknowledged: 3, inClickHouse: 3, inWorkflowState: 3, lost: 0, duplicated: 0 });
  }, 240_000);

  it('ClickHouse frozen (SIGSTOP): the webhook still answers within its deadline and readiness says clickhouse within seconds', async () => {
    const t = topology!;
    t.store!.pause();
    try {
      await sleep(TENANT_CACHE_MS);
      const during = await attempt(nextEvent('slow'));
      expect(during.ms).toBeLessThan(ANSWER_WITHIN_MS);
      expect([202, 503], `${during.status} ${during.error}`).toContain(during.status);
      if (during.status === 503) expect(Number(during.retryAfter)).toBeGreaterThan(0);
      const started = Date.now();
      expect(await readiness()).toMatchObject({ clickhouse: 'failing', temporal: 'ok' });
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      t.store!.resume();
    }
    expect(await auditAll()).toMatchObject({ acknowledged: 4, inClickHouse: 4, inWorkflowState: 4, lost: 0, duplicated: 0 });
  }, 240_000);
});
