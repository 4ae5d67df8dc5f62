// History import through the real API into chDB: idempotent, validated as a whole batch, and
// immediately learning material for live drafts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantLearners, type BackgroundRefreshEvent, type LearnerSnapshotEvent } from '../../activities/tenantLearners.js';
import { usableCheckpoints } from '../../domain/learning/asOfCheckpoints.js';
import { listAsOfSnapshots, type SnapshotKey } from '../../store/learnerSnapshots.js';
import { loadLearningRecords } from '../../store/learningRecords.js';
import { importCommand } from '../../cli/import.js';
import type { TicketMessage } from '../../domain/learning/records.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;
const dir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-import-'));
const file = path.join(dir, 'history.jsonl');

const ANSWERS: Record<string, string> = {
  refund: 'We have issued your refund. It will appear on your statement within five business days.',
  shipping: 'Your parcel is on its way. You can follow it with the tracking link in your confirmation email.',
};
const QUESTIONS: Record<string, string[]> = {
  refund: ['I want my money back for order', 'Please refund my purchase', 'How do I get a refund for my order'],
  shipping: ['Where is my parcel', 'My package has not arrived yet', 'When will my order be delivered'],
};

beforeAll(async () => {
  sl = await startTestSupportloop();
  acme = await createTenant(sl, 'acme');
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const topic = i % 2 ? 'refund' : 'shipping';
    lines.push(
      JSON.stringify({
        ticket_id: `H-${i}`,
        created_at: new Date(Date.UTC(2026, 0, 1 + (i % 28), 9 + (i % 8))).toISOString(),
        body: `${QUESTIONS[topic]![i % 3]} ${1000 + i}?`,
        topic,
        reply: ANSWERS[topic],
        channel: 'email',
        plan: i % 3 ? 'pro' : 'trial',
      }),
    );
  }
  writeFileSync(file, lines.join('\n'));
});
afterAll(async () => sl?.cleanup());

const countEvents = async () =>
  Number((await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String}`, { t: 'acme' }))[0]!.n);
const countTickets = async () =>
  Number((await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.tickets)} FINAL WHERE tenant_id = {t:String}`, { t: 'acme' }))[0]!.n);

describe('history import', () => {
  it('imports a JSONL export and re-importing adds nothing', async () => {
    await importCommand([file, '--url', sl.url!, '--api-key', acme.apiKey, '--batch', '25']);
    expect(await countTickets()).toBe(60);
    const events = await countEvents();
    // created + message + reply + solved + outcome per ticket
    expect(events).toBe(60 * 5);
    await importCommand([file, '--url', sl.url!, '--api-key', acme.apiKey]);
    expect(await countTickets()).toBe(60);
    expect(await countEvents()).toBe(events);
  });

  it('imports a comment export (one row per message) as one ticket per conversation, idempotently', async () => {
    const comments = path.join(dir, 'comments.csv');
    const lines = ['ticket_id,author_role,created_at,body,topic'];
    for (let i = 0; i < 10; i++) {
      const at = (minute: number) => new Date(Date.UTC(2026, 1, 1 + i, 9, minute)).toISOString();
      lines.push(`C-${i},end-user,${at(0)},Where is my parcel ${i}?,shipping`, `C-${i},agent,${at(5)},${ANSWERS.shipping},`, `C-${i},end-user,${at(9)},Thanks!,`);
    }
    writeFileSync(comments, `${lines.join('\n')}\n`);
    const before = await countTickets();
    await importCommand([comments, '--url', sl.url!, '--api-key', acme.apiKey]);
    expect(await countTickets()).toBe(before + 10);
    await importCommand([comments, '--url', sl.url!, '--api-key', acme.apiKey]);
    expect(await countTickets()).toBe(before + 10);
    // The export has no channel column: the channel is not invented (it was recorded as "chat").
    const channels = await sl.ch.query<{ channel: string }>(
      `SELECT DISTINCT channel FROM ${sl.ch.table(TABLES.ticketEvents)} WHERE tenant_id = 'acme' AND startsWith(ticket_id, 'C-')`,
    );
    expect(channels.map((r) => r.channel)).toEqual(['other']);
  });

  const importBatch = (tickets: object[]) =>
    sl.app!.inject({ method: 'POST', url: '/v1/import/tickets', headers: { authorization: `Bearer ${acme.apiKey}` }, payload: { tickets } });

  it('says which tickets were already there, and never overwrites a live ticket', async () => {
    const body = JSON.stringify({ eventId: 'live-overlap-1', kind: 'message.customer', ticketId: 'OVERLAP-1', occurredAt: new Date().toISOString(), channel: 'chat', tags: [], body: 'My parcel is late' });
    expect((await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(acme.webhookSecrets.generic!, body), payload: body })).statusCode).toBe(202);
    const liveState = await eventually(async () => {
      const r = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/OVERLAP-1', headers: { authorization: `Bearer ${acme.apiKey}` } });
      return r.statusCode === 200 ? r.body : undefined;
    });
    const before = await countEvents();
    const res = await importBatch([
      { id: 'OVERLAP-1', createdAt: '2026-01-05T10:00:00Z', body: 'Where is my parcel?', reply: ANSWERS.shipping, channel: 'email' },
      { id: 'H-0', createdAt: '2026-01-01T09:00:00Z', body: 'Where is my parcel 1000?', reply: ANSWERS.shipping },
      { id: 'NEW-1', createdAt: '2026-01-06T10:00:00Z', body: 'Please refund my purchase', reply: ANSWERS.refund, topic: 'refund' },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ imported: 1, alreadyPresent: 2, events: 5 });
    expect(await countEvents()).toBe(before + 5);
    const after = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/OVERLAP-1', headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(after.body).toBe(liveState);
  });

  it('refuses a batch that names one ticket twice, naming both rows', async () => {
    const before = await countEvents();
    const res = await importBatch([
      { id: 'D-1', createdAt: '2026-01-01T00:00:00Z', body: 'first' },
      { id: 'D-1', createdAt: '2026-01-02T00:00:00Z', body: 'second' },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'tickets.1.id', message: 'tickets.1.id: "D-1" is also tickets.0.id' });
    expect(await countEvents()).toBe(before);
  });

  it('refuses times out of order (a solve before the question), naming the ticket and field', async () => {
    const before = await countEvents();
    const res = await importBatch([
      { id: 'T-1', createdAt: '2026-01-01T10:00:00Z', body: 'fine', reply: 'ok', solvedAt: '2026-01-01T11:00:00Z' },
      { id: 'T-2', createdAt: '2026-01-02T10:00:00Z', body: 'late', reply: 'ok', solvedAt: '2026-01-01T10:00:00Z' },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'tickets.1.solvedAt', message: 'tickets.1.solvedAt: before createdAt' });
    expect(await countEvents()).toBe(before);
  });

  it('refuses a time in the future (history is past tickets), naming the ticket and field, and writes nothing', async () => {
    const before = await countEvents();
    const later = new Date(Date.now() + 60 * 60_000).toISOString();
    const res = await importBatch([
      { id: 'F-1', createdAt: '2026-01-01T10:00:00Z', body: 'fine', reply: 'ok' },
      { id: 'F-2', createdAt: '2026-01-02T10:00:00Z', body: 'a year typo', reply: 'ok', solvedAt: later },
    ]);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'tickets.1.solvedAt', message: `tickets.1.solvedAt: ${later} is in the future: history is past tickets` });
    expect(await countEvents()).toBe(before);
  });

  it('reads sentiment, frustration and language off imported messages as off live ones', async () => {
    const res = await importBatch([
      { id: 'S-1', createdAt: '2026-01-07T10:00:00Z', body: 'This is the third time I write. Terrible, useless service, I am furious!', reply: ANSWERS.refund },
      { id: 'S-2', createdAt: '2026-01-07T11:00:00Z', body: 'Bonjour, je voudrais savoir où est mon colis, merci beaucoup.', reply: ANSWERS.shipping },
    ]);
    expect(res.statusCode, res.body).toBe(200);
    const rows = await sl.ch.query<{ ticket_id: string; sentiment: number; frustration: number; language: string }>(
      `SELECT ticket_id, sentiment, frustration, language FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL
       WHERE tenant_id = 'acme' AND ticket_id IN ('S-1', 'S-2') AND kind = 'message.customer' ORDER BY ticket_id`,
    );
    expect(rows.map((r) => r.language)).toEqual(['en', 'fr']);
    expect(rows[0]!.sentiment).toBeLessThan(0);
    expect(rows[0]!.frustration).toBeGreaterThan(rows[1]!.frustration);
  });

  it('refuses an export without timestamps rather than inventing them', async () => {
    const noTimes = path.join(dir, 'no-times.jsonl');
    writeFileSync(noTimes, JSON.stringify({ ticket_id: 'N-1', body: 'hello', reply: 'hi' }));
    await expect(importCommand([noTimes, '--url', sl.url!, '--api-key', acme.apiKey])).rejects.toThrow(/timestamp/);
  });

  it('checks the whole file before sending anything: a bad value on a late row imports nothing', async () => {
    const late = path.join(dir, 'late-bad.csv');
    const lines = ['ticket_id,created_at,body,reply,signup_at'];
    for (let i = 0; i < 30; i++) lines.push(`L-${i},2026-02-0${1 + (i % 9)} 10:00:00,Where is my parcel ${i}?,${ANSWERS.shipping},${i === 27 ? '24/11/2025' : '2025-11-24'}`);
    writeFileSync(late, `${lines.join('\n')}\n`);
    const before = await countTickets();
    await expect(importCommand([late, '--url', sl.url!, '--api-key', acme.apiKey, '--batch', '5'])).rejects.toThrow(/row 28: signup_at "24\/11\/2025" is not a time/);
    expect(await countTickets()).toBe(before);
  });

  it('refuses an export without ticket ids rather than making them up from the file name', async () => {
    const noIds = path.join(dir, 'no-ids.jsonl');
    writeFileSync(noIds, JSON.stringify({ created_at: '2026-01-01T00:00:00Z', body: 'hello', reply: 'hi' }));
    await expect(importCommand([noIds, '--url', sl.url!, '--api-key', acme.apiKey])).rejects.toThrow(/no ticket id column/);
  });

  it('rejects a bad batch as a whole, naming the ticket and field, and writes nothing', async () => {
    const before = await countEvents();
    const res = await sl.app!.inject({
      method: 'POST',
      url: '/v1/import/tickets',
      headers: { authorization: `Bearer ${acme.apiKey}` },
      payload: { tickets: [{ id: 'X-1', createdAt: '2026-01-01T00:00:00Z', body: 'ok' }, { id: 'X-2', createdAt: 'soon', body: 'bad' }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('tickets.1.createdAt');
    await new Promise((r) => setTimeout(r, 300));
    expect(await countEvents()).toBe(before);
  });

  it('imported history drafts the next live ticket', async () => {
    const body = JSON.stringify({ eventId: 'live-1', kind: 'message.customer', ticketId: 'LIVE-1', occurredAt: new Date().toISOString(), channel: 'email', tags: [], body: 'Where is my parcel? It has not arrived' });
    const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(acme.webhookSecrets.generic!, body), payload: body });
    expect(res.statusCode).toBe(202);
    const suggestion = await eventually(async () => {
      const r = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/LIVE-1/suggestion', headers: { authorization: `Bearer ${acme.apiKey}` } });
      return r.statusCode === 200 ? (r.json() as { suggestion: { draft: string; topic: { topic: string } } }).suggestion : undefined;
    });
    expect(suggestion.topic.topic).toBe('shipping');
    expect(suggestion.draft).toContain('tracking link');
  });

  it('a starting worker continues from learner snapshots instead of relearning the history, and ignores another code\'s', async () => {
    const events: LearnerSnapshotEvent[] = [];
    const options = { snapshotEvery: 25, asOfCheckpointEvery: 20, onSnapshot: (event: LearnerSnapshotEvent) => events.push(event) };
    const seen = (kind: LearnerSnapshotEvent['kind'], learner: SnapshotKey['learner']) => events.filter((e) => e.kind === kind && e.key.learner === learner) as Array<LearnerSnapshotEvent & { records: number; key: { asOf?: string } }>;
    const question: TicketMessage = { ticketId: 'probe', text: 'My package has not arrived, where is it?', at: new Date().toISOString(), channel: 'email', customer: { plan: 'trial' } };
    const february = '2026-02-01T00:00:00.000Z';

    const running = new TenantLearners(sl.ch, options);
    const learned = await running.current('acme');
    await running.drain();
    expect(seen('saved', 'live')).toEqual([expect.objectContaining({ tenantId: 'acme', records: learned.learnedCount })]);
    expect(learned.learnedCount).toBeGreaterThan(60);
    // The live learner's first load is the whole log in time order: it left checkpoints every 20 records.
    const checkpoints = seen('saved', 'as-of');
    expect(checkpoints.length).toBeGreaterThan(2);
    expect(checkpoints.every((e) => e.records % 20 === 0)).toBe(true);
    const furthestBefore = (time: string) => Math.max(...checkpoints.filter((e) => e.key.asOf! <= time).map((e) => e.records));
    // The live ticket drafted above made the install: the history imported before it. Its build starts
    // from the furthest checkpoint, and is saved whole.
    const atInstall = await running.atInstall('acme');
    await running.drain();
    const whole = seen('saved', 'as-of').find((e) => e.records === atInstall.learnedCount)!;
    expect(seen('restored', 'as-of')).toEqual([expect.objectContaining({ records: furthestBefore(whole.key.asOf!) })]);
    // Time travel starts from the furthest checkpoint before its date.
    const inFebruary = await running.asOf('acme', february);
    expect(furthestBefore(february)).toBeLessThan(furthestBefore(whole.key.asOf!));
    expect(seen('restored', 'as-of').at(-1)).toMatchObject({ records: furthestBefore(february) });
    expect(inFebruary.modelVersion).toBe((await new TenantLearners(sl.ch).asOf('acme', february)).modelVersion);
    expect(atInstall.modelVersion).toBe((await new TenantLearners(sl.ch).atInstall('acme')).modelVersion);

    const restarted = new TenantLearners(sl.ch, options);
    const restored = await restarted.current('acme');
    const restoredAtInstall = await restarted.atInstall('acme');
    expect(seen('restored', 'live')).toEqual([expect.objectContaining({ records: learned.learnedCount })]);
    expect(seen('restored', 'as-of').at(-1)).toMatchObject({ key: whole.key, records: atInstall.learnedCount });
    expect(restored.modelVersion).toBe(learned.modelVersion);
    expect(restored.draft(question)).toEqual(learned.draft(question));
    expect(restoredAtInstall.modelVersion).toBe(atInstall.modelVersion);
    expect(restoredAtInstall.draft(question)).toEqual(atInstall.draft(question));
    expect((await restarted.asOf('acme', february)).draft(question)).toEqual(inFebruary.draft(question));
    expect(seen('failed', 'live').concat(seen('failed', 'as-of'))).toEqual([]);

    // Snapshots written by other learning code (later rows) are not continued: the learners relearn the log.
    await sl.ch.command(`INSERT INTO ${sl.ch.table(TABLES.learnerSnapshots)} SELECT tenant_id, learner, as_of, 'other-code', watermark, records, model_version, state, taken_at + toIntervalMillisecond(1) FROM ${sl.ch.table(TABLES.learnerSnapshots)} FINAL WHERE tenant_id = 'acme'`);
    const upgraded = new TenantLearners(sl.ch, options);
    const afterUpgrade = await upgraded.current('acme');
    expect((await upgraded.atInstall('acme')).modelVersion).toBe(atInstall.modelVersion);
    await upgraded.drain();
    // (the install-time build may start from a checkpoint the upgraded live build has just left)
    expect(seen('restored', 'live')).toHaveLength(1);
    expect(afterUpgrade.learnedCount).toBe(learned.learnedCount);
    expect(afterUpgrade.draft(question)).toEqual(learned.draft(question));

    // History imported after the install with earlier times joins the install-time learner: the whole
    // snapshot and the checkpoints after that time no longer hold, and it is built from an earlier one.
    const late = path.join(dir, 'late.jsonl');
    writeFileSync(late, JSON.stringify({ ticket_id: 'H-late', created_at: '2026-01-20T10:00:00.000Z', body: 'Where is my parcel 7777?', topic: 'shipping', reply: ANSWERS.shipping, channel: 'email' }));
    await importCommand([late, '--url', sl.url!, '--api-key', acme.apiKey]);
    const savedBefore = events.length;
    const lateLearners = new TenantLearners(sl.ch, options);
    const withLateHistory = await lateLearners.atInstall('acme');
    await lateLearners.drain();
    expect(withLateHistory.learnedCount).toBeGreaterThan(atInstall.learnedCount);
    expect(withLateHistory.modelVersion).toBe((await new TenantLearners(sl.ch).atInstall('acme')).modelVersion);
    const lastRestore = events.filter((e) => e.kind === 'restored').at(-1) as LearnerSnapshotEvent & { records: number; key: { asOf: string } };
    expect(lastRestore.key.asOf < '2026-01-20T10:00:00.000Z').toBe(true);
    // The checkpoints past it are left again, at their new times.
    const resaved = events.slice(savedBefore).filter((e) => e.kind === 'saved' && e.key.learner === 'as-of') as Array<LearnerSnapshotEvent & { records: number }>;
    expect(resaved.filter((e) => e.records < withLateHistory.learnedCount).length).toBeGreaterThan(0);
    // And the ones that no longer hold are retired: every checkpoint still listed holds.
    const listed = await listAsOfSnapshots(sl.ch, 'acme', '2100-01-01T00:00:00.000Z');
    expect(usableCheckpoints((await loadLearningRecords(sl.ch, 'acme')).records, listed)).toHaveLength(listed.length);
    expect(listed.length).toBeGreaterThan(2);
  });

  it('a running worker builds its install-time learner again once history from before the install is imported, drafting from the old one meanwhile', async () => {
    const refreshes: BackgroundRefreshEvent[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // Imports looked for at every call, finished after 3 s quiet (defaults: a minute each).
    const running = new TenantLearners(sl.ch, { installTimeCheckMs: 0, importQuietMs: 3000, onBackgroundRefresh: (event) => refreshes.push(event) });
    const before = await running.atInstall('acme');
    const imported = async (ticketId: string, createdAt: string) => {
      const file = path.join(dir, `${ticketId}.jsonl`);
      writeFileSync(file, JSON.stringify({ ticket_id: ticketId, created_at: createdAt, body: `Where is my parcel ${ticketId}?`, topic: 'shipping', reply: ANSWERS.shipping, channel: 'email' }));
      await importCommand([file, '--url', sl.url!, '--api-key', acme.apiKey]);
    };
    // History from after the install: once that import is quiet, the install-time learner stays as it is.
    await imported('H-after-install', new Date(Date.now() - 1000).toISOString());
    await sleep(3500);
    expect(await running.atInstall('acme')).toBe(before);
    await sleep(1000);
    expect(await running.atInstall('acme')).toBe(before);

    // History from before it: not while the import may go on, then built again in the background;
    // the old learner serves until then.
    await imported('H-before-install', '2026-01-05T10:00:00.000Z');
    expect(await running.atInstall('acme')).toBe(before);
    await sleep(1000);
    expect(await running.atInstall('acme')).toBe(before);
    const renewed = await eventually(async () => {
      const learner = await running.atInstall('acme');
      return learner !== before ? learner : undefined;
    });
    expect(renewed.learnedCount).toBeGreaterThan(before.learnedCount);
    expect(renewed.modelVersion).toBe((await new TenantLearners(sl.ch).atInstall('acme')).modelVersion);
    expect(refreshes).toEqual([expect.objectContaining({ kind: 'done', learner: 'install-time', records: renewed.learnedCount })]);
  });
});
