// The pieces every adapter's provider→canonical mapping shares: reading payload fields with the
// provider's dotted path in errors, HTML→text, content hashes for ids, tags, channels, customer
// context, escalation signals, and the final validation against the canonical schema.
import { createHash } from 'node:crypto';
import { compile } from 'html-to-text';
import { decodeHTML } from 'entities';
import {
  assertTicketEvent, CHANNELS, InvalidEventError,
  type Channel, type CustomerContext, type TicketEvent,
} from '../domain/events.js';
import { InvalidPayloadError, type MapResult } from './adapter.js';

export type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** One object inside a provider payload; every error names the field as a dotted path from the root. */
export class PayloadReader {
  private constructor(readonly value: JsonObject, private readonly prefix: string) {}

  static root(payload: unknown): PayloadReader {
    if (!isObject(payload)) throw new InvalidPayloadError('(root)', 'payload must be a JSON object');
    return new PayloadReader(payload, '');
  }

  path(name: string): string {
    return this.prefix ? `${this.prefix}.${name}` : name;
  }

  has(name: string): boolean {
    return !isBlank(this.value[name]);
  }

  optObj(name: string): PayloadReader | undefined {
    const v = this.value[name];
    if (isBlank(v)) return undefined;
    if (!isObject(v)) throw new InvalidPayloadError(this.path(name), `${this.path(name)} must be an object`);
    return new PayloadReader(v, this.path(name));
  }

  obj(name: string): PayloadReader {
    return this.optObj(name) ?? this.missing(name);
  }

  /** Strings are trimmed and empty means absent (templated bodies render missing values as ""); numbers become strings. */
  optStr(name: string): string | undefined {
    const v = this.value[name];
    if (isBlank(v)) return undefined;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new InvalidPayloadError(this.path(name), `${this.path(name)} must be a string`);
  }

  str(name: string): string {
    return this.optStr(name) ?? this.missing(name);
  }

  /** An identifier: a non-empty string or number of at most 200 characters. */
  id(name: string): string {
    const v = this.str(name);
    if (v.length > 200) throw new InvalidPayloadError(this.path(name), `${this.path(name)} is longer than 200 characters`);
    return v;
  }

  optId(name: string): string | undefined {
    return this.has(name) ? this.id(name) : undefined;
  }

  /** Booleans, or their rendering in a templated body ("true", "false"). */
  optBool(name: string): boolean | undefined {
    const v = this.value[name];
    if (isBlank(v)) return undefined;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    throw new InvalidPayloadError(this.path(name), `${this.path(name)} must be true or false`);
  }

  list(name: string): unknown[] {
    const v = this.value[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new InvalidPayloadError(this.path(name), `${this.path(name)} must be an array`);
    return v;
  }

  objects(name: string): PayloadReader[] {
    return this.list(name).map((item, i) => {
      const path = `${this.path(name)}.${i}`;
      if (!isObject(item)) throw new InvalidPayloadError(path, `${path} must be an object`);
      return new PayloadReader(item, path);
    });
  }

  /** ISO-8601 strings or unix seconds (number or digits), as canonical RFC 3339 UTC. */
  optTime(name: string): string | undefined {
    const v = this.value[name];
    if (isBlank(v)) return undefined;
    const ms = typeof v === 'number' ? v * 1000 : typeof v === 'string' ? (/^\d+$/.test(v.trim()) ? Number(v) * 1000 : Date.parse(v)) : NaN;
    if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799000) {
      throw new InvalidPayloadError(this.path(name), `${this.path(name)} must be an ISO-8601 date-time or unix seconds`);
    }
    return new Date(ms).toISOString();
  }

  time(name: string): string {
    return this.optTime(name) ?? this.missing(name);
  }

  private missing(name: string): never {
    throw new InvalidPayloadError(this.path(name), `${this.path(name)} is required`);
  }
}

/** Cut to the schema's limit without leaving half a surrogate pair. */
export function clampText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const htmlToText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
  ],
});

/** Elements that end a line in the deep-HTML reading; script, style and head contents are not text. */
const LINE_ELEMENTS = new Set(['address', 'article', 'aside', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'tr', 'ul']);
const NOT_TEXT = new Set(['script', 'style', 'head', 'title']);
const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
const ANY_TAG = /<(\/?)([a-z][\w:-]*)[^<>]*>/gi; // [^<>]: a "<" never closed cannot make each later match rescan to the end
/**
 * Deeper than this, HTML is not parsed: html-to-text recurses per element (the stack overflows at a
 * few thousand levels, which was a 500 the helpdesk retried forever) and parsing is quadratic in the
 * depth (80,000 nested elements, under the 1 MB body limit: 1.3 s in htmlparser2 alone). Real
 * emails nest a few dozen levels.
 */
const MAX_PARSED_DEPTH = 1000;

/**
 * HTML read in one linear pass over its tags: the words, decoded entities and a line break at each
 * block. For bodies nested too deep to parse, where the words matter and the layout does not.
 */
function deepHtmlToText(html: string): string {
  const lines = [''];
  let hidden = 0;
  let textFrom = 0;
  for (const tag of html.matchAll(ANY_TAG)) {
    if (hidden === 0) lines[lines.length - 1] += decodeHTML(html.slice(textFrom, tag.index));
    textFrom = tag.index + tag[0].length;
    const name = tag[2]!.toLowerCase();
    if (NOT_TEXT.has(name)) hidden = Math.max(0, hidden + (tag[1] ? -1 : 1));
    else if (LINE_ELEMENTS.has(name)) lines.push('');
  }
  if (hidden === 0) lines[lines.length - 1] += decodeHTML(html.slice(textFrom));
  return lines.map((line) => line.replace(/\s+/g, ' ').trim()).filter(Boolean).join('\n');
}

/** How deep elements nest, read linearly off the tags (an element never closed stays open). */
function nestingDepth(html: string): number {
  let depth = 0;
  let deepest = 0;
  for (const tag of html.matchAll(ANY_TAG)) {
    const name = tag[2]!.toLowerCase();
    if (VOID_ELEMENTS.has(name) || tag[0].endsWith('/>')) continue;
    depth = tag[1] ? Math.max(0, depth - 1) : depth + 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

function convertHtml(html: string): string {
  return nestingDepth(html) > MAX_PARSED_DEPTH ? deepHtmlToText(html) : htmlToText(html);
}

/** Intercom and Help Scout send HTML bodies; the canonical body is plain text (&nbsp; as a plain space). */
export function plainTextFromHtml(html: string): string {
  return clampText(convertHtml(html).replace(/\u00a0/g, ' ').trim(), 100_000);
}

/** An HTML element tag (opening, closing or self-closing) of the kinds rich-text editors write. */
const HTML_TAG = /<\/?(?:a|abbr|b|blockquote|body|br|code|div|em|font|h[1-6]|head|hr|html|i|img|li|ol|p|pre|s|small|span|strong|style|sub|sup|table|tbody|td|th|thead|tr|u|ul)(?:\s[^>]*)?\/?>/i;

/**
 * Placeholder-rendered text and exported ticket text are usually plain but may carry markup; convert
 * only when they do, so plain newlines survive — and so does plain text with angle brackets
 * ("Ana <ana@example.com>", "a < b").
 */
export function plainTextIfHtml(text: string): string {
  return HTML_TAG.test(text) ? plainTextFromHtml(text) : clampText(text.trim(), 100_000);
}

/** Stable short digest of canonical content, for ids when the provider gives nothing stable. */
export function contentHash(...parts: unknown[]): string {
  let text: string;
  try {
    text = JSON.stringify(parts);
  } catch (err) {
    // Parts may be raw payload values (Zendesk's latest_comment); JSON.stringify recurses, and no
    // helpdesk nests a comment thousands of levels deep: refuse it as a bad payload, not a 500.
    if (err instanceof RangeError) throw new InvalidPayloadError('payload', 'payload: nested too deeply (thousands of levels) to read');
    throw err;
  }
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/** Tags as arrays of strings, of {name}/{tag} objects, or one space/comma separated string (Zendesk's {{ticket.tags}}). */
export function tagList(value: unknown, path: string): string[] {
  if (isBlank(value)) return [];
  const items = typeof value === 'string' ? value.split(/[\s,]+/) : value;
  if (!Array.isArray(items)) throw new InvalidPayloadError(path, `${path} must be an array or a space-separated string`);
  const tags = items.map((item, i) => {
    const tag = typeof item === 'string' ? item : isObject(item) ? (item.name ?? item.tag) : undefined;
    if (typeof tag !== 'string') throw new InvalidPayloadError(`${path}.${i}`, `${path}.${i} must be a tag name`);
    return clampText(tag.trim(), 200);
  });
  return [...new Set(tags.filter((t) => t !== ''))].slice(0, 100);
}

/**
 * Escalation policy (documented in the README): a ticket counts as escalated when it carries an
 * escalation tag (escalated, escalation*, tier2…tier9, t2, l2, level2…), when it is routed to a
 * group whose name says so ("Tier 2", "Escalations", "L3 support", "Second line"), or when its
 * priority is urgent. Each signal yields one ticket.escalated per ticket and tier (see escalationEvents).
 */
const ESCALATION_TAG = /^(escalat[\w-]*|tier[_-]?[2-9][\w-]*|level[_-]?[2-9][\w-]*|[lt][2-9])$/i;
const ESCALATION_GROUP = /\b(escalat\w*|tier\s*[2-9]|level\s*[2-9]|l[2-9]|second[\s-]line|2nd[\s-]line)\b/i;

export function escalationSignals(signals: { tags: readonly string[]; priority?: string; groupName?: string }): string[] {
  const tiers = signals.tags.filter((t) => ESCALATION_TAG.test(t));
  if (signals.groupName && ESCALATION_GROUP.test(signals.groupName)) tiers.push(signals.groupName);
  if (signals.priority?.toLowerCase() === 'urgent') tiers.push('urgent');
  return tiers.map((t) => clampText(t, 100));
}

/** Provider channel names ("web_service", "Phone call (incoming)", "beacon-v2", "Outbound Email") → canonical channel. */
export function channelFrom(raw: string | undefined): Channel {
  const s = (raw ?? '').toLowerCase().trim();
  if ((CHANNELS as readonly string[]).includes(s)) return s as Channel;
  if (/web[\s_-]?service|\bapi\b|integration/.test(s)) return 'api';
  if (/phone|voice|\bcall|sms|talk/.test(s)) return 'phone';
  if (/mail/.test(s)) return 'email';
  if (/twitter|facebook|instagram|whatsapp|social|\bline\b|wechat|telegram|viber/.test(s)) return 'social';
  if (/chat|messag|conversation|sdk|beacon/.test(s)) return 'chat';
  if (/web|form|portal|help[\s_-]?cent|feedback|widget/.test(s)) return 'web';
  return 'other';
}

const normKey = (k: string) => k.toLowerCase().replace(/[\s_-]/g, '');
const ALIASES = {
  plan: ['plan', 'planname', 'subscriptionplan', 'pricingplan'],
  segment: ['segment', 'customersegment', 'tier'],
  role: ['role', 'jobtitle', 'userrole'],
  signupAt: ['signupat', 'signupdate', 'signedupat', 'signedup', 'customersince'],
} as const;

/**
 * Customer context from ids and a bag of provider attributes (custom fields, custom attributes,
 * customer properties). Well-known keys become plan/segment/role/signupAt; the rest stay in
 * `custom`, as strings, within the schema's limits.
 */
export function customerContext(ids: { customerId?: string; accountId?: string }, attributes: Record<string, unknown> = {}): CustomerContext | undefined {
  const context: CustomerContext = {};
  if (ids.customerId) context.customerId = ids.customerId;
  if (ids.accountId) context.accountId = ids.accountId;
  const custom: Record<string, string> = {};
  for (const [key, raw] of Object.entries(attributes)) {
    if (isBlank(raw) || isObject(raw) || Array.isArray(raw)) continue;
    const value = typeof raw === 'string' ? raw.trim() : String(raw);
    const known = (Object.keys(ALIASES) as (keyof typeof ALIASES)[]).find((f) => (ALIASES[f] as readonly string[]).includes(normKey(key)));
    if (known === 'signupAt' && !context.signupAt) {
      const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value);
      if (Number.isFinite(ms) && ms >= 0 && ms <= 253402300799000) {
        context.signupAt = new Date(ms).toISOString();
        continue;
      }
    } else if (known && known !== 'signupAt' && !context[known]) {
      context[known] = clampText(value, 100);
      continue;
    }
    if (Object.keys(custom).length < 50) custom[clampText(key, 200)] = clampText(value, 1000);
  }
  if (Object.keys(custom).length > 0) context.custom = custom;
  return Object.keys(context).length > 0 ? context : undefined;
}

/** Custom fields as Zendesk's [{id, value}] array, [{name|slug, value}] array or a plain object. */
export function customFieldBag(value: unknown): Record<string, unknown> {
  if (isObject(value)) return value;
  if (!Array.isArray(value)) return {};
  const bag: Record<string, unknown> = {};
  for (const f of value) {
    if (!isObject(f)) continue;
    const key = f.name ?? f.slug ?? f.key ?? f.id;
    if (typeof key === 'string' || typeof key === 'number') bag[String(key)] = f.value ?? f.text;
  }
  return bag;
}

/** The ticket-level fields every event of one delivery shares. */
export type EventBase = Pick<TicketEvent, 'tenantId' | 'provider' | 'ticketId' | 'channel' | 'tags'> &
  Partial<Pick<TicketEvent, 'subject' | 'status' | 'priority' | 'assigneeId' | 'groupId' | 'customer'>>;
export type EventDraft = Pick<TicketEvent, 'eventId' | 'kind' | 'occurredAt'> & Partial<TicketEvent>;

/** One ticket.escalated per ticket and tier: the id carries no time, so a signal still present in later snapshots maps to the same event. */
export function escalationEvents(base: EventBase, tiers: readonly string[], occurredAt: string): EventDraft[] {
  return tiers.map((tier) => ({
    eventId: `${base.provider}:escalated:${base.ticketId}:${tier.toLowerCase().replace(/\s+/g, '_')}`,
    kind: 'ticket.escalated' as const,
    occurredAt,
    escalationTier: tier,
  }));
}

/** Merge drafts onto the base, drop duplicates by id, and validate every event against the canonical schema. */
export function finishEvents(base: EventBase, drafts: readonly EventDraft[]): TicketEvent[] {
  const seen = new Set<string>();
  const events: TicketEvent[] = [];
  for (const draft of drafts) {
    if (seen.has(draft.eventId)) continue;
    seen.add(draft.eventId);
    const event = Object.fromEntries(Object.entries({ ...base, ...draft }).filter(([, v]) => v !== undefined));
    try {
      events.push(assertTicketEvent(event));
    } catch (err) {
      if (err instanceof InvalidEventError) throw new InvalidPayloadError(err.field, `mapped ${draft.kind} event is invalid: ${err.message}`);
      throw err;
    }
  }
  return events;
}

/** Events when the delivery produced any, else an acknowledged no-op. */
export function eventsOrIgnored(base: EventBase, drafts: readonly EventDraft[], eventType: string, reason: string): MapResult {
  const events = finishEvents(base, drafts);
  return events.length > 0 ? { outcome: 'events', events } : ignored(eventType, reason);
}

export function ignored(eventType: string, reason: string): MapResult {
  return { outcome: 'ignored', eventType, reason };
}
