// Zendesk adapter.
//
// Authentication: every Zendesk webhook request carries
//   X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(signing secret, timestamp + raw body))
//   X-Zendesk-Webhook-Signature-Timestamp = ISO-8601 time of signing.
// The secret is the webhook's signing secret, used as a UTF-8 string. Requests whose timestamp is
// more than the configured tolerance away from receipt are rejected (replay protection).
//
// Zendesk webhooks come in two modes, and both are accepted on the same endpoint:
// 1. Event subscriptions: Zendesk's envelope {type: "zen:event-type:ticket.*", id, time, detail, event}.
// 2. Trigger/automation webhooks, whose JSON body the admin writes. Expected template (every field
//    but ticket_id is optional; placeholders that render empty are treated as absent):
//    {
//      "event": "comment_added",          ← set per trigger, one of: ticket_created, comment_added,
//                                            customer_reply, agent_reply, note_added, status_changed,
//                                            ticket_reopened, assigned, escalated, csat (or omit it)
//      "ticket_id": "{{ticket.id}}",
//      "subject": "{{ticket.title}}",
//      "status": "{{ticket.status}}",
//      "priority": "{{ticket.priority}}",
//      "via": "{{ticket.via}}",
//      "tags": "{{ticket.tags}}",
//      "assignee_id": "{{ticket.assignee.id}}",
//      "group": {"id": "{{ticket.group.id}}", "name": "{{ticket.group.name}}"},
//      "updated_at": "{{ticket.updated_at_with_timestamp}}",
//      "requester": {"id": "{{ticket.requester.id}}", "plan": "{{ticket.requester.custom_fields.plan}}"},
//      "organization": {"id": "{{ticket.organization.id}}"},
//      "custom_fields": {"product": "{{ticket.ticket_field_360001234567}}"},
//      "latest_comment": {"id": "{{ticket.latest_comment.id}}", "body": "{{ticket.latest_comment.value}}",
//                         "author_id": "{{ticket.latest_comment.author.id}}", "is_public": "{{ticket.latest_comment.is_public}}"},
//      "satisfaction": {"current_rating": "{{satisfaction.current_rating}}", "current_comment": "{{satisfaction.current_comment}}"}
//    }
//    `latest_comment` may also be a plain string ({{ticket.latest_public_comment}}). A trigger body
//    is a snapshot, so besides what `event` names, the adapter maps whatever the snapshot proves:
//    the latest comment when its author can be told (author_id vs requester.id, is_public), the
//    CSAT rating when rated, and escalation signals. Ids are content-stable, so the same comment or
//    rating seen by several triggers is one event.
import type { TicketEvent, TicketStatus } from '../domain/events.js';
import { InvalidPayloadError, WebhookAuthError, type HelpdeskAdapter, type MapResult, type WebhookRequest } from './adapter.js';
import {
  channelFrom, clampText, contentHash, customerContext, customFieldBag, escalationEvents, escalationSignals,
  eventsOrIgnored, ignored, PayloadReader, plainTextIfHtml, tagList, type EventBase, type EventDraft,
} from './canonicalMapping.js';
import { checkTimestamp, hmac, matchesAnySecret, requireHeader, requireSecrets } from './signatures.js';

const SIGNATURE = 'x-zendesk-webhook-signature';
const TIMESTAMP = 'x-zendesk-webhook-signature-timestamp';
const EVENT_PREFIX = 'zen:event-type:';

/** Zendesk sends OPEN, Open or open depending on the surface; hold is our on_hold. Deleted/archived → undefined. */
function zendeskStatus(raw: string | undefined): TicketStatus | undefined {
  const s = raw?.toLowerCase().replace(/[\s_-]/g, '');
  if (s === 'new' || s === 'open' || s === 'pending' || s === 'solved' || s === 'closed') return s;
  if (s === 'hold' || s === 'onhold') return 'on_hold';
  return undefined;
}

const isDone = (s: TicketStatus | undefined) => s === 'solved' || s === 'closed';

/** solved → ticket.solved; solved/closed → an active status → ticket.reopened; anything else is a plain status change. */
function statusKind(current: TicketStatus, previous: TicketStatus | undefined): TicketEvent['kind'] {
  if (current === 'solved') return 'ticket.solved';
  if (isDone(previous) && !isDone(current)) return 'ticket.reopened';
  return 'ticket.status_changed';
}

function mapEventSubscription(root: PayloadReader, type: string, request: WebhookRequest, tenantId: string): MapResult {
  const eventType = type.slice(EVENT_PREFIX.length);
  if (!eventType.startsWith('ticket.')) return ignored(type, 'only ticket events are mapped');
  const detail = root.obj('detail');
  const ticketId = detail.id('id');
  const time = root.optTime('time') ?? detail.optTime('updated_at') ?? request.receivedAt.toISOString();
  // The ticket's updated_at identifies one change; redeliveries and re-emitted events share it.
  const changedAt = detail.optTime('updated_at') ?? time;
  const tags = tagList(detail.value.tags, detail.path('tags'));
  const priority = detail.optStr('priority')?.toLowerCase();
  const requesterId = detail.optId('requester_id');
  const base: EventBase = {
    tenantId, provider: 'zendesk', ticketId, tags, priority,
    channel: channelFrom(detail.optObj('via')?.optStr('channel')),
    subject: clampText(detail.optStr('subject') ?? '', 1000) || undefined,
    status: zendeskStatus(detail.optStr('status')),
    assigneeId: detail.optId('assignee_id'),
    groupId: detail.optId('group_id'),
    customer: customerContext({ customerId: requesterId, accountId: detail.optId('organization_id') }, customFieldBag(detail.value.custom_fields)),
  };
  const drafts: EventDraft[] = [];
  switch (eventType) {
    case 'ticket.created': {
      const createdAt = detail.optTime('created_at') ?? time;
      drafts.push({ eventId: `zendesk:ticket:${ticketId}:created`, kind: 'ticket.created', occurredAt: createdAt });
      const description = detail.optStr('description');
      if (description) {
        drafts.push({
          eventId: `zendesk:ticket:${ticketId}:description`, kind: 'message.customer', occurredAt: createdAt,
          body: plainTextIfHtml(description), authorId: detail.optId('submitter_id') ?? requesterId,
        });
      }
      break;
    }
    case 'ticket.comment_added': {
      const comment = root.obj('event').obj('comment');
      const author = comment.optObj('author');
      const authorId = author?.optId('id');
      const isStaff = author?.optBool('is_staff') ?? (authorId !== undefined && authorId !== requesterId);
      const body = comment.optStr('body');
      drafts.push({
        eventId: `zendesk:comment:${comment.id('id')}`,
        kind: comment.optBool('is_public') === false ? 'note.internal' : isStaff ? 'reply.agent' : 'message.customer',
        occurredAt: comment.optTime('created_at') ?? time,
        body: body === undefined ? undefined : plainTextIfHtml(body),
        authorId,
      });
      break;
    }
    case 'ticket.status_changed': {
      const event = root.obj('event');
      const current = zendeskStatus(event.str('current'));
      if (!current) return ignored(type, `status ${event.str('current')} is not a lifecycle status`);
      const kind = statusKind(current, zendeskStatus(event.optStr('previous')));
      drafts.push({ eventId: `zendesk:status:${ticketId}:${current}:${changedAt}`, kind, occurredAt: time, status: current });
      break;
    }
    case 'ticket.agent_assignment_changed':
    case 'ticket.group_assignment_changed': {
      const current = root.obj('event').optId('current');
      if (!current) return ignored(type, 'ticket was unassigned');
      const agent = eventType === 'ticket.agent_assignment_changed';
      drafts.push({
        eventId: `zendesk:assigned:${ticketId}:${agent ? 'agent' : 'group'}:${current}:${changedAt}`,
        kind: 'ticket.assigned', occurredAt: time,
        ...(agent ? { assigneeId: current } : { groupId: current }),
      });
      break;
    }
  }
  drafts.push(...escalationEvents(base, escalationSignals({ tags, priority }), time));
  return eventsOrIgnored(base, drafts, type, `zendesk ${eventType} carries nothing the ticket lifecycle uses`);
}

/** Zendesk's satisfaction placeholder renders good/bad (possibly with a suffix); offered/unoffered mean "not rated yet". */
function zendeskCsat(root: PayloadReader): EventDraft['csat'] {
  const satisfaction = root.optObj('satisfaction');
  const raw = satisfaction?.optStr('current_rating');
  if (!satisfaction || !raw || /^(un)?offered$/i.test(raw)) return undefined;
  const score = /^good/i.test(raw) ? 1 : /^bad/i.test(raw) ? 0 : undefined;
  if (score === undefined) throw new InvalidPayloadError('satisfaction.current_rating', `satisfaction.current_rating must be good or bad, got "${raw}"`);
  const comment = satisfaction.optStr('current_comment');
  return { score, raw: clampText(raw, 50), comment: comment === undefined ? undefined : clampText(comment, 5000) };
}

type CommentKind = 'message.customer' | 'reply.agent' | 'note.internal';
const FORCED_COMMENT_KIND: Record<string, CommentKind> = { customer_reply: 'message.customer', agent_reply: 'reply.agent', note_added: 'note.internal' };

function mapTriggerBody(root: PayloadReader, request: WebhookRequest, tenantId: string): MapResult {
  const ticketId = root.id('ticket_id');
  const event = root.optStr('event')?.toLowerCase();
  const updatedAt = root.optTime('updated_at');
  const occurredAt = updatedAt ?? request.receivedAt.toISOString();
  const tags = tagList(root.value.tags, 'tags');
  const priority = root.optStr('priority')?.toLowerCase();
  const group = root.optObj('group');
  const requester = root.optObj('requester');
  const requesterId = requester?.optId('id');
  const organization = root.optObj('organization');
  const { id: _r, email: _e, name: _n, ...requesterAttributes } = requester?.value ?? {};
  const { id: _o, name: _on, ...organizationAttributes } = organization?.value ?? {};
  const base: EventBase = {
    tenantId, provider: 'zendesk', ticketId, tags, priority,
    channel: channelFrom(root.optStr('via')),
    subject: clampText(root.optStr('subject') ?? '', 1000) || undefined,
    status: zendeskStatus(root.optStr('status')),
    assigneeId: root.optId('assignee_id'),
    groupId: group?.optId('id'),
    customer: customerContext(
      { customerId: requesterId, accountId: organization?.optId('id') },
      { ...organizationAttributes, ...requesterAttributes, ...customFieldBag(root.value.custom_fields) },
    ),
  };
  // Without updated_at, a hash of the snapshot stands in (the latest comment tells repeated changes apart).
  const changeKey = updatedAt ?? contentHash(event, base.status, base.assigneeId, base.groupId, root.value.latest_comment ?? null);
  const drafts: EventDraft[] = [];
  let commentMapped = false;

  const commentDraft = (forced?: CommentKind, fallback?: CommentKind): EventDraft | undefined => {
    const raw = root.value.latest_comment;
    const comment = typeof raw === 'string' ? undefined : root.optObj('latest_comment');
    const body = typeof raw === 'string' ? raw.trim() : (comment?.optStr('body') ?? comment?.optStr('value'));
    if (!body) return undefined;
    const authorId = comment?.optId('author_id');
    const inferred: CommentKind | undefined = comment?.optBool('is_public') === false ? 'note.internal'
      : authorId && requesterId ? (authorId === requesterId ? 'message.customer' : 'reply.agent') : undefined;
    const kind = forced ?? inferred ?? fallback;
    if (!kind) return undefined;
    const commentId = comment?.optId('id');
    return {
      eventId: commentId ? `zendesk:comment:${commentId}` : `zendesk:comment:${ticketId}:${contentHash(body)}`,
      kind, occurredAt, body: plainTextIfHtml(body), authorId,
    };
  };

  switch (event) {
    case undefined:
      break;
    case 'ticket_created': {
      drafts.push({ eventId: `zendesk:ticket:${ticketId}:created`, kind: 'ticket.created', occurredAt });
      const first = commentDraft(undefined, 'message.customer');
      if (first) drafts.push(first);
      commentMapped = true;
      break;
    }
    case 'comment_added':
    case 'customer_reply':
    case 'agent_reply':
    case 'note_added': {
      const comment = commentDraft(FORCED_COMMENT_KIND[event]);
      if (!comment) {
        throw new InvalidPayloadError('latest_comment', `a ${event} trigger needs latest_comment with a body${event === 'comment_added' ? ', author_id and requester.id (or is_public)' : ''}`);
      }
      drafts.push(comment);
      commentMapped = true;
      break;
    }
    case 'status_changed': {
      const status = base.status;
      if (!root.has('status')) throw new InvalidPayloadError('status', 'a status_changed trigger needs status');
      if (!status) return ignored(`trigger:${event}`, `status ${root.str('status')} is not a lifecycle status`);
      drafts.push({ eventId: `zendesk:status:${ticketId}:${status}:${changeKey}`, kind: statusKind(status, undefined), occurredAt, status });
      break;
    }
    case 'ticket_reopened':
      drafts.push({ eventId: `zendesk:status:${ticketId}:reopened:${changeKey}`, kind: 'ticket.reopened', occurredAt, status: base.status ?? 'open' });
      break;
    case 'assigned':
      if (!base.assigneeId && !base.groupId) throw new InvalidPayloadError('assignee_id', 'an assigned trigger needs assignee_id or group.id');
      drafts.push({ eventId: `zendesk:assigned:${ticketId}:${base.assigneeId ?? ''}:${base.groupId ?? ''}:${changeKey}`, kind: 'ticket.assigned', occurredAt });
      break;
    case 'escalated': {
      const tier = clampText(root.optStr('escalation_tier') ?? group?.optStr('name') ?? 'escalated', 100);
      drafts.push(...escalationEvents(base, [tier], occurredAt));
      break;
    }
    case 'csat':
      if (!zendeskCsat(root)) throw new InvalidPayloadError('satisfaction.current_rating', 'a csat trigger needs satisfaction.current_rating good or bad');
      break;
    default:
      return ignored(`trigger:${event}`, `unknown trigger event "${event}"`);
  }
  if (!commentMapped) {
    const comment = commentDraft();
    if (comment) drafts.push(comment);
  }
  const csat = zendeskCsat(root);
  if (csat) drafts.push({ eventId: `zendesk:csat:${ticketId}:${contentHash(csat.score, csat.comment ?? '')}`, kind: 'csat.rated', occurredAt, csat });
  drafts.push(...escalationEvents(base, escalationSignals({ tags, priority, groupName: group?.optStr('name') }), occurredAt));
  return eventsOrIgnored(base, drafts, `trigger:${event ?? 'snapshot'}`, 'trigger body carries no comment, rating or event to map');
}

export function zendeskAdapter(options: { toleranceSeconds: number }): HelpdeskAdapter {
  return {
    provider: 'zendesk',
    verify(request, secrets) {
      requireSecrets('zendesk', secrets);
      const signature = requireHeader(request, SIGNATURE);
      const timestamp = requireHeader(request, TIMESTAMP);
      checkTimestamp(Date.parse(timestamp), request, options.toleranceSeconds, TIMESTAMP);
      const valid = matchesAnySecret(secrets, signature, (secret) => hmac('sha256', secret, [timestamp, request.rawBody], 'base64'));
      if (!valid) throw new WebhookAuthError(`bad signature: ${SIGNATURE} matches no configured secret`);
    },
    map(payload, request, tenantId) {
      const root = PayloadReader.root(payload);
      const type = root.optStr('type');
      if (type?.startsWith(EVENT_PREFIX)) return mapEventSubscription(root, type, request, tenantId);
      if (root.has('ticket_id')) return mapTriggerBody(root, request, tenantId);
      if (type) return ignored(type, 'not a Zendesk ticket event');
      throw new InvalidPayloadError('ticket_id', 'expected a Zendesk event (type "zen:event-type:…") or a trigger body with ticket_id');
    },
  };
}
