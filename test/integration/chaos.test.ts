// The CI form of `npm run chaos`: 600 events over 20 tickets against the split topology while the
// worker is SIGKILLed, the dev server is killed and restarted and every supportloop process is
// restarted; every acknowledged event must end up exactly once (ClickHouse and workflow state).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chaosReport } from '../../resilience/chaos.js';
import { runChaos } from '../../resilience/chaosRun.js';
import { loadConfig } from '../../runtime/config.js';

const workDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-chaos-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('chaos (short form)', () => {
  it('loses and doubles nothing through a worker SIGKILL, a dev-server restart and a full restart', async () => {
    const result = await runChaos({
      events: 600,
      tickets: 20,
      workDir,
      temporalCli: loadConfig().temporalCli!,
      faults: ['worker-sigkill', 'devserver-restart', 'full-restart'],
      concurrency: 16,
      ratePerSecond: 6,
      apiCount: 2,
      downMs: 2_000,
      settleTimeoutMs: 180_000,
    });
    console.log(chaosReport(result).join('\n'));
    expect(result.counts).toMatchObject({ planned: 600, acknowledged: 600, undelivered: 0, inClickHouse: 600, inWorkflowState: 600, lost: 0, duplicated: 0, unexpected: 0 });
    expect(result.faults.map((f) => f.kind)).toEqual(['worker-sigkill', 'devserver-restart', 'full-restart']);
    // Every fault hit a live stream, and acknowledgements resumed after each.
    for (const fault of result.faults) {
      expect(fault.ackedBefore, fault.kind).toBeLessThan(600);
      expect(fault.nextAckAfterMs, fault.kind).toBeDefined();
    }
  }, 480_000);
});
