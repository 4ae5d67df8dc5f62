// The Temporal worker of the ticket workflows: the bundled workflow code plus activities built
// from real dependencies.
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type LogLevel, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities/index.js';

const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;
/** The SDK's own logging (worker state changes etc.): once per process, before the first worker. */
export function installTemporalRuntime(level: string): void {
  if (runtimeInstalled) return;
  const levels: Record<string, LogLevel> = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' };
  Runtime.install({ logger: new DefaultLogger(levels[level] ?? 'WARN') });
  runtimeInstalled = true;
}

let bundle: Promise<WorkflowBundle> | undefined;
/** Bundling takes seconds; do it once per process. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } });
  return bundle;
}

export interface TicketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  /** Counts failed activity executions (metrics). */
  /** Called with the failed activity, its workflow id (ticket/<tenant>/<ticket>) and the error; Temporal retries it. */
  onActivityFailure?: (activityType: string, workflowId: string, error: unknown) => void;
  /** Called with every finished activity execution's type and duration in seconds (metrics). */
  onActivityDone?: (activityType: string, seconds: number) => void;
  /** Concurrency bounds; defaults suit a small machine. */
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createTicketWorker(options: TicketWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 200,
    maxCachedWorkflows: 2000,
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: {
            async execute(input, next) {
              const started = performance.now();
              try {
                return await next(input);
              } catch (err) {
                options.onActivityFailure?.(ctx.info.activityType, ctx.info.workflowExecution?.workflowId ?? '', err);
                throw err;
              } finally {
                options.onActivityDone?.(ctx.info.activityType, (performance.now() - started) / 1000);
              }
            },
          },
        }),
      ],
    },
  });
}
