// The simulator's only way into the product: its public HTTP API, exactly as a helpdesk uses it.
// Webhooks go to POST {url}/v1/webhooks/{tenantId}/generic signed the Standard Webhooks way
// (`standardwebhooks` Webhook.sign; a retry keeps its webhook-id and is signed again with a fresh
// timestamp) and are retried on 429/5xx/network errors with exponential backoff, honouring
// Retry-After. Drafts are read from GET {url}/v1/tickets/{ticketId}/suggestion, answered as
// `{suggestion: {suggestionId, draft, messageAt, strategy?, …}}` (a flat `{suggestionId, draft}` is read too):
// polled until a suggestion for the message just sent appears — a suggestionId other than the last
// one used and, when the product says which message it drafted for, a messageAt no older than that
// message (so the draft for a "thanks" never stands in for the next question). 404 means "not
// drafted yet"; if the route does not exist (404 route_not_found) or nothing arrives in time, the
// draft is empty and the ticket goes on.
import { Webhook } from 'standardwebhooks';
import type { ProductArea } from '../domain/productAreas.js';
import { standardWebhookHeaders } from '../helpdesks/generic.js';

export interface TenantCredentials {
  tenantId: string;
  apiKey: string;
  /** The tenant's generic (Standard Webhooks, whsec_…) secret. */
  webhookSecret: string;
}

/** A canonical event as the generic webhook takes it (tenantId and provider come from the URL). */
export interface WebhookEvent {
  eventId: string;
  kind: 'ticket.created' | 'message.customer' | 'reply.agent' | 'ticket.escalated' | 'ticket.solved' | 'ticket.reopened' | 'csat.rated';
  ticketId: string;
  occurredAt: string;
  channel: string;
  tags: string[];
  subject?: string;
  body?: string;
  authorId?: string;
  status?: 'open' | 'pending' | 'solved';
  escalationTier?: string;
  csat?: { score: number; raw: number | string };
  customer?: { customerId: string; accountId: string; plan: string; segment: string; role: string; signupAt: string; custom?: Record<string, string> };
}

/** The response strategy the product chose for a draft (GET …/suggestion `strategy`), as far as the simulator reads it. */
export interface DraftStrategy {
  id: string;
  policy?: string;
  propensity?: number;
  explored?: boolean;
}

export interface DraftResult {
  /** drafted: a new suggestion arrived; missing: none within the wait; unavailable: the product has no suggestion route. */
  status: 'drafted' | 'missing' | 'unavailable';
  suggestionId: string | undefined;
  draft: string;
  waitedMs: number;
  /** The draft's response strategy, when the product says which it chose. */
  strategy?: DraftStrategy;
}

export interface ClientOptions {
  url: string;
  tenants: readonly TenantCredentials[];
  /** How long to wait for a draft before treating it as empty. */
  draftTimeoutMs?: number;
  draftPollMs?: number;
  maxAttempts?: number;
  requestTimeoutMs?: number;
}

/** A response the product will never accept however often it is retried (bad secret, bad payload, unknown tenant). */
export class WebhookRejectedError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejectedError';
  }
}

interface SuggestionBody {
  suggestionId?: unknown;
  draft?: unknown;
  messageAt?: unknown;
  strategy?: unknown;
}

/** The strategy block of a suggestion, if it is there and well-formed. */
export function draftStrategy(value: unknown): DraftStrategy | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const s = value as Record<string, unknown>;
  if (typeof s.id !== 'string') return undefined;
  return {
    id: s.id,
    ...(typeof s.policy === 'string' ? { policy: s.policy } : {}),
    ...(typeof s.propensity === 'number' ? { propensity: s.propensity } : {}),
    ...(typeof s.explored === 'boolean' ? { explored: s.explored } : {}),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retry-After as seconds or an HTTP date, in ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class SupportloopClient {
  readonly stats = { webhooks: 0, events: 0, retries: 0, draftsFetched: 0 };
  /** Set once the product answered that it has no suggestion route, so later tickets don't wait for drafts. */
  suggestionsUnavailable = false;
  private readonly url: string;
  private readonly tenants: Map<string, TenantCredentials & { signer: Webhook }>;
  private deliveries = 0;

  constructor(private readonly options: ClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.tenants = new Map(options.tenants.map((t) => [t.tenantId, { ...t, signer: new Webhook(t.webhookSecret) }]));
  }

  /** Each request's time limit; `withinMs` (a draft's remaining wait) shortens it, to no less than 100 ms. */
  private requestTimeout(withinMs = Infinity): AbortSignal {
    return AbortSignal.timeout(Math.min(this.options.requestTimeoutMs ?? 15_000, Math.max(100, withinMs)));
  }

  private tenant(tenantId: string) {
    const tenant = this.tenants.get(tenantId);
    if (!tenant) throw new Error(`no credentials for tenant "${tenantId}"`);
    return tenant;
  }

  /** Deliver events as one signed generic webhook; resolves once the product acknowledged (202). */
  async postEvents(tenantId: string, events: readonly WebhookEvent[]): Promise<void> {
    const tenant = this.tenant(tenantId);
    const body = JSON.stringify(events.length === 1 ? events[0] : { events });
    const msgId = `msg_${events[0]!.eventId}_${++this.deliveries}`;
    const target = `${this.url}/v1/webhooks/${encodeURIComponent(tenantId)}/generic`;
    const maxAttempts = this.options.maxAttempts ?? 8;
    for (let attempt = 1; ; attempt++) {
      const at = new Date();
      let waitMs: number | undefined;
      let problem: string;
      try {
        const response = await fetch(target, {
          method: 'POST',
          headers: standardWebhookHeaders(tenant.signer, msgId, at, body),
          body,
          signal: this.requestTimeout(),
        });
        const text = await response.text();
        if (response.ok) {
          this.stats.webhooks++;
          this.stats.events += events.length;
          return;
        }
        if (response.status !== 429 && response.status < 500) {
          throw new WebhookRejectedError(response.status, `POST ${target} → ${response.status}: ${text}`);
        }
        waitMs = retryAfterMs(response.headers.get('retry-after'));
        problem = `${response.status}: ${text}`;
      } catch (err) {
        if (err instanceof WebhookRejectedError) throw err;
        problem = err instanceof Error ? err.message : String(err);
      }
      if (attempt >= maxAttempts) throw new Error(`POST ${target} failed after ${attempt} attempts; last: ${problem}`);
      this.stats.retries++;
      await sleep(waitMs ?? Math.min(10_000, 250 * 2 ** (attempt - 1)));
    }
  }

  /**
   * Saves `areas` as the tenant's product areas unless it has its own (saved ones, even none):
   * whether it saved. A run never overwrites what a product team set.
   */
  async defineProductAreas(tenantId: string, areas: readonly ProductArea[]): Promise<boolean> {
    const tenant = this.tenant(tenantId);
    const target = `${this.url}/v1/settings/product-areas`;
    const headers = { authorization: `Bearer ${tenant.apiKey}`, 'content-type': 'application/json' };
    const current = await fetch(target, { headers, signal: this.requestTimeout() });
    const text = await current.text();
    if (current.status !== 200) throw new Error(`GET ${target} (tenant ${tenantId}) → ${current.status}: ${text}`);
    if ((JSON.parse(text) as { overrides?: { areas?: unknown } }).overrides?.areas !== undefined) return false;
    const saved = await fetch(target, { method: 'PUT', headers, body: JSON.stringify({ areas }), signal: this.requestTimeout() });
    if (saved.status !== 200) throw new Error(`PUT ${target} (tenant ${tenantId}) → ${saved.status}: ${await saved.text()}`);
    return true;
  }

  /** The product's draft for the customer message sent at `messageAt`: a suggestion other than `previousSuggestionId`. */
  async fetchDraft(tenantId: string, ticketId: string, previousSuggestionId?: string, messageAt?: string): Promise<DraftResult> {
    const started = Date.now();
    const result = (status: DraftResult['status'], suggestionId?: string, draft = '', strategy?: DraftStrategy): DraftResult => ({ status, suggestionId, draft, waitedMs: Date.now() - started, ...(strategy ? { strategy } : {}) });
    if (this.suggestionsUnavailable) return result('unavailable');
    const tenant = this.tenant(tenantId);
    const deadline = started + (this.options.draftTimeoutMs ?? 5_000);
    const target = `${this.url}/v1/tickets/${encodeURIComponent(ticketId)}/suggestion`;
    let pollMs: number | undefined;
    for (;;) {
      try {
        const response = await fetch(target, {
          headers: { authorization: `Bearer ${tenant.apiKey}` },
          signal: this.requestTimeout(deadline - Date.now()),
        });
        const text = await response.text();
        if (response.status === 200) {
          const parsed = JSON.parse(text) as { suggestion?: SuggestionBody } & SuggestionBody;
          const body = parsed.suggestion ?? parsed;
          const suggestionId = typeof body.suggestionId === 'string' ? body.suggestionId : undefined;
          const forOlderMessage = messageAt !== undefined && typeof body.messageAt === 'string' && Date.parse(body.messageAt) < Date.parse(messageAt);
          if (suggestionId && suggestionId !== previousSuggestionId && !forOlderMessage) {
            this.stats.draftsFetched++;
            return result('drafted', suggestionId, typeof body.draft === 'string' ? body.draft : '', draftStrategy(body.strategy ?? parsed.strategy));
          }
        } else if (response.status === 404 && text.includes('route_not_found')) {
          this.suggestionsUnavailable = true;
          return result('unavailable');
        } else if (response.status === 401 || response.status === 403) {
          throw new WebhookRejectedError(response.status, `GET ${target} → ${response.status}: ${text} (check the tenant's API key)`);
        }
      } catch (err) {
        if (err instanceof WebhookRejectedError) throw err;
        // Network errors and timeouts are like "not drafted yet": keep polling until the deadline.
      }
      // Poll quickly at first, then back off (×1.5 up to 8× the first interval): many tickets waiting
      // at once would otherwise load the product with reads while it drafts.
      const first = this.options.draftPollMs ?? 150;
      pollMs = pollMs === undefined ? first : Math.min(8 * first, pollMs * 1.5);
      const left = deadline - Date.now();
      if (left <= 0) return result('missing');
      await sleep(Math.min(pollMs, left));
    }
  }
}
