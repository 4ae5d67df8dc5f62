// npm run bench:detection -- --replay-live <liveStart ISO> — a live run's stream (same options, same
// start: the simulated stream is deterministic in them) fed offline through the passes the schedule
// runs: one backfill pass up to the live start, then one pass per minute with the state through JSON,
// as runSpikeDetection does. The series are the simulated topics, which is what the live passes read
// when the classifier labels every message right and every row is written in time (the live run's
// diagnosis says whether it did). Per spike: when it fired, or how close its strongest windowed count
// evidence came to the alert level, so a miss reads as "the evidence stayed at x of the level".
// With --warmup-days the same spikes can be replayed after a longer history.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ALERT_POLICY } from '../domain/alerts.js';
import { expectedAt, testWindows } from '../domain/detection/countWindows.js';
import { resolveOptions } from '../domain/detection/detectorOptions.js';
import { countParams, type DetectorSnapshot } from '../domain/detection/streamingDetector.js';
import { MINUTE_MS, runSeriesPass, VOLUME_DETECTOR_OPTIONS, type SeriesPassResult } from '../domain/spikeDetection.js';
import { liveTimeline, type LiveBenchOptions } from './detectionLive.js';

export interface ReplayedSpike {
  topic: string;
  startsAt: string;
  ticketsInSpike: number;
  /** Events the count model expected over the spike's minutes (each from the state before that minute). */
  expectedInSpike: number;
  /** Minutes from the spike's start to the minute that fired (the live webhook adds the pass interval and delivery). */
  firedAfterMinutes: number | null;
  /** Strongest count-test evidence during the spike as a share of the alert level (≥ 1 fires), with its window. */
  peakEvidenceOfLevel: number;
  peakWindowMinutes: number;
  peakObserved: number;
  peakExpected: number;
}

export function replayLiveRun(o: Pick<LiveBenchOptions, 'spikes' | 'factor' | 'spikeMinutes' | 'gapMinutes' | 'warmupDays' | 'ticketsPerDay' | 'seed' | 'out'>, liveStart: number): ReplayedSpike[] {
  const { spikes, endMs, history, live } = liveTimeline(o, liveStart);
  const tickets = [...history, ...live];
  const firstMinute = Math.floor(Math.min(...tickets.map((t) => Date.parse(t.openedAt))) / MINUTE_MS) * MINUTE_MS;
  const options = resolveOptions(VOLUME_DETECTOR_OPTIONS);
  const counting = countParams(options);
  const result = spikes.map((spike): ReplayedSpike => {
    const counts = new Map<number, number>();
    for (const t of tickets) {
      if (t.topicId !== spike.topicId) continue;
      const minute = Math.floor(Date.parse(t.openedAt) / MINUTE_MS) * MINUTE_MS;
      counts.set(minute, (counts.get(minute) ?? 0) + 1);
    }
    const [from, to] = [Date.parse(spike.from), Date.parse(spike.to)];
    const series = `topic=${spike.topicId}`;
    let pass: SeriesPassResult = runSeriesPass({ series, counts, newSeriesFromMs: firstMinute, untilMs: liveStart - MINUTE_MS, alert: undefined }, liveStart, DEFAULT_ALERT_POLICY);
    const replayed: ReplayedSpike = { topic: spike.topicId, startsAt: spike.from, ticketsInSpike: 0, expectedInSpike: 0, firedAfterMinutes: null, peakEvidenceOfLevel: 0, peakWindowMinutes: 0, peakObserved: 0, peakExpected: 0 };
    for (let minute = liveStart; minute < endMs; minute += MINUTE_MS) {
      const snapshot = JSON.parse(JSON.stringify(pass.snapshot)) as DetectorSnapshot;
      const value = counts.get(minute) ?? 0;
      if (minute >= from && minute < to) {
        replayed.ticketsInSpike += value;
        if (snapshot.counts) replayed.expectedInSpike += expectedAt(snapshot.counts, minute);
        const evidence = snapshot.counts ? testWindows(structuredClone(snapshot.counts), counting, minute, value) : undefined;
        if (evidence && evidence.surprise / evidence.alertSurprise > replayed.peakEvidenceOfLevel) {
          const peak = evidence.perWidth[evidence.best]!;
          Object.assign(replayed, { peakEvidenceOfLevel: evidence.surprise / evidence.alertSurprise, peakWindowMinutes: (snapshot.counts!.widths[evidence.best]! * snapshot.counts!.stepMs) / MINUTE_MS, peakObserved: peak.observed, peakExpected: peak.expected });
        }
      }
      pass = runSeriesPass({ series, previous: { lastMinuteMs: pass.lastMinuteMs, snapshot }, counts, newSeriesFromMs: firstMinute, untilMs: minute, alert: pass.alert }, minute + MINUTE_MS, DEFAULT_ALERT_POLICY);
      const fired = pass.notices.find((n) => n.kind === 'firing');
      if (fired && replayed.firedAfterMinutes === null && minute >= from && minute <= to + 5 * MINUTE_MS) replayed.firedAfterMinutes = (fired.alert.startedAtMs - from) / MINUTE_MS;
    }
    return replayed;
  });

  console.log(`replay of the live run starting ${new Date(liveStart).toISOString()} after ${o.warmupDays} days of history (simulated topics, every row in time)`);
  console.log('spike  topic                start  tickets (expected)  fired after   peak evidence / alert level (window: observed vs expected)');
  result.forEach((s, i) =>
    console.log(`${String(i + 1).padStart(5)}  ${s.topic.padEnd(20)} ${s.startsAt.slice(11, 16)}  ${String(s.ticketsInSpike).padStart(7)} ${`(${s.expectedInSpike.toFixed(1)})`.padStart(10)}  ${(s.firedAfterMinutes === null ? 'missed' : `${s.firedAfterMinutes} min`).padStart(11)}   ${s.peakEvidenceOfLevel.toFixed(2)} (${s.peakWindowMinutes} min: ${s.peakObserved} vs ${s.peakExpected.toFixed(1)})`),
  );
  mkdirSync(o.out, { recursive: true });
  const file = path.join(o.out, `detection-live-replay-${o.warmupDays}d.json`);
  writeFileSync(file, JSON.stringify({ liveStart: new Date(liveStart).toISOString(), warmupDays: o.warmupDays, spikes: result }, null, 2));
  console.log(`results: ${file}`);
  return result;
}
