// How rare is this much evidence *for this series*? Ticket topics, tweets and sensors differ wildly
// in how heavy their tails are: a 20σ residual is a daily event on a bursty topic and a once-a-year
// event on a smooth one. Each evidence stream keeps a decayed histogram of its own past values in
// log bins (one histogram spans 0.01σ to 10⁶σ) and answers "what share of the remembered time was
// at least this extreme". A value beyond everything remembered is a record: rarer than any ranked
// value, and more so the further it goes past the previous maximum. Plain JSON state.

/** Histogram resolution: bins of ln(1 + e), 0.05 wide (5% steps), up to e ≈ 1.2 × 10⁶. */
const BIN_WIDTH = 0.05;
const BIN_COUNT = 280;
/** Stored weights grow instead of decaying (lazy decay); renormalise before they overflow. */
const RENORMALISE_ABOVE = 1e200;

export interface TailState {
  /** Decayed weight per bin, multiplied by `gain` (a new value is added with weight `gain`). */
  bins: number[];
  gain: number;
  /** Decayed total weight × gain. */
  total: number;
  /** Values added so far (undecayed), to know when the history is worth trusting. */
  count: number;
  /** The run of consecutive values at or above the cluster threshold, not yet committed. */
  cluster: { max: number; length: number } | null;
}

export interface RecordRule {
  /** Surprise (−log10 p) of a value that just reaches the largest remembered one. */
  recordSurprise: number;
  /** Extra surprise per decade beyond the previous maximum. */
  recordIndex: number;
}

export function newTail(): TailState {
  return { bins: new Array<number>(BIN_COUNT).fill(0), gain: 1, total: 0, count: 0, cluster: null };
}

/** A tail as stored: without its trailing empty bins (a quiet series' histogram is mostly those). Shallow. */
export function trimmedTail(t: TailState): TailState {
  let end = t.bins.length;
  while (end > 0 && t.bins[end - 1] === 0) end--;
  return end === t.bins.length ? t : { ...t, bins: t.bins.slice(0, end) };
}

/** A stored tail whole again (in place): its trailing empty bins back. */
export function untrimTail(t: TailState): void {
  while (t.bins.length < BIN_COUNT) t.bins.push(0);
}

function binOf(evidence: number): number {
  return Math.min(BIN_COUNT - 1, Math.max(0, Math.floor(Math.log1p(Math.max(0, evidence)) / BIN_WIDTH)));
}

function add(t: TailState, evidence: number, decay: number): void {
  t.gain /= decay;
  if (t.gain > RENORMALISE_ABOVE) {
    for (let i = 0; i < BIN_COUNT; i++) t.bins[i] /= t.gain;
    t.total /= t.gain;
    t.gain = 1;
  }
  t.bins[binOf(evidence)] += t.gain;
  t.total += t.gain;
  t.count++;
}

/**
 * Adds one value (older values fade by `decay` per value), declustered: a run of consecutive values
 * at or above `clusterThreshold` is one event, remembered once at its peak while the rest of the run
 * counts as ordinary time. Otherwise a day-long incident would teach the series that such evidence
 * is common and mask the next incident. Runs longer than `maxClusterLength` are committed in pieces.
 */
export function observeTail(t: TailState, evidence: number, clusterThreshold: number, maxClusterLength: number, decay: number): void {
  if (evidence >= clusterThreshold) {
    t.cluster = t.cluster ? { max: Math.max(t.cluster.max, evidence), length: t.cluster.length + 1 } : { max: evidence, length: 1 };
    // A run that never ends is a new normal, not one incident: commit it so it stops being rare.
    if (t.cluster.length >= maxClusterLength) commitCluster(t, decay);
    return;
  }
  commitCluster(t, decay);
  add(t, evidence, decay);
}

function commitCluster(t: TailState, decay: number): void {
  if (!t.cluster) return;
  add(t, t.cluster.max, decay);
  for (let i = 1; i < t.cluster.length; i++) add(t, 0, decay);
  t.cluster = null;
}

/**
 * Surprise −log10 P(E ≥ evidence) against the remembered history (before this value joins it);
 * 0 while fewer than `minCount` values have been seen. Below the maximum it is the share of the
 * decayed history above the value (its own bin pro rata); at or beyond it, the record rule.
 */
export function tailSurprise(t: TailState, evidence: number, minCount: number, rule: RecordRule): number {
  if (t.count < minCount || t.total <= 0) return 0;
  const bin = binOf(evidence);
  let above = 0;
  for (let b = bin + 1; b < BIN_COUNT; b++) above += t.bins[b];
  // Within its own bin a value counts only the share above it (uniform within the bin), so surprise
  // grows smoothly with the evidence instead of in 5% steps that tie many values at one score. In
  // the top occupied bin the whole bin counts: a share near 0 there would pose as a record.
  const position = Math.min(1, Math.log1p(Math.max(0, evidence)) / BIN_WIDTH - bin);
  above += above > 0 ? (1 - position) * t.bins[bin] : t.bins[bin];
  if (above > 0) return Math.max(0, -Math.log10(above / t.total));
  let top = bin;
  while (top > 0 && t.bins[top] === 0) top--;
  const largest = Math.expm1((top + 1) * BIN_WIDTH);
  return rule.recordSurprise + rule.recordIndex * Math.log10(Math.max(1, evidence / Math.max(largest, 1e-9)));
}
