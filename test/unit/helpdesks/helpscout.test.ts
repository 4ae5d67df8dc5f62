import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixturesOf, eventsOf, fieldOf } from './adapterTestKit.js';
import { WebhookAuthError, type MapResult, type WebhookRequest } from '../../../helpdesks/adapter.js';
import { helpscoutAdapter } from '../../../helpdesks/helpscout.js';

const adapter = helpscoutAdapter();
const SECRET = 'Xq3vR8mZp2LwT6yK9bN4cH7jD1fG5sA0eU2iO8lP'; // Help Scout secrets are at most 40 characters

const { fixture, load } = fixturesOf('helpscout');

function signed(rawBody: Buffer, event: string, secret = SECRET): WebhookRequest {
  return {
    rawBody,
    receivedAt: new Date('2025-03-06T00:00:00Z'),
    headers: {
      'content-type': 'application/json',
      'x-helpscout-event': event,
      'x-helpscout-signature': createHmac('sha1', secret).update(rawBody).digest('base64'),
    },
  };
}
const map = (payload: unknown, event: string): MapResult => adapter.map(payload, signed(Buffer.from(JSON.stringify(payload)), event), 'acme');
const events = (payload: unknown, event: string) => eventsOf(map(payload, event));

describe('helpscout verify', () => {
  const body = fixture('convo.created.json');

  it('accepts base64 HMAC-SHA1 of the raw body', () => {
    expect(() => adapter.verify(signed(body, 'convo.created'), [SECRET])).not.toThrow();
  });
  it('rejects a tampered body, a wrong secret and a missing header', () => {
    const tampered = signed(body, 'convo.created');
    tampered.rawBody = Buffer.from(body.toString('utf8').replace('VAT', 'TAX'));
    expect(() => adapter.verify(tampered, [SECRET])).toThrow(/bad signature/);
    expect(() => adapter.verify(signed(body, 'convo.created', 'not-the-secret'), [SECRET])).toThrow(WebhookAuthError);
    const missing = signed(body, 'convo.created');
    delete missing.headers['x-helpscout-signature'];
    expect(() => adapter.verify(missing, [SECRET])).toThrow(/missing header x-helpscout-signature/);
  });
  it('accepts the second secret during a rotation overlap', () => {
    expect(() => adapter.verify(signed(body, 'convo.created', 'next-secret'), [SECRET, 'next-secret'])).not.toThrow();
  });
});

describe('helpscout mapping', () => {
  it('maps convo.created (v2 shape) to ticket.created + the first customer thread, with customer properties', () => {
    const customer = {
      customerId: '4001', accountId: '3102', plan: 'Growth', role: 'Office manager', signupAt: '2022-09-15T00:00:00.000Z',
      custom: { 'Order number': 'A-77812' },
    };
    expect(events(load('convo.created.json'), 'convo.created')).toEqual([
      expect.objectContaining({ eventId: 'helpscout:conversation:2391938111:created', kind: 'ticket.created', ticketId: '2391938111', channel: 'email', status: 'open', groupId: '85', tags: ['billing'], customer }),
      expect.objectContaining({
        eventId: 'helpscout:thread:7000001', kind: 'message.customer', authorId: '4001', occurredAt: '2025-03-04T09:12:44.000Z',
        body: 'Hello,\nour latest invoice shows an old VAT number. Can you reissue it?',
      }),
    ]);
  });

  it('maps a customer reply in the legacy shape to its newest customer thread', () => {
    expect(events(load('convo.customer.reply.created.legacy.json'), 'convo.customer.reply.created')).toEqual([
      expect.objectContaining({ eventId: 'helpscout:thread:7000003', kind: 'message.customer', body: 'Any update? Our accountant needs it today.', assigneeId: '501', groupId: '85', tags: ['billing', 'vat'] }),
    ]);
  });

  it('maps agent replies (plus the escalated tag) and notes', () => {
    expect(events(load('convo.agent.reply.created.json'), 'convo.agent.reply.created').map((e) => [e.eventId, e.kind, e.escalationTier])).toEqual([
      ['helpscout:thread:7000004', 'reply.agent', undefined],
      ['helpscout:escalated:2391938111:escalated', 'ticket.escalated', 'escalated'],
    ]);
    expect(events(load('convo.note.created.json'), 'convo.note.created')[0]).toMatchObject({ eventId: 'helpscout:thread:7000005', kind: 'note.internal', body: 'Reissued as INV-2291-R, finance ticket FIN-88.' });
  });

  it('maps assignment and closing', () => {
    expect(events(load('convo.assigned.json'), 'convo.assigned')).toEqual([
      expect.objectContaining({ eventId: 'helpscout:assigned:2391938111:502:2025-03-04T09:30:00.000Z', kind: 'ticket.assigned', assigneeId: '502' }),
    ]);
    expect(events(load('convo.status.json'), 'convo.status')[0]).toMatchObject({
      eventId: 'helpscout:status:2391938111:solved:2025-03-05T08:00:00.000Z', kind: 'ticket.solved', status: 'solved', occurredAt: '2025-03-05T08:00:00.000Z',
    });
    const pending = { ...load('convo.status.json'), status: 'pending' };
    expect(events(pending, 'convo.status')[0]).toMatchObject({ kind: 'ticket.status_changed', status: 'pending' });
  });

  it('normalises both rating shapes: great = 1, okay = 0.5, bad / not_good = 0', () => {
    expect(events(load('satisfaction.ratings.legacy.json'), 'satisfaction.ratings')).toEqual([expect.objectContaining({
      eventId: 'helpscout:rating:88:great', kind: 'csat.rated', ticketId: '2391938111', assigneeId: '501', customer: { customerId: '4001' },
      csat: { score: 1, raw: 'Great', comment: 'Sam sorted it out quickly.' },
    })]);
    expect(events(load('satisfaction.ratings.v2.json'), 'satisfaction.ratings')[0]).toMatchObject({ ticketId: '2391938112', csat: { score: 0, raw: 'not_good' } });
    expect(events({ ...load('satisfaction.ratings.legacy.json'), rating: 'Okay' }, 'satisfaction.ratings')[0]!.csat!.score).toBe(0.5);
    expect(events({ ...load('satisfaction.ratings.legacy.json'), rating: 'Bad' }, 'satisfaction.ratings')[0]!.csat!.score).toBe(0);
  });

  it('gives the same thread the same id in later deliveries and replays', () => {
    const replyIds = events(load('convo.agent.reply.created.json'), 'convo.agent.reply.created').map((e) => e.eventId);
    const later = load('convo.agent.reply.created.json');
    later.userUpdatedAt = '2025-03-04T13:21:00Z';
    later.preview = 'Hi Lee, Finance has reissued';
    expect(events(later, 'convo.agent.reply.created').map((e) => e.eventId)).toEqual(replyIds);
    const raw = fixture('convo.created.json');
    const replays = [1, 2, 3].map(() => adapter.map(JSON.parse(raw.toString('utf8')), signed(raw, 'convo.created'), 'acme'));
    expect(replays[1]).toEqual(replays[0]);
    expect(replays[2]).toEqual(replays[0]);
  });

  it('ignores deletions, unknown ratings and unmapped events', () => {
    expect(map(load('convo.deleted.json'), 'convo.deleted')).toMatchObject({ outcome: 'ignored', eventType: 'convo.deleted' });
    expect(map({ ...load('satisfaction.ratings.v2.json'), rating: 'unknown' }, 'satisfaction.ratings')).toMatchObject({ outcome: 'ignored' });
    expect(map(load('convo.created.json'), 'customer.created')).toMatchObject({ outcome: 'ignored', eventType: 'customer.created' });
  });

  it('names the malformed field', () => {
    const noThreads = load('convo.agent.reply.created.json');
    noThreads._embedded.threads = noThreads._embedded.threads.filter((t: { type: string }) => t.type !== 'message');
    expect(fieldOf(() => map(noThreads, 'convo.agent.reply.created'))).toBe('_embedded.threads');
    expect(fieldOf(() => map({ ...load('convo.created.json'), id: null }, 'convo.created'))).toBe('id');
    expect(fieldOf(() => map({ ...load('satisfaction.ratings.v2.json'), rating: 'meh' }, 'satisfaction.ratings'))).toBe('rating');
    expect(fieldOf(() => map({ rating: 'great' }, 'satisfaction.ratings'))).toBe('conversationId');
    const badThread = load('convo.customer.reply.created.legacy.json');
    badThread.threads[0].id = { nested: true };
    expect(fieldOf(() => map(badThread, 'convo.customer.reply.created'))).toBe('threads.0.id');
    expect(fieldOf(() => adapter.map(load('convo.created.json'), { rawBody: Buffer.from('{}'), headers: {}, receivedAt: new Date() }, 'acme'))).toBe('headers.x-helpscout-event');
  });
});
