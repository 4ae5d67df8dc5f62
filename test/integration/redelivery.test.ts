// Redelivery for every provider, on real engines: a real-shaped delivery sent 3× with the same
// delivery id (re-signed per attempt, as helpdesks retry), and 3× with the same content under new
// delivery ids, is one canonical event in ClickHouse and one message in the ticket's workflow state.
// (spine.test.ts covers the generic provider's basic case; this covers all five and both kinds.)
// Freshdesk and Help Scout have no delivery id: their redelivery is the same bytes again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROVIDERS, type Provider } from '../../helpdesks/index.js';
import { messagePayload, signPayload, storedTicketId } from '../../resilience/signedDeliveries.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/messages.js';
import { createTenant, eventually, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
});
afterAll(async () => sl?.cleanup());

const HAS_DELIVERY_ID: Record<Provider, boolean> = { zendesk: true, intercom: true, generic: true, freshdesk: false, helpscout: false };

/** Raw rows, not FINAL: a duplicate insert would show here even though the table's merges would hide it later. */
const storedRows = async (ticketId: string) =>
  sl.ch.query<{ event_id: string; kind: string }>(
    `SELECT event_id, kind FROM ${sl.ch.table(TABLES.ticketEvents)} WHERE tenant_id = {t:String} AND ticket_id = {id:String}`,
    { t: 'acme', id: ticketId },
  );

async function send(provider: Provider, payload: Record<string, unknown>, deliveryId: string) {
  const delivery = signPayload(provider, acme.webhookSecrets[provider]!, payload, { deliveryId, at: new Date() });
  const res = await sl.app!.inject({ method: 'POST', url: `/v1/webhooks/acme/${provider}`, headers: delivery.headers, payload: delivery.body });
  expect(res.statusCode, `${provider}: ${res.body}`).toBe(202);
  return res.json() as { status: string; eventIds: string[] };
}

async function expectOneEvent(provider: Provider, ticketId: string, eventIds: string[][]) {
  expect(new Set(eventIds.map((ids) => ids.join(','))).size, `${provider}: every attempt maps to the same event ids`).toBe(1);
  expect(eventIds[0]).toHaveLength(1);
  const handle = sl.temporal.client.workflow.getHandle(ticketWorkflowId('acme', ticketId));
  await eventually(async () => ((await handle.query(ticketStateQuery))?.customerMessages === 1 ? true : undefined));
  await eventually(async () => ((await storedRows(ticketId)).length >= 1 ? true : undefined));
  // Give a duplicate every chance to land before asserting it did not.
  await new Promise((r) => setTimeout(r, 1500));
  const rows = await storedRows(ticketId);
  expect(rows, provider).toEqual([{ event_id: eventIds[0]![0], kind: 'message.customer' }]);
  const state = await handle.query(ticketStateQuery);
  expect(state).toMatchObject({ customerMessages: 1, version: 1 });
}

describe.each(PROVIDERS.map((p, i) => [p, i] as const))('%s redelivery', (provider, index) => {
  it('the same delivery id three times (re-signed per attempt) is one event', async () => {
    const ticketId = `${7000 + index * 10 + 1}`;
    const at = new Date();
    const base = messagePayload(provider, { ticketId, messageId: `${80000 + index * 10 + 1}`, text: 'My invoice is wrong', deliveryId: `dl-${provider}-1`, at });
    const answers = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Intercom counts its attempts in the envelope; the notification id stays.
      const payload = provider === 'intercom' ? { ...base, delivery_attempts: attempt } : base;
      answers.push((await send(provider, payload, `dl-${provider}-1`)).eventIds);
    }
    await expectOneEvent(provider, storedTicketId(provider, ticketId), answers);
  });

  it(HAS_DELIVERY_ID[provider] ? 'the same content under three new delivery ids is one event' : 'the same content sent three times (no delivery id in this scheme) is one event', async () => {
    const ticketId = `${7000 + index * 10 + 2}`;
    const at = new Date();
    const answers = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const deliveryId = HAS_DELIVERY_ID[provider] ? `dl-${provider}-2-${attempt}` : 'none';
      // The envelope (Zendesk, Intercom) carries the new delivery id; the message itself is the same.
      const payload = messagePayload(provider, { ticketId, messageId: `${80000 + index * 10 + 2}`, text: 'Still cannot log in', deliveryId, at });
      answers.push((await send(provider, payload, deliveryId)).eventIds);
    }
    await expectOneEvent(provider, storedTicketId(provider, ticketId), answers);
  });
});
