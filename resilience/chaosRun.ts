// The chaos run: the split topology (dev server, store, APIs, worker as separate processes) takes a
// helpdesk's webhook stream while faults are injected — worker SIGKILLs, a dev-server kill and
// restart on the same SQLite file, a restart of every supportloop process — then every event is
// audited (nothing lost, nothing doubled) and the recovery after each fault is measured.
import path from 'node:path';
import { quantileSorted } from 'simple-statistics';
import { createClickHouse, type ClickHouse } from '../store/clickhouse.js';
import { TABLES } from '../store/tables.js';
import { auditWhenSettled, type AuditCounts } from './deliveryAudit.js';
import { HelpdeskSender, planEvents, type Attempt, type Delivery } from './helpdeskSender.js';
import { SplitTopology } from './topology.js';

export type FaultKind = 'worker-sigkill' | 'devserver-restart' | 'full-restart';

export interface ChaosOptions {
  events: number;
  tickets: number;
  /** Where the run's processes keep their files and logs. */
  workDir: string;
  temporalCli: string;
  faults: FaultKind[];
  concurrency: number;
  /** The helpdesk's sending pace (events per second). */
  ratePerSecond: number;
  apiCount: number;
  /** How long a killed piece stays down before it is started again. */
  downMs: number;
  settleTimeoutMs: number;
  onProgress?: (acknowledged: number, phase: string) => void;
  log?: (line: string) => void;
}

export interface FaultRecord {
  kind: FaultKind;
  /** ms since the run started. */
  at: number;
  /** Acknowledged events when the fault hit. */
  ackedBefore: number;
  /** Fault → the piece(s) running again. */
  restartedAfterMs: number;
  /** When the piece(s) were down (a graceful stop drains requests first), ms since the run started. */
  downAt: number;
  /** Fault → first 2xx to a delivery attempt started once the piece(s) were down. */
  nextAckAfterMs: number | undefined;
  /** Fault → the first new event row written by the (new) worker. */
  processingAfterMs: number | undefined;
}

export interface ChaosResult {
  options: Omit<ChaosOptions, 'onProgress' | 'log'>;
  startedAt: string;
  durationMs: number;
  counts: AuditCounts;
  attempts: { total: number; retried: number; byStatus: Record<string, number> };
  /** Deliveries that needed more than one attempt. */
  retriedDeliveries: number;
  faults: FaultRecord[];
  baseline: { window: string; acksPerSecond: number; p50LatencyMs: number };
  overall: { acksPerSecond: number; p50LatencyMs: number; p99LatencyMs: number };
  timeline: { second: number; acks: number; failed: number; p50Ms: number; maxMs: number }[];
}

export const ADMIN_KEY = 'chaos-admin-key-0123456789abcdef';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const percentile = (sorted: number[], q: number) => (sorted.length === 0 ? 0 : Math.round(quantileSorted(sorted, q)));

async function eventRows(ch: ClickHouse, tenantId: string): Promise<number> {
  const rows = await ch.query<{ n: string }>(`SELECT count() AS n FROM ${ch.table(TABLES.ticketEvents)} WHERE tenant_id = {tenantId:String}`, { tenantId });
  return Number(rows[0]?.n ?? 0);
}

/** Faults spread evenly over the middle of the stream (by acknowledged events). */
export function faultSchedule(faults: FaultKind[], events: number): { kind: FaultKind; atAcked: number }[] {
  return faults.map((kind, i) => ({ kind, atAcked: Math.floor(events * (0.12 + (0.7 * i) / Math.max(1, faults.length - 1))) }));
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => {});
  const runId = `c${Date.now().toString(36)}`;
  const tenantId = `chaos-${runId}`;
  const topology = await SplitTopology.start({
    dataDir: path.join(options.workDir, 'data'),
    logDir: path.join(options.workDir, 'logs'),
    apiCount: options.apiCount,
    temporalCli: options.temporalCli,
    adminKey: ADMIN_KEY,
    settings: { detectionEnabled: false, logLevel: 'warn' },
  });
  const ch = createClickHouse({ url: topology.storeUrl, database: 'supportloop', dataDir: options.workDir });
  try {
    const { webhookSecrets } = await topology.createTenant(tenantId);
    log(`topology up: dev server ${topology.temporalAddress}, store ${topology.storeUrl}, APIs ${topology.apiUrls.join(' ')}, worker pid ${topology.worker!.pid}`);

    const t0 = Date.now();
    const attempts: Attempt[] = [];
    let acknowledged = 0;
    const sender = new HelpdeskSender({ targets: topology.apiUrls, tenantId, secret: webhookSecrets.generic!, timeoutMs: 12_000, giveUpAfterMs: 10 * 60_000, onAttempt: (a) => attempts.push(a) });
    const planned = planEvents(runId, options.events, options.tickets);

    // Faults run beside the sender, each when its share of the stream has been acknowledged.
    const faults: FaultRecord[] = [];
    const sending = { done: false };
    const recoveries: Promise<void>[] = [];
    const injectFaults = async () => {
      for (const { kind, atAcked } of faultSchedule(options.faults, options.events)) {
        while (acknowledged < atAcked && !sending.done) await sleep(100);
        const at = Date.now();
        const ackedBefore = acknowledged;
        options.onProgress?.(acknowledged, kind);
        log(`fault: ${kind} at ${((at - t0) / 1000).toFixed(1)} s (${ackedBefore} acknowledged)`);
        let downAt = at;
        if (kind === 'worker-sigkill') {
          await topology.worker!.kill();
          downAt = Date.now();
          await sleep(options.downMs);
          await topology.startWorker();
        } else if (kind === 'devserver-restart') {
          await topology.devServer!.kill();
          downAt = Date.now();
          await sleep(options.downMs);
          await topology.startDevServer();
        } else {
          // Every supportloop process, as `npm start` restarting would (graceful stop, then start).
          await Promise.all([...topology.apis.map((a) => a?.stop()), topology.worker?.stop()]);
          await topology.store!.stop();
          downAt = Date.now();
          await sleep(options.downMs);
          await topology.startStore();
          for (let i = 0; i < options.apiCount; i++) await topology.startApi(i);
          await topology.startWorker();
        }
        const restartedAt = Date.now();
        const rowsAtRestart = await eventRows(ch, tenantId).catch(() => 0);
        const record: FaultRecord = { kind, at: at - t0, downAt: downAt - t0, ackedBefore, restartedAfterMs: restartedAt - at, nextAckAfterMs: undefined, processingAfterMs: undefined };
        faults.push(record);
        // Processing is back when the worker writes a row it had not written at restart; measured
        // beside the stream so the next fault is not held back.
        recoveries.push(
          (async () => {
            const deadline = Date.now() + 180_000;
            while (Date.now() < deadline && !(sending.done && acknowledged === options.events && rowsAtRestart >= options.events)) {
              if ((await eventRows(ch, tenantId).catch(() => 0)) > rowsAtRestart) {
                record.processingAfterMs = Date.now() - at;
                return;
              }
              await sleep(100);
            }
          })(),
        );
        options.onProgress?.(acknowledged, 'sending');
      }
    };
    const faultRun = injectFaults();
    const deliveries: Delivery[] = await sender.deliverAll(planned, options.concurrency, (d) => {
      if (d.acknowledged) acknowledged++;
      options.onProgress?.(acknowledged, 'sending');
    }, options.ratePerSecond);
    sending.done = true;
    // The stream's span (rates, timeline) ends with its last acknowledgement, not with the recovery measurements.
    const sentAt = Date.now();
    await faultRun;
    await Promise.all(recoveries);
    log(`stream sent in ${((sentAt - t0) / 1000).toFixed(1)} s; waiting for processing to finish`);

    for (const fault of faults) {
      const faultAt = t0 + fault.at;
      const next = attempts.filter((a) => a.status >= 200 && a.status < 300 && a.startedAt >= t0 + fault.downAt).sort((a, b) => a.startedAt + a.ms - (b.startedAt + b.ms))[0];
      fault.nextAckAfterMs = next ? next.startedAt + next.ms - faultAt : undefined;
    }
    options.onProgress?.(acknowledged, 'settling');
    const counts = await auditWhenSettled({ ch, temporal: topology.temporalClient!, tenantId, runPrefix: runId }, planned, deliveries, options.settleTimeoutMs);

    const byStatus: Record<string, number> = {};
    for (const a of attempts) byStatus[a.status === 0 ? (a.error ?? 'no answer') : String(a.status)] = (byStatus[a.status === 0 ? (a.error ?? 'no answer') : String(a.status)] ?? 0) + 1;
    const acks = attempts.filter((a) => a.status >= 200 && a.status < 300);
    const latencies = acks.map((a) => a.ms).sort((a, b) => a - b);
    const firstFaultAt = faults.length ? t0 + faults[0]!.at : sentAt;
    const baselineAcks = acks.filter((a) => a.startedAt + a.ms < firstFaultAt);
    const baselineLatency = baselineAcks.map((a) => a.ms).sort((a, b) => a - b);
    const seconds = Math.ceil((sentAt - t0) / 1000);
    const timeline = Array.from({ length: seconds }, (_v, second) => {
      const inSecond = attempts.filter((a) => Math.floor((a.startedAt + a.ms - t0) / 1000) === second);
      const ok = inSecond.filter((a) => a.status >= 200 && a.status < 300).map((a) => a.ms).sort((a, b) => a - b);
      return { second, acks: ok.length, failed: inSecond.length - ok.length, p50Ms: percentile(ok, 0.5), maxMs: ok.at(-1) ?? 0 };
    });
    return {
      options: { events: options.events, tickets: options.tickets, workDir: options.workDir, temporalCli: options.temporalCli, faults: options.faults, concurrency: options.concurrency, ratePerSecond: options.ratePerSecond, apiCount: options.apiCount, downMs: options.downMs, settleTimeoutMs: options.settleTimeoutMs },
      startedAt: new Date(t0).toISOString(),
      durationMs: Date.now() - t0,
      counts,
      attempts: { total: attempts.length, retried: attempts.length - deliveries.length, byStatus },
      retriedDeliveries: deliveries.filter((d) => d.attempts > 1).length,
      faults,
      baseline: { window: 'before the first fault', acksPerSecond: baselineAcks.length / Math.max(0.001, (firstFaultAt - t0) / 1000), p50LatencyMs: percentile(baselineLatency, 0.5) },
      overall: { acksPerSecond: acks.length / Math.max(0.001, (sentAt - t0) / 1000), p50LatencyMs: percentile(latencies, 0.5), p99LatencyMs: percentile(latencies, 0.99) },
      timeline,
    };
  } finally {
    await ch.close().catch(() => {});
    await topology.stopAll();
  }
}
