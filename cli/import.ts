// `supportloop import <file>`: loads an export of past resolved tickets (CSV or JSON Lines) into a
// running supportloop through POST /v1/import/tickets, in batches, with a progress bar. Columns are
// found by name (see domain/learning/datasetTickets.ts and the README) or given with --map; what
// the file lacks (customers, plans, channel) is left empty and said so. Re-importing the same file
// adds nothing: tickets the tenant already has are counted as already present and left unchanged.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { CHANNELS, type Channel } from '../domain/events.js';
import { importTicketProblem, MAX_IMPORT_BATCH, type ImportTicket } from '../domain/historyImport.js';
import { DEFAULT_COLUMN_CANDIDATES, datasetTickets, type DatasetTicket } from '../domain/learning/datasetTickets.js';
import { loadConfig } from '../runtime/config.js';
import { MAPPABLE_FIELDS, readTicketRows } from './datasetFile.js';
import { integer, positiveInteger } from './optionParsers.js';

function batchSize(value: string): number {
  const n = positiveInteger(value);
  if (n > MAX_IMPORT_BATCH) throw new InvalidArgumentError(`expected at most ${MAX_IMPORT_BATCH}, the import route's limit`);
  return n;
}

/** A helpdesk's channel name as one of ours ("Email" → email); names we do not know count as other. */
function importChannel(name: string): Channel {
  const lower = name.trim().toLowerCase();
  return (CHANNELS as readonly string[]).includes(lower) ? (lower as Channel) : 'other';
}

/** History is recorded as it was: values the dataset reader would synthesise (customers, plans, channel) are left out. */
function toImportTicket(t: DatasetTicket): ImportTicket {
  const observed = { ...t.customer, customerId: t.synthesized.customerId ? undefined : t.customer.customerId, plan: t.synthesized.plan ? undefined : t.customer.plan };
  const customer = Object.fromEntries(Object.entries(observed).filter(([, v]) => v !== undefined && v !== '')) as ImportTicket['customer'];
  return {
    id: t.id,
    createdAt: t.at,
    body: t.text,
    ...(t.topic ? { topic: t.topic } : {}),
    ...(t.reply ? { reply: t.reply } : {}),
    ...(t.synthesized.channel ? {} : { channel: importChannel(t.channel) }),
    customer,
    ...(t.escalated ? { escalated: true } : {}),
  };
}

function credentials(opts: { apiKey?: string; credentials: string }): string {
  if (opts.apiKey) return opts.apiKey;
  if (!existsSync(opts.credentials)) throw new Error(`no --api-key and no credentials file at ${opts.credentials} (the product writes it on first start)`);
  try {
    return (JSON.parse(readFileSync(opts.credentials, 'utf8')) as { apiKey: string }).apiKey;
  } catch (err) {
    throw new Error(`${opts.credentials}: not a credentials file (${err instanceof Error ? err.message : String(err)})`);
  }
}

export async function importCommand(argv: string[]): Promise<void> {
  const config = loadConfig();
  const program = new Command('supportloop import')
    .argument('<file>', 'CSV (header row) or JSON Lines export of resolved tickets')
    .option('--url <url>', 'the running supportloop', `http://127.0.0.1:${config.port}`)
    .option('--api-key <key>', "the tenant's API key")
    .option('--credentials <file>', 'JSON with apiKey (default: the tenant created on first start)', join(config.dataDir, 'default-tenant.json'))
    .option('--map <field=column...>', `column for a field (repeatable); fields: ${MAPPABLE_FIELDS.join(', ')}`, [])
    .option('--batch <n>', `tickets per request (at most ${MAX_IMPORT_BATCH}, the import route's limit)`, batchSize, 1000)
    .option('--seed <n>', 'seed for what the file lacks', integer, 20260101)
    .exitOverride();
  program.parse(argv, { from: 'user' });
  const [file] = program.args as [string];
  const opts = program.opts<{ url: string; apiKey?: string; credentials: string; map: string[]; batch: number; seed: number }>();
  const apiKey = credentials(opts);

  const { fileRows, rows, mapping } = await readTicketRows(file, opts.map);
  if (!mapping.createdAt) throw new Error(`${file}: no timestamp column (${DEFAULT_COLUMN_CANDIDATES.createdAt.join(', ')}) — history's times are not invented on import; name it with --map createdAt=<column>`);
  // Ids are what make a re-import add nothing; one made up from the file name would import the same tickets again from a renamed copy.
  if (!mapping.id) throw new Error(`${file}: no ticket id column (${DEFAULT_COLUMN_CANDIDATES.id.join(', ')}) — ids are not invented on import; name it with --map id=<column>`);
  const { tickets, synthesized } = datasetTickets(rows, mapping, { seed: opts.seed, datasetName: basename(file).replace(/\.[^.]+$/, '') });
  // Everything is checked before the first request: a file refused halfway would leave its first batches imported.
  const importTickets = tickets.map(toImportTicket);
  const checkedAt = Date.now();
  for (const ticket of importTickets) {
    const problem = importTicketProblem(ticket, checkedAt);
    if (problem) throw new Error(`${file}: ticket ${JSON.stringify(ticket.id)}: ${problem.field}: ${problem.message}; nothing was imported`);
  }
  console.log(`${file}: ${fileRows} rows → ${tickets.length} tickets with a message and a reply; columns ${JSON.stringify(mapping)}`);
  for (const note of synthesized) console.log(`  not in the file, left empty on import: ${note.replace(/ \(.*$/, '')}`);

  const bar = new SingleBar({ format: 'import [{bar}] {value}/{total} tickets · {rate}/min · {eta_formatted}' });
  bar.start(tickets.length, 0, { rate: 0 });
  const started = Date.now();
  let done = 0;
  let events = 0;
  let written = 0;
  let alreadyPresent = 0;
  for (let i = 0; i < tickets.length; i += opts.batch) {
    const batch = importTickets.slice(i, i + opts.batch);
    const response = await fetch(`${opts.url}/v1/import/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tickets: batch }),
    }).catch((err: unknown) => {
      bar.stop();
      throw new Error(`cannot reach ${opts.url} (${err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err)}); is supportloop running there?`);
    });
    const text = await response.text();
    if (!response.ok) {
      bar.stop();
      throw new Error(`import stopped at ticket ${i}: ${response.status} ${text}`);
    }
    const result = JSON.parse(text) as { imported: number; alreadyPresent: number; events: number };
    events += result.events;
    written += result.imported;
    alreadyPresent += result.alreadyPresent;
    done += batch.length;
    bar.update(done, { rate: Math.round(done / ((Date.now() - started) / 60_000)) });
  }
  bar.stop();
  const minutes = (Date.now() - started) / 60_000;
  console.log(
    `${done} tickets in ${(minutes * 60).toFixed(1)} s — ${Math.round(done / minutes)} tickets/min: ${written} imported (${events} events), ${alreadyPresent} already present (left unchanged)`,
  );
}
