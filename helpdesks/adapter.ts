// The contract every helpdesk adapter fulfils: verify the request's authenticity from the raw
// bytes, then map the provider's payload to canonical TicketEvents. Pure: no I/O, the clock and
// the tenant's secrets are passed in.
import type { TicketEvent } from '../domain/events.js';

export interface WebhookRequest {
  /** The exact bytes received; signatures are computed over these, never over re-serialised JSON. */
  rawBody: Buffer;
  /** Header names lower-cased. */
  headers: Record<string, string | undefined>;
  receivedAt: Date;
}

export type MapResult =
  | { outcome: 'events'; events: TicketEvent[] }
  /** A well-formed delivery of a type we don't act on: acknowledged (helpdesks retry non-2xx forever) and recorded as ignored. */
  | { outcome: 'ignored'; eventType: string; reason: string };

export interface HelpdeskAdapter {
  readonly provider: string;
  /**
   * Throws WebhookAuthError when no secret in `secrets` authenticates the request (several secrets
   * are valid during a rotation's overlap window).
   */
  verify(request: WebhookRequest, secrets: readonly string[]): void;
  /** Map a parsed JSON payload; throws InvalidPayloadError naming the missing/malformed field. */
  map(payload: unknown, request: WebhookRequest, tenantId: string): MapResult;
}

/** → 401. */
export class WebhookAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookAuthError';
  }
}

/** → 400, naming the field as a dotted path into the provider's payload (e.g. "detail.id"). */
export class InvalidPayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidPayloadError';
  }
}
