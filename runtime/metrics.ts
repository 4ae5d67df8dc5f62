// Prometheus metrics of the process, served at GET /metrics: ingest rate and ack latency, writer
// batches, activity failures and detection lag. One registry per process, passed where needed.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'supportloop_process_' });
  return {
    registry,
    webhooks: new Counter({ name: 'supportloop_webhooks_total', help: 'Webhook deliveries by provider and outcome', labelNames: ['provider', 'status'] as const, registers: [registry] }),
    webhookAck: new Histogram({
      name: 'supportloop_webhook_ack_seconds',
      help: 'Time from request to acknowledgement (includes Temporal accepting the signal)',
      labelNames: ['provider'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    writerBatchRows: new Histogram({ name: 'supportloop_writer_batch_rows', help: 'Rows per batched ClickHouse insert', labelNames: ['table'] as const, buckets: [1, 10, 50, 100, 500, 1000, 5000, 20000], registers: [registry] }),
    writerFailures: new Counter({ name: 'supportloop_writer_failed_flushes_total', help: 'Batched inserts that failed (their callers retry)', labelNames: ['table'] as const, registers: [registry] }),
    activityDuration: new Histogram({
      name: 'supportloop_activity_seconds',
      help: 'Activity execution time (local activities included), by activity type',
      labelNames: ['activity'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    activityFailures: new Counter({ name: 'supportloop_activity_failures_total', help: 'Activity executions that threw', labelNames: ['activity'] as const, registers: [registry] }),
    draftsWhileLearning: new Counter({
      name: 'supportloop_drafts_while_learning_total',
      help: "Drafts made from what the tenant's learner had learned so far, its refresh still learning past the draft wait (SUPPORTLOOP_DRAFT_WAIT_SECONDS), per tenant",
      labelNames: ['tenant'] as const,
      registers: [registry],
    }),
    detectionLag: new Gauge({ name: 'supportloop_detection_lag_seconds', help: 'Now minus the last minute spike detection has processed, per tenant', labelNames: ['tenant'] as const, registers: [registry] }),
    detectionLateEvents: new Counter({
      name: 'supportloop_detection_late_events_total',
      help: 'Events (customer messages, escalations, reopens) stored after the detection pass that fed their minute, added to the count windows by a later pass, per tenant',
      labelNames: ['tenant'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
