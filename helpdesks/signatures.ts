// Webhook authentication primitives shared by the adapters: required headers, HMAC digests over
// the raw body bytes, constant-time comparison and timestamp tolerance. Pure; the clock is the
// request's receivedAt.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookAuthError, type WebhookRequest } from './adapter.js';

/** A header's value (names are lower-cased by the caller), or WebhookAuthError naming the header. */
export function requireHeader(request: WebhookRequest, name: string): string {
  const value = request.headers[name]?.trim();
  if (!value) throw new WebhookAuthError(`missing header ${name}`);
  return value;
}

/** HMAC of the given byte chunks, keyed with the secret as a UTF-8 string (how every provider here keys it). */
export function hmac(algorithm: 'sha1' | 'sha256', secret: string, chunks: readonly (Buffer | string)[], encoding: 'hex' | 'base64'): string {
  const mac = createHmac(algorithm, Buffer.from(secret, 'utf8'));
  for (const chunk of chunks) mac.update(chunk);
  return mac.digest(encoding);
}

/**
 * Constant-time string equality. The length check first is required by timingSafeEqual and only
 * reveals the length of a value whose length is public anyway (a digest, or a token's format).
 */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * True when any secret's expected value matches `presented`. Every secret is tried (no early exit
 * on the first match) so timing does not reveal which rotation slot matched.
 */
export function matchesAnySecret(secrets: readonly string[], presented: string, expected: (secret: string) => string): boolean {
  let matched = false;
  for (const secret of secrets) {
    if (secret && safeEqual(expected(secret), presented)) matched = true;
  }
  return matched;
}

/** Throws unless at least one secret is configured: an empty list must never mean "accept all". */
export function requireSecrets(provider: string, secrets: readonly string[]): void {
  if (!secrets.some((s) => s.length > 0)) throw new WebhookAuthError(`no ${provider} webhook secret is configured for this tenant`);
}

/** Rejects a signed timestamp further than toleranceSeconds from receivedAt, in either direction (replay and clock skew). */
export function checkTimestamp(timestampMs: number, request: WebhookRequest, toleranceSeconds: number, header: string): void {
  if (!Number.isFinite(timestampMs)) throw new WebhookAuthError(`invalid timestamp in header ${header}`);
  const skewSeconds = Math.abs(request.receivedAt.getTime() - timestampMs) / 1000;
  if (skewSeconds > toleranceSeconds) {
    throw new WebhookAuthError(`timestamp in header ${header} is ${Math.round(skewSeconds)}s from now, outside the ${toleranceSeconds}s tolerance`);
  }
}
