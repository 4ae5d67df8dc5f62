// The workflow bundle's entry point: every workflow type the worker registers.
export { ticketLifecycle } from './ticketLifecycle.js';
export { deliverAlert, detectSpikes } from './detection.js';
