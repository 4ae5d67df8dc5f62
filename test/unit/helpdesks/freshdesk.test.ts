import { describe, expect, it } from 'vitest';
import { fixturesOf, eventsOf, fieldOf } from './adapterTestKit.js';
import { WebhookAuthError, type MapResult, type WebhookRequest } from '../../../helpdesks/adapter.js';
import { freshdeskAdapter } from '../../../helpdesks/freshdesk.js';

const adapter = freshdeskAdapter();
const SECRET = 'fd_3kP9vQ2wX7mZ4tB8nR1cY6hJ0sL5aE';

const { fixture, load } = fixturesOf('freshdesk');

const request = (headers: Record<string, string | undefined>, rawBody = fixture('customer_reply.json')): WebhookRequest =>
  ({ rawBody, receivedAt: new Date('2025-05-02T09:30:00Z'), headers: { 'content-type': 'application/json', ...headers } });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const map = (payload: unknown): MapResult => adapter.map(payload, request({ 'x-supportloop-token': SECRET }), 'acme');
const events = (payload: unknown) => eventsOf(map(payload));

describe('freshdesk verify (shared secret: header or Basic password)', () => {
  it('accepts the secret in X-Supportloop-Token', () => {
    expect(() => adapter.verify(request({ 'x-supportloop-token': SECRET }), [SECRET])).not.toThrow();
  });
  it('accepts HTTP Basic auth whose password is the secret, whatever the user name', () => {
    expect(() => adapter.verify(request({ authorization: basic('freshdesk', SECRET) }), [SECRET])).not.toThrow();
    expect(() => adapter.verify(request({ authorization: basic('freshdesk', 'guess') }), [SECRET])).toThrow(/bad credentials/);
  });
  it('rejects a wrong token and a missing credential', () => {
    expect(() => adapter.verify(request({ 'x-supportloop-token': `${SECRET}x` }), [SECRET])).toThrow(WebhookAuthError);
    expect(() => adapter.verify(request({}), [SECRET])).toThrow(/missing header x-supportloop-token/);
    expect(() => adapter.verify(request({ authorization: 'Bearer abc' }), [SECRET])).toThrow(/missing header/);
  });
  it('accepts the second secret during a rotation overlap', () => {
    expect(() => adapter.verify(request({ 'x-supportloop-token': 'rotated-secret-0123456789abcdef' }), [SECRET, 'rotated-secret-0123456789abcdef'])).not.toThrow();
  });
});

describe('freshdesk mapping', () => {
  it('maps ticket_created to ticket.created + the description, with company and custom fields as context', () => {
    const customer = { customerId: '77001234', accountId: '5001', plan: 'Growth', segment: 'ecommerce', custom: { store_url: 'shop.example' } };
    expect(events(load('ticket_created.json'))).toEqual([
      expect.objectContaining({ eventId: 'freshdesk:ticket:4312:created', kind: 'ticket.created', ticketId: '4312', channel: 'web', status: 'open', priority: 'medium', groupId: 'Integrations', tags: ['integrations', 'shopify'], customer }),
      expect.objectContaining({ eventId: 'freshdesk:ticket:4312:description', kind: 'message.customer', body: 'Connecting my store fails with error 502.\nI tried twice.', authorId: '77001234' }),
    ]);
  });

  it('maps replies by the rule event, with numeric status and source codes', () => {
    const [reply] = events(load('customer_reply.json'));
    expect(reply).toMatchObject({ kind: 'message.customer', status: 'open', channel: 'email', assigneeId: 'nina@helpdesk.example', body: 'Tried again this morning, same error. Our sale starts tomorrow!' });
    expect(reply!.eventId).toMatch(/^freshdesk:comment:4312:[0-9a-f]{32}$/);
    expect(events(load('agent_reply.json'))[0]).toMatchObject({ kind: 'reply.agent', status: 'pending', authorId: 'nina@helpdesk.example' });
  });

  it('maps status 4 (resolved) to ticket.solved', () => {
    expect(events(load('status_resolved.json'))).toEqual([expect.objectContaining({ kind: 'ticket.solved', status: 'solved' })]);
    expect(events({ ...load('status_resolved.json'), status: 'Waiting on Third Party' })[0]).toMatchObject({ kind: 'ticket.status_changed', status: 'on_hold' });
    expect(events({ ...load('status_resolved.json'), event: 'ticket_reopened', status: 'Open' })[0]).toMatchObject({ kind: 'ticket.reopened', status: 'open' });
  });

  it('normalises the 7-point survey value and label to 0..1', () => {
    expect(events(load('csat.json'))).toEqual([expect.objectContaining({ kind: 'csat.rated', csat: { score: 1 / 6, raw: '-102', comment: 'It took too long to get a real answer.' } })]);
    expect(events({ ...load('csat.json'), csat_rating: 'Extremely Happy' })[0]!.csat!.score).toBe(1);
    expect(events({ ...load('csat.json'), csat_rating: '100' })[0]!.csat!.score).toBe(0.5);
  });

  it('escalates on urgent priority (4) and on an escalation group', () => {
    const urgent = events({ ...load('customer_reply.json'), priority: '4' });
    expect(urgent.map((e) => [e.kind, e.eventId])).toEqual([
      ['message.customer', expect.stringMatching(/^freshdesk:comment:/)],
      ['ticket.escalated', 'freshdesk:escalated:4312:urgent'],
    ]);
    const assigned = events({ ...load('customer_reply.json'), event: 'assigned', group: 'Escalations' });
    expect(assigned.map((e) => [e.kind, e.escalationTier])).toEqual([['ticket.assigned', undefined], ['ticket.escalated', 'Escalations']]);
  });

  it('gives the same comment the same id in a redelivery, a different one for new text', () => {
    const once = events(load('customer_reply.json'))[0]!.eventId;
    expect(events(load('customer_reply.json'))[0]!.eventId).toBe(once);
    expect(events({ ...load('customer_reply.json'), status: '3', tags: 'shopify' })[0]!.eventId).toBe(once);
    expect(events({ ...load('customer_reply.json'), latest_public_comment: 'Any news?' })[0]!.eventId).not.toBe(once);
  });

  it('ignores unknown rule events and custom statuses', () => {
    expect(map({ ...load('customer_reply.json'), event: 'sla_violated' })).toMatchObject({ outcome: 'ignored', eventType: 'trigger:sla_violated' });
    expect(map({ ...load('status_resolved.json'), status: 'Awaiting parts' })).toMatchObject({ outcome: 'ignored', eventType: 'trigger:status_changed' });
  });

  it('names the malformed field', () => {
    expect(fieldOf(() => map({ ...load('customer_reply.json'), ticket_id: '' }))).toBe('ticket_id');
    expect(fieldOf(() => map({ ...load('customer_reply.json'), event: undefined }))).toBe('event');
    expect(fieldOf(() => map({ ...load('customer_reply.json'), latest_public_comment: '' }))).toBe('latest_public_comment');
    expect(fieldOf(() => map({ ...load('csat.json'), csat_rating: 'five stars' }))).toBe('csat_rating');
    expect(fieldOf(() => map({ ...load('status_resolved.json'), status: '' }))).toBe('status');
    expect(fieldOf(() => map({ ...load('customer_reply.json'), requester: ['x'] }))).toBe('requester');
  });
});
