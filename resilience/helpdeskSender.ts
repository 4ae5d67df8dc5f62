// A helpdesk's webhook sender: Standard Webhooks (generic provider) deliveries, one event each,
// retried the way helpdesks retry — on 5xx, 429, timeouts and refused connections, with
// exponential backoff and jitter, the same webhook-id, re-signed at each attempt — and spread
// over several API replicas as a load balancer would.
import { Webhook } from 'standardwebhooks';
import { standardWebhookHeaders } from '../helpdesks/generic.js';

export type EventKind = 'ticket.created' | 'message.customer' | 'reply.agent' | 'note.internal';

export interface PlannedEvent {
  eventId: string;
  ticketId: string;
  kind: EventKind;
}

/** `events` events over `tickets` tickets: each ticket opens with ticket.created, then customer messages, agent replies and notes. */
export function planEvents(runId: string, events: number, tickets: number): PlannedEvent[] {
  const cycle: EventKind[] = ['message.customer', 'reply.agent', 'message.customer', 'note.internal'];
  const perTicket = new Array<number>(tickets).fill(0);
  const planned: PlannedEvent[] = [];
  for (let i = 0; i < events; i++) {
    const t = i % tickets;
    const n = perTicket[t]++;
    planned.push({ eventId: `${runId}-e${i}`, ticketId: `${runId}-t${t}`, kind: n === 0 ? 'ticket.created' : cycle[(n - 1) % cycle.length]! });
  }
  return planned;
}

export function eventBody(event: PlannedEvent, at: Date): string {
  return JSON.stringify({
    eventId: event.eventId,
    kind: event.kind,
    ticketId: event.ticketId,
    occurredAt: at.toISOString(),
    channel: 'email',
    tags: [],
    ...(event.kind === 'ticket.created' ? { subject: `Ticket ${event.ticketId}` } : {}),
    ...(event.kind === 'message.customer' || event.kind === 'reply.agent' || event.kind === 'note.internal' ? { body: `${event.kind} ${event.eventId}: my invoice is wrong, please check the charge` } : {}),
  });
}

export interface Attempt {
  eventId: string;
  target: number;
  startedAt: number;
  ms: number;
  /** HTTP status, or 0 for a timeout / refused connection. */
  status: number;
  error?: string;
  /** The Retry-After header of a 429/503. */
  retryAfter?: string;
}

export interface Delivery {
  event: PlannedEvent;
  acknowledged: boolean;
  ackedAt: number | undefined;
  attempts: number;
}

export interface SenderOptions {
  targets: string[];
  tenantId: string;
  secret: string;
  /** Per-attempt timeout (a helpdesk gives up on a slow endpoint and retries). */
  timeoutMs: number;
  /** Give up on one event after this long (then it is reported as undelivered). */
  giveUpAfterMs: number;
  onAttempt?: (attempt: Attempt) => void;
}

const retryable = (status: number) => status === 0 || status === 429 || status >= 500;

export class HelpdeskSender {
  private next = 0;
  private readonly signer: Webhook;

  constructor(private readonly options: SenderOptions) {
    this.signer = new Webhook(options.secret);
  }

  /** One attempt against the next replica; status 0 = no HTTP answer. */
  async attempt(event: PlannedEvent, msgId: string): Promise<Attempt> {
    const target = this.next++ % this.options.targets.length;
    const at = new Date();
    const body = eventBody(event, at);
    const startedAt = Date.now();
    try {
      const response = await fetch(`${this.options.targets[target]}/v1/webhooks/${this.options.tenantId}/generic`, {
        method: 'POST',
        headers: standardWebhookHeaders(this.signer, msgId, at, body),
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.text();
      const retryAfter = response.headers.get('retry-after') ?? undefined;
      return { eventId: event.eventId, target, startedAt, ms: Date.now() - startedAt, status: response.status, ...(response.ok ? {} : { error: text.slice(0, 200), retryAfter }) };
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return { eventId: event.eventId, target, startedAt, ms: Date.now() - startedAt, status: 0, error: cause ?? (err as Error).name };
    }
  }

  /** Deliver until a 2xx, a non-retryable answer, or the give-up deadline. */
  async deliver(event: PlannedEvent): Promise<Delivery> {
    const msgId = `msg_${event.eventId}`;
    const deadline = Date.now() + this.options.giveUpAfterMs;
    for (let attempts = 1; ; attempts++) {
      const attempt = await this.attempt(event, msgId);
      this.options.onAttempt?.(attempt);
      if (attempt.status >= 200 && attempt.status < 300) return { event, acknowledged: true, ackedAt: attempt.startedAt + attempt.ms, attempts };
      if (!retryable(attempt.status) || Date.now() > deadline) return { event, acknowledged: false, ackedAt: undefined, attempts };
      const backoff = Math.min(5_000, 250 * 2 ** Math.min(attempts - 1, 5));
      await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * backoff / 2));
    }
  }

  /**
   * Deliver every event with at most `concurrency` in flight; with `ratePerSecond`, event i is not
   * sent before i / rate seconds (a helpdesk's own pace; a backlog after an outage catches up).
   */
  async deliverAll(events: PlannedEvent[], concurrency: number, onDelivered?: (delivery: Delivery) => void, ratePerSecond?: number): Promise<Delivery[]> {
    const results: Delivery[] = new Array(events.length);
    let cursor = 0;
    const start = Date.now();
    const lane = async () => {
      while (cursor < events.length) {
        const index = cursor++;
        const due = ratePerSecond ? start + (index * 1000) / ratePerSecond : 0;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        results[index] = await this.deliver(events[index]!);
        onDelivered?.(results[index]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, events.length) }, lane));
    return results;
  }
}
