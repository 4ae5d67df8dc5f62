// The OpenAPI-driven fuzzer: schemathesis (PyPI) in a project-local virtualenv, installed on first
// use the way runtime/temporalCli.ts builds the Temporal CLI, run against the served /openapi.json
// with the "not a server error" check. Tenant routes run with a tenant API key, admin routes with
// the admin key (both are bearer tokens, so they are two runs).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Pinned: the CLI's flags and JSON report changed across 3.x → 4.x. */
export const SCHEMATHESIS_VERSION = '4.32.5';

export async function ensureSchemathesis(options: { toolsDir: string; log: (line: string) => void }): Promise<string> {
  const venv = path.join(options.toolsDir, 'schemathesis-venv');
  const bin = path.join(venv, 'bin', 'schemathesis');
  if (existsSync(bin)) {
    try {
      const { stdout } = await execFileAsync(bin, ['--version'], { timeout: 60_000 });
      if (stdout.includes(SCHEMATHESIS_VERSION)) return bin;
    } catch {
      // A broken venv is rebuilt below.
    }
  }
  options.log(`installing schemathesis ${SCHEMATHESIS_VERSION} from PyPI into ${venv} (once, ~1 minute) …`);
  try {
    await execFileAsync('python3', ['-m', 'venv', '--clear', venv], { timeout: 300_000 });
    await execFileAsync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${SCHEMATHESIS_VERSION}`], { timeout: 900_000 });
  } catch (err) {
    throw new Error(`could not install schemathesis into ${venv}: ${(err as Error).message}\nIt needs python3 with the venv module (Debian: apt-get install python3-venv) and access to PyPI.`);
  }
  return bin;
}

export interface SchemathesisSummary {
  /** API operations tested across both runs. */
  operations: number;
  testCases: number;
  /** Failures of the not_a_server_error check (5xx answers), by operation. */
  serverErrors: { operation: string; title: string }[];
  /** Schema errors and other run errors schemathesis reported. */
  errors: { title: string; count: number }[];
  exitCode: number;
  /** The console output of both runs (the summary is printed from it). */
  output: string;
  runs: { scope: string; command: string; report: unknown }[];
}

interface JsonReport {
  command: string;
  exit_code: number;
  operations: { tested: number };
  test_cases: { generated: number };
  failures: { operation?: string; label?: string; title?: string }[];
  errors: { title: string; count: number }[];
}

export async function runSchemathesis(options: {
  bin: string;
  baseUrl: string;
  apiKey: string;
  adminKey: string;
  maxExamples: number;
  seed: number;
  maxSeconds?: number;
}): Promise<SchemathesisSummary> {
  const scopes = [
    { scope: 'tenant and public routes', key: options.apiKey, filter: ['--exclude-path-regex', '^/v1/admin'] },
    { scope: 'admin routes', key: options.adminKey, filter: ['--include-path-regex', '^/v1/admin'] },
  ];
  const summary: SchemathesisSummary = { operations: 0, testCases: 0, serverErrors: [], errors: [], exitCode: 0, output: '', runs: [] };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemathesis-'));
  try {
    for (const [i, { scope, key, filter }] of scopes.entries()) {
      const reportPath = path.join(dir, `report-${i}.json`);
      const args = [
        'run', `${options.baseUrl}/openapi.json`, '--checks', 'not_a_server_error', '--max-examples', String(options.maxExamples), '--seed', String(options.seed),
        '--header', `Authorization: Bearer ${key}`, ...filter, '--no-color', '--report', 'json', '--report-json-path', reportPath,
        // One worker: with threads, Python 3.11's ast module races inside hypothesis ("AST constructor recursion depth mismatch").
        '--workers', '1',
        ...(options.maxSeconds ? ['--max-time', String(options.maxSeconds)] : []),
      ];
      let output: string;
      let exitCode = 0;
      try {
        const { stdout, stderr } = await execFileAsync(options.bin, args, { timeout: 1_800_000, maxBuffer: 64 * 1024 * 1024 });
        output = stdout + stderr;
      } catch (err) {
        const e = err as { stdout?: string; stderr?: string; code?: number };
        output = `${e.stdout ?? ''}${e.stderr ?? ''}`;
        exitCode = typeof e.code === 'number' ? e.code : 1;
      }
      summary.output += `\n### schemathesis: ${scope}\n${output}`;
      summary.exitCode = Math.max(summary.exitCode, exitCode);
      if (!existsSync(reportPath)) throw new Error(`schemathesis wrote no report (exit ${exitCode}):\n${output.slice(-3000)}`);
      const report = JSON.parse(readFileSync(reportPath, 'utf8')) as JsonReport;
      summary.runs.push({ scope, command: report.command, report });
      summary.operations += report.operations.tested;
      summary.testCases += report.test_cases.generated;
      summary.serverErrors.push(...report.failures.map((f) => ({ operation: f.operation ?? f.label ?? '?', title: f.title ?? JSON.stringify(f).slice(0, 300) })));
      summary.errors.push(...report.errors);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return summary;
}

/** The lines of schemathesis's own SUMMARY sections, for printing. */
export function schemathesisSummaryLines(output: string): string {
  return output
    .split(/\n(?=### schemathesis)/)
    .map((run) => {
      const [title] = run.split('\n');
      const i = run.indexOf('SUMMARY');
      return `${title}\n${i >= 0 ? run.slice(run.lastIndexOf('\n', i) + 1) : run.slice(-1500)}`;
    })
    .join('\n');
}
