// Property-based generation of bad webhook requests (fast-check), each with the answer the product
// must give: the status and what the message must name. Pure: a case is data until send time, when
// it is signed with the clock of that moment (signed timestamps must be fresh to test what they test).
import fc from 'fast-check';
import type { Provider } from '../helpdesks/index.js';
import { messagePayload, signedHeaders, type MessageSpec } from './signedDeliveries.js';

export const CATEGORIES = [
  'malformed_json', 'truncated', 'oversized', 'bad_signature', 'old_timestamp', 'content_type', 'bad_field', 'unknown_tenant', 'unknown_provider',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** What a bad request must get back. */
export interface Expectation {
  status: number;
  /** Each entry must appear in the message (case-insensitive): the field, header or reason; a list means any one of them. */
  messageNames: (string | string[])[];
  /** When set, the response's `field` must be it or a field inside it ("tags" accepts "tags.0"). */
  field?: string;
}

export interface FuzzRequest {
  category: Category;
  /** Sub-kind within the category, for the report (e.g. "missing x-hub-signature"). */
  variant: string;
  url: string;
  headers: Record<string, string>;
  body: Buffer;
  expect: Expectation;
}

export interface FuzzContext {
  tenantId: string;
  secrets: Record<Provider, string>;
  maxBodyBytes: number;
  toleranceSeconds: number;
}

/** The header that carries each provider's proof of authenticity (named in its 401s). */
const AUTH_HEADER: Record<Provider, string> = {
  zendesk: 'x-zendesk-webhook-signature',
  intercom: 'x-hub-signature',
  freshdesk: 'x-supportloop-token',
  helpscout: 'x-helpscout-signature',
  generic: 'webhook-signature',
};
/** Headers besides the signature that authentication requires. */
const OTHER_AUTH_HEADERS: Partial<Record<Provider, string[]>> = {
  zendesk: ['x-zendesk-webhook-signature-timestamp'],
  generic: ['webhook-id', 'webhook-timestamp'],
};
/** Providers that sign a timestamp, and its header. The others sign none by design (replays are absorbed by content ids). */
const TIMESTAMP_HEADER: Partial<Record<Provider, string>> = { zendesk: 'x-zendesk-webhook-signature-timestamp', generic: 'webhook-timestamp' };
/** Freshdesk's token does not depend on the body, so a body changed in transit is judged by its content. */
const SIGNS_BODY = (p: Provider) => p !== 'freshdesk';

type FieldType = 'id' | 'str' | 'obj' | 'list' | 'canonicalId' | 'enum' | 'date' | 'tags';
/** Fields every valid customer-message delivery of the provider needs, and the type the product checks. */
const REQUIRED_FIELDS: Record<Provider, { path: string; type: FieldType; field?: string }[]> = {
  zendesk: [
    { path: 'detail', type: 'obj' }, { path: 'detail.id', type: 'id' }, { path: 'event', type: 'obj' },
    { path: 'event.comment', type: 'obj' }, { path: 'event.comment.id', type: 'id' },
  ],
  intercom: [
    { path: 'topic', type: 'str' }, { path: 'data', type: 'obj' }, { path: 'data.item', type: 'obj' }, { path: 'data.item.id', type: 'id' },
    { path: 'data.item.conversation_parts.conversation_parts', type: 'list' }, { path: 'data.item.conversation_parts.conversation_parts.0.id', type: 'id' },
  ],
  freshdesk: [{ path: 'ticket_id', type: 'id' }, { path: 'event', type: 'str' }, { path: 'latest_public_comment', type: 'str' }],
  // Without an inline threads array Help Scout's v2 shape (_embedded.threads) is read, and named.
  helpscout: [{ path: 'id', type: 'id' }, { path: 'threads', type: 'list', field: '_embedded.threads' }, { path: 'threads.0.id', type: 'id' }],
  generic: [
    { path: 'eventId', type: 'canonicalId' }, { path: 'ticketId', type: 'canonicalId' }, { path: 'kind', type: 'enum' }, { path: 'channel', type: 'enum' },
    { path: 'occurredAt', type: 'date' }, { path: 'tags', type: 'tags' },
  ],
};

const MUTATIONS: Record<FieldType, string[]> = {
  id: ['delete', 'null', 'blank', 'bool', 'object', 'array', 'tooLong'],
  str: ['delete', 'null', 'blank', 'bool', 'object', 'array'],
  obj: ['delete', 'null', 'blank', 'bool', 'number', 'array', 'string'],
  list: ['delete', 'null', 'empty', 'string', 'number', 'object'],
  // The canonical schema's ids: strings of 1..200 characters (a space is a valid id there).
  canonicalId: ['delete', 'null', 'emptyString', 'bool', 'object', 'array', 'tooLong', 'number'],
  enum: ['delete', 'null', 'number', 'unknownValue', 'bool'],
  date: ['delete', 'null', 'number', 'notADate', 'array'],
  tags: ['delete', 'null', 'string', 'numbers', 'tooMany'],
};

function mutatedValue(mutation: string, noise: string): unknown {
  switch (mutation) {
    case 'null': return null;
    case 'blank': return ' '.repeat(noise.length % 3);
    case 'bool': return noise.length % 2 === 0;
    case 'object': return { value: noise };
    case 'array': return [noise];
    case 'tooLong': return `x${noise}`.padEnd(201 + noise.length, 'x');
    case 'number': return noise.length;
    case 'string': return `not-a-container ${noise}`;
    case 'empty': return [];
    case 'emptyString': return '';
    case 'unknownValue': return `zz.${noise}`;
    case 'notADate': return `never ${noise}`;
    case 'numbers': return [noise.length, 1];
    case 'tooMany': return Array.from({ length: 101 }, (_, i) => `t${i}`);
    default: throw new Error(`unknown mutation ${mutation}`);
  }
}

function setPath(root: Record<string, unknown>, path: string, mutation: string, noise: string): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = root;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (mutation === 'delete') delete node[last];
  else node[last] = mutatedValue(mutation, noise);
}

const printable = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~'), minLength: 1, maxLength: 24 });
const anyText = fc.string({ unit: 'grapheme', maxLength: 200 });

/** The valid delivery every bad one starts from: a customer message with generated ids and text. */
const baseMessage = fc.record({
  ticketNo: fc.integer({ min: 1, max: 1_000_000 }),
  messageNo: fc.integer({ min: 1, max: 1_000_000_000 }),
  deliveryId: printable,
  text: anyText.map((t) => (t.trim() ? t : 'hello')),
});
type BaseMessage = typeof baseMessage extends fc.Arbitrary<infer T> ? T : never;

/** A case before signing: everything random is decided here, deterministic under the run's seed. */
export type FuzzPlan = { provider: Provider; base: BaseMessage } & (
  | { category: 'malformed_json'; variant: 'corrupted' | 'garbage' | 'invalid_utf8'; at: number; junk: string }
  | { category: 'truncated'; keep: number; resigned: boolean }
  | { category: 'oversized'; extraBytes: number; declared: boolean }
  | { category: 'bad_signature'; variant: 'missing' | 'tampered' | 'wrong_secret' | 'garbage'; header: number; at: number; junk: string }
  | { category: 'old_timestamp'; variant: 'past' | 'future' | 'unparseable'; skewSeconds: number; junk: string }
  | { category: 'content_type'; contentType: string }
  | { category: 'bad_field'; field: number; mutation: number; noise: string }
  | { category: 'unknown_tenant'; tenantId: string }
  | { category: 'unknown_provider'; provider2: string }
);

const CONTENT_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'text/json', 'application/octet-stream', 'application/jsonp', 'image/png', 'text/html; charset=utf-8'];

export function fuzzPlans(provider: Provider, maxBodyBytes: number): fc.Arbitrary<FuzzPlan> {
  const p = { provider: fc.constant(provider), base: baseMessage };
  const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
  const categories: fc.Arbitrary<FuzzPlan>[] = [
    fc.record({ ...p, category: fc.constant('malformed_json' as const), variant: fc.constantFrom('corrupted' as const, 'garbage' as const, 'invalid_utf8' as const), at, junk: fc.string({ unit: fc.constantFrom(...'{}[]",:\\'), minLength: 1, maxLength: 4 }) }),
    fc.record({ ...p, category: fc.constant('truncated' as const), keep: at, resigned: fc.boolean() }),
    fc.record({ ...p, category: fc.constant('oversized' as const), extraBytes: fc.oneof(fc.integer({ min: 1, max: 1024 }), fc.integer({ min: 1, max: maxBodyBytes })), declared: fc.constant(true) }),
    fc.record({ ...p, category: fc.constant('bad_signature' as const), variant: fc.constantFrom('missing' as const, 'tampered' as const, 'wrong_secret' as const, 'garbage' as const), header: fc.nat(), at, junk: printable }),
    fc.record({ ...p, category: fc.constant('content_type' as const), contentType: fc.constantFrom(...CONTENT_TYPES) }),
    fc.record({ ...p, category: fc.constant('bad_field' as const), field: fc.nat(), mutation: fc.nat(), noise: printable }),
    fc.record({ ...p, category: fc.constant('unknown_tenant' as const), tenantId: printable.map((s) => `no-such-${s}`) }),
    fc.record({ ...p, category: fc.constant('unknown_provider' as const), provider2: printable.filter((s) => !['zendesk', 'intercom', 'freshdesk', 'helpscout', 'generic'].includes(s)) }),
  ];
  if (TIMESTAMP_HEADER[provider]) {
    categories.push(fc.record({
      ...p, category: fc.constant('old_timestamp' as const), variant: fc.constantFrom('past' as const, 'future' as const, 'unparseable' as const),
      skewSeconds: fc.integer({ min: 1, max: 400 * 24 * 3600 }), junk: printable,
    }));
  }
  return fc.oneof(...categories);
}

/** Turn a plan into a request signed now. */
export function buildRequest(plan: FuzzPlan, ctx: FuzzContext, now = new Date()): FuzzRequest {
  const { provider, base } = plan;
  const secret = ctx.secrets[provider];
  const message: MessageSpec = {
    ticketId: `F-${base.ticketNo}`, messageId: `${base.messageNo}`, text: base.text, deliveryId: `fz_${base.deliveryId}`, at: now,
  };
  const payload = messagePayload(provider, message);
  const valid = JSON.stringify(payload);
  const url = `/v1/webhooks/${encodeURIComponent(ctx.tenantId)}/${provider}`;
  const sign = (body: Buffer | string, at = now) => signedHeaders(provider, secret, body, { deliveryId: message.deliveryId, at });
  const out = (variant: string, body: Buffer | string, headers: Record<string, string>, expect: Expectation, path = url): FuzzRequest => ({
    category: plan.category, variant, url: path, headers, body: Buffer.isBuffer(body) ? body : Buffer.from(body), expect,
  });
  const invalidBody: Expectation = { status: 400, messageNames: ['body'], field: 'body' };

  switch (plan.category) {
    case 'malformed_json': {
      if (plan.variant === 'invalid_utf8') {
        // Bytes that are not UTF-8 inside a JSON object: decoded with replacement characters they stay JSON only inside strings, so break the structure too.
        const body = Buffer.concat([Buffer.from('{"a":'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(valid.slice(1))]);
        return out('invalid utf-8 bytes', body, sign(body), { ...invalidBody, messageNames: ['body', 'not valid JSON'] });
      }
      const cut = Math.floor(plan.at * valid.length);
      const body = plan.variant === 'garbage' ? `${plan.junk}${base.text}` : `${valid.slice(0, cut)}${plan.junk}${valid.slice(cut)}`;
      if (isJson(body)) return out('valid JSON after corruption: wrong root', '[1', sign('[1'), { ...invalidBody, messageNames: ['body', 'not valid JSON'] });
      return out(plan.variant, body, sign(body), { ...invalidBody, messageNames: ['body', 'not valid JSON'] });
    }
    case 'truncated': {
      const body = valid.slice(0, Math.floor(plan.keep * valid.length));
      if (plan.resigned || !SIGNS_BODY(provider)) {
        const headers = plan.resigned ? sign(body) : sign(valid);
        return out(plan.resigned ? 'truncated then signed' : 'truncated in transit', body, headers, { ...invalidBody, messageNames: ['body'] });
      }
      return out('truncated in transit', body, sign(valid), { status: body.length === 0 ? 400 : 401, messageNames: [body.length === 0 ? 'body' : AUTH_HEADER[provider]] });
    }
    case 'oversized': {
      // Still valid, signed JSON: only its size is wrong.
      const big = JSON.stringify({ ...payload, padding: 'x'.repeat(ctx.maxBodyBytes + plan.extraBytes - valid.length) });
      return out('over the body limit', big, sign(big), { status: 413, messageNames: ['too large'] });
    }
    case 'bad_signature': {
      const headers = sign(valid);
      const authHeaders = [AUTH_HEADER[provider], ...(OTHER_AUTH_HEADERS[provider] ?? [])];
      const name = AUTH_HEADER[provider];
      switch (plan.variant) {
        case 'missing': {
          const header = authHeaders[plan.header % authHeaders.length]!;
          delete headers[header];
          return out(`missing ${header}`, valid, headers, { status: 401, messageNames: [header] });
        }
        case 'tampered': {
          if (!SIGNS_BODY(provider)) return out('tampered token', valid, { ...headers, [name]: flipChar(headers[name]!, plan.at) }, { status: 401, messageNames: [name] });
          const i = Math.floor(plan.at * valid.length);
          const body = `${valid.slice(0, i)}${valid[i] === ' ' ? '\t' : ' '}${valid.slice(i)}`;
          return out('body changed after signing', body, headers, { status: 401, messageNames: [name] });
        }
        case 'wrong_secret': {
          const other = signedHeaders(provider, provider === 'generic' ? `whsec_${Buffer.from(plan.junk.padEnd(32, 'k')).toString('base64')}` : `wrong-${plan.junk}`, valid, { deliveryId: message.deliveryId, at: now });
          return out('signed with another secret', valid, other, { status: 401, messageNames: [name] });
        }
        case 'garbage':
          return out(`garbage ${name}`, valid, { ...headers, [name]: plan.junk }, { status: 401, messageNames: [name] });
      }
      break;
    }
    case 'old_timestamp': {
      const header = TIMESTAMP_HEADER[provider]!;
      const skew = ctx.toleranceSeconds + plan.skewSeconds;
      if (plan.variant === 'unparseable') {
        const headers = sign(valid);
        headers[header] = `t${plan.junk}`;
        // V8's Date.parse reads some words as dates: then it is a timestamp outside the tolerance, also named by header.
        return out('unparseable timestamp', valid, headers, { status: 401, messageNames: [header] });
      }
      const at = new Date(now.getTime() + (plan.variant === 'past' ? -skew : skew) * 1000);
      return out(plan.variant === 'past' ? 'replayed with an old timestamp' : 'timestamp in the future', valid, sign(valid, at), { status: 401, messageNames: [header, 'tolerance'] });
    }
    case 'content_type':
      return out(plan.contentType, valid, { ...sign(valid), 'content-type': plan.contentType }, { status: 415, messageNames: [['media type', 'content-type']] });
    case 'bad_field': {
      const fields = REQUIRED_FIELDS[provider];
      const target = fields[plan.field % fields.length]!;
      const mutations = MUTATIONS[target.type];
      const mutation = mutations[plan.mutation % mutations.length]!;
      const mutated = structuredClone(payload) as Record<string, unknown>;
      setPath(mutated, target.path, mutation, plan.noise);
      const body = JSON.stringify(mutated);
      const field = target.field && ['delete', 'null', 'string', 'number', 'object'].includes(mutation) ? target.field : target.path;
      return out(`${target.path}: ${mutation}`, body, sign(body), { status: 400, messageNames: [field], field });
    }
    case 'unknown_tenant':
      return out('unknown tenant', valid, sign(valid), { status: 404, messageNames: ['tenantId', plan.tenantId], field: 'tenantId' }, `/v1/webhooks/${encodeURIComponent(plan.tenantId)}/${provider}`);
    case 'unknown_provider':
      return out('unknown provider', valid, sign(valid), { status: 400, messageNames: ['provider'], field: 'params.provider' }, `/v1/webhooks/${encodeURIComponent(ctx.tenantId)}/${encodeURIComponent(plan.provider2)}`);
  }
  throw new Error('unreachable');
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function flipChar(value: string, at: number): string {
  const i = Math.floor(at * value.length);
  return `${value.slice(0, i)}${value[i] === 'A' ? 'B' : 'A'}${value.slice(i + 1)}`;
}

export interface Verdict {
  ok: boolean;
  problem?: string;
}

/** Whether the product's answer to a bad request is the one required. */
export function judge(request: FuzzRequest, status: number, responseBody: string): Verdict {
  if (status !== request.expect.status) return { ok: false, problem: `expected ${request.expect.status}, got ${status}: ${responseBody.slice(0, 300)}` };
  let parsed: { message?: unknown; field?: unknown };
  try {
    parsed = JSON.parse(responseBody) as typeof parsed;
  } catch {
    return { ok: false, problem: `response is not JSON: ${responseBody.slice(0, 200)}` };
  }
  const message = typeof parsed.message === 'string' ? parsed.message : '';
  if (!message.trim()) return { ok: false, problem: 'empty message' };
  const names = (entry: string | string[]) => (Array.isArray(entry) ? entry : [entry]);
  const missing = request.expect.messageNames.filter((entry) => !names(entry).some((name) => message.toLowerCase().includes(name.toLowerCase())));
  if (missing.length) return { ok: false, problem: `message "${message}" does not name ${missing.map((e) => names(e).join(' or ')).join(', ')}` };
  const field = request.expect.field;
  if (field !== undefined && parsed.field !== field && !String(parsed.field).startsWith(`${field}.`)) {
    return { ok: false, problem: `field ${JSON.stringify(parsed.field)} instead of ${request.expect.field} (message "${message}")` };
  }
  return { ok: true };
}
