// The helpdesk adapters by provider name, and fresh webhook secrets in each provider's format.
import { randomBytes } from 'node:crypto';
import type { HelpdeskAdapter } from './adapter.js';
import { freshdeskAdapter } from './freshdesk.js';
import { genericAdapter } from './generic.js';
import { helpscoutAdapter } from './helpscout.js';
import { intercomAdapter } from './intercom.js';
import { zendeskAdapter } from './zendesk.js';

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
