// Spike detection, run by a Temporal Schedule per tenant every minute, and alert delivery: one
// workflow per notice and subscriber, so a target that is down retries on its own (backoff, up to
// a day) without holding back other alerts or other subscribers.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, proxyActivities, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { PlannedDelivery } from '../activities/detection.js';
import { alertDeliveryWorkflowId, type DetectSpikesInput } from './messages.js';

type Activities = ReturnType<typeof createActivities>;

const { runSpikeDetection } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

export async function detectSpikes(input: DetectSpikesInput): Promise<{ series: number; notices: number; withheld: number }> {
  const pass = await runSpikeDetection({ tenantId: input.tenantId });
  for (const delivery of pass.deliveries) {
    try {
      await startChild(deliverAlert, {
        workflowId: alertDeliveryWorkflowId(input.tenantId, delivery.deliveryId),
        args: [{ delivery, retryInitialMs: input.alertRetryInitialMs }],
        // Deliveries outlive this pass; the id makes each notice go out once.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return { series: pass.series, notices: pass.deliveries.length, withheld: pass.withheld };
}

export async function deliverAlert(input: { delivery: PlannedDelivery; retryInitialMs: number }): Promise<void> {
  const { deliverAlertNotice } = proxyActivities<Activities>({
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: input.retryInitialMs, backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: ['TargetGone'] },
  });
  await deliverAlertNotice(input.delivery);
}
