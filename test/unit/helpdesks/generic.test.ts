import { Webhook } from 'standardwebhooks';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { fixturesOf, fieldOf } from './adapterTestKit.js';
import { WebhookAuthError, type WebhookRequest } from '../../../helpdesks/adapter.js';
import { genericAdapter, GenericWebhookBody, MAX_GENERIC_EVENTS } from '../../../helpdesks/generic.js';

const adapter = genericAdapter({ toleranceSeconds: 300 });
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const RECEIVED_AT = new Date('2025-04-01T12:00:05Z');

const { fixture, load } = fixturesOf('generic');

function signed(rawBody: Buffer, options: { secret?: string; signedAt?: Date; id?: string } = {}): WebhookRequest {
  const signedAt = options.signedAt ?? new Date('2025-04-01T12:00:03Z');
  const id = options.id ?? 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
  return {
    rawBody,
    receivedAt: RECEIVED_AT,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': new Webhook(options.secret ?? SECRET).sign(id, signedAt, rawBody),
    },
  };
}
const map = (payload: unknown) => adapter.map(payload, signed(Buffer.from(JSON.stringify(payload))), 'acme');

describe('generic verify (Standard Webhooks)', () => {
  const body = fixture('single_event.json');

  it('accepts a signature made by the standardwebhooks library', () => {
    expect(() => adapter.verify(signed(body), [SECRET])).not.toThrow();
  });
  it('rejects a tampered body, another secret and a changed webhook-id', () => {
    const tampered = signed(body);
    tampered.rawBody = Buffer.from(body.toString('utf8').replace('teammates', 'everyone'));
    expect(() => adapter.verify(tampered, [SECRET])).toThrow(/bad signature/);
    expect(() => adapter.verify(signed(body, { secret: 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD' }), [SECRET])).toThrow(WebhookAuthError);
    const otherId = signed(body);
    otherId.headers['webhook-id'] = 'msg_other';
    expect(() => adapter.verify(otherId, [SECRET])).toThrow(/bad signature/);
  });
  it('rejects each missing header and a signature list without v1', () => {
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const request = signed(body);
      delete request.headers[header];
      expect(() => adapter.verify(request, [SECRET])).toThrow(`missing header ${header}`);
    }
    const v1aOnly = signed(body);
    v1aOnly.headers['webhook-signature'] = 'v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==';
    expect(() => adapter.verify(v1aOnly, [SECRET])).toThrow(/no v1 signature/);
  });
  it('judges the timestamp against receipt with the configured tolerance', () => {
    const tenMinutesOld = signed(body, { signedAt: new Date(RECEIVED_AT.getTime() - 600_000) });
    expect(() => adapter.verify(tenMinutesOld, [SECRET])).toThrow(/outside the 300s tolerance/);
    expect(() => genericAdapter({ toleranceSeconds: 900 }).verify(tenMinutesOld, [SECRET])).not.toThrow();
    const fromTheFuture = signed(body, { signedAt: new Date(RECEIVED_AT.getTime() + 400_000) });
    expect(() => adapter.verify(fromTheFuture, [SECRET])).toThrow(/tolerance/);
  });
  it('accepts any listed signature and any configured secret (rotation), skipping a malformed secret', () => {
    const next = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const request = signed(body, { secret: next });
    expect(() => adapter.verify(request, ['whsec_!!not-base64!!', SECRET, next])).not.toThrow();
    const both = signed(body);
    both.headers['webhook-signature'] = `v1,${'A'.repeat(44)} ${both.headers['webhook-signature']}`;
    expect(() => adapter.verify(both, [SECRET])).not.toThrow();
  });
});

describe('generic mapping', () => {
  it('fills tenantId and provider into a single canonical event', () => {
    expect(map(load('single_event.json'))).toEqual({ outcome: 'events', events: [{ ...load('single_event.json'), tenantId: 'acme', provider: 'generic' }] });
  });
  it('maps a batch in order, keeping the sender ids', () => {
    // A ticket's history sent in one delivery, after its last event.
    const batch = load('batch.json');
    const result = adapter.map(batch, { ...signed(Buffer.from(JSON.stringify(batch))), receivedAt: new Date('2025-04-03T00:00:00Z') }, 'acme');
    expect(result.outcome === 'events' && result.events.map((e) => [e.eventId, e.kind, e.tenantId, e.provider])).toEqual([
      ['crm-evt-1000', 'ticket.created', 'acme', 'generic'],
      ['crm-evt-1002', 'reply.agent', 'acme', 'generic'],
      ['crm-evt-1003', 'csat.rated', 'acme', 'generic'],
    ]);
  });
  it('documents the body as a schema both fixtures satisfy', () => {
    const check = TypeCompiler.Compile(GenericWebhookBody);
    expect(check.Check(load('single_event.json'))).toBe(true);
    expect(check.Check(load('batch.json'))).toBe(true);
    expect(check.Check({ ...load('single_event.json'), tenantId: 'acme' })).toBe(false);
  });
  it('names the bad field, with the batch index', () => {
    const batch = load('batch.json');
    batch.events[1].kind = 'sla.breached';
    expect(fieldOf(() => map(batch))).toBe('events.1.kind');
    const { ticketId: _dropped, ...noTicket } = load('single_event.json');
    expect(fieldOf(() => map(noTicket))).toBe('ticketId');
    expect(fieldOf(() => map({ ...load('single_event.json'), customer: { signupAt: 'yesterday' } }))).toBe('customer.signupAt');
    expect(fieldOf(() => map({ events: [{ ...load('single_event.json'), tenantId: 'someone-else' }] }))).toBe('events.0.tenantId');
    expect(fieldOf(() => map({ events: [] }))).toBe('events');
    expect(fieldOf(() => map({ events: 'all of them' }))).toBe('events');
  });
  it('refuses an event dated after its delivery beyond the signature clock skew, naming it', () => {
    const at = (ms: number) => ({ ...load('single_event.json'), occurredAt: new Date(RECEIVED_AT.getTime() + ms).toISOString() });
    expect(map(at(299_000)).outcome).toBe('events');
    expect(fieldOf(() => map(at(301_000)))).toBe('occurredAt');
    expect(fieldOf(() => map({ events: [at(0), at(86_400_000)] }))).toBe('events.1.occurredAt');
  });
  it('refuses more events in one delivery than it can hand to Temporal before the helpdesk times out', () => {
    const event = load('single_event.json');
    const many = (n: number) => ({ events: Array.from({ length: n }, (_, i) => ({ ...event, eventId: `e-${i}` })) });
    expect(map(many(MAX_GENERIC_EVENTS)).outcome).toBe('events');
    expect(fieldOf(() => map(many(MAX_GENERIC_EVENTS + 1)))).toBe('events');
    expect(TypeCompiler.Compile(GenericWebhookBody).Check(many(MAX_GENERIC_EVENTS + 1))).toBe(false);
  });
});
