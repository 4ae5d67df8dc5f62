// `supportloop start` (everything in one process) SIGKILLed mid-stream and started again on the same
// data dir: the restart must clear the dev server the killed process left behind, and every
// acknowledged event must end up exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEmbeddedChaos } from '../../resilience/embeddedChaos.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-embedded-chaos-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('chaos (embedded, short form)', () => {
  it('loses and doubles nothing when the single process is SIGKILLed and restarted', async () => {
    const result = await runEmbeddedChaos({ events: 300, tickets: 10, workDir, ratePerSecond: 10, concurrency: 8, downMs: 1_000, settleTimeoutMs: 180_000 });
    console.log(JSON.stringify(result));
    expect(result).toMatchObject({ events: 300, acknowledged: 300, undelivered: 0, inClickHouse: 300, inWorkflowState: 300, lost: 0, duplicated: 0 });
    expect(result.kill.ackedBefore).toBeLessThan(300);
    expect(result.kill.nextAckAfterMs).toBeDefined();
  }, 480_000);
});
