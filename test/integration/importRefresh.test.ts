// Imported history is learned in the background once the import goes quiet, through the real API
// into chDB: the tenant's next draft does not wait for it (minutes for tens of thousands of tickets).
// Detection is told of it too (store/historyArrivals.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantLearners, type BackgroundRefreshEvent, type ServedWhileLearningEvent } from '../../activities/tenantLearners.js';
import { importCommand } from '../../cli/import.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { historyArrivalsSince } from '../../store/historyArrivals.js';
import { loadLearnerSnapshot } from '../../store/learnerSnapshots.js';
import { loadLearningRecords } from '../../store/learningRecords.js';
import { TABLES } from '../../store/tables.js';
import { createTenant, eventually, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let tenant: TestTenant;
const dir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-import-refresh-'));
const file = path.join(dir, 'history.jsonl');

/** JSONL of `count` resolved tickets from `first` on: refunds and parcels, a day apart in March 2026. */
function historyLines(first: number, count: number): string {
  return Array.from({ length: count }, (_, k) => {
    const i = first + k;
    return JSON.stringify({
      ticket_id: `Q-${i}`,
      created_at: new Date(Date.UTC(2026, 2, 1 + (i % 20), 10)).toISOString(),
      body: i % 2 ? `Please refund order ${i}` : `Where is my parcel ${i}?`,
      topic: i % 2 ? 'refund' : 'shipping',
      reply: i % 2 ? 'Your refund is on its way.' : 'Your parcel ships today; the tracking link is in your email.',
      channel: 'email',
    });
  }).join('\n');
}

beforeAll(async () => {
  // Live snapshots every 10 records: the stored snapshot shows what the worker's learner has learned.
  sl = await startTestSupportloop({ learnerSnapshotEvery: 10 });
  tenant = await createTenant(sl, 'quiet');
  writeFileSync(file, historyLines(0, 40));
});
afterAll(async () => sl?.cleanup());

describe('learning imported history in the background', () => {
  it('learns an import without any draft: the live learner is stored with every imported record', async () => {
    await importCommand([file, '--url', sl.url!, '--api-key', tenant.apiKey, '--batch', '10']);
    const { records } = await loadLearningRecords(sl.ch, 'quiet', {});
    expect(records.length).toBeGreaterThanOrEqual(40);
    const snapshot = await eventually(async () => {
      const stored = await loadLearnerSnapshot(sl.ch, 'quiet', { learner: 'live' });
      return stored?.records === records.length ? stored : undefined;
    });
    expect(snapshot.records).toBe(records.length);
    // Detection is told of the history as it is written (events 0: detection waits) and once it is
    // stored (its next pass starts the series it covers over): two rows per request, the earliest at
    // the file's first ticket.
    const arrivals = await historyArrivalsSince(sl.ch, 'quiet', 0);
    const stored = arrivals.filter((a) => a.events > 0);
    expect([arrivals.length, stored.length]).toEqual([8, 4]);
    expect(Math.min(...stored.map((a) => a.earliestMs))).toBe(Date.UTC(2026, 2, 1, 10));
    for (const a of stored) expect(arrivals.some((b) => b.events === 0 && b.earliestMs === a.earliestMs && b.arrivedAtMs <= a.arrivedAtMs)).toBe(true);
    // Nothing else asked for the learner: no ticket was drafted for the tenant.
    const [drafts] = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.suggestions)} WHERE tenant_id = 'quiet'`);
    expect(Number(drafts!.n)).toBe(0);
  });

  it('refreshes once after a burst of calls, and a stop drops a refresh not yet started', async () => {
    const events: BackgroundRefreshEvent[] = [];
    const { records } = await loadLearningRecords(sl.ch, 'quiet', {});
    const learners = new TenantLearners(sl.ch, { backgroundRefreshDelayMs: 300, onBackgroundRefresh: (event) => events.push(event) });
    for (let i = 0; i < 3; i++) learners.refreshSoon('quiet');
    await eventually(async () => (events.length > 0 ? events : undefined));
    await sleep(900);
    expect(events).toEqual([expect.objectContaining({ kind: 'done', tenantId: 'quiet', records: records.length })]);

    const stopping = new TenantLearners(sl.ch, { backgroundRefreshDelayMs: 300, onBackgroundRefresh: (event) => events.push(event) });
    stopping.refreshSoon('quiet');
    await stopping.close();
    await sleep(900);
    expect(events).toHaveLength(1);
  });

  it('hands a learner that knows the tenant out while it learns a larger import, and waits for one that does not', async () => {
    const served: ServedWhileLearningEvent[] = [];
    const learners = new TenantLearners(sl.ch, { onServedWhileLearning: (event) => served.push(event) });
    const known = (await learners.current('quiet')).learnedCount;
    const larger = path.join(dir, 'larger.jsonl');
    writeFileSync(larger, historyLines(1000, 600));
    await importCommand([larger, '--url', sl.url!, '--api-key', tenant.apiKey, '--batch', '200']);
    const { records } = await loadLearningRecords(sl.ch, 'quiet', {});
    expect(records.length).toBeGreaterThanOrEqual(known + 1200);

    // Learning 1,200 records takes seconds in slices; with no wait the draft's learner comes back
    // after at most one of them, and goes on learning.
    const handedOut = await learners.current('quiet', { force: true, waitAtMostMs: 0 });
    expect(handedOut.learnedCount).toBeLessThan(records.length);
    expect(served).toEqual([expect.objectContaining({ tenantId: 'quiet', learned: handedOut.learnedCount })]);
    expect((await learners.current('quiet', { force: true })).learnedCount).toBe(records.length);

    // A learner that has never finished learning the tenant knows nothing yet: it is waited for.
    const fresh = await new TenantLearners(sl.ch).current('quiet', { waitAtMostMs: 0 });
    expect(fresh.learnedCount).toBe(records.length);
  });
});
