import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { createHelpdeskAdapters, generateWebhookSecret, isProvider, PROVIDERS } from '../../../helpdesks/index.js';

describe('helpdesk adapter registry', () => {
  it('has one adapter per provider, named after it', () => {
    expect(PROVIDERS).toEqual(['zendesk', 'intercom', 'freshdesk', 'helpscout', 'generic']);
    const adapters = createHelpdeskAdapters({ toleranceSeconds: 300 });
    expect(Object.keys(adapters).sort()).toEqual([...PROVIDERS].sort());
    for (const provider of PROVIDERS) expect(adapters[provider].provider).toBe(provider);
    expect(isProvider('helpscout')).toBe(true);
    expect(isProvider('front')).toBe(false);
  });

  it('generates a Standard Webhooks secret for generic that signs and verifies', () => {
    const secret = generateWebhookSecret('generic');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    const signedAt = new Date();
    const signature = new Webhook(secret).sign('msg_1', signedAt, '{}');
    const adapters = createHelpdeskAdapters({ toleranceSeconds: 300 });
    const request = { rawBody: Buffer.from('{}'), receivedAt: signedAt, headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)), 'webhook-signature': signature } };
    expect(() => adapters.generic.verify(request, [secret])).not.toThrow();
  });

  it('generates fresh 40-character header-safe secrets for the other providers', () => {
    for (const provider of PROVIDERS.filter((p) => p !== 'generic')) {
      const secrets = new Set(Array.from({ length: 20 }, () => generateWebhookSecret(provider)));
      expect(secrets.size).toBe(20);
      for (const secret of secrets) expect(secret).toMatch(/^[A-Za-z0-9_-]{40}$/);
    }
  });
});
