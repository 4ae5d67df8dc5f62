// The helpdesk adapters by provider name, fresh webhook secrets in each provider's format, and the
// given secrets that could never verify (or sign) a delivery.
import { randomBytes } from 'node:crypto';
import type { HelpdeskAdapter } from './adapter.js';
import { freshdeskAdapter } from './freshdesk.js';
import { genericAdapter } from './generic.js';
import { helpscoutAdapter } from './helpscout.js';
import { intercomAdapter } from './intercom.js';
import { zendeskAdapter } from './zendesk.js';
import { Webhook } from 'standardwebhooks';

export const PROVIDERS = ['zendesk', 'intercom', 'freshdesk', 'helpscout', 'generic'] as const;
export type Provider = (typeof PROVIDERS)[number];

export function isProvider(value: string): value is Provider {
  return (PROVIDERS as readonly string[]).includes(value);
}

export function createHelpdeskAdapters(options: { toleranceSeconds: number }): Record<Provider, HelpdeskAdapter> {
  return {
    zendesk: zendeskAdapter(options),
    intercom: intercomAdapter(),
    freshdesk: freshdeskAdapter(),
    helpscout: helpscoutAdapter(),
    generic: genericAdapter(options),
  };
}

/**
 * A new random secret for a tenant's provider webhook.
 * - generic: a Standard Webhooks secret, "whsec_" + base64 of 32 random bytes.
 * - others: 40 URL-safe characters (240 bits). 40 is Help Scout's maximum, and the alphabet is safe
 *   in headers and Basic auth (Freshdesk). Zendesk and Intercom issue their own signing secrets;
 *   paste those in instead when setting those webhooks up.
 */
export function generateWebhookSecret(provider: Provider): string {
  if (provider === 'generic') return `whsec_${randomBytes(32).toString('base64')}`;
  return randomBytes(30).toString('base64url');
}

/**
 * A Standard Webhooks secret: "whsec_" + canonical base64 (padding only at the end) of 24–64 random
 * bytes, the range the spec asks for; generateWebhookSecret('generic') issues 32 bytes.
 */
export const STANDARD_WEBHOOK_SECRET_PATTERN = '^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';
const STANDARD_WEBHOOK_KEY_BYTES = { min: 24, max: 64 } as const;
export const STANDARD_WEBHOOK_SECRET_MIN_LENGTH = 'whsec_'.length + 4 * Math.ceil(STANDARD_WEBHOOK_KEY_BYTES.min / 3);
export const STANDARD_WEBHOOK_SECRET_MAX_LENGTH = 'whsec_'.length + 4 * Math.ceil(STANDARD_WEBHOOK_KEY_BYTES.max / 3);
const standardWebhookSecretShape = new RegExp(STANDARD_WEBHOOK_SECRET_PATTERN);

/** Why `secret` cannot sign or verify Standard Webhooks, or undefined when it can. */
export function standardWebhookSecretProblem(secret: string): string | undefined {
  const expected = `must be "whsec_" followed by the base64 of ${STANDARD_WEBHOOK_KEY_BYTES.min}–${STANDARD_WEBHOOK_KEY_BYTES.max} random bytes (padding only at the end)`;
  if (!standardWebhookSecretShape.test(secret)) return expected;
  const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64').length;
  if (bytes < STANDARD_WEBHOOK_KEY_BYTES.min || bytes > STANDARD_WEBHOOK_KEY_BYTES.max) return `${expected}; this one decodes to ${bytes} bytes`;
  try {
    new Webhook(secret);
  } catch (err) {
    return `${expected} (${err instanceof Error ? err.message : String(err)})`;
  }
  return undefined;
}

/** Length limits the providers' own docs state (../shared/HELPDESKS.md): Help Scout secrets are "40 characters or less". */
const MAX_SECRET_CHARS: Partial<Record<Provider, number>> = { helpscout: 40 };

/**
 * Why `secret` would never verify `provider`'s deliveries, or undefined. Stray whitespace or control
 * characters are a copy-paste slip (a trailing newline) the helpdesk does not sign with, so once the
 * rotation overlap ends every delivery would be refused; refuse the secret instead.
 */
export function webhookSecretProblem(provider: Provider, secret: string): string | undefined {
  if (/^\s|\s$/u.test(secret)) return 'must not start or end with whitespace';
  if (/\p{Cc}/u.test(secret)) return 'must not contain control characters';
  const max = MAX_SECRET_CHARS[provider];
  if (max !== undefined && [...secret].length > max) return `must be at most ${max} characters for ${provider}`;
  if (provider === 'generic') return standardWebhookSecretProblem(secret);
  return undefined;
}
