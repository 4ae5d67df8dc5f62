// Generic adapter: any system can send canonical events, signed the Standard Webhooks way.
//
// Authentication (https://www.standardwebhooks.com): headers webhook-id, webhook-timestamp (unix
// seconds) and webhook-signature, a space-separated list of "v1,<base64 HMAC-SHA256>" entries over
// "<id>.<timestamp>.<raw body>", keyed with the tenant's whsec_ secret. The timestamp must be within
// the configured tolerance of receipt. Signatures are computed with the `standardwebhooks` library's
// Webhook.sign; its Webhook.verify is not used because it judges the timestamp by the process clock
// with a fixed 5 minutes, while adapters take the clock from request.receivedAt and the tolerance
// from config.
//
// Body: one canonical TicketEvent (domain/events.ts) without tenantId and provider — supportloop
// fills those from the route's tenant and "generic" — or {"events": [ ... ]} of them. Every field
// is exactly the schema's; the sender's eventId is the idempotency key, so resending an event with
// the same eventId is harmless.
import { Type } from '@sinclair/typebox';
import { Webhook } from 'standardwebhooks';
import { assertTicketEvent, InvalidEventError, TicketEvent } from '../domain/events.js';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter } from './adapter.js';
import { PayloadReader } from './canonicalMapping.js';
import { checkTimestamp, requireHeader, requireSecrets, safeEqual } from './signatures.js';

/** The generic webhook body, for OpenAPI and the README: the canonical event minus tenantId and provider, alone or batched. */
export const GenericEvent = Type.Omit(TicketEvent, ['tenantId', 'provider'], { additionalProperties: false });
/** Events one delivery may carry: each becomes a Temporal call before the 202, which must come within the helpdesk's timeout. */
export const MAX_GENERIC_EVENTS = 500;
export const GenericWebhookBody = Type.Union([
  GenericEvent,
  Type.Object({ events: Type.Array(GenericEvent, { minItems: 1, maxItems: MAX_GENERIC_EVENTS }) }, { additionalProperties: false }),
]);

const ROUTE_FILLED = ['tenantId', 'provider'] as const;

/** Parse a configured secret; a malformed one can never match, and must not break verification with the others. */
function webhookFor(secret: string): Webhook | undefined {
  try {
    return new Webhook(secret);
  } catch {
    return undefined;
  }
}

/**
 * The headers of one signed Standard Webhooks delivery (JSON body): what helpdesks posting to the
 * generic provider send, and what supportloop sends to alert subscribers.
 */
export function standardWebhookHeaders(secret: string | Webhook, id: string, at: Date, body: string | Buffer): Record<string, string> {
  const signer = typeof secret === 'string' ? new Webhook(secret) : secret;
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signer.sign(id, at, body) };
}

export function genericAdapter(options: { toleranceSeconds: number }): HelpdeskAdapter {
  return {
    provider: 'generic',
    verify(request, secrets) {
      requireSecrets('generic', secrets);
      const id = requireHeader(request, 'webhook-id');
      const timestamp = requireHeader(request, 'webhook-timestamp');
      const signatures = requireHeader(request, 'webhook-signature');
      if (!/^\d+$/.test(timestamp)) throw new WebhookAuthError('invalid webhook-timestamp: expected unix seconds');
      const signedAt = new Date(Number(timestamp) * 1000);
      checkTimestamp(signedAt.getTime(), request, options.toleranceSeconds, 'webhook-timestamp');
      // Entries of other versions (v1a asymmetric) are skipped, as the spec asks.
      const presented = signatures.split(' ').filter((s) => s.startsWith('v1,')).map((s) => s.slice(3));
      if (presented.length === 0) throw new WebhookAuthError('webhook-signature has no v1 signature');
      let matched = false;
      for (const secret of secrets) {
        const expected = webhookFor(secret)?.sign(id, signedAt, request.rawBody).slice(3);
        if (expected && presented.some((p) => safeEqual(expected, p))) matched = true;
      }
      if (!matched) throw new WebhookAuthError('bad signature: webhook-signature matches no configured secret');
    },
    map(payload, request, tenantId) {
      const root = PayloadReader.root(payload);
      const batched = 'events' in root.value;
      const items = batched ? root.objects('events') : [root];
      if (items.length === 0) throw new InvalidPayloadError('events', 'events must contain at least one event');
      if (items.length > MAX_GENERIC_EVENTS) throw new InvalidPayloadError('events', `events: at most ${MAX_GENERIC_EVENTS} per delivery (this one has ${items.length}); send them in several`);
      const events = items.map((item, i) => {
        const prefix = batched ? `events.${i}` : '';
        const at = (field: string) => (field === '(root)' ? prefix || field : prefix ? `${prefix}.${field}` : field);
        const filled = { tenantId, provider: 'generic' };
        for (const field of ROUTE_FILLED) {
          if (field in item.value && item.value[field] !== filled[field]) {
            throw new InvalidPayloadError(at(field), `${at(field)} is set by supportloop from the webhook URL; omit it`);
          }
        }
        let event: TicketEvent;
        try {
          event = assertTicketEvent({ ...item.value, ...filled });
        } catch (err) {
          if (err instanceof InvalidEventError) throw new InvalidPayloadError(at(err.field), `${at(err.field)}: ${err.message.replace(/^[^:]*: /, '')}`);
          throw err;
        }
        // Events are sent after they happen: one dated after its delivery (beyond the clock skew the
        // signature allows) would sit in the future of every rollup, timer and dashboard.
        if (Date.parse(event.occurredAt) > request.receivedAt.getTime() + options.toleranceSeconds * 1000) {
          throw new InvalidPayloadError(at('occurredAt'), `${at('occurredAt')}: later than the delivery (received ${request.receivedAt.toISOString()}); send events after they happen`);
        }
        return event;
      });
      return { outcome: 'events', events };
    },
  };
}
