// The composition root: wires config → ClickHouse (chDB or server) → Temporal (dev server child or
// cluster) → batching writer → worker and/or API, and shuts them down in the reverse order.
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { TenantLearners } from '../activities/tenantLearners.js';
import { buildApp } from '../api/app.js';
import { TenantDirectory } from '../api/tenantDirectory.js';
import { createHelpdeskAdapters } from '../helpdesks/index.js';
import { BatchingWriter } from '../store/batchingWriter.js';
import { createClickHouse, type ClickHouse } from '../store/clickhouse.js';
import { migrate } from '../store/migrate.js';
import type { Config } from './config.js';
import { ensureTemporalCli } from './temporalCli.js';
import { connectTemporal, type TemporalConnections } from './temporalConnection.js';
import { startTemporalDevServer, type DevServer } from './temporalDevServer.js';
import { defaultTenantsFile, ensureDefaultTenant, seedTenantsFromFile } from './tenantsBootstrap.js';
import { createTicketWorker, installTemporalRuntime } from './worker.js';
import { ensureDetectionSchedule } from './detectionSchedules.js';
import { listTenants } from '../store/tenants.js';
import { createMetrics } from './metrics.js';

export type Role = 'all' | 'api' | 'worker';

export interface Supportloop {
  config: Config;
  ch: ClickHouse;
  writer: BatchingWriter;
  temporal: TemporalConnections;
  app: FastifyInstance | undefined;
  readonly worker: Worker | undefined;
  devServer: DevServer | undefined;
  /** Where the API listens, e.g. http://127.0.0.1:8080 (undefined for a worker-only process). */
  url: string | undefined;
  /** Drain and stop the Temporal worker only (the API keeps accepting: Temporal holds the signals). */
  stopWorker(): Promise<void>;
  /** Start a fresh worker after stopWorker(). */
  startWorker(): Promise<void>;
  /** Graceful: stop accepting, drain in-flight requests, drain the worker, flush the writer, stop the dev server. */
  stop(): Promise<void>;
}

export async function startSupportloop(config: Config, role: Role = 'all'): Promise<Supportloop> {
  const logger = pino({ level: config.logLevel, base: { service: 'supportloop', role } });
  const log = (line: string) => logger.info(line);
  if (role !== 'all' && !config.clickhouseUrl) {
    throw new Error('separate api/worker processes need a ClickHouse server (CLICKHOUSE_URL): embedded chDB binds its data directory to one process');
  }

  const ch = createClickHouse({
    url: config.clickhouseUrl,
    user: config.clickhouseUser,
    password: config.clickhousePassword,
    database: config.clickhouseDatabase,
    cluster: config.clickhouseCluster,
    dataDir: config.dataDir,
  });
  await migrate(ch, log);

  let devServer: DevServer | undefined;
  let address = config.temporalAddress;
  if (!address) {
    const cli = await ensureTemporalCli({ explicitPath: config.temporalCli, toolsDir: config.toolsDir, log });
    devServer = await startTemporalDevServer({
      cli,
      dataDir: path.join(config.dataDir, 'temporal'),
      port: config.temporalDevPort,
      uiPort: config.temporalDevUiPort,
      namespace: config.temporalNamespace,
      log,
    });
    address = devServer.address;
  }
  // The SDK's INFO lines (worker state changes) are noise next to ours: show them only when debugging.
  installTemporalRuntime(['debug', 'trace'].includes(config.logLevel) ? config.logLevel : 'warn');
  const temporal = await connectTemporal(config, address, { worker: role !== 'api' });

  const metrics = createMetrics();
  const learners = new TenantLearners(ch, {
    snapshotEvery: config.learnerSnapshotEvery,
    importQuietMs: config.detectionImportQuietSeconds * 1000,
    onSnapshot: (event) => {
      if (event.kind === 'failed') logger.warn({ tenant: event.tenantId, ...event.key, err: event.error }, `learner snapshot ${event.during} failed; the learner relearns from the log instead`);
      else logger.info({ tenant: event.tenantId, ...event.key, records: event.records, ms: event.ms, ...(event.kind === 'saved' && { bytes: event.bytes }) }, `learner snapshot ${event.kind}`);
    },
    onBackgroundRefresh: (event) => {
      if (event.kind === 'failed') logger.warn({ tenant: event.tenantId, learner: event.learner, err: event.error }, event.learner === 'live' ? 'background learner refresh failed; the next draft learns the new records instead' : 'install-time learner not rebuilt with the imported history; the control arm drafts from the one it has, and a later control-arm draft tries again');
      else logger.info({ tenant: event.tenantId, learner: event.learner, records: event.records, ms: event.ms }, event.learner === 'live' ? 'learner refreshed in the background (after an import)' : 'install-time learner rebuilt with history imported from before the install');
    },
    // Only drafts bound their wait (activities/learning.ts), so a learner handed out still learning is a draft's.
    onServedWhileLearning: (event) => {
      metrics.draftsWhileLearning.inc({ tenant: event.tenantId });
      logger.info({ tenant: event.tenantId, learned: event.learned, waitedMs: event.waitedMs }, 'drafted from what the learner has learned so far; it is still learning new records');
    },
  });
  const writer = new BatchingWriter(ch, {
    maxRows: config.writerMaxRows,
    flushMs: config.writerFlushMs,
    onFlush: (table, rows, ms, error) => {
      metrics.writerBatchRows.observe({ table }, rows);
      if (error) {
        metrics.writerFailures.inc({ table });
        logger.error({ table, rows, ms, err: error }, 'batch insert failed');
      } else logger.debug({ table, rows, ms }, 'batch inserted');
    },
  });

  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  const startWorker = async () => {
    if (worker) throw new Error('the worker is already running');
    const started = await createTicketWorker({ connection: temporal.nativeConnection, namespace: config.temporalNamespace, taskQueue: config.taskQueue, deps: {
        ch,
        writer,
        learners,
        draftWaitMs: config.draftWaitSeconds * 1000,
        detection: {
          policy: { resolveAfterMinutes: config.alertResolveAfterMinutes, cooldownMinutes: config.alertCooldownMinutes, notifyWithinMinutes: config.alertNotifyWithinMinutes },
          maxBackfillMinutes: config.detectionBackfillMinutes,
          retireAfterMinutes: config.detectionRetireAfterDays * 24 * 60,
          settleMs: config.detectionSettleSeconds * 1000,
          importQuietMs: config.detectionImportQuietSeconds * 1000,
          grafanaUrl: config.grafanaUrl,
          observePass: (tenantId, pass) => {
            metrics.detectionLag.set({ tenant: tenantId }, pass.lagSeconds);
            metrics.detectionLateEvents.inc({ tenant: tenantId }, pass.lateEvents);
          },
        },
      },
      onActivityFailure: (activity, workflowId, err) => {
        metrics.activityFailures.inc({ activity });
        logger.warn({ activity, workflowId, err }, 'activity failed; Temporal retries it');
      },
      onActivityDone: (activity, seconds) => metrics.activityDuration.observe({ activity }, seconds),
    });
    worker = started;
    workerRun = started.run().catch((err: unknown) => logger.fatal({ err }, 'the Temporal worker stopped'));
  };
  const stopWorker = async () => {
    if (!worker) return;
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await workerRun;
    worker = undefined;
  };
  if (role !== 'api') await startWorker();

  let app: FastifyInstance | undefined;
  let url: string | undefined;
  if (role !== 'worker') {
    const tenantsFile = defaultTenantsFile(config.dataDir, config.tenantsFile);
    if (tenantsFile) await seedTenantsFromFile(ch, tenantsFile, log);
    await ensureDefaultTenant(ch, config.dataDir, log);
    const tenants = new TenantDirectory(ch);
    await tenants.refresh();
    const schedules = { client: temporal.client, taskQueue: config.taskQueue, intervalSeconds: config.detectionIntervalSeconds, alertRetryInitialSeconds: config.alertRetryInitialSeconds };
    const onTenantCreated = async (tenantId: string) => {
      if (config.detectionEnabled) await ensureDetectionSchedule(schedules, tenantId);
    };
    for (const tenant of await listTenants(ch)) await onTenantCreated(tenant.tenantId);
    app = await buildApp({
      ch,
      learners,
      writer,
      tenants,
      adapters: createHelpdeskAdapters({ toleranceSeconds: config.webhookToleranceSeconds }),
      signals: {
        client: temporal.client,
        taskQueue: config.taskQueue,
        timers: { slaFirstResponseMs: config.slaFirstResponseSeconds * 1000, outcomeWindowMs: config.outcomeWindowSeconds * 1000 },
        historyLimit: config.workflowHistoryLimit,
        deadlineMs: 10_000,
      },
      checks: {
        clickhouse: () => ch.ping(),
        temporal: async () => {
          await temporal.connection.withDeadline(Date.now() + 2000, () => temporal.connection.workflowService.getSystemInfo({}));
          return true;
        },
      },
      adminKey: config.adminKey,
      onTenantCreated,
      maxBodyBytes: config.webhookMaxBodyBytes,
      logLevel: config.logLevel,
      metrics,
      rateLimits: { perIpPerMinute: config.rateLimitPerIpPerMinute, perTenantPerMinute: config.rateLimitPerTenantPerMinute },
      grafanaUrl: config.grafanaUrl,
    });
    url = await app.listen({ host: config.host, port: config.port });
    log(`supportloop API listening on ${url} (OpenAPI at ${url}/openapi.json)`);
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log('shutting down: no new requests, draining in-flight work');
      await app?.close();
      await stopWorker();
      await learners.close();
      await writer.close();
      await temporal.close();
      await devServer?.stop();
      await ch.close();
      log('stopped');
    })());

  return {
    config,
    ch,
    writer,
    temporal,
    app,
    get worker() {
      return worker;
    },
    devServer,
    url,
    stopWorker,
    startWorker,
    stop,
  };
}
