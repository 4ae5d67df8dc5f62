// A second start on the same data dir resumes the same tickets: the dev server's SQLite file keeps
// the running lifecycles, chDB keeps the rows.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { ticketStateQuery, ticketWorkflowId } from '../../workflows/messages.js';
import { createTenant, eventually, signGeneric, startOnFreePort } from '../helpers/supportloop.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const start = () => startOnFreePort({ dataDir });

async function postMessage(sl: Supportloop, secret: string, eventId: string) {
  const body = JSON.stringify({ eventId, kind: 'message.customer', ticketId: 'R-1', occurredAt: new Date().toISOString(), channel: 'chat', tags: [], body: `message ${eventId}` });
  return sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(secret, body), payload: body });
}

describe('restart', () => {
  it('a second start on the same data dir resumes the same ticket', async () => {
    let sl = await start();
    const acme = await createTenant(sl, 'acme');
    expect((await postMessage(sl, acme.webhookSecrets.generic!, 'r-1')).statusCode).toBe(202);
    const handle = () => sl.temporal.client.workflow.getHandle(ticketWorkflowId('acme', 'R-1'));
    await eventually(async () => ((await handle().query(ticketStateQuery))?.customerMessages === 1 ? true : undefined));
    const firstRun = (await handle().describe()).runId;
    await sl.stop();

    sl = await start();
    try {
      expect((await postMessage(sl, acme.webhookSecrets.generic!, 'r-2')).statusCode).toBe(202);
      const state = await eventually(async () => {
        const s = await handle().query(ticketStateQuery);
        return s?.customerMessages === 2 ? s : undefined;
      });
      expect(state.followUps).toBe(0);
      expect((await handle().describe()).runId).toBe(firstRun);
      const api = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/R-1/events', headers: { authorization: `Bearer ${acme.apiKey}` } });
      expect(api.json().events).toHaveLength(2);
    } finally {
      await sl.stop();
    }
  });
});
