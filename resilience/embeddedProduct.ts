// The product as the resilience commands run it: embedded (chDB on a temp dir, Temporal dev server
// child) on free loopback ports, with one tenant created through the admin API like an operator
// would. Plus the process memory figures they report.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Provider } from '../helpdesks/index.js';
import { loadConfig, type Config } from '../runtime/config.js';
import { startSupportloop, type Supportloop } from '../runtime/supportloop.js';
import { freePort } from '../runtime/temporalDevServer.js';

export interface EmbeddedProduct {
  sl: Supportloop;
  url: string;
  tenant: { tenantId: string; apiKey: string; webhookSecrets: Record<Provider, string> };
  adminKey: string;
  stop(): Promise<void>;
}

export async function startEmbeddedProduct(overrides: Partial<Config> = {}): Promise<EmbeddedProduct> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-resilience-'));
  const adminKey = `admin-${randomBytes(16).toString('hex')}`;
  const sl = await startSupportloop(
    loadConfig({ dataDir, host: '127.0.0.1', port: 0, temporalDevPort: await freePort(), temporalDevUiPort: 0, adminKey, logLevel: 'error', detectionEnabled: false, ...overrides }),
  );
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
      await sl.stop();
      rmSync(dataDir, { recursive: true, force: true });
    })());
  // Ctrl-C mid-run still stops the dev server child and removes the temp data dir.
  const interrupted = () => void stop().finally(() => process.exit(130));
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  try {
    const url = sl.url!;
    const created = await fetch(`${url}/v1/admin/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 'resilience' }),
    });
    if (created.status !== 201) throw new Error(`tenant create failed: ${created.status} ${await created.text()}`);
    return { sl, url, tenant: (await created.json()) as EmbeddedProduct['tenant'], adminKey, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

let gc: (() => void) | undefined;

/** Heap used after a full garbage collection (GC exposed at run time, so `npm run` needs no node flag). */
export function heapAfterGcBytes(): number {
  if (!gc) {
    v8.setFlagsFromString('--expose_gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export const mb = (bytes: number) => bytes / (1024 * 1024);
