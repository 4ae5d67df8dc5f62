// The spine end to end on real engines: webhook → 202 → ticket workflow → rows in ClickHouse.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/messages.js';
import { createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ slaFirstResponseSeconds: 2, outcomeWindowSeconds: 3, workflowHistoryLimit: 100 });
  acme = await createTenant(sl, 'acme');
  globex = await createTenant(sl, 'globex');
});
afterAll(async () => sl?.cleanup());

const now = () => new Date().toISOString();
const event = (ticketId: string, eventId: string, kind: string, extra: Record<string, unknown> = {}) => ({
  eventId,
  kind,
  ticketId,
  occurredAt: now(),
  channel: 'email',
  tags: ['billing'],
  ...extra,
});

async function post(tenant: TestTenant, events: unknown[], options: { secret?: string; tenantPath?: string; msgId?: string } = {}) {
  const body = JSON.stringify({ events });
  return sl.app!.inject({
    method: 'POST',
    url: `/v1/webhooks/${options.tenantPath ?? tenant.tenantId}/generic`,
    headers: signGeneric(options.secret ?? tenant.webhookSecrets.generic!, body, { msgId: options.msgId }),
    payload: body,
  });
}

const count = async (tenantId: string, ticketId: string, kind?: string) =>
  Number(
    (
      await sl.ch.query<{ n: string }>(
        `SELECT count() AS n FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String} AND ticket_id = {id:String} AND ({k:String} = '' OR kind = {k:String})`,
        { t: tenantId, id: ticketId, k: kind ?? '' },
      )
    )[0]!.n,
  );

const workflowState = (tenantId: string, ticketId: string) => sl.temporal.client.workflow.getHandle(ticketWorkflowId(tenantId, ticketId)).query(ticketStateQuery);

describe('webhook → lifecycle → ClickHouse', () => {
  it('accepts a signed webhook, keeps state in the workflow and writes the event', async () => {
    const res = await post(acme, [
      event('T-1', 'e-1', 'ticket.created', { subject: 'Cannot log in', customer: { customerId: 'c1', accountId: 'a1', plan: 'trial', segment: 'smb' } }),
      event('T-1', 'e-2', 'message.customer', { body: 'I cannot log in since this morning' }),
    ]);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json()).toMatchObject({ status: 'accepted', eventIds: ['e-1', 'e-2'], ticketIds: ['T-1'] });

    const state = await eventually(async () => {
      const s = await workflowState('acme', 'T-1');
      return s && s.customerMessages === 1 ? s : undefined;
    });
    expect(state).toMatchObject({ status: 'open', subject: 'Cannot log in', customerMessages: 1, customer: { plan: 'trial' } });
    expect(await count('acme', 'T-1')).toBe(2);

    const api = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/T-1', headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toMatchObject({ ticketId: 'T-1', customerMessages: 1 });
    const history = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/T-1/events', headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(history.json().events.map((e: { eventId: string }) => e.eventId).sort()).toEqual(['e-1', 'e-2']);
  });

  it('the same webhook three times (also with new delivery ids) is one event', async () => {
    const events = [event('T-2', 'dup-1', 'message.customer', { body: 'hello?' })];
    for (const msgId of ['m1', 'm1', 'm2']) expect((await post(acme, events, { msgId })).statusCode).toBe(202);
    await eventually(async () => ((await count('acme', 'T-2')) === 1 ? true : undefined));
    // Give any duplicate a chance to land before asserting it did not.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await count('acme', 'T-2')).toBe(1);
    expect((await workflowState('acme', 'T-2'))?.customerMessages).toBe(1);
    const [rollup] = await sl.ch.query<{ n: string }>(
      `SELECT uniqExactMerge(events) AS n FROM ${sl.ch.table(TABLES.eventsPerMinute)} WHERE tenant_id = {t:String} AND kind = 'message.customer'`,
      { t: 'acme' },
    );
    expect(Number(rollup!.n)).toBeGreaterThanOrEqual(1);
  });

  it('rejects bad signature, bad payload, wrong tenant, oversized body; writes nothing', async () => {
    const bad = [event('T-bad', 'bad-1', 'message.customer', { body: 'x' })];
    const wrongSecret = await post(acme, bad, { secret: globex.webhookSecrets.generic });
    expect(wrongSecret.statusCode).toBe(401);
    expect(wrongSecret.json().code).toBe('invalid_signature');

    const badPayload = await post(acme, [{ ...bad[0], occurredAt: 'not a date' }]);
    expect(badPayload.statusCode).toBe(400);
    expect(badPayload.json().message).toMatch(/occurredAt/);

    const unknownTenant = await post(acme, bad, { tenantPath: 'nobody' });
    expect(unknownTenant.statusCode).toBe(404);

    const huge = await post(acme, [{ ...bad[0], body: 'x'.repeat(1_100_000) }]);
    expect(huge.statusCode).toBe(413);

    const unsigned = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ events: bad }) });
    expect(unsigned.statusCode).toBe(401);

    await new Promise((r) => setTimeout(r, 500));
    expect(await count('acme', 'T-bad')).toBe(0);
    await expect(workflowState('acme', 'T-bad')).rejects.toThrow();

    // A tenant's key never sees another tenant's ticket.
    const crossTenant = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/T-1', headers: { authorization: `Bearer ${globex.apiKey}` } });
    expect(crossTenant.statusCode).toBe(404);
    const noKey = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/T-1' });
    expect(noKey.statusCode).toBe(401);
  });

  it('loses nothing when the worker restarts mid-lifecycle', async () => {
    expect((await post(acme, [event('T-3', 'w-1', 'message.customer', { body: 'first' })])).statusCode).toBe(202);
    await eventually(async () => ((await count('acme', 'T-3')) === 1 ? true : undefined));

    await sl.stopWorker();
    // Accepted while no worker runs: Temporal holds the signals durably.
    expect((await post(acme, [event('T-3', 'w-2', 'reply.agent', { body: 'we are on it' })])).statusCode).toBe(202);
    expect((await post(acme, [event('T-3', 'w-3', 'message.customer', { body: 'thanks, still broken' })])).statusCode).toBe(202);

    await new Promise((r) => setTimeout(r, 1000));
    expect(await count('acme', 'T-3')).toBe(1);
    await sl.startWorker();
    const state = await eventually(async () => {
      const s = await workflowState('acme', 'T-3');
      return s && s.customerMessages === 2 && s.agentReplies === 1 ? s : undefined;
    });
    expect(state.followUps).toBe(1);
    expect(await count('acme', 'T-3')).toBe(3);
  });

  it('continues as new on a long history, carrying state and de-duplication', async () => {
    const handle = sl.temporal.client.workflow.getHandle(ticketWorkflowId('acme', 'T-long'));
    for (let i = 0; i < 30; i++) {
      expect((await post(acme, [event('T-long', `long-${i}`, i % 2 ? 'reply.agent' : 'message.customer', { body: `message ${i}` })])).statusCode).toBe(202);
      await eventually(async () => ((await handle.query(ticketStateQuery))?.version === i + 1 ? true : undefined));
    }
    const runs = [];
    for await (const w of sl.temporal.client.workflow.list({ query: `WorkflowId = '${ticketWorkflowId('acme', 'T-long')}'` })) runs.push(w.runId);
    expect(runs.length).toBeGreaterThan(1);
    // A duplicate of an event from the first run is still dropped after continueAsNew.
    expect((await post(acme, [event('T-long', 'long-0', 'message.customer', { body: 'message 0' })])).statusCode).toBe(202);
    expect((await post(acme, [event('T-long', 'long-30', 'message.customer', { body: 'message 30' })])).statusCode).toBe(202);
    const state = await eventually(async () => {
      const s = await handle.query(ticketStateQuery);
      return s?.version === 31 ? s : undefined;
    });
    expect(state).toMatchObject({ customerMessages: 16, agentReplies: 15 });
  });

  it('records an SLA breach when no agent answers in time', async () => {
    expect((await post(acme, [event('T-4', 's-1', 'message.customer', { body: 'anyone there?' })])).statusCode).toBe(202);
    await eventually(async () => ((await count('acme', 'T-4', 'sla.breached')) === 1 ? true : undefined), 15_000);
    expect((await workflowState('acme', 'T-4'))?.slaBreached).toBe(true);
  });

  it('closes the outcome window and records the outcome with its components', async () => {
    const created = new Date(Date.now() - 60_000).toISOString();
    const res = await post(acme, [
      event('T-5', 'o-1', 'message.customer', { occurredAt: created, body: 'refund please' }),
      event('T-5', 'o-2', 'reply.agent', { body: 'done' }),
      event('T-5', 'o-3', 'csat.rated', { csat: { score: 1, raw: 'good' } }),
      event('T-5', 'o-4', 'ticket.solved', { status: 'solved' }),
    ]);
    expect(res.statusCode).toBe(202);
    const [row] = await eventually(async () => {
      const rows = await sl.ch.query<{ details: string }>(
        `SELECT details FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String} AND ticket_id = 'T-5' AND kind = 'ticket.outcome'`,
        { t: 'acme' },
      );
      return rows.length ? rows : undefined;
    }, 20_000);
    const details = JSON.parse(row!.details);
    expect(details).toMatchObject({ followUps: 0, escalated: false, reopened: false, csat: 1, slaBreached: false });
    expect(details.resolutionSeconds).toBeGreaterThanOrEqual(59);
    const handle = sl.temporal.client.workflow.getHandle(ticketWorkflowId('acme', 'T-5'));
    // Its reward, with the components that explain it (CSAT 1, solved on the first reply).
    const reward = await eventually(async () => {
      const res = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/T-5/reward', headers: { authorization: `Bearer ${acme.apiKey}` } });
      return res.statusCode === 200 ? (res.json() as { rewards: { reward: number; components: { name: string }[] }[] }) : undefined;
    });
    expect(reward.rewards[0]!.reward).toBeGreaterThan(0.85);
    expect(reward.rewards[0]!.components.map((c) => c.name)).toEqual(expect.arrayContaining(['csat', 'escalation', 'resolvedOnFirstReply']));
    // The lifecycle completes once the outcome is recorded and learned from.
    expect(await eventually(async () => ((await handle.describe()).status.name === 'COMPLETED' ? 'COMPLETED' : undefined))).toBe('COMPLETED');
  });

  it('lets a leader configure reward weights, validating them', async () => {
    const auth = { authorization: `Bearer ${acme.apiKey}` };
    const bad = await sl.app!.inject({ method: 'PUT', url: '/v1/settings/reward-weights', headers: auth, payload: { escalation: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/escalation/);
    const ok = await sl.app!.inject({ method: 'PUT', url: '/v1/settings/reward-weights', headers: auth, payload: { escalation: 0.5 } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().effective.escalation).toBe(0.5);
    const read = await sl.app!.inject({ method: 'GET', url: '/v1/settings/reward-weights', headers: auth });
    expect(read.json().overrides).toEqual({ escalation: 0.5 });
    const other = await sl.app!.inject({ method: 'GET', url: '/v1/settings/reward-weights', headers: { authorization: `Bearer ${globex.apiKey}` } });
    expect(other.json().overrides).toEqual({});
  });

  it('acknowledges and records a delivery type it does not act on, without starting a ticket', async () => {
    const body = JSON.stringify({ type: 'notification_event', id: 'notif_ping_1', topic: 'ping', app_id: 'abc', created_at: Math.floor(Date.now() / 1000), data: { type: 'notification_event_data', item: { type: 'ping', message: 'hi' } } });
    const signature = `sha1=${createHmac('sha1', acme.webhookSecrets.intercom!).update(body).digest('hex')}`;
    const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/intercom', headers: { 'content-type': 'application/json', 'x-hub-signature': signature }, payload: body });
    expect(res.statusCode, res.body).toBe(202);
    expect(res.json().status).toBe('ignored');
    const [r] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.ignoredWebhooks)} WHERE tenant_id = {t:String} AND provider = 'intercom'`, { t: 'acme' });
    expect(Number(r!.n)).toBe(1);
  });

  it('answers volume metrics, readiness and the OpenAPI document', async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const volume = await sl.app!.inject({ method: 'GET', url: `/v1/metrics/volume?from=${from}&to=${to}&interval=hour&groupBy=kind`, headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(volume.statusCode, volume.body).toBe(200);
    const customerMessages = volume.json().points.filter((p: { key: string }) => p.key === 'message.customer').reduce((n: number, p: { count: number }) => n + p.count, 0);
    expect(customerMessages).toBeGreaterThanOrEqual(5);
    const globexVolume = await sl.app!.inject({ method: 'GET', url: `/v1/metrics/volume?from=${from}&to=${to}`, headers: { authorization: `Bearer ${globex.apiKey}` } });
    expect(globexVolume.json().points).toEqual([]);
    const badRange = await sl.app!.inject({ method: 'GET', url: `/v1/metrics/volume?from=yesterday&to=${to}`, headers: { authorization: `Bearer ${acme.apiKey}` } });
    expect(badRange.statusCode).toBe(400);
    expect(badRange.json().field).toMatch(/from/);

    const ready = await sl.app!.inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready', clickhouse: 'ok', temporal: 'ok' });
    const openapi = (await sl.app!.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/v1/webhooks/{tenantId}/{provider}', '/v1/tickets/{ticketId}', '/v1/metrics/volume', '/readyz']));
  });
});
