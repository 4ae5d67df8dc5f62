// Admin webhook-secret rotation and alert-subscription secrets through the real API (chDB + Temporal):
// a secret that could never verify or sign a delivery is refused with 400 naming `secret`, and nothing
// is stored — the tenant keeps verifying with its previous secret.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { listSubscriptions } from '../../store/alertSubscriptions.js';
import { getTenant } from '../../store/tenants.js';
import { ADMIN_KEY, createTenant, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;

beforeAll(async () => {
  sl = await startTestSupportloop({ detectionEnabled: false });
  acme = await createTenant(sl, 'acme');
}, 180_000);
afterAll(async () => sl?.cleanup());

const whsec = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;
const putSecret = (provider: string, secret: string, overlapSeconds = 0) =>
  sl.app!.inject({ method: 'PUT', url: `/v1/admin/tenants/acme/webhook-secrets/${provider}`, headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { secret, overlapSeconds } });
const storedSecrets = async (provider: string) => (await getTenant(sl.ch, 'acme'))!.webhookSecrets[provider]!.map((s) => s.secret);
let n = 0;
const deliverGeneric = async (secret: string) => {
  const body = JSON.stringify({ eventId: `secret-check-${++n}`, kind: 'ticket.created', ticketId: `SEC-${n}`, occurredAt: new Date().toISOString(), channel: 'email', tags: [], subject: 'Secret check' });
  return (await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(secret, body), payload: body })).statusCode;
};

describe('PUT /v1/admin/tenants/:tenantId/webhook-secrets/:provider', () => {
  it('refuses generic secrets Standard Webhooks cannot use, stores nothing, and keeps verifying with the old secret', async () => {
    const before = await storedSecrets('generic');
    for (const secret of ['whsec_abc', `whsec_A=${'A'.repeat(42)}`, 'not-a-standard-webhooks-secret', whsec(16), whsec(65), `${whsec(32)}\n`, ` ${whsec(32)}`]) {
      const res = await putSecret('generic', secret);
      expect(res.statusCode, JSON.stringify(secret)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_request', field: 'secret', message: expect.stringMatching(/^secret: /) });
    }
    expect(await storedSecrets('generic')).toEqual(before);
    expect(await deliverGeneric(acme.webhookSecrets.generic!)).toBe(202);
    expect(await deliverGeneric(whsec(32))).toBe(401);
  });

  it('refuses whitespace or control characters for any provider, and Help Scout secrets over 40 characters', async () => {
    const cases: [string, string][] = [
      ['zendesk', 'zendesk-signing-secret\n'],
      ['intercom', ' intercom-client-secret'],
      ['freshdesk', 'freshdesk\u0007token-123'],
      ['helpscout', 'h'.repeat(41)],
    ];
    for (const [provider, secret] of cases) {
      const before = await storedSecrets(provider);
      const res = await putSecret(provider, secret);
      expect(res.statusCode, `${provider} ${JSON.stringify(secret)}`).toBe(400);
      expect(res.json().field).toBe('secret');
      expect(await storedSecrets(provider)).toEqual(before);
    }
  });

  it('still stores valid secrets: a Help Scout secret of 40 characters, and a generic whsec_ secret that then verifies deliveries', async () => {
    expect((await putSecret('helpscout', 'h'.repeat(40))).statusCode).toBe(200);
    const next = whsec(32);
    const res = await putSecret('generic', next);
    expect(res.statusCode).toBe(200);
    expect(res.json().secret).toBe(next);
    expect(await deliverGeneric(next)).toBe(202);
    const generated = await sl.app!.inject({ method: 'PUT', url: '/v1/admin/tenants/acme/webhook-secrets/generic', headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: {} });
    expect(generated.statusCode).toBe(200);
  });
});

describe('POST /v1/alerts/subscriptions secret', () => {
  const subscribe = (secret: string) =>
    sl.app!.inject({ method: 'POST', url: '/v1/alerts/subscriptions', headers: { authorization: `Bearer ${acme.apiKey}` }, payload: { targetUrl: 'https://hooks.example.com/secret-check', secret } });

  it('refuses secrets the signer cannot parse or outside 24–64 bytes, storing no subscription', async () => {
    for (const secret of [`whsec_A=${'A'.repeat(42)}`, `whsec_${'A'.repeat(33)}`, whsec(23), whsec(65), `whsec_${'A'.repeat(400)}`, `${whsec(32)}\n`]) {
      const res = await subscribe(secret);
      expect(res.statusCode, JSON.stringify(secret)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'invalid_request', field: 'secret', message: expect.stringMatching(/^secret: /) });
    }
    expect(await listSubscriptions(sl.ch, 'acme')).toEqual([]);
  });

  it('accepts a valid whsec_ secret', async () => {
    const secret = whsec(32);
    const res = await subscribe(secret);
    expect(res.statusCode).toBe(201);
    expect(res.json().secret).toBe(secret);
  });
});
