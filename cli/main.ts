#!/usr/bin/env -S npx tsx
// supportloop's command line: start the product (embedded or as separate api/worker processes),
// print the effective config, manage tenants through a running server's admin API.
import { Command, CommanderError } from 'commander';
import { describeConfig, loadConfig } from '../runtime/config.js';
import { simulateCommand } from '../simulator/run.js';
import { evalCommand } from './eval.js';
import { importCommand } from './import.js';
import { nonNegativeInteger } from './optionParsers.js';
import { startSupportloop, type Role } from '../runtime/supportloop.js';
import { startStore } from '../runtime/chdbHttpServer.js';

async function runUntilSignal(role: Role | 'store'): Promise<void> {
  const config = loadConfig();
  const running = role === 'store' ? await startStore(config) : await startSupportloop(config, role);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      console.error(`${signal} again: exiting without draining`);
      process.exit(130);
    }
    running.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function adminRequest(method: string, path: string, body?: unknown): Promise<unknown> {
  const config = loadConfig();
  if (!config.adminKey) throw new Error('set SUPPORTLOOP_ADMIN_KEY (the same value the server runs with)');
  const base = `http://127.0.0.1:${config.port}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${config.adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
  return JSON.parse(text);
}

const program = new Command('supportloop').description('self-hosted customer-support learning system');

program
  .command('start')
  .description('run everything in one process: API, Temporal worker, embedded ClickHouse (chDB) and the Temporal dev server unless TEMPORAL_ADDRESS / CLICKHOUSE_URL are set')
  .action(() => runUntilSignal('all'));
program.command('api').description('run only the HTTP API (needs CLICKHOUSE_URL and TEMPORAL_ADDRESS)').action(() => runUntilSignal('api'));
program.command('worker').description('run only the Temporal worker (needs CLICKHOUSE_URL and TEMPORAL_ADDRESS)').action(() => runUntilSignal('worker'));
program
  .command('store')
  .description('serve the ClickHouse HTTP interface from embedded chDB, so api and worker processes on this host can share it (CLICKHOUSE_URL=http://127.0.0.1:8123); not a ClickHouse server replacement')
  .action(() => runUntilSignal('store'));
program
  .command('config')
  .description('print the effective configuration (secrets masked)')
  .action(() => console.log(describeConfig(loadConfig()).join('\n')));

program
  .command('import')
  .description('load an export of past resolved tickets (CSV or JSONL) into the running supportloop; see `supportloop import --help`')
  .allowUnknownOption()
  .helpOption(false)
  .argument('[args...]')
  .action((args: string[]) => importCommand(args));

program
  .command('eval')
  .description('replay a dataset through the learner and report the learning curve (table + PNG); see `supportloop eval --help`')
  .allowUnknownOption()
  .helpOption(false)
  .argument('[args...]')
  .action((args: string[]) => evalCommand(args));
program
  .command('simulate')
  .description('post a realistic multi-tenant ticket stream with hidden agent rules through the real webhooks; see `supportloop simulate --help`')
  .allowUnknownOption()
  .helpOption(false)
  .argument('[args...]')
  .action((args: string[]) => simulateCommand(args));

const tenant = program.command('tenant').description('manage tenants through the running server (SUPPORTLOOP_ADMIN_KEY)');
tenant
  .command('create <tenantId>')
  .option('--name <name>')
  .description('create a tenant; prints its API key and webhook secrets once')
  .action(async (tenantId: string, opts: { name?: string }) => console.log(JSON.stringify(await adminRequest('POST', '/v1/admin/tenants', { tenantId, name: opts.name }), null, 2)));
tenant
  .command('rotate-secret <tenantId> <provider>')
  .option('--secret <secret>', 'the new secret (the helpdesk may dictate it); generated when omitted')
  .option('--overlap <seconds>', 'how long the previous secret keeps verifying', nonNegativeInteger, 86400)
  .action(async (tenantId: string, provider: string, opts: { secret?: string; overlap: number }) =>
    console.log(JSON.stringify(await adminRequest('PUT', `/v1/admin/tenants/${encodeURIComponent(tenantId)}/webhook-secrets/${encodeURIComponent(provider)}`, { secret: opts.secret, overlapSeconds: opts.overlap }), null, 2)),
  );
tenant.command('list').action(async () => console.log(JSON.stringify(await adminRequest('GET', '/v1/admin/tenants'), null, 2)));

program.parseAsync().catch((err: unknown) => {
  // Subcommands parse with exitOverride: commander has already printed their usage errors.
  if (err instanceof CommanderError) process.exit(err.exitCode);
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
