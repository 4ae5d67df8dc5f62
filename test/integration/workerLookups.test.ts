// The worker's per-ticket lookups on real chDB: a customer's prior contacts read from
// customer_messages (migration 007 copies the messages stored before it, the view adds new ones)
// count exactly what the event log says; concurrent workflow starts share batched resume queries
// and each still gets its own ticket's state and event ids, whatever characters the ids hold.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketResumeLoader } from '../../activities/ticketResume.js';
import type { TicketEvent } from '../../domain/events.js';
import { applyEvent, newTicketState } from '../../domain/ticketState.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { priorContacts } from '../../store/customerHistory.js';
import { migrate, MIGRATIONS } from '../../store/migrate.js';
import { TABLES, toClickHouseTime } from '../../store/tables.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { installBefore } from '../helpers/olderInstall.js';
import { writeTicketState } from '../../store/tickets.js';

let dataDir: string;
let ch: ClickHouse;
let writer: BatchingWriter;

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-30T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function message(tenantId: string, ticketId: string, eventId: string, at: number, customerId: string, kind: TicketEvent['kind'] = 'message.customer'): TicketEvent {
  return { eventId, tenantId, ticketId, kind, occurredAt: iso(at), provider: 'generic', channel: 'email', tags: [], body: 'hello', customer: { customerId } };
}

/** One lookup on its own. */
const priorOne = async (tenantId: string, customerId: string, ticketId: string, at: string) => (await priorContacts(ch, tenantId, [{ customerId, ticketId, at }]))[0];

const record = (events: TicketEvent[]) => writeTicketEvents(writer, { inbound: events.map((event) => ({ event })), derived: [], context: { channel: 'email', provider: 'generic', segment: '', plan: '', topic: '' } }, NOW);

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-lookups-'));
  ch = createClickHouse({ dataDir, database: 'lookups_test' });
  writer = new BatchingWriter(ch, { maxRows: 1000, flushMs: 10 });
  // An install as migration 6 left it, with customer messages already in the event log.
  await installBefore(ch, 7);
  await record([
    message('acme', 'T-old-1', 'e1', NOW - 10 * DAY, 'c-1'),
    message('acme', 'T-old-1', 'e2', NOW - 9 * DAY, 'c-1'),
    message('acme', 'T-old-2', 'e3', NOW - 40 * DAY, 'c-1'),
  ]);
});

afterAll(async () => {
  await writer?.close();
  await ch?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('customer history', () => {
  it('migration 007 copies the customer messages already stored', async () => {
    expect(await migrate(ch)).toEqual(MIGRATIONS.filter((m) => m.version >= 7).map((m) => m.version));
    expect(await priorOne('acme', 'c-1', 'T-now', iso(NOW))).toBe(1);
    expect(await migrate(ch)).toEqual([]);
  });

  it('counts the other tickets with a customer message in the 30 days before the message, and nothing else', async () => {
    await record([
      message('acme', 'T-recent', 'e4', NOW - 2 * DAY, 'c-1'),
      message('acme', 'T-recent', 'e4', NOW - 2 * DAY, 'c-1'), // redelivered: the same event
      message('acme', 'T-now', 'e5', NOW - DAY, 'c-1'), // the ticket being drafted for
      message('acme', 'T-later', 'e6', NOW + DAY, 'c-1'), // after the message
      message('acme', 'T-edge', 'e7', NOW - 30 * DAY, 'c-1'), // exactly 30 days before: inside
      message('acme', 'T-edge-out', 'e8', NOW - 30 * DAY - 1, 'c-1'), // a millisecond earlier: outside
      message('acme', 'T-reply', 'e9', NOW - DAY, 'c-1', 'reply.agent'), // not a customer message
      message('acme', 'T-other', 'e10', NOW - DAY, 'c-2'), // another customer
      message('globex', 'T-x', 'e11', NOW - DAY, 'c-1'), // another tenant
      message('acme', 'T-anon', 'e12', NOW - DAY, ''), // no customer
    ]);
    // T-old-1 (copied by the migration), T-recent and T-edge.
    expect(await priorOne('acme', 'c-1', 'T-now', iso(NOW))).toBe(3);
    expect(await priorOne('acme', 'c-1', 'T-recent', iso(NOW))).toBe(3);
    expect(await priorOne('acme', 'c-2', 'T-now', iso(NOW))).toBe(1);
    expect(await priorOne('globex', 'c-1', 'T-now', iso(NOW))).toBe(1);
    expect(await priorOne('acme', 'c-3', 'T-now', iso(NOW))).toBe(0);
    // Many lookups in one query: each counts its own window, as the event log says.
    const lookups = [
      { customerId: 'c-1', ticketId: 'T-now', at: iso(NOW) },
      { customerId: 'c-2', ticketId: 'T-now', at: iso(NOW) },
      { customerId: 'c-1', ticketId: 'T-now', at: iso(NOW - 5 * DAY) }, // T-old-1, T-edge, T-edge-out
      { customerId: 'c-1', ticketId: 'T-now', at: iso(NOW + 2 * DAY) }, // T-old-1, T-recent, T-later
      { customerId: 'c-3', ticketId: 'T-now', at: iso(NOW) },
    ];
    const batched = await priorContacts(ch, 'acme', lookups);
    expect(batched).toEqual([3, 1, 3, 3, 0]);
    const fromEventLog = await Promise.all(
      lookups.map(async ({ customerId, ticketId, at }) => {
        const [{ n }] = await ch.query<{ n: string }>(
          `SELECT uniqExact(ticket_id) AS n FROM ${ch.table(TABLES.ticketEvents)} WHERE tenant_id = 'acme' AND customer_id = {customerId:String} AND ticket_id != {ticketId:String}
             AND kind = 'message.customer' AND occurred_at >= {at:DateTime64(3)} - toIntervalDay(30) AND occurred_at < {at:DateTime64(3)}`,
          { customerId, ticketId, at: toClickHouseTime(at) },
        );
        return Number(n);
      }),
    );
    expect(batched).toEqual(fromEventLog);
  });
});

describe('batched ticket resume', () => {
  it('answers concurrent lookups from shared queries, each with its own ticket', async () => {
    const odd = ["T-'quote", 'T-back\\slash', 'T-"double"', 'T-tab\tand\nnewline', 'T-ünï'];
    const stored = [...odd, ...Array.from({ length: 40 }, (_, i) => `T-${i}`)];
    await Promise.all(
      stored.map(async (ticketId, i) => {
        const events = [message('acme', ticketId, `${ticketId}/a`, NOW, 'c-9'), message('acme', ticketId, `${ticketId}/b`, NOW + i, 'c-9')];
        const state = events.reduce(applyEvent, newTicketState('acme', ticketId));
        await Promise.all([record(events), writeTicketState(writer, state)]);
      }),
    );
    await record([message('globex', 'T-0', 'globex-only', NOW, 'c-9')]);

    const queries: string[] = [];
    const counting: ClickHouse = { ...ch, query: (sql, params) => (queries.push(sql), ch.query(sql, params)) };
    const resume = createTicketResumeLoader(counting);
    const asked = [...stored, 'T-unknown', 'T-0'];
    const results = await Promise.all([...asked.map((ticketId) => resume({ tenantId: 'acme', ticketId })), resume({ tenantId: 'globex', ticketId: 'T-0' })]);

    asked.forEach((ticketId, i) => {
      const { state, seenEventIds } = results[i]!;
      if (ticketId === 'T-unknown') {
        expect(state).toBeUndefined();
        expect(seenEventIds).toEqual([]);
        return;
      }
      expect(state?.ticketId).toBe(ticketId);
      expect(state?.customerMessages).toBe(2);
      expect([...seenEventIds].sort()).toEqual([`${ticketId}/a`, `${ticketId}/b`]);
    });
    expect(results.at(-1)).toEqual({ state: undefined, seenEventIds: ['globex-only'] });
    // 48 lookups over two tenants: two queries per tenant, not two per lookup.
    expect(queries.length).toBe(4);

    // Lookups made while a batch is in flight wait for it and go out together.
    queries.length = 0;
    const first = resume({ tenantId: 'acme', ticketId: 'T-1' });
    while (queries.length < 2) await new Promise((r) => setImmediate(r));
    const waiting = [first];
    for (const ticketId of ['T-2', 'T-3', 'T-4']) {
      waiting.push(resume({ tenantId: 'acme', ticketId }));
      await new Promise((r) => setImmediate(r)); // each on its own turn of the event loop
    }
    const later = await Promise.all(waiting);
    expect(later.map((r) => r.state?.ticketId)).toEqual(['T-1', 'T-2', 'T-3', 'T-4']);
    expect(queries.length).toBe(4);
  });
});
