// Open-loop webhook load against the running product on loopback, and what it does to the system:
// signed generic webhooks (one customer message each, spread over many tickets) at a fixed rate,
// bounded in count (rate × duration) and time, sampled every few seconds.
//
// Definitions (what the figures mean):
// - ack latency: request start → 202 received, per window (p50/p99 of the requests answered in it).
// - error rate: answers other than 202, plus requests that failed or were never sent because the
//   in-flight bound was reached, over requests due in the window.
// - worker lag: now − ack time of the oldest event that got its 202 but has no row in ticket_events
//   yet (so: how far the worker — classify, record, batching writer — is behind the API). Rows are
//   found by polling ticket_events for event ids recorded since shortly before the previous poll,
//   and by looking the 500 oldest pending ids up directly.
// - ClickHouse: active parts (system.parts) of the product's database, and MemoryTracking
//   (system.metrics), which is chDB's own tracked memory; process RSS is reported beside it because
//   chDB runs inside this process, so RSS covers Node, chDB and the load generator together.
import { quantileSorted } from 'simple-statistics';
import type { Supportloop } from '../runtime/supportloop.js';
import { TABLES, toClickHouseTime } from '../store/tables.js';
import { signedHeaders } from './signedDeliveries.js';

export interface LoadSample {
  /** Seconds since the level started. */
  t: number;
  phase: 'load' | 'drain';
  sentPerSecond: number;
  ackedPerSecond: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  errors: number;
  errorRate: number;
  pending: number;
  workerLagSeconds: number;
  clickhouseActiveParts: number;
  clickhouseMemoryMb: number;
  rssMb: number;
  heapUsedMb: number;
}

export interface LoadLevelResult {
  label: string;
  targetPerSecond: number;
  durationSeconds: number;
  planned: number;
  sent: number;
  acked: number;
  errors: number;
  errorRate: number;
  errorKinds: Record<string, number>;
  ackP50Ms: number;
  ackP99Ms: number;
  achievedPerSecond: number;
  maxWorkerLagSeconds: number;
  /** Seconds after the last request until every acked event was in ClickHouse; null if it did not drain in time. */
  drainedAfterSeconds: number | null;
  pendingAtEnd: number;
  /** The oldest acked events still missing from ClickHouse at the end (id, seconds since their ack). */
  oldestPendingAtEnd: { eventId: string; ageSeconds: number }[];
  maxActiveParts: number;
  maxClickhouseMemoryMb: number;
  maxRssMb: number;
  samples: LoadSample[];
}

export interface LoadLevelOptions {
  sl: Pick<Supportloop, 'ch' | 'config'>;
  url: string;
  tenantId: string;
  secret: string;
  label: string;
  ratePerSecond: number;
  durationSeconds: number;
  tickets: number;
  bodies: readonly string[];
  sampleSeconds: number;
  /** How long to keep sampling after the last request while acked events are still missing from ClickHouse. */
  maxDrainSeconds: number;
  /** Requests allowed in flight at once; beyond it a due request is counted as an error, not queued (open loop). */
  maxInFlight: number;
  onSample?: (sample: LoadSample) => void;
}

const MB = 1024 * 1024;

export async function runLoadLevel(o: LoadLevelOptions): Promise<LoadLevelResult> {
  const planned = Math.round(o.ratePerSecond * o.durationSeconds);
  const pending = new Map<string, number>(); // event id → ack time (ms), in ack order
  const errorKinds: Record<string, number> = {};
  const allLatencies: number[] = [];
  let window = { due: 0, sent: 0, acked: 0, errors: 0, latencies: [] as number[] };
  let sent = 0;
  let acked = 0;
  let errors = 0;
  let inFlight = 0;
  const error = (kind: string) => {
    errors++;
    window.errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };

  const sendOne = async (seq: number) => {
    const eventId = `load-${o.label}-${seq}`;
    const body = JSON.stringify({
      eventId, kind: 'message.customer', ticketId: `L-${seq % o.tickets}`, occurredAt: new Date().toISOString(),
      channel: 'chat', tags: [], body: o.bodies[seq % o.bodies.length],
    });
    const headers = signedHeaders('generic', o.secret, body, { deliveryId: `msg_${eventId}`, at: new Date() });
    inFlight++;
    sent++;
    window.sent++;
    const t0 = performance.now();
    try {
      const response = await fetch(`${o.url}/v1/webhooks/${o.tenantId}/generic`, { method: 'POST', headers, body, signal: AbortSignal.timeout(30_000) });
      await response.arrayBuffer();
      const ms = performance.now() - t0;
      if (response.status === 202) {
        acked++;
        window.acked++;
        window.latencies.push(ms);
        allLatencies.push(ms);
        pending.set(eventId, Date.now());
      } else error(`HTTP ${response.status}`);
    } catch (err) {
      error(`request failed: ${(err as Error).name}`);
    } finally {
      inFlight--;
    }
  };

  // Which acked events have reached ClickHouse: ids recorded since shortly before the last poll.
  let pollFrom = Date.now() - 60_000;
  const reconcile = async () => {
    if (pending.size === 0) return;
    const polledAt = Date.now();
    const rows = await o.sl.ch.query<{ event_id: string }>(
      `SELECT event_id FROM ${o.sl.ch.table(TABLES.ticketEvents)} WHERE tenant_id = {t:String} AND recorded_at >= {since:DateTime64(3)} AND startsWith(event_id, {prefix:String})`,
      { t: o.tenantId, since: toClickHouseTime(pollFrom), prefix: `load-${o.label}-` },
    );
    for (const row of rows) pending.delete(row.event_id);
    // The oldest pending ids are also looked up by id, so a row that became visible later than the look-back cannot stay "pending" forever.
    const oldest = [...pending.keys()].slice(0, 500);
    if (oldest.length) {
      const found = await o.sl.ch.query<{ event_id: string }>(
        `SELECT event_id FROM ${o.sl.ch.table(TABLES.ticketEvents)} WHERE tenant_id = {t:String} AND event_id IN {ids:Array(String)}`,
        { t: o.tenantId, ids: oldest },
      );
      for (const row of found) pending.delete(row.event_id);
    }
    // recorded_at is stamped before the batching writer flushes: look back far enough to cover a slow flush.
    pollFrom = polledAt - 30_000;
  };
  const systemFigures = async () => {
    const [parts] = await o.sl.ch.query<{ n: string }>(`SELECT count() AS n FROM system.parts WHERE active AND database = {db:String}`, { db: o.sl.config.clickhouseDatabase });
    const [memory] = await o.sl.ch.query<{ v: string }>(`SELECT value AS v FROM system.metrics WHERE metric = 'MemoryTracking'`);
    return { parts: Number(parts?.n ?? 0), memoryMb: Number(memory?.v ?? 0) / MB };
  };

  const samples: LoadSample[] = [];
  const started = Date.now();
  let lastSample = started;
  const takeSample = async (phase: LoadSample['phase']) => {
    await reconcile();
    const now = Date.now();
    const seconds = Math.max(0.001, (now - lastSample) / 1000);
    lastSample = now;
    const oldest = pending.values().next().value;
    const sys = await systemFigures();
    const latencies = window.latencies.sort((a, b) => a - b);
    const memory = process.memoryUsage();
    const sample: LoadSample = {
      t: (now - started) / 1000, phase,
      sentPerSecond: window.sent / seconds, ackedPerSecond: window.acked / seconds,
      ackP50Ms: latencies.length ? quantileSorted(latencies, 0.5) : null, ackP99Ms: latencies.length ? quantileSorted(latencies, 0.99) : null,
      errors: window.errors, errorRate: window.due ? window.errors / window.due : 0,
      pending: pending.size, workerLagSeconds: oldest === undefined ? 0 : (now - oldest) / 1000,
      clickhouseActiveParts: sys.parts, clickhouseMemoryMb: sys.memoryMb, rssMb: memory.rss / MB, heapUsedMb: memory.heapUsed / MB,
    };
    window = { due: 0, sent: 0, acked: 0, errors: 0, latencies: [] };
    samples.push(sample);
    o.onSample?.(sample);
  };

  // Open loop: request i is due at started + i / rate, whatever happened to the ones before.
  const requests: Promise<void>[] = [];
  let next = 0;
  let sampling = Promise.resolve();
  let sampleBusy = false;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = Date.now();
      const due = Math.min(planned, Math.floor(((now - started) / 1000) * o.ratePerSecond) + 1);
      while (next < due) {
        window.due++;
        if (inFlight >= o.maxInFlight) error('not sent: in-flight bound reached');
        else requests.push(sendOne(next));
        next++;
      }
      if (!sampleBusy && now - lastSample >= o.sampleSeconds * 1000) {
        sampleBusy = true;
        sampling = takeSample('load').finally(() => (sampleBusy = false));
      }
      if (next >= planned || now - started > (o.durationSeconds + 5) * 1000) resolve();
      else setTimeout(tick, 5);
    };
    tick();
  });
  await Promise.all(requests);
  await sampling;
  const loadEnded = Date.now();

  // Drain: keep sampling until every acked event is in ClickHouse (or the bound is hit).
  let drainedAfterSeconds: number | null = null;
  for (;;) {
    await new Promise((r) => setTimeout(r, Math.min(o.sampleSeconds * 1000, 2000)));
    await takeSample('drain');
    if (pending.size === 0) {
      drainedAfterSeconds = (Date.now() - loadEnded) / 1000;
      break;
    }
    if (Date.now() - loadEnded > o.maxDrainSeconds * 1000) break;
  }

  allLatencies.sort((a, b) => a - b);
  const loadSeconds = (loadEnded - started) / 1000;
  return {
    label: o.label, targetPerSecond: o.ratePerSecond, durationSeconds: o.durationSeconds, planned, sent, acked, errors,
    errorRate: planned ? errors / planned : 0, errorKinds,
    ackP50Ms: allLatencies.length ? quantileSorted(allLatencies, 0.5) : NaN, ackP99Ms: allLatencies.length ? quantileSorted(allLatencies, 0.99) : NaN,
    achievedPerSecond: acked / loadSeconds,
    maxWorkerLagSeconds: Math.max(0, ...samples.map((s) => s.workerLagSeconds)),
    drainedAfterSeconds, pendingAtEnd: pending.size,
    oldestPendingAtEnd: [...pending.entries()].slice(0, 10).map(([eventId, ackedAt]) => ({ eventId, ageSeconds: (Date.now() - ackedAt) / 1000 })),
    maxActiveParts: Math.max(0, ...samples.map((s) => s.clickhouseActiveParts)),
    maxClickhouseMemoryMb: Math.max(0, ...samples.map((s) => s.clickhouseMemoryMb)),
    maxRssMb: Math.max(0, ...samples.map((s) => s.rssMb)),
    samples,
  };
}
