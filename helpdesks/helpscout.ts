// Help Scout adapter.
//
// Authentication: X-HelpScout-Signature = base64(HMAC-SHA1(secret, raw body)), where the secret is
// the string (at most 40 characters) entered when creating the webhook. No timestamp is signed;
// replays are absorbed by content-stable event ids. The event type is in X-HelpScout-Event.
//
// Payload: the conversation (both the legacy webhook shape — owner, customer, threads[] — and the
// Mailbox API v2 shape — assignee, primaryCustomer, _embedded.threads — are read), or for
// satisfaction.ratings a rating object (legacy Great/Okay/Bad + ticketId, v2 great/okay/not_good +
// conversationId). Thread bodies are HTML. Help Scout's "closed" is our solved and "active" our
// open; it reports no previous status, so a reopen arrives as ticket.status_changed to open.
import type { TicketEvent, TicketStatus } from '../domain/events.js';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type MapResult, type WebhookRequest } from './adapter.js';
import {
  channelFrom, clampText, contentHash, customerContext, customFieldBag, escalationEvents, escalationSignals,
  eventsOrIgnored, ignored, PayloadReader, plainTextFromHtml, tagList, type EventBase, type EventDraft,
} from './canonicalMapping.js';
import { hmac, matchesAnySecret, requireHeader, requireSecrets } from './signatures.js';

const SIGNATURE = 'x-helpscout-signature';
const EVENT = 'x-helpscout-event';
const STATUSES: Record<string, TicketStatus> = { active: 'open', open: 'open', pending: 'pending', closed: 'solved' };
const RATINGS: Record<string, number> = { great: 1, okay: 0.5, bad: 0, not_good: 0, notgood: 0 };

type MessageKind = Extract<TicketEvent['kind'], 'message.customer' | 'reply.agent' | 'note.internal'>;
const REPLY_EVENTS: Record<string, MessageKind> = {
  'convo.customer.reply.created': 'message.customer',
  'convo.agent.reply.created': 'reply.agent',
  'convo.note.created': 'note.internal',
};
const CONVERSATION_EVENTS = new Set(['convo.created', 'convo.assigned', 'convo.status', 'convo.tags', ...Object.keys(REPLY_EVENTS)]);

/** customer = inbound message, message = agent reply, note = internal; chat and phone threads go by who wrote them. */
function threadKind(thread: PayloadReader): MessageKind | undefined {
  const type = thread.optStr('type')?.toLowerCase();
  if (type === 'note') return 'note.internal';
  if (type === 'customer') return 'message.customer';
  if (type === 'message' || type === 'reply') return 'reply.agent';
  if (type === 'chat' || type === 'phone') return thread.optObj('createdBy')?.optStr('type') === 'customer' ? 'message.customer' : 'reply.agent';
  return undefined;
}

function threadDraft(thread: PayloadReader, kind: MessageKind, fallbackTime: string): EventDraft {
  const body = thread.optStr('body');
  return {
    eventId: `helpscout:thread:${thread.id('id')}`, kind,
    occurredAt: thread.optTime('createdAt') ?? fallbackTime,
    body: body === undefined ? undefined : plainTextFromHtml(body),
    authorId: thread.optObj('createdBy')?.optId('id'),
  };
}

function mapConversation(root: PayloadReader, eventType: string, request: WebhookRequest, tenantId: string): MapResult {
  const conversationId = root.id('id');
  const threadsInline = Array.isArray(root.value.threads);
  const threads = threadsInline ? root.objects('threads') : (root.optObj('_embedded')?.objects('threads') ?? []);
  const threadsPath = threadsInline ? 'threads' : '_embedded.threads';
  const changedAt = root.optTime('userUpdatedAt') ?? root.optTime('userModifiedAt') ?? root.optTime('modifiedAt');
  const fallbackTime = changedAt ?? request.receivedAt.toISOString();
  const customer = root.optObj('primaryCustomer') ?? root.optObj('customer');
  const assignee = root.optObj('assignee') ?? root.optObj('owner');
  const rawStatus = root.optStr('status')?.toLowerCase();
  const status = rawStatus ? STATUSES[rawStatus] : undefined;
  const tags = tagList(root.value.tags, 'tags');
  const base: EventBase = {
    tenantId, provider: 'helpscout', ticketId: conversationId, tags,
    channel: channelFrom(root.optStr('type') ?? root.optObj('source')?.optStr('type')),
    subject: clampText(root.optStr('subject') ?? '', 1000) || undefined,
    status,
    assigneeId: assignee?.optId('id'),
    groupId: root.optId('mailboxId') ?? root.optObj('mailbox')?.optId('id'),
    customer: customerContext(
      { customerId: customer?.optId('id'), accountId: customer?.optId('organizationId') },
      { jobTitle: customer?.optStr('jobTitle'), ...customFieldBag(root.value.customFields), ...customFieldBag(customer?.value.properties) },
    ),
  };
  const drafts: EventDraft[] = [];
  const replyKind = REPLY_EVENTS[eventType];
  if (replyKind) {
    // The thread behind the event is the newest one of its kind; older ones were mapped by their own events.
    const newest = threads
      .filter((t) => threadKind(t) === replyKind)
      .sort((a, b) => (b.optTime('createdAt') ?? '').localeCompare(a.optTime('createdAt') ?? ''))[0];
    if (!newest) throw new InvalidPayloadError(threadsPath, `${eventType} needs a ${replyKind} thread in ${threadsPath}`);
    drafts.push(threadDraft(newest, replyKind, fallbackTime));
  } else if (eventType === 'convo.created') {
    const createdAt = root.optTime('createdAt') ?? fallbackTime;
    drafts.push({ eventId: `helpscout:conversation:${conversationId}:created`, kind: 'ticket.created', occurredAt: createdAt });
    const first = threads
      .filter((t) => threadKind(t) && threadKind(t) !== 'note.internal')
      .sort((a, b) => (a.optTime('createdAt') ?? '').localeCompare(b.optTime('createdAt') ?? ''))[0];
    if (first) drafts.push(threadDraft(first, threadKind(first)!, createdAt));
  } else if (eventType === 'convo.assigned') {
    if (!base.assigneeId) return ignored(eventType, 'conversation was unassigned');
    drafts.push({
      eventId: `helpscout:assigned:${conversationId}:${base.assigneeId}:${changedAt ?? contentHash(base.assigneeId)}`,
      kind: 'ticket.assigned', occurredAt: fallbackTime,
    });
  } else if (eventType === 'convo.status') {
    if (!rawStatus) throw new InvalidPayloadError('status', 'convo.status needs status');
    if (!status) return ignored(eventType, `status ${rawStatus} is not a lifecycle status`);
    const closedAt = status === 'solved' ? root.optTime('closedAt') : undefined;
    drafts.push({
      eventId: `helpscout:status:${conversationId}:${status}:${closedAt ?? changedAt ?? contentHash(status)}`,
      kind: status === 'solved' ? 'ticket.solved' : 'ticket.status_changed', occurredAt: closedAt ?? fallbackTime, status,
    });
  }
  drafts.push(...escalationEvents(base, escalationSignals({ tags }), fallbackTime));
  return eventsOrIgnored(base, drafts, eventType, `${eventType} carries no escalation tag`);
}

function mapRating(root: PayloadReader, request: WebhookRequest, tenantId: string): MapResult {
  // v2 names the conversation conversationId, the legacy rating object ticketId.
  const conversationId = root.optId('conversationId') ?? root.optId('ticketId') ?? root.id('conversationId');
  const raw = root.str('rating');
  const key = raw.toLowerCase().replace(/[\s-]/g, '_');
  if (key === 'unknown') return ignored('satisfaction.ratings', 'rating is unknown');
  const score = RATINGS[key];
  if (score === undefined) throw new InvalidPayloadError('rating', `rating must be great, okay, bad or not_good, got "${raw}"`);
  const comments = root.optStr('comments');
  const ratedAt = root.optTime('modifiedAt') ?? root.optTime('createdAt');
  const ratingId = root.optId('id');
  const base: EventBase = {
    tenantId, provider: 'helpscout', ticketId: conversationId, tags: [], channel: 'other',
    assigneeId: root.optObj('user')?.optId('id') ?? root.optId('userId'),
    customer: customerContext({ customerId: root.optObj('customer')?.optId('id') ?? root.optId('customerId') }),
  };
  return eventsOrIgnored(base, [{
    eventId: ratingId ? `helpscout:rating:${ratingId}:${key}` : `helpscout:rating:${conversationId}:${key}:${ratedAt ?? contentHash(comments ?? '')}`,
    kind: 'csat.rated', occurredAt: ratedAt ?? request.receivedAt.toISOString(),
    csat: { score, raw: clampText(raw, 50), comment: comments === undefined ? undefined : clampText(comments, 5000) },
  }], 'satisfaction.ratings', 'no rating');
}

export function helpscoutAdapter(): HelpdeskAdapter {
  return {
    provider: 'helpscout',
    verify(request, secrets) {
      requireSecrets('helpscout', secrets);
      const signature = requireHeader(request, SIGNATURE);
      const valid = matchesAnySecret(secrets, signature, (secret) => hmac('sha1', secret, [request.rawBody], 'base64'));
      if (!valid) throw new WebhookAuthError(`bad signature: ${SIGNATURE} matches no configured secret`);
    },
    map(payload, request, tenantId) {
      const eventType = request.headers[EVENT]?.trim();
      if (!eventType) throw new InvalidPayloadError(`headers.${EVENT}`, `header ${EVENT} is required`);
      const root = PayloadReader.root(payload);
      if (eventType === 'satisfaction.ratings') return mapRating(root, request, tenantId);
      if (CONVERSATION_EVENTS.has(eventType)) return mapConversation(root, eventType, request, tenantId);
      return ignored(eventType, `event ${eventType} is not mapped`);
    },
  };
}
