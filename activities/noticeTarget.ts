// The one signed POST of a notice to a subscriber's target. The delivery activity (retried by
// Temporal) and the API's test send both use it, so a test exercises exactly what an alert will.
import { standardWebhookHeaders } from '../helpdesks/generic.js';

/** How long a target has to answer one POST. */
export const NOTICE_TIMEOUT_MS = 15_000;

/** Resolves with the target's answer (any status); rejects when it cannot be reached in time. */
export async function postNotice(target: { targetUrl: string; secret: string }, webhookId: string, body: string, at: Date): Promise<Response> {
  const response = await fetch(target.targetUrl, {
    method: 'POST',
    headers: standardWebhookHeaders(target.secret, webhookId, at, body),
    body,
    signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS),
  });
  // Read to the end: an unread body keeps the connection busy.
  await response.arrayBuffer();
  return response;
}
