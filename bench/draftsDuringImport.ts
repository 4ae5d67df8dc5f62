// How long live drafts take while a large history import is being learned, through the running
// product (`npm start`'s one process: API, worker, chDB, Temporal dev server). A tenant whose learner
// already knows it (a first, small import, learned) imports weeks of simulated history through the
// API while its customers keep writing (a webhook every few seconds). The same stream runs twice in
// one invocation: with drafts waiting for the learner to finish learning (the behaviour before
// SUPPORTLOOP_DRAFT_WAIT_SECONDS: the baseline) and with drafts waiting at most --wait-seconds, then
// drafting from what the learner has learned so far. Each draft's delay is its stored time minus its
// message's time. Tickets on the control arm (5% by default) are drafted from the install-time
// learner instead, which the wait does not bound (a partly built install-time model would understate
// the baseline); they are reported apart. Prints both arms and their ratio; writes
// drafts-during-import.json and a PNG of each draft's delay over the run.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { quantile } from 'simple-statistics';
import { integer, outputFolder, positiveInteger, positiveNumber } from '../cli/optionParsers.js';
import { DEFAULT_BANDIT_SETTINGS, isControlTicket } from '../domain/bandit/banditSettings.js';
import { writeLineChartPng } from '../reporting/lineChart.js';
import { loadConfig } from '../runtime/config.js';
import { startSupportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';
import { SupportloopClient } from '../simulator/client.js';
import { planSimulation, type TicketPlan } from '../simulator/ticketPlan.js';
import { clickHouseTimeMs, TABLES } from '../store/tables.js';
import { api, importRow, liveEvents } from './detectionLive.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opts = new Command()
  .description('live draft delays while a large history import is learned, waiting for the learner vs a bounded wait')
  .option('--known-tickets <n>', 'history imported and learned first (the learner knows the tenant)', positiveInteger, 1000)
  .option('--import-tickets <n>', 'history imported while customers write', positiveInteger, 28_000)
  .option('--tickets-per-day <n>', 'simulated volume of the history', positiveNumber, 800)
  .option('--every-seconds <s>', 'a live customer message this often', positiveNumber, 3)
  .option('--minutes <n>', 'how long live messages are posted, from the start of the large import', positiveNumber, 5)
  .option('--wait-seconds <s>', 'the bounded arm: SUPPORTLOOP_DRAFT_WAIT_SECONDS', positiveInteger, 5)
  .option('--seed <n>', 'simulator seed', integer, 7)
  .option('--out <dir>', 'output folder', outputFolder, path.join(repoRoot, 'out/bench-drafts'))
  .parse()
  .opts<{ knownTickets: number; importTickets: number; ticketsPerDay: number; everySeconds: number; minutes: number; waitSeconds: number; seed: number; out: string }>();

/** A draft wait no import outlasts: drafts wait for the learner, as before the bound existed. */
const UNBOUNDED_WAIT_SECONDS = 24 * 3600;
const TENANT = 'bench-drafts';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

interface ArmResult {
  arm: string;
  draftWaitSeconds: number;
  importSeconds: number;
  /** Per live message: seconds after the large import began that it was posted, seconds until its draft was stored, and whether its ticket is on the control arm. */
  drafts: { postedAfterS: number; delayS: number; control: boolean }[];
  undrafted: number;
}

async function runArm(arm: string, draftWaitSeconds: number, history: { known: TicketPlan[]; imported: TicketPlan[]; live: TicketPlan[] }): Promise<ArmResult> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-bench-drafts-'));
  const adminKey = randomBytes(24).toString('hex');
  const config = loadConfig({ dataDir, host: '127.0.0.1', port: 0, temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey, logLevel: 'warn', draftWaitSeconds });
  console.log(`\n${arm}: starting supportloop (data ${dataDir}, SUPPORTLOOP_DRAFT_WAIT_SECONDS=${draftWaitSeconds})…`);
  const sl = await startSupportloop(config);
  try {
    const url = sl.url!;
    const tenant = (await api(`${url}/v1/admin/tenants`, adminKey, 'POST', { tenantId: TENANT })) as { tenantId: string; apiKey: string; webhookSecrets: Record<string, string> };
    const client = new SupportloopClient({ url, tenants: [{ tenantId: TENANT, apiKey: tenant.apiKey, webhookSecret: tenant.webhookSecrets.generic! }] });
    const importTickets = async (tickets: TicketPlan[]) => {
      for (let i = 0; i < tickets.length; i += 2000) await api(`${url}/v1/import/tickets`, tenant.apiKey, 'POST', { tickets: tickets.slice(i, i + 2000).map(importRow) });
    };
    const draftsStored = async (): Promise<{ ticket_id: string; message_at: string; created_at: string }[]> =>
      sl.ch.query(`SELECT any(ticket_id) AS ticket_id, message_at, min(created_at) AS created_at FROM ${sl.ch.table(TABLES.suggestions)} WHERE tenant_id = {tenant:String} GROUP BY message_event_id, message_at`, { tenant: TENANT });

    // The learner knows the tenant: a small import, then one live message drafted from it.
    await importTickets(history.known);
    const [first, ...live] = history.live;
    await client.postEvents(TENANT, liveEvents(first!, new Date().toISOString()));
    for (let waited = 0; (await draftsStored()).length === 0; waited += 500) {
      if (waited > 600_000) throw new Error('the first draft did not come within 10 minutes');
      await sleep(500);
    }
    console.log(`${arm}: ${history.known.length} tickets imported and learned; importing ${history.imported.length} while a customer writes every ${opts.everySeconds} s for ${opts.minutes} min…`);

    const importStart = Date.now();
    const endMs = importStart + opts.minutes * 60_000;
    const bar = new SingleBar({ format: `${arm} [{bar}] {value}/{total} s | {posted} messages posted, {drafted} drafted` });
    bar.start(Math.round(opts.minutes * 60), 0, { posted: 0, drafted: 0 });
    let posted = 0;
    const posting = (async () => {
      for (const ticket of live) {
        const at = importStart + posted * opts.everySeconds * 1000;
        if (at >= endMs) break;
        await sleep(at - Date.now());
        await client.postEvents(TENANT, liveEvents(ticket, new Date().toISOString()));
        posted++;
      }
    })();
    // The bar's draft count is a query: one that fails (the store busy or closing) skips that update.
    const ticker = setInterval(() => {
      draftsStored().then(
        (rows) => bar.update(Math.min(bar.getTotal(), Math.round((Date.now() - importStart) / 1000)), { posted, drafted: Math.max(0, rows.length - 1) }),
        () => {},
      );
    }, 5000);
    await importTickets(history.imported);
    const importSeconds = (Date.now() - importStart) / 1000;
    await posting;
    // Drafts still waiting for the learner come once it has learned the import.
    for (let waited = 0; (await draftsStored()).length < posted + 1 && waited < 900_000; waited += 1000) await sleep(1000);
    clearInterval(ticker);
    bar.stop();
    const stored = (await draftsStored()).map((d) => ({ ticketId: d.ticket_id, messageMs: clickHouseTimeMs(d.message_at), createdMs: clickHouseTimeMs(d.created_at) })).filter((d) => d.messageMs >= importStart - 1000);
    const drafts = stored
      .map((d) => ({ postedAfterS: (d.messageMs - importStart) / 1000, delayS: (d.createdMs - d.messageMs) / 1000, control: isControlTicket(TENANT, d.ticketId, DEFAULT_BANDIT_SETTINGS.controlShare) }))
      .sort((a, b) => a.postedAfterS - b.postedAfterS);
    console.log(`${arm}: ${history.imported.length} tickets imported in ${importSeconds.toFixed(1)} s; ${drafts.length}/${posted} live messages drafted`);
    return { arm, draftWaitSeconds, importSeconds, drafts, undrafted: posted - drafts.length };
  } finally {
    await sl.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const liveCount = Math.ceil((opts.minutes * 60) / opts.everySeconds) + 1;
const plan = planSimulation({ seed: opts.seed, tenantIds: [TENANT], tickets: opts.knownTickets + opts.importTickets + liveCount, ticketsPerDay: opts.ticketsPerDay });
const tickets = [...plan.tickets].sort((a, b) => Date.parse(a.openedAt) - Date.parse(b.openedAt));
const history = {
  known: tickets.slice(0, opts.knownTickets),
  imported: tickets.slice(opts.knownTickets, opts.knownTickets + opts.importTickets),
  // The stream's last tickets, posted as live messages (at the time they are posted).
  live: tickets.slice(opts.knownTickets + opts.importTickets),
};

const results = [await runArm('baseline', UNBOUNDED_WAIT_SECONDS, history), await runArm(`wait ≤ ${opts.waitSeconds} s`, opts.waitSeconds, history)];
const delaySummary = (delays: number[]) => ({
  drafts: delays.length,
  p50: delays.length ? Number(quantile(delays, 0.5).toFixed(2)) : null,
  p95: delays.length ? Number(quantile(delays, 0.95).toFixed(2)) : null,
  max: delays.length ? Number(Math.max(...delays).toFixed(2)) : null,
});
const rows = results.map((r) => ({
  arm: r.arm,
  draftWaitSeconds: r.draftWaitSeconds,
  importSeconds: Number(r.importSeconds.toFixed(1)),
  undrafted: r.undrafted,
  learnerDrafts: delaySummary(r.drafts.filter((d) => !d.control).map((d) => d.delayS)),
  controlArmDrafts: delaySummary(r.drafts.filter((d) => d.control).map((d) => d.delayS)),
}));
console.log('\narm             drafted from   drafts  p50 s   p95 s   max s   import s');
for (const r of rows) {
  for (const [from, d] of [['live learner', r.learnerDrafts], ['install-time', r.controlArmDrafts]] as const) {
    console.log(`${r.arm.padEnd(15)} ${from.padEnd(13)} ${String(d.drafts).padStart(6)}  ${String(d.p50).padStart(6)}  ${String(d.p95).padStart(6)}  ${String(d.max).padStart(6)}  ${String(r.importSeconds).padStart(8)}`);
  }
}
const [baseline, bounded] = rows.map((r) => r.learnerDrafts);
if (baseline!.p95 && bounded!.p95) console.log(`live-learner drafts, baseline / bounded: p50 ${(baseline!.p50! / bounded!.p50!).toFixed(1)}×, p95 ${(baseline!.p95 / bounded!.p95).toFixed(1)}×, max ${(baseline!.max! / bounded!.max!).toFixed(1)}×`);
mkdirSync(opts.out, { recursive: true });
writeFileSync(path.join(opts.out, 'drafts-during-import.json'), JSON.stringify({ options: opts, summary: rows, drafts: results.map((r) => ({ arm: r.arm, drafts: r.drafts })) }, null, 2));
await writeLineChartPng(
  path.join(opts.out, 'drafts-during-import.png'),
  results.flatMap((r) => [
    { name: r.arm, points: r.drafts.filter((d) => !d.control).map((d) => ({ x: d.postedAfterS / 60, y: d.delayS })) },
    { name: `${r.arm}, control arm`, points: r.drafts.filter((d) => d.control).map((d) => ({ x: d.postedAfterS / 60, y: d.delayS })) },
  ]),
  { title: `Draft delay of live messages while ${opts.importTickets} imported tickets are learned`, xTitle: 'minutes since the import began (message posted)', yTitle: 'seconds until the draft was stored', subtitle: `learner knowing ${opts.knownTickets} tickets; a message every ${opts.everySeconds} s; baseline: drafts wait for the learner` },
);
console.log(`results: ${path.join(opts.out, 'drafts-during-import.json')}, drafts-during-import.png`);
