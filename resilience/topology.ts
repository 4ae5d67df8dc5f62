// The split production topology on one host, each piece a real OS process: a Temporal dev server
// (SQLite file, so state survives its restart), `supportloop store` (the ClickHouse HTTP interface
// served by chDB), N `supportloop api` processes and one `supportloop worker`. Used by the
// multi-process, backpressure and chaos suites to kill, pause and restart pieces independently.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { SETTINGS, type Config } from '../runtime/config.js';
import { startTemporalDevServer, freePort, type DevServer } from '../runtime/temporalDevServer.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const cliMain = path.join(repoRoot, 'cli', 'main.ts');

export type RoleName = 'store' | 'api' | 'worker' | 'start';

export interface RoleProcess {
  role: RoleName;
  name: string;
  /** Its stdout and stderr. */
  logFile: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when the process has exited (with its exit code or signal). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** Graceful stop (SIGTERM, SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
  /** Hard kill, as a crash or an OOM killer would. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: the process holds its sockets but answers nothing (a "slow" dependency). */
  pause(): void;
  resume(): void;
}

/** Environment for a child from config keys: names come from SETTINGS, the one definition of each key. */
export function settingsEnv(settings: Partial<Config>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    env[SETTINGS[key as keyof typeof SETTINGS].env] = String(value);
  }
  return env;
}

const live = new Set<ChildProcess>();
// Never leave a supportloop child running behind a crashed harness.
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * Spawn `supportloop <role>` as its own process. Node runs cli/main.ts directly through tsx's
 * loader (not `npx tsx`, which puts a parent process in front): a SIGKILL must hit the process
 * that holds the state, not a wrapper that would leave it orphaned.
 */
export function spawnRole(role: RoleName, name: string, settings: Partial<Config>, logDir: string): RoleProcess {
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${name}.log`);
  const log = createWriteStream(logFile, { flags: 'a' });
  // Inherit the parent's environment (PATH, HOME, TEMPORAL_CLI) underneath the role's settings.
  const child = spawn(process.execPath, ['--import', 'tsx', cliMain, role], {
    cwd: repoRoot,
    env: { ...process.env, ...settingsEnv(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  live.add(child);
  let running = true;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      running = false;
      live.delete(child);
      log.end(`--- ${name} exited (code ${code}, signal ${signal})\n`);
      resolve({ code, signal });
    }),
  );
  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (!running) return;
    child.kill('SIGCONT');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return {
    role,
    name,
    logFile,
    child,
    pid: child.pid!,
    exited,
    get running() {
      return running;
    },
    stop: (graceMs = 15_000) => stopWith('SIGTERM', graceMs),
    kill: () => stopWith('SIGKILL', 0),
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

/** Poll until `check` passes or the process dies or the deadline passes. */
async function waitFor(what: string, proc: RoleProcess | undefined, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc && !proc.running) {
      await proc.exited;
      throw new Error(`${what}: the process exited during start-up:\n${readFileSync(proc.logFile, 'utf8').slice(-3000)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

export interface SplitTopologyOptions {
  /** Root for the dev server's SQLite file, the store's chDB files and every process's data dir. */
  dataDir: string;
  logDir: string;
  apiCount: number;
  temporalCli: string;
  adminKey: string;
  /** Extra settings for every supportloop process (timers, detection, log level, …). */
  settings?: Partial<Config>;
}

/** The running topology; every piece can be killed and started again on the same ports and files (an API whose port was taken meanwhile moves, see startApi). */
export class SplitTopology {
  devServer: DevServer | undefined;
  store: RoleProcess | undefined;
  apis: (RoleProcess | undefined)[] = [];
  worker: RoleProcess | undefined;
  temporalClient: Client | undefined;
  private temporalConnection: Connection | undefined;
  private serials = new Map<string, number>();

  private constructor(
    readonly options: SplitTopologyOptions,
    readonly ports: { temporal: number; store: number; apis: number[]; workerProbe: number },
  ) {}

  static async start(options: SplitTopologyOptions): Promise<SplitTopology> {
    const ports = { temporal: await freePort(), store: await freePort(), apis: [] as number[], workerProbe: await freePort() };
    for (let i = 0; i < options.apiCount; i++) ports.apis.push(await freePort());
    const topology = new SplitTopology(options, ports);
    try {
      await topology.startDevServer();
      await topology.startStore();
      // One API first: it runs the migrations and creates the default tenant alone.
      for (let i = 0; i < options.apiCount; i++) await topology.startApi(i);
      await topology.startWorker();
    } catch (err) {
      await topology.stopAll();
      throw err;
    }
    return topology;
  }

  get storeUrl(): string {
    return `http://127.0.0.1:${this.ports.store}`;
  }
  get temporalAddress(): string {
    return `127.0.0.1:${this.ports.temporal}`;
  }
  apiUrl(index: number): string {
    return `http://127.0.0.1:${this.ports.apis[index]}`;
  }
  get apiUrls(): string[] {
    return this.ports.apis.map((_p, i) => this.apiUrl(i));
  }

  private name(base: string): string {
    const n = (this.serials.get(base) ?? 0) + 1;
    this.serials.set(base, n);
    return n === 1 ? base : `${base}.${n}`;
  }

  private roleSettings(extra: Partial<Config>): Partial<Config> {
    return {
      host: '127.0.0.1',
      dataDir: path.join(this.options.dataDir, 'processes'),
      clickhouseUrl: this.storeUrl,
      temporalAddress: this.temporalAddress,
      adminKey: this.options.adminKey,
      logLevel: 'warn',
      ...this.options.settings,
      ...extra,
    };
  }

  async startDevServer(): Promise<void> {
    this.devServer = await startTemporalDevServer({
      cli: this.options.temporalCli,
      dataDir: path.join(this.options.dataDir, 'temporal'),
      port: this.ports.temporal,
      uiPort: 0,
      namespace: 'default',
    });
    this.temporalConnection ??= await Connection.connect({ address: this.temporalAddress });
    this.temporalClient ??= new Client({ connection: this.temporalConnection });
  }

  async startStore(): Promise<void> {
    const store = spawnRole('store', this.name('store'), { dataDir: path.join(this.options.dataDir, 'store'), storeHost: '127.0.0.1', storePort: this.ports.store, logLevel: 'warn' }, this.options.logDir);
    this.store = store;
    await waitFor('supportloop store', store, answers(`${this.storeUrl}/ping`), 60_000);
  }

  /**
   * Starts API `index` on its port. A port reserved at start-up can be taken meanwhile (any outgoing
   * connection may be handed it as its local port), and then the API starts on a new free port
   * (apiUrl follows it) rather than failing the run: up to three tries.
   */
  async startApi(index: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const api = spawnRole('api', this.name(`api${index + 1}`), this.roleSettings({ port: this.ports.apis[index] }), this.options.logDir);
      this.apis[index] = api;
      try {
        return await waitFor(`supportloop api ${index + 1}`, api, answers(`${this.apiUrl(index)}/healthz`), 120_000);
      } catch (error) {
        if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
        this.ports.apis[index] = await freePort();
      }
    }
  }

  /** Starts the worker and waits until it polls the task queue (its pid is in the poller identity). */
  async startWorker(): Promise<void> {
    // The worker role must not listen: give it a port and check later that nothing answers there.
    const worker = spawnRole('worker', this.name('worker'), this.roleSettings({ port: this.ports.workerProbe }), this.options.logDir);
    this.worker = worker;
    await waitFor('supportloop worker', worker, async () => (await this.taskQueuePollers()).some((id) => id.startsWith(`${worker.pid}@`)), 180_000);
  }

  /** Create a tenant through the first API's admin route; its API key and webhook secrets. */
  async createTenant(tenantId: string): Promise<{ apiKey: string; webhookSecrets: Record<string, string> }> {
    const created = await fetch(`${this.apiUrl(0)}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.options.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId }),
    });
    if (created.status !== 201) throw new Error(`creating tenant ${tenantId} failed: ${created.status} ${await created.text()}`);
    return (await created.json()) as { apiKey: string; webhookSecrets: Record<string, string> };
  }

  /** Identities (`pid@host`) polling the ticket workflow task queue. */
  async taskQueuePollers(): Promise<string[]> {
    const taskQueue = this.options.settings?.taskQueue ?? SETTINGS.taskQueue.default;
    const response = await this.temporalClient!.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: taskQueue }, taskQueueType: 1 });
    return (response.pollers ?? []).map((p) => p.identity ?? '').filter((id) => id.endsWith(`@${os.hostname()}`));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.apis, this.worker].map((p) => p?.stop()));
    await this.store?.stop();
    await this.temporalConnection?.close().catch(() => {});
    await this.devServer?.stop();
  }
}
