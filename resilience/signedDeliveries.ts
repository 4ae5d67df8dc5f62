// Real-shaped, correctly signed webhook deliveries for every provider, built the way each helpdesk
// builds them (envelope, delivery id, signature headers). The fuzzer mutates them, the redelivery
// test replays them and the load generator sends them. Shapes follow the fixtures in
// test/fixtures/helpdesks and /work/shared/HELPDESKS.md; a customer message on one ticket each.
import { createHmac } from 'node:crypto';
import type { Provider } from '../helpdesks/index.js';
import { standardWebhookHeaders } from '../helpdesks/generic.js';

export interface Delivery {
  provider: Provider;
  headers: Record<string, string>;
  body: string;
}

export interface MessageSpec {
  ticketId: string;
  /** Identifies the message within its ticket (comment / part / thread id). */
  messageId: string;
  text: string;
  /** The provider's delivery id: envelope id (Zendesk, Intercom), webhook-id (generic). Freshdesk and Help Scout have none. */
  deliveryId: string;
  at: Date;
}

/** The provider's JSON payload for one customer message on one ticket. */
export function messagePayload(provider: Provider, m: MessageSpec): Record<string, unknown> {
  const iso = m.at.toISOString();
  const unix = Math.floor(m.at.getTime() / 1000);
  switch (provider) {
    case 'zendesk':
      return {
        type: 'zen:event-type:ticket.comment_added', id: m.deliveryId, time: iso, account_id: 22129848, subject: `zen:ticket:${m.ticketId}`,
        zendesk_event_version: '2022-11-06',
        detail: {
          id: m.ticketId, status: 'OPEN', priority: 'NORMAL', subject: 'Cannot log in', requester_id: '9001', organization_id: '700',
          tags: ['login'], created_at: iso, updated_at: iso, via: { channel: 'web_form' },
        },
        event: { comment: { id: m.messageId, body: m.text, is_public: true, author: { id: '9001', is_staff: false, name: 'Dana' } } },
      };
    case 'intercom':
      return {
        type: 'notification_event', id: m.deliveryId, topic: 'conversation.user.replied', app_id: 'a86dr8yl', created_at: unix,
        delivery_status: 'pending', delivery_attempts: 1, first_sent_at: unix, links: {},
        data: {
          type: 'notification_event_data',
          item: {
            type: 'conversation', id: m.ticketId, created_at: unix, updated_at: unix, state: 'open', open: true,
            source: { type: 'conversation', delivered_as: 'customer_initiated', subject: '', body: '<p>Hello</p>', author: { type: 'user', id: 'u-1' } },
            contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: 'u-1', external_id: 'cus_1', role: 'user' }] },
            tags: { type: 'tag.list', tags: [] },
            conversation_rating: { rating: null, remark: null },
            conversation_parts: {
              type: 'conversation_part.list', total_count: 1,
              conversation_parts: [{ type: 'conversation_part', id: m.messageId, part_type: 'comment', body: `<p>${m.text}</p>`, created_at: unix, author: { type: 'user', id: 'u-1' } }],
            },
          },
        },
      };
    case 'freshdesk':
      return {
        event: 'customer_reply', ticket_id: m.ticketId, subject: 'Cannot connect my store', status: '2', priority: 'Medium', source: '1',
        tags: 'integrations', group: 'Integrations', requester: { id: '77001234', email: 'max@shop.example' }, company: { id: '5001' },
        latest_public_comment: m.text, latest_private_comment: '',
      };
    case 'helpscout':
      return {
        id: Number(m.ticketId.replace(/\D/g, '')) || 1, number: 349, type: 'email', status: 'active', subject: 'Invoice shows the wrong VAT number',
        mailbox: { id: 85, name: 'Billing' }, customer: { id: 4001, email: 'lee@example.org', type: 'customer' },
        createdAt: iso, modifiedAt: iso, tags: ['billing'],
        threads: [{ id: Number(m.messageId.replace(/\D/g, '')) || 1, type: 'customer', body: `<p>${m.text}</p>`, createdBy: { id: 4001, type: 'customer' }, createdAt: iso }],
      };
    case 'generic':
      return { eventId: m.messageId, kind: 'message.customer', ticketId: m.ticketId, occurredAt: iso, channel: 'email', tags: [], body: m.text };
  }
}

/** Help Scout puts numeric ids in its payloads: the ticket id the product stores is the number. */
export function storedTicketId(provider: Provider, ticketId: string): string {
  return provider === 'helpscout' ? String(Number(ticketId.replace(/\D/g, '')) || 1) : ticketId;
}

/** The provider's authentication headers for exactly these body bytes. */
export function signedHeaders(provider: Provider, secret: string, body: string | Buffer, options: { deliveryId: string; at: Date }): Record<string, string> {
  const json = { 'content-type': 'application/json' };
  switch (provider) {
    case 'zendesk': {
      const timestamp = options.at.toISOString();
      return {
        ...json,
        'x-zendesk-webhook-signature': createHmac('sha256', secret).update(timestamp).update(body).digest('base64'),
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-invocation-id': options.deliveryId,
      };
    }
    case 'intercom':
      return { ...json, 'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}` };
    case 'freshdesk':
      return { ...json, 'x-supportloop-token': secret };
    case 'helpscout':
      return { ...json, 'x-helpscout-signature': createHmac('sha1', secret).update(body).digest('base64'), 'x-helpscout-event': 'convo.customer.reply.created' };
    case 'generic':
      return { ...json, ...standardWebhookHeaders(secret, options.deliveryId, options.at, body) };
  }
}

/** A signed customer-message delivery. */
export function messageDelivery(provider: Provider, secret: string, m: MessageSpec): Delivery {
  const body = JSON.stringify(messagePayload(provider, m));
  return { provider, body, headers: signedHeaders(provider, secret, body, { deliveryId: m.deliveryId, at: m.at }) };
}

/** Re-sign a (possibly modified) payload object as this provider would. */
export function signPayload(provider: Provider, secret: string, payload: unknown, options: { deliveryId: string; at: Date }): Delivery {
  const body = JSON.stringify(payload);
  return { provider, body, headers: signedHeaders(provider, secret, body, options) };
}
