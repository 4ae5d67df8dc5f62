// Intercom adapter.
//
// Authentication: X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, raw body)>. The secret is the app's
// client_secret (older webhook subscriptions: their hub_secret). Intercom signs no timestamp, so
// replays are absorbed by content-stable event ids rather than rejected.
//
// Payload: {type: "notification_event", id, topic, created_at, data: {item: <conversation>}}; all
// times are unix seconds and bodies are HTML. The conversation's conversation_parts carries the
// part(s) behind the event; each part maps to one event with the id intercom:part:<partId>, so a
// part seen again in a later notification is the same event. Intercom's "closed" is our solved,
// "snoozed" our pending; its one-level priority flag ("priority") counts as urgent.
import type { TicketStatus } from '../domain/events.js';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type MapResult } from './adapter.js';
import {
  channelFrom, clampText, contentHash, customerContext, escalationEvents, escalationSignals, eventsOrIgnored,
  ignored, PayloadReader, plainTextFromHtml, tagList, type EventBase, type EventDraft,
} from './canonicalMapping.js';
import { hmac, matchesAnySecret, requireHeader, requireSecrets } from './signatures.js';

const SIGNATURE = 'x-hub-signature';
const CUSTOMER_AUTHORS = new Set(['user', 'lead', 'contact']);
const STATES: Record<string, TicketStatus> = { open: 'open', closed: 'solved', snoozed: 'pending' };

type Topic = 'created' | 'customer' | 'agent' | 'note' | 'assigned' | 'closed' | 'opened' | 'snoozed' | 'unsnoozed' | 'snapshot';
const TOPICS: Record<string, Topic> = {
  'conversation.user.created': 'created',
  'conversation.admin.single.created': 'created',
  'conversation.user.replied': 'customer',
  'conversation.admin.replied': 'agent',
  'conversation.admin.noted': 'note',
  'conversation.admin.assigned': 'assigned',
  'conversation.admin.closed': 'closed',
  'conversation.admin.opened': 'opened',
  'conversation.admin.snoozed': 'snoozed',
  'conversation.admin.unsnoozed': 'unsnoozed',
  // These change only what every conversation snapshot is checked for (rating, tags, priority).
  'conversation.rating.added': 'snapshot',
  'conversation_part.tag.created': 'snapshot',
  'conversation.priority.updated': 'snapshot',
};

function isCustomer(author: PayloadReader | undefined): boolean {
  return CUSTOMER_AUTHORS.has(author?.optStr('type')?.toLowerCase() ?? '');
}

/** The first contact of the conversation, with its company and custom attributes when Intercom includes them. */
function intercomCustomer(item: PayloadReader) {
  const contact = item.optObj('contacts')?.objects('contacts')[0] ?? item.optObj('user');
  if (!contact) return undefined;
  const companiesField = contact.value.companies;
  const company = Array.isArray(companiesField) ? contact.objects('companies')[0] : contact.optObj('companies')?.objects('companies')[0];
  const plan = company?.value.plan;
  return customerContext(
    { customerId: contact.optId('id'), accountId: company?.optId('company_id') ?? company?.optId('id') },
    {
      role: contact.optStr('role'),
      signed_up_at: contact.value.signed_up_at,
      external_id: contact.optStr('external_id'),
      plan: typeof plan === 'object' && plan !== null ? (plan as Record<string, unknown>).name : plan,
      ...(contact.optObj('custom_attributes')?.value ?? {}),
    },
  );
}

function intercomCsat(item: PayloadReader): EventDraft['csat'] {
  const rating = item.optObj('conversation_rating');
  const value = rating?.value.rating;
  if (!rating || value === null || value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 5) {
    throw new InvalidPayloadError(rating.path('rating'), `${rating.path('rating')} must be an integer from 1 to 5`);
  }
  const remark = rating.optStr('remark');
  return { score: (value - 1) / 4, raw: value, comment: remark === undefined ? undefined : clampText(plainTextFromHtml(remark), 5000) };
}

function mapNotification(root: PayloadReader, topic: Topic, topicName: string, receivedAt: Date, tenantId: string): MapResult {
  const item = root.obj('data').obj('item');
  const conversationId = item.id('id');
  const fallbackTime = item.optTime('updated_at') ?? root.optTime('created_at') ?? receivedAt.toISOString();
  const source = item.optObj('source');
  const tags = [...tagList(item.optObj('tags')?.value.tags, item.path('tags.tags')), ...tagList(item.optObj('tags_added')?.value.tags, item.path('tags_added.tags'))];
  const priority = item.optStr('priority') === 'priority' ? 'urgent' : undefined;
  const state = item.optStr('state')?.toLowerCase();
  const base: EventBase = {
    tenantId, provider: 'intercom', ticketId: conversationId, tags: [...new Set(tags)].slice(0, 100), priority,
    channel: channelFrom(source?.optStr('type')),
    subject: clampText(plainTextFromHtml(item.optStr('title') ?? source?.optStr('subject') ?? ''), 1000) || undefined,
    status: state ? STATES[state] : undefined,
    assigneeId: item.optId('admin_assignee_id'),
    groupId: item.optId('team_assignee_id'),
    customer: intercomCustomer(item),
  };
  const parts = item.optObj('conversation_parts')?.objects('conversation_parts') ?? [];
  const partsPath = item.path('conversation_parts.conversation_parts');
  const partTime = (part: PayloadReader) => part.optTime('created_at') ?? fallbackTime;
  const drafts: EventDraft[] = [];

  const messageParts = (kind: 'message.customer' | 'reply.agent' | 'note.internal', select: (p: PayloadReader) => boolean) => {
    const selected = parts.filter(select);
    if (selected.length === 0) throw new InvalidPayloadError(partsPath, `${partsPath}: ${topicName} needs a matching conversation part`);
    for (const part of selected) {
      const body = part.optStr('body');
      drafts.push({
        eventId: `intercom:part:${part.id('id')}`, kind, occurredAt: partTime(part),
        body: body === undefined ? undefined : plainTextFromHtml(body), authorId: part.optObj('author')?.optId('id'),
      });
    }
  };
  // State changes: the part recording them when present, else the conversation's state and update time.
  const stateChange = (kind: EventDraft['kind'], status: TicketStatus, partTypes: readonly string[]) => {
    const part = parts.find((p) => partTypes.includes(p.optStr('part_type') ?? ''));
    const eventId = part ? `intercom:part:${part.id('id')}:${status}` : `intercom:status:${conversationId}:${status}:${fallbackTime}`;
    drafts.push({ eventId, kind, status, occurredAt: part ? partTime(part) : fallbackTime });
    const closingReply = part?.optStr('body');
    if (part && closingReply) {
      drafts.push({ eventId: `intercom:part:${part.id('id')}`, kind: 'reply.agent', occurredAt: partTime(part), body: plainTextFromHtml(closingReply), authorId: part.optObj('author')?.optId('id') });
    }
  };

  switch (topic) {
    case 'created': {
      const createdAt = item.optTime('created_at') ?? fallbackTime;
      drafts.push({ eventId: `intercom:conversation:${conversationId}:created`, kind: 'ticket.created', occurredAt: createdAt });
      const body = source?.optStr('body');
      if (source && body) {
        const author = source.optObj('author');
        drafts.push({
          eventId: `intercom:conversation:${conversationId}:source`,
          kind: topicName === 'conversation.admin.single.created' || (author && !isCustomer(author)) ? 'reply.agent' : 'message.customer',
          occurredAt: createdAt, body: plainTextFromHtml(body), authorId: author?.optId('id'),
        });
      }
      break;
    }
    case 'customer':
      messageParts('message.customer', (p) => p.optStr('part_type') === 'comment' && isCustomer(p.optObj('author')));
      break;
    case 'agent':
      messageParts('reply.agent', (p) => p.optStr('part_type') === 'comment' && !isCustomer(p.optObj('author')));
      break;
    case 'note':
      messageParts('note.internal', (p) => p.optStr('part_type') === 'note');
      break;
    case 'assigned': {
      const part = parts.find((p) => /assignment/.test(p.optStr('part_type') ?? ''));
      const to = part?.optObj('assigned_to');
      const toTeam = to?.optStr('type') === 'team';
      const assigneeId = to && !toTeam ? to.optId('id') : base.assigneeId;
      const groupId = toTeam ? to.optId('id') : base.groupId;
      if (!assigneeId && !groupId) return ignored(topicName, 'conversation was unassigned');
      drafts.push({
        eventId: part ? `intercom:part:${part.id('id')}:assigned` : `intercom:assigned:${conversationId}:${contentHash(assigneeId, groupId)}:${fallbackTime}`,
        kind: 'ticket.assigned', occurredAt: part ? partTime(part) : fallbackTime, assigneeId, groupId,
      });
      break;
    }
    case 'closed':
      stateChange('ticket.solved', 'solved', ['close']);
      break;
    case 'opened':
      stateChange('ticket.reopened', 'open', ['open']);
      break;
    case 'snoozed':
      stateChange('ticket.status_changed', 'pending', ['snoozed']);
      break;
    case 'unsnoozed':
      stateChange('ticket.status_changed', 'open', ['unsnoozed']);
      break;
    case 'snapshot':
      break;
  }
  const csat = intercomCsat(item);
  if (csat) {
    const ratedAt = item.optObj('conversation_rating')?.optTime('created_at');
    drafts.push({ eventId: `intercom:rating:${conversationId}:${csat.raw}:${ratedAt ?? contentHash(csat.comment ?? '')}`, kind: 'csat.rated', occurredAt: ratedAt ?? fallbackTime, csat });
  } else if (topicName === 'conversation.rating.added') {
    throw new InvalidPayloadError(item.path('conversation_rating.rating'), `${topicName} needs a rating`);
  }
  drafts.push(...escalationEvents(base, escalationSignals({ tags: base.tags, priority }), fallbackTime));
  return eventsOrIgnored(base, drafts, topicName, `${topicName} carries no rating, escalation tag or priority`);
}

export function intercomAdapter(): HelpdeskAdapter {
  return {
    provider: 'intercom',
    verify(request, secrets) {
      requireSecrets('intercom', secrets);
      const header = requireHeader(request, SIGNATURE);
      const match = /^sha1=([0-9a-f]{40})$/i.exec(header);
      if (!match) throw new WebhookAuthError(`malformed ${SIGNATURE}: expected sha1=<40 hex digits>`);
      const valid = matchesAnySecret(secrets, match[1].toLowerCase(), (secret) => hmac('sha1', secret, [request.rawBody], 'hex'));
      if (!valid) throw new WebhookAuthError(`bad signature: ${SIGNATURE} matches no configured secret`);
    },
    map(payload, request, tenantId) {
      const root = PayloadReader.root(payload);
      const topicName = root.str('topic');
      const topic = TOPICS[topicName];
      if (!topic) return ignored(topicName, topicName === 'ping' ? 'webhook test ping' : `topic ${topicName} is not mapped`);
      return mapNotification(root, topic, topicName, request.receivedAt, tenantId);
    },
  };
}
