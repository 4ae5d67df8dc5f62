// One Temporal Schedule per tenant runs detectSpikes every interval. Created at start for every
// tenant and when a tenant is created; an existing schedule is left as it is (idempotent).
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { detectionScheduleId, type DetectSpikesInput } from '../workflows/messages.js';

export interface DetectionScheduleOptions {
  client: Client;
  taskQueue: string;
  intervalSeconds: number;
  alertRetryInitialSeconds: number;
}

export async function ensureDetectionSchedule(options: DetectionScheduleOptions, tenantId: string): Promise<void> {
  const input: DetectSpikesInput = { tenantId, alertRetryInitialMs: options.alertRetryInitialSeconds * 1000 };
  try {
    await options.client.schedule.create({
      scheduleId: detectionScheduleId(tenantId),
      spec: { intervals: [{ every: `${options.intervalSeconds} seconds` }] },
      action: { type: 'startWorkflow', workflowType: 'detectSpikes', args: [input], taskQueue: options.taskQueue, workflowId: `${detectionScheduleId(tenantId)}/run` },
      // A pass still running when the next is due: skip, the next pass catches up from the stored state.
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
