// Long CPU work in the worker gives the event loop back as it goes (activities/eventLoopSlices.ts): a
// learner build over a long history learns every record in order, and a detection series replaying
// weeks ends in exactly the state of a replay run at once, while the rest of the process runs.
import { describe, expect, it } from 'vitest';
import { EventLoopSlices, learnInSlices } from '../../activities/eventLoopSlices.js';
import { MINUTES_PER_PASS_STEP, runSeriesPass, seriesPassSteps, type SeriesPass } from '../../domain/spikeDetection.js';
import type { Learner } from '../../domain/learning/learner.js';
import type { LearningRecord } from '../../domain/learning/records.js';

describe('learning in slices', () => {
  it('learns every record in order, and other work runs between slices', async () => {
    const learned: string[] = [];
    let timerFiredAfter: number | undefined;
    // A learner whose learn takes 2 ms a record (a real one takes a few hundred microseconds).
    const slow = {
      learn: (record: LearningRecord) => {
        const until = performance.now() + 2;
        while (performance.now() < until);
        learned.push(record.at);
      },
    } as unknown as Learner;
    const records = Array.from({ length: 100 }, (_, i) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() }) as LearningRecord);
    setTimeout(() => (timerFiredAfter = learned.length), 0);
    const result = await learnInSlices(slow, records);
    expect(result).toBe(slow);
    expect(learned).toEqual(records.map((r) => r.at));
    // The timer ran while records were still being learned (a 200 ms build, 50 ms slices).
    expect(timerFiredAfter).toBeGreaterThan(0);
    expect(timerFiredAfter).toBeLessThan(records.length);
  });

  it('replays a series in steps to the same result as at once, other work running between them', async () => {
    const from = Date.UTC(2026, 0, 5);
    const minutes = 35 * 1440;
    // Five weeks of a daily-shaped count series with a burst in its last hour.
    const counts = new Map<number, number>();
    for (let i = 0; i < minutes; i++) {
      const hour = Math.floor(i / 60) % 24;
      const n = (hour >= 8 && hour < 18 ? (i * 7) % 5 === 0 : (i * 7) % 23 === 0) ? 1 : 0;
      if (n || i >= minutes - 60) counts.set(from + i * 60_000, n + (i >= minutes - 60 ? 3 : 0));
    }
    const pass = (): SeriesPass => ({ series: 'topic=billing', counts, newSeriesFromMs: from, untilMs: from + (minutes - 1) * 60_000, alert: undefined });
    const nowMs = from + minutes * 60_000;
    const atOnce = runSeriesPass(pass(), nowMs);

    let steps = 0;
    function* counted<T>(inner: Generator<void, T, void>): Generator<void, T, void> {
      for (let step = inner.next(); ; step = inner.next()) {
        if (step.done) return step.value;
        steps++;
        yield;
      }
    }
    let stepsWhenTimerRan: number | undefined;
    setTimeout(() => (stepsWhenTimerRan = steps), 0);
    const inSteps = await new EventLoopSlices(0).drive(counted(seriesPassSteps(pass(), nowMs)));
    expect(inSteps).toEqual(atOnce);
    expect(atOnce.minutesFed).toBe(minutes);
    expect(atOnce.notices.length).toBeGreaterThan(0);
    expect(steps).toBe(Math.ceil(minutes / MINUTES_PER_PASS_STEP) - 1);
    expect(stepsWhenTimerRan).toBeGreaterThan(0);
    expect(stepsWhenTimerRan).toBeLessThan(steps);
  });
});
