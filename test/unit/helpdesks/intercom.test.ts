import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixturesOf, eventsOf, fieldOf } from './adapterTestKit.js';
import { WebhookAuthError, type MapResult, type WebhookRequest } from '../../../helpdesks/adapter.js';
import { intercomAdapter } from '../../../helpdesks/intercom.js';

const adapter = intercomAdapter();
const SECRET = 'a1b2c3d4e5f6client_secret_for_tests';

const { fixture, load } = fixturesOf('intercom');

function signed(rawBody: Buffer, secret = SECRET): WebhookRequest {
  const signature = `sha1=${createHmac('sha1', secret).update(rawBody).digest('hex')}`;
  return { rawBody, receivedAt: new Date('2023-11-15T00:00:00Z'), headers: { 'content-type': 'application/json', 'x-hub-signature': signature } };
}
const map = (payload: unknown): MapResult => adapter.map(payload, signed(Buffer.from(JSON.stringify(payload))), 'acme');
const events = (payload: unknown) => eventsOf(map(payload));

describe('intercom verify', () => {
  const body = fixture('conversation_user_replied.json');

  it('accepts sha1=<hex HMAC-SHA1 of the raw body>', () => {
    expect(() => adapter.verify(signed(body), [SECRET])).not.toThrow();
  });
  it('rejects a tampered body, a wrong secret and a malformed or missing header', () => {
    const tampered = signed(body);
    tampered.rawBody = Buffer.from(body.toString('utf8').replace('Still broken', 'All fixed'));
    expect(() => adapter.verify(tampered, [SECRET])).toThrow(/bad signature/);
    expect(() => adapter.verify(signed(body, 'wrong'), [SECRET])).toThrow(WebhookAuthError);
    const sha256 = signed(body);
    sha256.headers['x-hub-signature'] = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    expect(() => adapter.verify(sha256, [SECRET])).toThrow(/malformed x-hub-signature/);
    const missing = signed(body);
    delete missing.headers['x-hub-signature'];
    expect(() => adapter.verify(missing, [SECRET])).toThrow(/missing header x-hub-signature/);
  });
  it('accepts the second secret during a rotation overlap', () => {
    expect(() => adapter.verify(signed(body, 'rotated'), [SECRET, 'rotated'])).not.toThrow();
  });
});

describe('intercom mapping', () => {
  it('maps conversation.user.created to ticket.created + the opening message, with contact context', () => {
    const customer = {
      customerId: '6540f1c2a1b2c3d4e5f60718', accountId: 'acct_551', plan: 'Pro', segment: 'SMB', role: 'user',
      signupAt: '2023-01-01T00:00:00.000Z', custom: { external_id: 'cus_8812', seats: '12' },
    };
    expect(events(load('conversation_user_created.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:conversation:147:created', kind: 'ticket.created', ticketId: '147', occurredAt: '2023-11-14T22:13:20.000Z', channel: 'chat', status: 'open', customer }),
      expect.objectContaining({
        eventId: 'intercom:conversation:147:source', kind: 'message.customer', authorId: '6540f1c2a1b2c3d4e5f60718',
        body: 'Hi, the Export to CSV button does nothing on Safari.\n\nCan you help?', customer,
      }),
    ]);
  });

  it('maps replies and notes by part, HTML to text, unix seconds to ISO', () => {
    expect(events(load('conversation_user_replied.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:part:2001', kind: 'message.customer', body: 'Still broken after clearing the cache.', occurredAt: '2023-11-14T23:13:20.000Z' }),
    ]);
    expect(events(load('conversation_admin_noted.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:part:2003', kind: 'note.internal', body: 'Looks like a Safari 17 download bug, see JIRA-123.', authorId: '25' }),
    ]);
  });

  it('maps an admin reply on a tier2-tagged conversation to reply.agent + ticket.escalated', () => {
    expect(events(load('conversation_admin_replied.json')).map((e) => [e.eventId, e.kind, e.assigneeId, e.escalationTier])).toEqual([
      ['intercom:part:2002', 'reply.agent', '25', undefined],
      ['intercom:escalated:147:tier2', 'ticket.escalated', '25', 'tier2'],
    ]);
  });

  it('maps assignment, close (with its closing reply) and reopen', () => {
    expect(events(load('conversation_admin_assigned.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:part:2000:assigned', kind: 'ticket.assigned', assigneeId: '31', groupId: '5' }),
    ]);
    expect(events(load('conversation_admin_closed.json')).map((e) => [e.eventId, e.kind, e.status])).toEqual([
      ['intercom:part:2005:solved', 'ticket.solved', 'solved'],
      ['intercom:part:2005', 'reply.agent', 'solved'],
    ]);
    expect(events(load('conversation_admin_opened.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:part:2006:open', kind: 'ticket.reopened', status: 'open' }),
    ]);
  });

  it('normalises a 1–5 rating to (r − 1) / 4 and keeps the raw value', () => {
    expect(events(load('conversation_rating_added.json'))).toEqual([
      expect.objectContaining({ eventId: 'intercom:rating:147:4:2023-11-15T23:13:20.000Z', kind: 'csat.rated', csat: { score: 0.75, raw: 4, comment: 'Quick fix, thanks' } }),
    ]);
    const one = load('conversation_rating_added.json');
    one.data.item.conversation_rating.rating = 1;
    expect(events(one)[0]!.csat!.score).toBe(0);
  });

  it('gives the same content the same ids whatever the notification id or attempt', () => {
    const original = load('conversation_user_replied.json');
    const redelivered = { ...original, id: 'notif_ffffffff-0000-4000-8000-000000000000', delivery_attempts: 2, first_sent_at: 1700003999, created_at: 1700003999 };
    expect(events(redelivered).map((e) => e.eventId)).toEqual(events(original).map((e) => e.eventId));
    const raw = fixture('conversation_admin_closed.json');
    const replays = [1, 2, 3].map(() => adapter.map(JSON.parse(raw.toString('utf8')), signed(raw), 'acme'));
    expect(replays[2]).toEqual(replays[0]);
    expect(replays[1]).toEqual(replays[0]);
  });

  it('ignores ping, deletions and unknown topics', () => {
    expect(map(load('ping.json'))).toEqual({ outcome: 'ignored', eventType: 'ping', reason: 'webhook test ping' });
    expect(map(load('conversation_deleted.json'))).toMatchObject({ outcome: 'ignored', eventType: 'conversation.deleted' });
    expect(map({ ...load('conversation_user_created.json'), topic: 'contact.user.created' })).toMatchObject({ outcome: 'ignored', eventType: 'contact.user.created' });
  });

  it('names the malformed field', () => {
    const noParts = load('conversation_user_replied.json');
    noParts.data.item.conversation_parts.conversation_parts = [];
    expect(fieldOf(() => map(noParts))).toBe('data.item.conversation_parts.conversation_parts');
    const noId = load('conversation_user_created.json');
    delete noId.data.item.id;
    expect(fieldOf(() => map(noId))).toBe('data.item.id');
    const badRating = load('conversation_rating_added.json');
    badRating.data.item.conversation_rating.rating = 7;
    expect(fieldOf(() => map(badRating))).toBe('data.item.conversation_rating.rating');
    const badPartTime = load('conversation_user_replied.json');
    badPartTime.data.item.conversation_parts.conversation_parts[0].created_at = 'soon';
    expect(fieldOf(() => map(badPartTime))).toBe('data.item.conversation_parts.conversation_parts.0.created_at');
    expect(fieldOf(() => map({ type: 'notification_event', data: {} }))).toBe('topic');
  });
});
