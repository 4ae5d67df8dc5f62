// Freshdesk adapter.
//
// Authentication: Freshdesk signs nothing. Its automation rules' "Trigger webhook" action sends
// whatever headers and credentials the admin configures, so each request must carry the tenant's
// shared secret, either
//   - as the header  X-Supportloop-Token: <secret>   (custom header in the webhook action), or
//   - as HTTP Basic auth whose password is the secret (any user name).
// The value is compared in constant time with every active secret (rotation overlap).
//
// Payload: the JSON body the admin writes in each automation rule. Expected template (ticket_id and
// event are required, everything else optional; placeholders that render empty count as absent):
//   {
//     "event": "customer_reply",   ← set per rule: ticket_created, customer_reply, agent_reply,
//                                     note_added, status_changed, ticket_reopened, assigned,
//                                     escalated, csat
//     "ticket_id": "{{ticket.id}}",
//     "subject": "{{ticket.subject}}",
//     "status": "{{ticket.status}}",          (Open/Pending/Resolved/Closed or 2..5)
//     "priority": "{{ticket.priority}}",      (Low/Medium/High/Urgent or 1..4)
//     "source": "{{ticket.source}}",
//     "tags": "{{ticket.tags}}",
//     "group": "{{ticket.group.name}}",
//     "agent": "{{ticket.agent.email}}",
//     "requester": {"id": "{{ticket.requester.id}}", "email": "{{ticket.requester.email}}"},
//     "company": {"id": "{{ticket.company.id}}", "name": "{{ticket.company.name}}"},
//     "custom_fields": {"plan": "{{ticket.cf_plan}}"},
//     "description": "{{ticket.description}}",
//     "latest_public_comment": "{{ticket.latest_public_comment}}",
//     "latest_private_comment": "{{ticket.latest_private_comment}}",
//     "updated_at": "<ISO-8601 time, if your account can render one>",
//     "csat_rating": "103", "csat_comment": "…"     (csat rules: Freshdesk's survey value 103…-103 or its label)
//   }
// Freshdesk gives comments no id, so comment events are identified by a hash of ticket id + text.
import type { TicketStatus } from '../domain/events.js';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type MapResult, type WebhookRequest } from './adapter.js';
import {
  channelFrom, clampText, contentHash, customerContext, customFieldBag, escalationEvents, escalationSignals,
  eventsOrIgnored, ignored, PayloadReader, plainTextIfHtml, tagList, type EventBase, type EventDraft,
} from './canonicalMapping.js';
import { matchesAnySecret, requireSecrets } from './signatures.js';

const TOKEN = 'x-supportloop-token';
const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

const STATUSES: Record<string, TicketStatus> = {
  '2': 'open', open: 'open', '3': 'pending', pending: 'pending', '4': 'solved', resolved: 'solved', '5': 'closed', closed: 'closed',
  waitingoncustomer: 'pending', waitingonthirdparty: 'on_hold',
};
const PRIORITIES: Record<string, string> = { '1': 'low', '2': 'medium', '3': 'high', '4': 'urgent' };
const SOURCES: Record<string, string> = { '1': 'email', '2': 'web', '3': 'phone', '5': 'social', '6': 'social', '7': 'chat', '8': 'chat', '9': 'web', '10': 'email' };
/** Freshdesk's 7-point survey values and labels, plus the classic 3-point labels, on 0..1. */
const CSAT: Record<string, number> = {
  '103': 1, '102': 5 / 6, '101': 4 / 6, '100': 0.5, '-101': 2 / 6, '-102': 1 / 6, '-103': 0,
  extremelyhappy: 1, veryhappy: 5 / 6, happy: 4 / 6, neutral: 0.5, unhappy: 2 / 6, veryunhappy: 1 / 6, extremelyunhappy: 0,
  awesome: 1, notgood: 0,
};
const COMMENT_EVENTS = {
  customer_reply: { kind: 'message.customer', field: 'latest_public_comment' },
  agent_reply: { kind: 'reply.agent', field: 'latest_public_comment' },
  note_added: { kind: 'note.internal', field: 'latest_private_comment' },
} as const;

function mapTrigger(root: PayloadReader, request: WebhookRequest, tenantId: string): MapResult {
  const ticketId = root.id('ticket_id');
  const event = root.str('event').toLowerCase();
  const eventType = `trigger:${event}`;
  const rawStatus = root.optStr('status');
  const status = rawStatus ? STATUSES[norm(rawStatus)] : undefined;
  const rawPriority = root.optStr('priority');
  const priority = rawPriority ? (PRIORITIES[rawPriority] ?? rawPriority.toLowerCase()) : undefined;
  const rawSource = root.optStr('source');
  const tags = tagList(root.value.tags, 'tags');
  const groupName = root.optStr('group');
  const requester = root.optObj('requester');
  const company = root.optObj('company');
  const updatedAt = root.optTime('updated_at');
  const occurredAt = updatedAt ?? request.receivedAt.toISOString();
  const base: EventBase = {
    tenantId, provider: 'freshdesk', ticketId, tags, status, priority,
    channel: channelFrom(rawSource ? (SOURCES[rawSource] ?? rawSource) : undefined),
    subject: clampText(root.optStr('subject') ?? '', 1000) || undefined,
    assigneeId: root.optId('agent'),
    groupId: groupName ? clampText(groupName, 200) : undefined,
    customer: customerContext(
      { customerId: requester?.optId('id') ?? requester?.optStr('email')?.toLowerCase(), accountId: company?.optId('id') },
      customFieldBag(root.value.custom_fields),
    ),
  };
  // Freshdesk has no change time of its own; without updated_at the snapshot's content (the latest
  // comments tell repeated transitions apart) keys status and assignment events.
  const changeKey = updatedAt ?? contentHash(event, status, base.assigneeId, base.groupId, root.optStr('latest_public_comment') ?? '', root.optStr('latest_private_comment') ?? '');
  const drafts: EventDraft[] = [];

  switch (event) {
    case 'ticket_created': {
      drafts.push({ eventId: `freshdesk:ticket:${ticketId}:created`, kind: 'ticket.created', occurredAt });
      const description = root.optStr('description');
      if (description) {
        drafts.push({ eventId: `freshdesk:ticket:${ticketId}:description`, kind: 'message.customer', occurredAt, body: plainTextIfHtml(description), authorId: base.customer?.customerId });
      }
      break;
    }
    case 'customer_reply':
    case 'agent_reply':
    case 'note_added': {
      const { kind, field } = COMMENT_EVENTS[event];
      const text = root.optStr(field);
      if (!text) throw new InvalidPayloadError(field, `a ${event} rule needs ${field}`);
      const body = plainTextIfHtml(text);
      drafts.push({
        eventId: `freshdesk:comment:${ticketId}:${contentHash(body)}`, kind, occurredAt, body,
        authorId: kind === 'message.customer' ? base.customer?.customerId : base.assigneeId,
      });
      break;
    }
    case 'status_changed':
      if (!rawStatus) throw new InvalidPayloadError('status', 'a status_changed rule needs status');
      if (!status) return ignored(eventType, `status "${rawStatus}" is a custom status with no lifecycle meaning`);
      drafts.push({ eventId: `freshdesk:status:${ticketId}:${status}:${changeKey}`, kind: status === 'solved' ? 'ticket.solved' : 'ticket.status_changed', occurredAt, status });
      break;
    case 'ticket_reopened':
      drafts.push({ eventId: `freshdesk:status:${ticketId}:reopened:${changeKey}`, kind: 'ticket.reopened', occurredAt, status: status ?? 'open' });
      break;
    case 'assigned':
      if (!base.assigneeId && !base.groupId) throw new InvalidPayloadError('agent', 'an assigned rule needs agent or group');
      drafts.push({ eventId: `freshdesk:assigned:${ticketId}:${contentHash(base.assigneeId, base.groupId)}:${changeKey}`, kind: 'ticket.assigned', occurredAt });
      break;
    case 'escalated':
      drafts.push(...escalationEvents(base, [clampText(root.optStr('escalation_tier') ?? groupName ?? 'escalated', 100)], occurredAt));
      break;
    case 'csat':
      if (!root.has('csat_rating')) throw new InvalidPayloadError('csat_rating', 'a csat rule needs csat_rating');
      break;
    default:
      return ignored(eventType, `unknown rule event "${event}"`);
  }
  const rawRating = root.optStr('csat_rating');
  if (rawRating) {
    const score = CSAT[/^[+-]?\d+$/.test(rawRating) ? String(Number(rawRating)) : norm(rawRating)];
    if (score === undefined) throw new InvalidPayloadError('csat_rating', `csat_rating must be a Freshdesk survey value (103…-103) or label, got "${rawRating}"`);
    const comment = root.optStr('csat_comment');
    drafts.push({
      eventId: `freshdesk:csat:${ticketId}:${contentHash(score, comment ?? '')}`, kind: 'csat.rated', occurredAt,
      csat: { score, raw: clampText(rawRating, 50), comment: comment === undefined ? undefined : clampText(comment, 5000) },
    });
  }
  drafts.push(...escalationEvents(base, escalationSignals({ tags, priority, groupName }), occurredAt));
  return eventsOrIgnored(base, drafts, eventType, 'nothing to map');
}

/** The shared secret from X-Supportloop-Token, or the password of HTTP Basic credentials. */
function presentedSecrets(request: WebhookRequest): string[] {
  const presented: string[] = [];
  const token = request.headers[TOKEN]?.trim();
  if (token) presented.push(token);
  const basic = /^basic\s+(\S+)$/i.exec(request.headers.authorization?.trim() ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) presented.push(decoded.slice(colon + 1));
  }
  return presented;
}

export function freshdeskAdapter(): HelpdeskAdapter {
  return {
    provider: 'freshdesk',
    verify(request, secrets) {
      requireSecrets('freshdesk', secrets);
      const presented = presentedSecrets(request);
      if (presented.length === 0) throw new WebhookAuthError(`missing header ${TOKEN} (or HTTP Basic authorization whose password is the secret)`);
      if (!presented.some((value) => matchesAnySecret(secrets, value, (secret) => secret))) {
        throw new WebhookAuthError(`bad credentials: neither ${TOKEN} nor the Basic password matches a configured secret`);
      }
    },
    map(payload, request, tenantId) {
      return mapTrigger(PayloadReader.root(payload), request, tenantId);
    },
  };
}
