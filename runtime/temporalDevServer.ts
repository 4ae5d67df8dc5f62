// The embedded Temporal: the official dev server as a child process, its state in a SQLite file
// under the data dir so tickets survive a restart.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';

export interface DevServerOptions {
  cli: string;
  /** Folder for the SQLite file; undefined = in-memory (tests that need no persistence). */
  dataDir: string | undefined;
  ip?: string;
  port: number;
  /** 0 = headless. */
  uiPort: number;
  namespace: string;
  log?: (line: string) => void;
}

export interface DevServer {
  address: string;
  /** Graceful stop (SIGTERM, then SIGKILL after a grace period). */
  stop(): Promise<void>;
  /** Hard kill, for fault tests. */
  kill(): Promise<void>;
  readonly process: ChildProcess;
}

function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** A free TCP port on loopback (for tests and benchmarks that run several servers). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * A supportloop process killed with SIGKILL (OOM killer, crash, `kill -9`) runs no exit handler, so
 * its dev server lives on, holding the port and the SQLite file, and the next start would refuse.
 * The pid file names that server; it is stopped only if /proc shows it is still the dev server on
 * this very SQLite file (never an unrelated process that reused the pid).
 */
async function stopOrphanedDevServer(pidFile: string, dbFile: string, log?: (line: string) => void): Promise<void> {
  let pid: number;
  let cmdline: string;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
    cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !cmdline.includes('start-dev') || !cmdline.includes(dbFile)) return;
  log?.(`stopping the Temporal dev server (pid ${pid}) left running by a previous start that did not shut down`);
  process.kill(pid, 'SIGTERM');
  for (let waited = 0; alive(pid) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let waited = 0; alive(pid) && waited < 5_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
}

export async function startTemporalDevServer(options: DevServerOptions): Promise<DevServer> {
  const ip = options.ip ?? '127.0.0.1';
  const address = `${ip}:${options.port}`;
  const dbFile = options.dataDir ? path.join(options.dataDir, 'temporal.sqlite') : undefined;
  const pidFile = options.dataDir ? path.join(options.dataDir, 'dev-server.pid') : undefined;
  if (pidFile && dbFile) await stopOrphanedDevServer(pidFile, dbFile, options.log);
  if (await portInUse(options.port, ip)) {
    throw new Error(`port ${options.port} is already in use, so the embedded Temporal dev server cannot start: stop what holds it, or set SUPPORTLOOP_TEMPORAL_DEV_PORT (or TEMPORAL_ADDRESS to use that server)`);
  }
  const args = ['server', 'start-dev', '--ip', ip, '--port', String(options.port), '--namespace', options.namespace, '--log-level', 'warn'];
  args.push(...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']));
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    // WAL + normal sync roughly doubles the dev server's signalWithStart ceiling (measured: ~150/s → ~300/s).
    args.push('--db-filename', dbFile!, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (pidFile && child.pid) writeFileSync(pidFile, String(child.pid));
  // The first lines say why a start failed (a Go panic's reason precedes its long stack trace).
  let head = '';
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    if (head.length < 3000) head += chunk.toString().slice(0, 3000 - head.length);
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  // Never leave an orphaned dev server behind, whatever way this process ends.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      if (pidFile) rmSync(pidFile, { force: true });
      process.off('exit', killOnExit);
      resolve();
    }),
  );

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`the Temporal dev server exited during start-up:\n${head}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace: options.namespace });
        break;
      } finally {
        await connection.close();
      }
    } catch (err) {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the Temporal dev server did not become ready in 90 s: ${String(err)}\n${output.join('').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  options.log?.(`Temporal dev server ready at ${address}${options.uiPort ? ` (UI http://${ip}:${options.uiPort})` : ''}`);

  const stopWith = async (signal: NodeJS.Signals, graceMs: number) => {
    if (exited) return;
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exit;
    clearTimeout(timer);
  };
  return { address, process: child, stop: () => stopWith('SIGTERM', 10_000), kill: () => stopWith('SIGKILL', 0) };
}
