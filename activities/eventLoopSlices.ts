// Long CPU work in the process — a learner learning a large import, a detection series replaying
// five weeks of minutes, an import request classifying thousands of messages — gives the event loop
// back every few tens of milliseconds, so drafts, workflow tasks and (in the embedded process) the
// API keep moving while it runs, instead of stalling for seconds or minutes.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Learner } from '../domain/learning/learner.js';
import type { LearningRecord } from '../domain/learning/records.js';

/** Longest stretch such work holds the event loop. */
export const SLICE_MS = 50;

export class EventLoopSlices {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /** Lets other work run if the current slice has lasted sliceMs; call it between steps of the work. */
  async pause(): Promise<void> {
    if (performance.now() - this.sliceStart <= this.sliceMs) return;
    await yieldToEventLoop();
    this.sliceStart = performance.now();
  }

  /** Runs a generator of steps to its result, pausing between steps. */
  async drive<T>(steps: Generator<void, T, void>): Promise<T> {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await this.pause();
    }
  }
}

/**
 * Learns the records in order, giving the event loop back every SLICE_MS:
 * learning takes milliseconds a ticket, so the first refresh after a large import, or an asOf learner
 * over a long history, would otherwise stall the worker — other tenants' drafts, workflow tasks, and
 * in the embedded process the API — for as long as it takes.
 */
export async function learnInSlices(learner: Learner, records: Iterable<LearningRecord>): Promise<Learner> {
  const slices = new EventLoopSlices();
  for (const record of records) {
    await slices.pause();
    learner.learn(record);
  }
  return learner;
}
