// Finds or builds the official Temporal CLI (which embeds the dev server). Its download sites are
// not reachable from every machine, so the project builds it from source with the Go toolchain
// when neither TEMPORAL_CLI nor `temporal` on PATH is available.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Later tags carry a `replace` directive that `go install` refuses; v1.5.1 installs cleanly. */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

export interface TemporalCliOptions {
  /** Explicit binary (TEMPORAL_CLI). */
  explicitPath?: string;
  /** Project-local folder where a built CLI is kept. */
  toolsDir: string;
  log?: (line: string) => void;
}

async function works(binary: string): Promise<boolean> {
  try {
    await execFileAsync(binary, ['--version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function onPath(): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('sh', ['-c', 'command -v temporal']);
    const found = stdout.trim();
    return found && (await works(found)) ? found : undefined;
  } catch {
    return undefined;
  }
}

export const INSTALL_HELP = [
  'supportloop needs the Temporal CLI (it runs the embedded Temporal dev server). Any one of:',
  `  - install Go (https://go.dev/dl) and run again: the project builds it with \`go install ${TEMPORAL_CLI_MODULE}\` (~3 minutes)`,
  '  - put a `temporal` binary on PATH, or set TEMPORAL_CLI=/path/to/temporal',
  '  - point TEMPORAL_ADDRESS at an existing Temporal cluster (no local CLI needed)',
].join('\n');

/** Resolve a working Temporal CLI binary, building it into `toolsDir` if needed. */
export async function ensureTemporalCli(options: TemporalCliOptions): Promise<string> {
  const log = options.log ?? (() => {});
  if (options.explicitPath) {
    if (await works(options.explicitPath)) return options.explicitPath;
    throw new Error(`TEMPORAL_CLI=${options.explicitPath} does not run (\`${options.explicitPath} --version\` failed).\n${INSTALL_HELP}`);
  }
  const local = path.join(options.toolsDir, 'bin', 'temporal');
  if (existsSync(local) && (await works(local))) return local;
  const fromPath = await onPath();
  if (fromPath) return fromPath;

  let go: string;
  try {
    go = (await execFileAsync('sh', ['-c', 'command -v go || ls /usr/local/go/bin/go'])).stdout.trim().split('\n')[0]!;
  } catch {
    throw new Error(`No Temporal CLI found and no Go toolchain to build one.\n${INSTALL_HELP}`);
  }
  await mkdir(path.join(options.toolsDir, 'bin'), { recursive: true });
  log(`building the Temporal CLI: go install ${TEMPORAL_CLI_MODULE} (about 3 minutes, once) …`);
  await new Promise<void>((resolve, reject) => {
    // GOBIN set for the child only; the rest of the environment (proxy, cache) is inherited.
    const child = spawn('sh', ['-c', 'GOBIN="$1" exec "$0" install "$2"', go, path.resolve(options.toolsDir, 'bin'), TEMPORAL_CLI_MODULE], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`go install exited with ${code}.\n${INSTALL_HELP}`))));
  });
  if (!(await works(local))) throw new Error(`go install finished but ${local} does not run.\n${INSTALL_HELP}`);
  log(`Temporal CLI built at ${local}`);
  return local;
}
