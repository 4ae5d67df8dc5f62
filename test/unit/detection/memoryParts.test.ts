// How a detector state is stored (domain/detection/memoryParts.ts): its seasonal memories in parts of
// BUCKETS_PER_PART buckets, apart from the rest, whose evidence histograms drop their trailing empty
// bins. Splitting and joining a state that has run for weeks gives the same state; a minute fed changes at most one part per memory; a part lost leaves only
// its own buckets unseen; a state stored whole, and a share state, pass through. Seeded.
import { describe, expect, it } from 'vitest';
import { BUCKETS_PER_PART, fromStoredForm, toStoredForm } from '../../../domain/detection/memoryParts.js';
import { createShareDetector } from '../../../domain/detection/shareDetector.js';
import { adoptStreamingDetector, createStreamingDetector, type DetectorSnapshot } from '../../../domain/detection/streamingDetector.js';
import { MINUTE_MS, VOLUME_DETECTOR_OPTIONS } from '../../../domain/spikeDetection.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const DAY_MS = 24 * 60 * MINUTE_MS;
const START_MS = Date.UTC(2026, 0, 5);

/** A volume detector fed `days` of a topic at ~0.5 a minute with a daily rhythm. */
function fedDetector(days: number) {
  const random = seededRandom(3);
  const detector = createStreamingDetector(VOLUME_DETECTOR_OPTIONS);
  for (let t = START_MS; t < START_MS + days * DAY_MS; t += MINUTE_MS) detector.update(t, poisson(random, 0.5 * (1 + 0.8 * Math.sin((2 * Math.PI * t) / DAY_MS))));
  return detector;
}

/** Through JSON, as storage does. */
const stored = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('detector state in memory parts', () => {
  const detector = fedDetector(15);
  const whole = detector.snapshot();

  it('splits the memories into parts of BUCKETS_PER_PART buckets and joins them back to the same state', () => {
    const { rest, parts } = toStoredForm(whole);
    const memories = whole.baseline!.memories;
    expect(Object.keys(memories).sort()).toEqual(['daily', 'weekly']);
    expect(parts.length).toBe(Math.ceil(memories.daily!.buckets / BUCKETS_PER_PART) + Math.ceil(memories.weekly!.buckets / BUCKETS_PER_PART));
    expect(rest.baseline!.memories.weekly!.history).toEqual([]);
    // The rest is what changes every minute: a small share of the whole.
    expect(JSON.stringify(rest).length).toBeLessThan(JSON.stringify(whole).length / 3);
    // Splitting changed nothing of the state it was given.
    expect(whole.baseline!.memories.weekly!.history.length).toBe(memories.weekly!.buckets);

    // The evidence histograms are stored without their trailing empty bins.
    expect(rest.tails.every((t, i) => t.bins.length < whole.tails[i]!.bins.length && t.bins.at(-1) !== 0)).toBe(true);

    const joined = fromStoredForm(stored(rest), stored(parts));
    expect(joined).toEqual(whole);
    // The joined state runs on exactly as the original.
    const next = START_MS + 15 * DAY_MS;
    const resumed = adoptStreamingDetector(joined);
    const original = adoptStreamingDetector(stored(whole));
    for (let t = next; t < next + 60 * MINUTE_MS; t += MINUTE_MS) expect(resumed.update(t, 2)).toEqual(original.update(t, 2));
  });

  it('a minute fed changes at most one part of each memory, and most minutes none', () => {
    const running = adoptStreamingDetector(stored(whole));
    let before = toStoredForm(running.snapshot()).parts.map((p) => JSON.stringify(p.buckets));
    const changedPerMinute: number[] = [];
    for (let t = START_MS + 15 * DAY_MS; t < START_MS + 15 * DAY_MS + 30 * MINUTE_MS; t += MINUTE_MS) {
      running.update(t, 1);
      const after = toStoredForm(running.snapshot()).parts.map((p) => JSON.stringify(p.buckets));
      changedPerMinute.push(after.filter((p, i) => p !== before[i]).length);
      before = after;
    }
    expect(Math.max(...changedPerMinute)).toBeLessThanOrEqual(2);
    // Five-minute buckets: a bucket closes (and its part changes) in one minute of five.
    expect(changedPerMinute.filter((n) => n > 0).length).toBe(6);
  });

  it('a part lost in a failed write leaves only its own buckets unseen', () => {
    const { rest, parts } = toStoredForm(whole);
    const lost = parts.find((p) => p.memory === 'weekly' && p.index === 1)!;
    const joined = fromStoredForm(stored(rest), stored(parts.filter((p) => p !== lost)));
    const weekly = joined.baseline!.memories.weekly!;
    expect(weekly.history.length).toBe(whole.baseline!.memories.weekly!.buckets);
    const unseen = weekly.history.flatMap((h, b) => (h.length === 0 && whole.baseline!.memories.weekly!.history[b]!.length > 0 ? [b] : []));
    expect(unseen).toEqual(Array.from({ length: BUCKETS_PER_PART }, (_, i) => BUCKETS_PER_PART + i));
    expect(joined.baseline!.memories.daily).toEqual(whole.baseline!.memories.daily);
  });

  it('a state stored whole (before parts) and a share state pass through unchanged', () => {
    expect(fromStoredForm(stored(whole), [])).toEqual(whole);
    const share = createShareDetector();
    for (let t = START_MS; t < START_MS + 90 * MINUTE_MS; t += MINUTE_MS) share.update(t, 3, 1);
    const shareState = share.snapshot();
    expect(toStoredForm(shareState)).toEqual({ rest: shareState, parts: [] });
    expect(fromStoredForm(stored(shareState), [])).toEqual(shareState);
    // A detector too young for its baseline has no memories yet.
    const young = createStreamingDetector(VOLUME_DETECTOR_OPTIONS).snapshot() as DetectorSnapshot;
    expect(toStoredForm(young).parts).toEqual([]);
  });
});
