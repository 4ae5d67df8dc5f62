// Which webhook secrets the admin and alert-subscription routes refuse: ones that would store fine but
// never verify (or never sign) a delivery.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, PROVIDERS, STANDARD_WEBHOOK_SECRET_MAX_LENGTH, STANDARD_WEBHOOK_SECRET_MIN_LENGTH, STANDARD_WEBHOOK_SECRET_PATTERN, standardWebhookSecretProblem, webhookSecretProblem } from '../../../helpdesks/index.js';

const whsec = (bytes: number) => `whsec_${randomBytes(bytes).toString('base64')}`;

describe('standardWebhookSecretProblem', () => {
  it('accepts what the product generates and the spec range of 24–64 bytes, all of which the library parses', () => {
    for (const secret of [generateWebhookSecret('generic'), whsec(24), whsec(25), whsec(32), whsec(63), whsec(64), 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']) {
      expect(standardWebhookSecretProblem(secret), secret).toBeUndefined();
      expect(() => new Webhook(secret)).not.toThrow();
      expect(secret).toMatch(new RegExp(STANDARD_WEBHOOK_SECRET_PATTERN));
      expect(secret.length).toBeGreaterThanOrEqual(STANDARD_WEBHOOK_SECRET_MIN_LENGTH);
      expect(secret.length).toBeLessThanOrEqual(STANDARD_WEBHOOK_SECRET_MAX_LENGTH);
    }
  });

  it('refuses padding in the middle, bad padding, a missing prefix, url-safe base64 and out-of-range key sizes', () => {
    const valid = whsec(32);
    for (const secret of [
      `whsec_A=${'A'.repeat(42)}`, // matched the old pattern; Base64 error on every delivery
      'whsec_abc',
      `${valid.slice(0, -1)}`, // 43 chars: incorrect padding
      `${valid}==`,
      valid.slice('whsec_'.length),
      `whsec_${randomBytes(32).toString('base64url')}-_`,
      whsec(16),
      whsec(23),
      whsec(65),
      'whsec_',
    ]) {
      expect(standardWebhookSecretProblem(secret), secret).toMatch(/whsec_/);
    }
  });
});

describe('webhookSecretProblem', () => {
  it('accepts a generated secret for every provider', () => {
    for (const provider of PROVIDERS) expect(webhookSecretProblem(provider, generateWebhookSecret(provider)), provider).toBeUndefined();
  });

  it('refuses leading/trailing whitespace and control characters for every provider', () => {
    for (const provider of PROVIDERS) {
      const good = generateWebhookSecret(provider);
      expect(webhookSecretProblem(provider, `${good}\n`)).toMatch(/whitespace/);
      expect(webhookSecretProblem(provider, ` ${good}`)).toMatch(/whitespace/);
      expect(webhookSecretProblem(provider, `${good}\u00a0`)).toMatch(/whitespace/);
      expect(webhookSecretProblem(provider, `${good.slice(0, 10)}\u0000${good.slice(10)}`)).toMatch(/control/);
      expect(webhookSecretProblem(provider, `${good.slice(0, 10)}\u007f${good.slice(10)}`)).toMatch(/control/);
    }
  });

  it('applies Help Scout\'s documented 40-character limit and only to Help Scout', () => {
    expect(webhookSecretProblem('helpscout', 'a'.repeat(40))).toBeUndefined();
    expect(webhookSecretProblem('helpscout', 'a'.repeat(41))).toMatch(/at most 40/);
    expect(webhookSecretProblem('zendesk', 'a'.repeat(200))).toBeUndefined();
  });

  it('requires a Standard Webhooks secret for generic only', () => {
    expect(webhookSecretProblem('generic', 'whsec_abc')).toMatch(/whsec_/);
    expect(webhookSecretProblem('generic', 'plain-shared-secret-123')).toMatch(/whsec_/);
    expect(webhookSecretProblem('zendesk', 'plain-shared-secret-123')).toBeUndefined();
  });
});
