// The embedded form under a crash: `supportloop start` (API, worker, chDB and its dev-server child in
// one process) is SIGKILLed mid-stream and started again on the same data dir. Counts come from the
// product's own reads (GET /v1/tickets/:id/events, FINAL) and the lifecycles' workflow state.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TicketState } from '../domain/ticketState.js';
import { freePort } from '../runtime/temporalDevServer.js';
import type { Config } from '../runtime/config.js';
import { ticketStateQuery, ticketWorkflowId } from '../workflows/messages.js';
import { HelpdeskSender, planEvents, type Attempt } from './helpdeskSender.js';
import { spawnRole, type RoleProcess } from './topology.js';

export interface EmbeddedChaosOptions {
  events: number;
  tickets: number;
  workDir: string;
  ratePerSecond: number;
  concurrency: number;
  downMs: number;
  settleTimeoutMs: number;
  onProgress?: (acknowledged: number, phase: string) => void;
}

export interface EmbeddedChaosResult {
  events: number;
  acknowledged: number;
  undelivered: number;
  retriedDeliveries: number;
  /** Distinct acknowledged events the API serves from ClickHouse. */
  inClickHouse: number;
  inWorkflowState: number;
  lost: number;
  duplicated: number;
  kill: { at: number; ackedBefore: number; backUpAfterMs: number; nextAckAfterMs: number | undefined };
}

const ADMIN_KEY = 'embedded-chaos-admin-key-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitHealthy(url: string, proc: RoleProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!proc.running) throw new Error(`supportloop start exited during start-up (log: ${proc.logFile})`);
    if (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    await sleep(250);
  }
  throw new Error(`supportloop start not healthy within ${timeoutMs} ms (log: ${proc.logFile})`);
}

export async function runEmbeddedChaos(options: EmbeddedChaosOptions): Promise<EmbeddedChaosResult> {
  const ports = { api: await freePort(), temporal: await freePort() };
  const url = `http://127.0.0.1:${ports.api}`;
  const settings: Partial<Config> = {
    host: '127.0.0.1',
    port: ports.api,
    dataDir: path.join(options.workDir, 'embedded'),
    temporalDevPort: ports.temporal,
    temporalDevUiPort: 0,
    adminKey: ADMIN_KEY,
    detectionEnabled: false,
    logLevel: 'warn',
  };
  const logDir = path.join(options.workDir, 'logs');
  let proc = spawnRole('start', 'embedded', settings, logDir);
  let connection: Connection | undefined;
  try {
    await waitHealthy(url, proc, 180_000);
    const runId = `m${Date.now().toString(36)}`;
    const created = await fetch(`${url}/v1/admin/tenants`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: runId }) });
    if (created.status !== 201) throw new Error(`creating the tenant failed: ${created.status} ${await created.text()}`);
    const tenant = (await created.json()) as { apiKey: string; webhookSecrets: Record<string, string> };
    const attempts: Attempt[] = [];
    const sender = new HelpdeskSender({ targets: [url], tenantId: runId, secret: tenant.webhookSecrets.generic!, timeoutMs: 12_000, giveUpAfterMs: 10 * 60_000, onAttempt: (a) => attempts.push(a) });
    const planned = planEvents(runId, options.events, options.tickets);

    let acknowledged = 0;
    let done = false;
    const t0 = Date.now();
    const crash = (async () => {
      while (acknowledged < options.events * 0.4 && !done) await sleep(100);
      const at = Date.now();
      const ackedBefore = acknowledged;
      options.onProgress?.(acknowledged, 'SIGKILL supportloop start');
      await proc.kill();
      await sleep(options.downMs);
      proc = spawnRole('start', 'embedded.2', settings, logDir);
      await waitHealthy(url, proc, 180_000);
      options.onProgress?.(acknowledged, 'sending');
      return { at: at - t0, ackedBefore, backUpAfterMs: Date.now() - at };
    })();
    const deliveries = await sender.deliverAll(planned, options.concurrency, (d) => {
      if (d.acknowledged) acknowledged++;
      options.onProgress?.(acknowledged, 'sending');
    }, options.ratePerSecond);
    done = true;
    const kill = await crash;
    const next = attempts.filter((a) => a.status === 202 && a.startedAt >= t0 + kill.at).sort((a, b) => a.startedAt + a.ms - (b.startedAt + b.ms))[0];

    // Settle: every acknowledged event served by the API and applied by its lifecycle, or time out.
    options.onProgress?.(acknowledged, 'settling');
    connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    const client = new Client({ connection });
    const acked = new Set(deliveries.filter((d) => d.acknowledged).map((d) => d.event.eventId));
    const tickets = [...new Set(planned.map((e) => e.ticketId))];
    const expectedPerTicket = new Map(tickets.map((t) => [t, planned.filter((e) => e.ticketId === t).length]));
    const deadline = Date.now() + options.settleTimeoutMs;
    for (;;) {
      let served = 0;
      let duplicated = 0;
      let lost = 0;
      let applied = 0;
      for (const ticketId of tickets) {
        const response = await fetch(`${url}/v1/tickets/${ticketId}/events?limit=10000`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
        const ids = response.ok ? ((await response.json()) as { events: { eventId: string }[] }).events.map((e) => e.eventId) : [];
        const unique = new Set(ids);
        duplicated += ids.length - unique.size;
        served += [...unique].filter((id) => acked.has(id)).length;
        lost += planned.filter((e) => e.ticketId === ticketId && acked.has(e.eventId) && !unique.has(e.eventId)).length;
        const state = (await client.workflow.getHandle(ticketWorkflowId(runId, ticketId)).query(ticketStateQuery).catch(() => undefined)) as TicketState | undefined;
        const version = state?.version ?? 0;
        applied += version;
        if (version > expectedPerTicket.get(ticketId)!) duplicated += version - expectedPerTicket.get(ticketId)!;
      }
      const inStateShort = Math.max(0, acked.size - applied);
      if ((lost === 0 && inStateShort === 0) || Date.now() > deadline) {
        return {
          events: planned.length,
          acknowledged: acked.size,
          undelivered: planned.length - acked.size,
          retriedDeliveries: deliveries.filter((d) => d.attempts > 1).length,
          inClickHouse: served,
          inWorkflowState: applied,
          lost: Math.max(lost, inStateShort),
          duplicated,
          kill: { ...kill, nextAckAfterMs: next ? next.startedAt + next.ms - (t0 + kill.at) : undefined },
        };
      }
      await sleep(2_000);
    }
  } finally {
    await connection?.close().catch(() => {});
    await proc.stop();
    // If a restart never happened, the killed process's dev server is still running: end it.
    const orphan = Number(await readFile(path.join(settings.dataDir!, 'temporal', 'dev-server.pid'), 'utf8').catch(() => ''));
    if (orphan > 1) {
      try {
        process.kill(orphan, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
