import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fixturesOf, eventsOf, fieldOf } from './adapterTestKit.js';
import { WebhookAuthError, type MapResult, type WebhookRequest } from '../../../helpdesks/adapter.js';
import { zendeskAdapter } from '../../../helpdesks/zendesk.js';

const adapter = zendeskAdapter({ toleranceSeconds: 300 });
const SECRET = 'dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ==';
const RECEIVED_AT = new Date('2025-01-08T14:25:31Z');

const { fixture, load } = fixturesOf('zendesk');

function signed(rawBody: Buffer, secret = SECRET, timestamp = '2025-01-08T14:25:30Z'): WebhookRequest {
  const signature = createHmac('sha256', secret).update(timestamp + rawBody.toString('utf8')).digest('base64');
  return {
    rawBody,
    receivedAt: RECEIVED_AT,
    headers: {
      'content-type': 'application/json',
      'x-zendesk-webhook-signature': signature,
      'x-zendesk-webhook-signature-timestamp': timestamp,
      'x-zendesk-webhook-id': '01HXYZ',
      'x-zendesk-webhook-invocation-id': '8350205582',
    },
  };
}

function map(payload: unknown): MapResult {
  return adapter.map(payload, signed(Buffer.from(JSON.stringify(payload))), 'acme');
}
const events = (payload: unknown) => eventsOf(map(payload));

describe('zendesk verify', () => {
  const body = fixture('comment_added_agent.json');

  it('accepts a valid signature over timestamp + raw body', () => {
    expect(() => adapter.verify(signed(body), [SECRET])).not.toThrow();
  });
  it('rejects a tampered body', () => {
    const request = signed(body);
    request.rawBody = Buffer.from(body.toString('utf8').replace('shortly', 'never'));
    expect(() => adapter.verify(request, [SECRET])).toThrow(/bad signature/);
  });
  it('rejects a signature made with another secret', () => {
    expect(() => adapter.verify(signed(body, 'another-secret'), [SECRET])).toThrow(WebhookAuthError);
  });
  it('rejects a missing signature or timestamp header', () => {
    const noSignature = signed(body);
    delete noSignature.headers['x-zendesk-webhook-signature'];
    expect(() => adapter.verify(noSignature, [SECRET])).toThrow(/missing header x-zendesk-webhook-signature$/);
    const noTimestamp = signed(body);
    delete noTimestamp.headers['x-zendesk-webhook-signature-timestamp'];
    expect(() => adapter.verify(noTimestamp, [SECRET])).toThrow(/missing header x-zendesk-webhook-signature-timestamp/);
  });
  it('rejects a timestamp outside the tolerance, in the past or the future', () => {
    expect(() => adapter.verify(signed(body, SECRET, '2025-01-08T14:20:30Z'), [SECRET])).toThrow(/outside the 300s tolerance/);
    expect(() => adapter.verify(signed(body, SECRET, '2025-01-08T14:31:00Z'), [SECRET])).toThrow(/outside the 300s tolerance/);
    expect(() => adapter.verify(signed(body, SECRET, '2025-01-08T14:21:00Z'), [SECRET])).not.toThrow();
  });
  it('accepts the second secret during a rotation overlap', () => {
    expect(() => adapter.verify(signed(body, 'new-secret'), [SECRET, 'new-secret'])).not.toThrow();
    expect(() => adapter.verify(signed(body, 'new-secret'), [SECRET])).toThrow(WebhookAuthError);
  });
  it('never accepts when no secret is configured', () => {
    expect(() => adapter.verify(signed(body, ''), [])).toThrow(/no zendesk webhook secret/);
  });
});

describe('zendesk event subscriptions', () => {
  it('maps ticket.created to ticket.created + the description as the first customer message', () => {
    const [created, message, ...rest] = events(load('ticket_created.json'));
    expect(rest).toEqual([]);
    expect(created).toMatchObject({
      eventId: 'zendesk:ticket:5158:created', kind: 'ticket.created', tenantId: 'acme', provider: 'zendesk', ticketId: '5158',
      occurredAt: '2025-01-08T10:12:07.000Z', channel: 'web', status: 'new', priority: 'high', tags: ['mobile', 'login'],
      subject: 'Cannot login to mobile app', groupId: '8447320466430',
      customer: { customerId: '8447388090494', accountId: '8447346622462' },
    });
    expect(created!.assigneeId).toBeUndefined();
    expect(message).toMatchObject({ eventId: 'zendesk:ticket:5158:description', kind: 'message.customer', authorId: '8447388090494' });
    expect(message!.body).toMatch(/^Since the 2\.3 update .*\nI have reinstalled it twice\.$/);
  });

  it('maps comments by who wrote them and whether they are public', () => {
    const [reply] = events(load('comment_added_agent.json'));
    expect(reply).toMatchObject({ eventId: 'zendesk:comment:9876543210', kind: 'reply.agent', authorId: '8447388090496', occurredAt: '2025-01-08T14:25:30.123Z', channel: 'web' });
    const [note] = events(load('comment_added_private.json'));
    expect(note).toMatchObject({ eventId: 'zendesk:comment:9876543299', kind: 'note.internal' });
    const fromCustomer = load('comment_added_agent.json');
    fromCustomer.event.comment.author = { id: '8447388090494', is_staff: false, name: 'Requester' };
    expect(events(fromCustomer)[0]).toMatchObject({ kind: 'message.customer', authorId: '8447388090494' });
  });

  it('maps status changes, comparing enums case-insensitively', () => {
    expect(events(load('status_changed_solved.json'))).toEqual([
      expect.objectContaining({ eventId: 'zendesk:status:5158:solved:2025-01-09T09:00:00.000Z', kind: 'ticket.solved', status: 'solved' }),
    ]);
    expect(events(load('status_changed_reopened.json'))).toEqual([
      expect.objectContaining({ eventId: 'zendesk:status:5158:open:2025-01-10T16:45:12.000Z', kind: 'ticket.reopened', status: 'open' }),
    ]);
    const held = load('status_changed_solved.json');
    held.event = { current: 'HOLD', previous: 'OPEN' };
    expect(events(held)[0]).toMatchObject({ kind: 'ticket.status_changed', status: 'on_hold' });
  });

  it('maps assignment and urgent priority (escalation)', () => {
    expect(events(load('agent_assignment_changed.json'))).toEqual([
      expect.objectContaining({ eventId: 'zendesk:assigned:5158:agent:8447388090497:2025-01-08T12:15:45.000Z', kind: 'ticket.assigned', assigneeId: '8447388090497' }),
    ]);
    expect(events(load('priority_changed_urgent.json'))).toEqual([
      expect.objectContaining({ eventId: 'zendesk:escalated:5158:urgent', kind: 'ticket.escalated', escalationTier: 'urgent', priority: 'urgent' }),
    ]);
  });

  it('gives the same content the same ids whatever the delivery', () => {
    const original = load('ticket_created.json');
    const redelivered = { ...original, id: 'f0e1d2c3-0000-4000-8000-000000000001', time: '2025-01-08T10:12:09.000000000Z' };
    const ids = (p: unknown) => events(p).map((e) => e.eventId);
    expect(ids(redelivered)).toEqual(ids(original));
    const raw = fixture('comment_added_agent.json');
    const replays = [1, 2, 3].map(() => adapter.map(JSON.parse(raw.toString('utf8')), signed(raw), 'acme'));
    expect(replays[1]).toEqual(replays[0]);
    expect(replays[2]).toEqual(replays[0]);
  });

  it('ignores event types it does not act on', () => {
    expect(map(load('subject_changed.json'))).toEqual({ outcome: 'ignored', eventType: 'zen:event-type:ticket.subject_changed', reason: expect.stringContaining('ticket.subject_changed') });
    expect(map({ type: 'zen:event-type:user.created', detail: { id: '1' }, event: {} })).toMatchObject({ outcome: 'ignored', eventType: 'zen:event-type:user.created' });
  });

  it('names the malformed field', () => {
    const noId = load('ticket_created.json');
    delete noId.detail.id;
    expect(fieldOf(() => map(noId))).toBe('detail.id');
    const noCommentId = load('comment_added_agent.json');
    delete noCommentId.event.comment.id;
    expect(fieldOf(() => map(noCommentId))).toBe('event.comment.id');
    const badTime = load('ticket_created.json');
    badTime.detail.created_at = 'last tuesday';
    expect(fieldOf(() => map(badTime))).toBe('detail.created_at');
    expect(fieldOf(() => map({ account_id: 1 }))).toBe('ticket_id');
    expect(fieldOf(() => map([1, 2]))).toBe('(root)');
  });
});

describe('zendesk trigger bodies', () => {
  it('maps a comment trigger with the customer context from requester, organization and custom fields', () => {
    expect(events(load('trigger_comment_added.json'))).toEqual([{
      eventId: 'zendesk:comment:34567', kind: 'message.customer', tenantId: 'acme', provider: 'zendesk', ticketId: '5160',
      occurredAt: '2025-02-03T10:15:00.000Z', channel: 'email', tags: ['billing', 'refund', 'vip'], subject: 'Refund for double charge',
      status: 'open', priority: 'normal', groupId: '360001122334', authorId: '9001',
      body: 'I was charged twice for invoice INV-2291.\nPlease refund one of the charges.',
      customer: {
        customerId: '9001', accountId: '700', plan: 'Enterprise', segment: 'mid-market', role: 'Finance lead',
        signupAt: '2023-06-01T00:00:00.000Z', custom: { product: 'Payments API', region: 'EU' },
      },
    }]);
  });

  it('maps a bad satisfaction rating to csat 0, keeping the raw value and comment', () => {
    expect(events(load('trigger_csat.json'))).toEqual([expect.objectContaining({
      kind: 'csat.rated', ticketId: '5160', status: 'solved', csat: { score: 0, raw: 'Bad', comment: 'Took three days to get an answer.' },
    })]);
  });

  it('maps the minimal template (no event field) to what it proves: the good rating', () => {
    const mapped = events(load('trigger_minimal.json'));
    expect(mapped.map((e) => [e.kind, e.csat?.score])).toEqual([['csat.rated', 1]]);
  });

  it('maps assignment to an escalation group as ticket.assigned + ticket.escalated', () => {
    expect(events(load('trigger_assigned_tier2.json')).map((e) => [e.kind, e.eventId, e.escalationTier])).toEqual([
      ['ticket.assigned', 'zendesk:assigned:5160:361234:360009988776:2025-02-03T11:00:00.000Z', undefined],
      ['ticket.escalated', 'zendesk:escalated:5160:tier_2_-_payments', 'Tier 2 - Payments'],
    ]);
  });

  it('gives a comment the same id whichever trigger delivers it', () => {
    const asReply = { ...load('trigger_comment_added.json'), event: 'customer_reply', updated_at: '2025-02-03T10:16Z' };
    expect(events(asReply)[0]!.eventId).toBe(events(load('trigger_comment_added.json'))[0]!.eventId);
    const unsigned = { ...load('trigger_comment_added.json'), latest_comment: 'I was charged twice.', event: 'customer_reply' };
    expect(events(unsigned)[0]!.eventId).toBe(events({ ...unsigned, updated_at: '2025-02-04T00:00Z' })[0]!.eventId);
  });

  it('maps a comment whose HTML nests thousands of levels deep, and refuses a payload nested that deep, naming it', () => {
    const depth = 20_000;
    const html = `${'<div>'.repeat(depth)}I was charged twice.${'</div>'.repeat(depth)}`;
    const deepHtml = { ...load('trigger_comment_added.json'), latest_comment: { id: '34567', body: html, author_id: '9001', is_public: 'true' } };
    expect(events(deepHtml).map((e) => [e.kind, e.eventId, e.body])).toEqual([['message.customer', 'zendesk:comment:34567', 'I was charged twice.']]);
    // No updated_at: the change key hashes the raw latest_comment, which JSON.stringify cannot take this deep.
    const rawBody = JSON.stringify({ ...load('trigger_comment_added.json'), updated_at: undefined, latest_comment: { id: '34567', body: 'hi', author_id: '9001', is_public: 'true', attachments: '@' } })
      .replace('"@"', `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`);
    expect(fieldOf(() => adapter.map(JSON.parse(rawBody), signed(Buffer.from(rawBody)), 'acme'))).toBe('payload');
  });

  it('rejects malformed trigger bodies naming the field', () => {
    expect(fieldOf(() => map({ ...load('trigger_csat.json'), satisfaction: { current_rating: 'meh' } }))).toBe('satisfaction.current_rating');
    expect(fieldOf(() => map({ ...load('trigger_csat.json'), satisfaction: undefined }))).toBe('satisfaction.current_rating');
    expect(fieldOf(() => map({ ...load('trigger_comment_added.json'), tags: 42 }))).toBe('tags');
    expect(fieldOf(() => map({ ...load('trigger_comment_added.json'), event: 'agent_reply', latest_comment: '' }))).toBe('latest_comment');
    expect(fieldOf(() => map({ ...load('trigger_comment_added.json'), requester: 'dana' }))).toBe('requester');
  });

  it('ignores an unknown trigger event', () => {
    expect(map({ ...load('trigger_comment_added.json'), event: 'sla_warning' })).toMatchObject({ outcome: 'ignored', eventType: 'trigger:sla_warning' });
  });
});
