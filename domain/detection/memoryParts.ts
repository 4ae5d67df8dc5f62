// How a stored detector state is laid out: its seasonal memories (five weeks of five-minute buckets,
// ~80% of the state's JSON) change one bucket every few minutes, while the rest of the state changes
// every minute. Storage keeps each memory's bucket histories apart, in fixed runs of buckets
// ("parts") that are rewritten only when they change (store/detectorState.ts), so a pass writes a
// few kilobytes per series instead of the whole memory. The rest is written every pass, so its
// evidence histograms leave out their trailing empty bins (tailCalibrator.ts). Nothing is lost.
import { isShareSnapshot, type ShareSnapshot } from './shareDetector.js';
import type { DetectorSnapshot } from './streamingDetector.js';
import { trimmedTail, untrimTail } from './tailCalibrator.js';

/** Buckets per stored part: four hours of five-minute buckets (42 parts a week, 6 a day). */
export const BUCKETS_PER_PART = 48;

export interface MemoryPart {
  /** Which of the state's memories ('daily', 'weekly'). */
  memory: string;
  /** Its buckets from index · BUCKETS_PER_PART on. */
  index: number;
  /** history[b] of those buckets (periodicMemory.ts), oldest period first. */
  buckets: number[][];
}

type Snapshot = DetectorSnapshot | ShareSnapshot;

const memoriesOf = (snapshot: Snapshot) => (isShareSnapshot(snapshot) ? {} : snapshot.baseline?.memories ?? {});

/**
 * The state without its memories' bucket histories (each left empty, which marks it as stored in
 * parts) and with its evidence histograms trimmed, and those histories in parts. Shallow: the input
 * is neither copied nor changed.
 */
export function toStoredForm<S extends Snapshot>(snapshot: S): { rest: S; parts: MemoryPart[] } {
  if (isShareSnapshot(snapshot)) return { rest: snapshot, parts: [] };
  const detector = snapshot as DetectorSnapshot;
  const tails = detector.tails.map(trimmedTail);
  const memories = memoriesOf(detector);
  const names = Object.keys(memories) as (keyof typeof memories)[];
  if (names.length === 0) return { rest: { ...snapshot, tails }, parts: [] };
  const parts: MemoryPart[] = [];
  const emptied: typeof memories = {};
  for (const name of names) {
    const memory = memories[name]!;
    emptied[name] = { ...memory, history: [] };
    for (let from = 0, index = 0; from < memory.history.length; from += BUCKETS_PER_PART, index++) {
      parts.push({ memory: name, index, buckets: memory.history.slice(from, from + BUCKETS_PER_PART) });
    }
  }
  return { rest: { ...snapshot, baseline: { ...detector.baseline!, memories: emptied }, tails }, parts };
}

/**
 * Puts a state's parts back into the memories stored without their histories, and its evidence
 * histograms' trailing empty bins (changes `rest`, a freshly parsed state, and returns it). A part
 * that is missing — lost in a failed write — leaves its buckets unseen: the memory fills them again
 * within a period. A state stored whole (before parts) keeps its memories as they are.
 */
export function fromStoredForm<S extends Snapshot>(rest: S, parts: readonly MemoryPart[]): S {
  if (!isShareSnapshot(rest)) rest.tails.forEach(untrimTail);
  for (const [name, memory] of Object.entries(memoriesOf(rest))) {
    if (!memory || memory.history.length > 0 || memory.buckets === 0) continue;
    const own = new Map(parts.filter((p) => p.memory === name).map((p) => [p.index, p.buckets]));
    memory.history = Array.from({ length: memory.buckets }, (_, b) => own.get(Math.floor(b / BUCKETS_PER_PART))?.[b % BUCKETS_PER_PART] ?? []);
  }
  return rest;
}
