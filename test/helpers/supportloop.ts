// Starts the real product (chDB on a temp dir + a real Temporal dev server on free ports) for an
// integration test file, and signs webhooks the way a helpdesk would.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../runtime/config.js';
import { startSupportloop, type Supportloop } from '../../runtime/supportloop.js';
import { freePort } from '../../runtime/temporalDevServer.js';
import { standardWebhookHeaders } from '../../helpdesks/generic.js';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

export interface TestTenant {
  tenantId: string;
  apiKey: string;
  webhookSecrets: Record<string, string>;
}

/**
 * Start the product on a free port. Another process can take that port between the probe and the
 * dev server's bind (suites run beside other work), so a failed start is retried on a new port.
 */
export async function startOnFreePort(overrides: Partial<Config>): Promise<Supportloop> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startSupportloop(
        loadConfig({ host: '127.0.0.1', port: 0, temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey: ADMIN_KEY, logLevel: 'warn', writerFlushMs: 20, ...overrides }),
      );
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('Temporal dev server')) throw err;
    }
  }
}

export async function startTestSupportloop(overrides: Partial<Config> = {}): Promise<Supportloop & { cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-test-'));
  const running = await startOnFreePort({ dataDir, ...overrides });
  return {
    ...running,
    cleanup: async () => {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createTenant(running: Supportloop, tenantId: string): Promise<TestTenant> {
  const response = await running.app!.inject({ method: 'POST', url: '/v1/admin/tenants', headers: { authorization: `Bearer ${ADMIN_KEY}` }, payload: { tenantId } });
  if (response.statusCode !== 201) throw new Error(`tenant create failed: ${response.statusCode} ${response.body}`);
  return response.json() as TestTenant;
}

/** Headers of a generic (Standard Webhooks) delivery signed with `secret`. */
export function signGeneric(secret: string, body: string, options: { msgId?: string; at?: Date } = {}): Record<string, string> {
  const msgId = options.msgId ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? new Date();
  return standardWebhookHeaders(secret, msgId, at, body);
}

/** Poll until `check` returns a value that is not undefined (real engines are eventually consistent). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
