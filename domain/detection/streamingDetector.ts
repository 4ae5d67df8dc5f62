// The streaming anomaly detector: fed one (timestamp, value) at a time, no look-ahead, no clock, no
// I/O. Cadence, count-likeness and seasonality are inferred from the data. Each point yields four
// kinds of evidence (a spike, an unusual level, a burst or collapse of volatility, a day running
// high or low), each judged by how rare it is for this series (the rarest counts,
// Bonferroni-corrected); an episode is reported when it starts and again only if it
// gets much worse, not for every minute it lasts. The whole state is JSON, so
// an activity can persist it between scheduled runs and a restart resumes without re-alerting.
import { newCadence, observeTimestamp, samplesIn, type CadenceState } from './cadence.js';
import { forecast, learn, levelDeviation, slowLevelDeviation, newBaseline, type BaselineParams, type BaselineState } from './seasonalBaseline.js';
import { newTail, observeTail, tailSurprise, type TailState } from './tailCalibrator.js';
import { amendLateCounts, eventsInWidestWindow, lastingRise, learnCounts, meanPerStep, newCountWindows, testWindows, windowsOf, type CountWindowParams, type CountWindowState, type WindowEvidence } from './countWindows.js';
import { fittedCountWindows, type CountHistory } from './profileFit.js';
import { resolveOptions, type DetectorOptions, type ResolvedOptions } from './detectorOptions.js';
import { setMemoryDepth } from './periodicMemory.js';

/** Mean and standard deviation of |z| for a standard normal z: the yardstick of the volatility evidence. */
const MEAN_ABS_NORMAL = Math.sqrt(2 / Math.PI);
const SD_ABS_NORMAL = Math.sqrt(1 - 2 / Math.PI);
/** Single residuals are capped in the volatility average so one spike cannot pose as a burst. */
const VOLATILITY_CAP = 10;

export interface DetectionResult {
  /** 0..1 anomaly likelihood of this point: a monotone map of its calibrated surprise, 0 when not reported. */
  score: number;
  /** What the baseline expected, and the band outside which a point is unusual (±bandScales·σ). */
  expected: number;
  lower: number;
  upper: number;
  /** score ≥ alertThreshold on the first such point of an incident (or when it escalates); never for a replayed point. */
  isAnomaly: boolean;
  /**
   * When a reported point's evidence is the windowed count test's (a sparse series): the trailing
   * window behind it — "14 in 15 minutes where 2.9 were expected" says what one minute's count cannot.
   */
  countWindow: WindowEvidence | null;
  /**
   * A sparse series' count windows at this point (reported or not): whether a spike is still running,
   * which one minute's count cannot say (domain/alerts.ts). Empty for a dense series and whenever
   * nothing would be reported (too few events).
   */
  windows: WindowEvidence[];
}

/**
 * Version 2 added `counts`; a version-1 snapshot resumes with a fresh count memory. `patterns`, the
 * baselines' slow offsets and the pattern and slow-level evidence histories came later within
 * version 2: a snapshot without them starts them afresh. Version 3 dropped the shift stream (the
 * mean residual of the last hour; see evidenceOf): an older snapshot's second history is removed.
 * `calmSinceMs` came later within version 3: a snapshot without it resumes as if not yet calm.
 * Version 4 dropped the pattern-novelty stream (see evidenceOf): its codebook and history are removed.
 */
export const SNAPSHOT_VERSION = 4;
/** Evidence streams: spike, level, volatility, slow level. */
const STREAMS = 4;
/** Where version 1 and 2 snapshots kept the dropped shift stream's history. */
const DROPPED_SHIFT_TAIL = 1;
/** Where version 1–3 snapshots kept the dropped pattern-novelty history (after the shift one is gone). */
const DROPPED_PATTERN_TAIL = 3;
/** Options of the dropped pattern stream, still in older snapshots. */
const DROPPED_OPTIONS = ['patternSpanMs', 'patternSegments', 'patternCapacity', 'patternVigilance'];

export interface DetectorSnapshot {
  version: typeof SNAPSHOT_VERSION;
  options: ResolvedOptions;
  cadence: CadenceState;
  /** Created once the cadence is known (its buckets depend on the step). */
  baseline: BaselineState | null;
  /** Recent standardised residuals (newest last), for the volatility evidence. */
  recentZ: number[];
  /** Windowed count memory while the series is count-like (sparse series are tested with it). */
  counts: CountWindowState | null;
  /** One history per evidence stream: spike, level, volatility, slow level. */
  tails: TailState[];
  /** Surprise of the last reported / alerted point, fading with peakHalfLifeMs. */
  reportedSurprise: number;
  alertedSurprise: number;
  firstTimestampMs: number | null;
  lastAlertMs: number | null;
  /** Since when no evidence has come near the alert level (null while some does): see episodeGapMs. */
  calmSinceMs: number | null;
}

export interface StreamingDetector {
  /**
   * Scores one point, then learns from it. Feed points in time order; a run resumed from a snapshot
   * should start after `snapshot.cadence.lastTimestampMs` (a replayed point is learned again, though
   * it can never re-raise an alert). A `holiday` point (a day declared to run low, domain/holidays.ts)
   * is scored like any other but learned by nothing — not the seasonal memories, not the long-run
   * normals, not the evidence histories, not the count rates — so next week's same day is still
   * expected at its usual volume.
   */
  update(timestampMs: number, value: number, holiday?: boolean): DetectionResult;
  /**
   * Counts that arrived after their point was fed (`counts`: the full count now known per timestamp;
   * later timestamps are ignored): the windowed count test holds them from now on, within its
   * widest window (countWindows.ts amendLateCounts). Points already scored keep their scores, and
   * the other streams never see them. Returns the events added (0 without a count memory).
   */
  amendLate(counts: ReadonlyMap<number, number>): number;
  /** A deep copy of the whole state, JSON-serialisable. */
  snapshot(): DetectorSnapshot;
  /**
   * The state itself, not a copy, for a caller done with the detector (a scheduled pass storing it):
   * copying a five-week state costs more than the minute of detection it follows.
   */
  release(): DetectorSnapshot;
}

/**
 * A new detector. With `history` (the counts a first pass is about to feed it, from its first point),
 * a count series' hour-of-day profile is fitted to them before they are fed (profileFit.ts).
 */
export function createStreamingDetector(options: DetectorOptions = {}, history?: CountHistory): StreamingDetector {
  return detectorFrom({
    version: SNAPSHOT_VERSION, options: resolveOptions(options), cadence: newCadence(), baseline: null, recentZ: [], counts: null,
    tails: Array.from({ length: STREAMS }, newTail), reportedSurprise: 0, alertedSurprise: 0, firstTimestampMs: null, lastAlertMs: null, calmSinceMs: null,
  }, history);
}

/** Continues exactly where `snapshot()` left off (the snapshot is copied, never shared). */
export function restoreStreamingDetector(snapshot: DetectorSnapshot): StreamingDetector {
  return adoptStreamingDetector(structuredClone(snapshot));
}

/**
 * Options that lay out the remembered state (which seasonal memories exist and their buckets): a
 * stored detector keeps its own. A memory's depth can change: it fills up or forgets its oldest periods.
 */
const MEMORY_LAYOUT_OPTIONS = ['dailySeasonality', 'weeklySeasonality', 'maxDailyBuckets', 'maxWeeklyBuckets'] as const;

/**
 * Continues from a snapshot handed over — parsed from storage, or released by the last pass — which
 * becomes the detector's state (no copy; the caller must not use it again). With `current`, the
 * detector runs under those options from now on, except the memory-layout ones it was created with:
 * a stored series takes up the product's current thresholds, budgets and half-lives after an upgrade
 * instead of keeping those of the version that created it. Without, it keeps its own.
 */
export function adoptStreamingDetector(snapshot: DetectorSnapshot, current?: DetectorOptions): StreamingDetector {
  const version: number | undefined = snapshot?.version;
  if (version !== SNAPSHOT_VERSION && version !== 1 && version !== 2 && version !== 3) throw new Error(`unsupported detector snapshot version ${String(version)} (expected ${SNAPSHOT_VERSION})`);
  const copy = snapshot as DetectorSnapshot & { patterns?: unknown };
  if (version === 1 || version === 2) copy.tails.splice(DROPPED_SHIFT_TAIL, 1);
  // A version-2 snapshot from before the pattern memory has no pattern history to drop.
  if (version !== SNAPSHOT_VERSION && copy.tails.length > DROPPED_PATTERN_TAIL + 1) copy.tails.splice(DROPPED_PATTERN_TAIL, 1);
  delete copy.patterns;
  for (const key of DROPPED_OPTIONS) delete (copy.options as unknown as Record<string, unknown>)[key];
  copy.version = SNAPSHOT_VERSION;
  copy.counts ??= null;
  copy.calmSinceMs ??= null;
  while (copy.tails.length < STREAMS) copy.tails.push(newTail());
  const layout = Object.fromEntries(MEMORY_LAYOUT_OPTIONS.map((key) => [key, copy.options[key]])) as DetectorOptions;
  copy.options = resolveOptions(current ? { ...current, ...layout } : copy.options);
  const memories = copy.baseline?.memories;
  if (memories?.daily) setMemoryDepth(memories.daily, copy.options.dailyDepth);
  if (memories?.weekly) setMemoryDepth(memories.weekly, copy.options.weeklyDepth);
  return detectorFrom(copy);
}

/** The windowed count test's parameters under a detector's options. */
export function countParams(o: ResolvedOptions): CountWindowParams {
  return { rateHalfLifeMs: o.rateHalfLifeMs, newNormalAfterMs: o.maxIncidentMs, profileHalfLifeMs: o.profileHalfLifeMs, falseAlertsPerWeek: o.sparseFalseAlertsPerWeek };
}

/** Surprise on the detector's own scale: the count test's alert level lands exactly on alertThreshold. */
function alertSurpriseOf(o: ResolvedOptions): number {
  return (o.scoreScale * o.alertThreshold) / Math.max(1 - o.alertThreshold, 1e-9);
}

/** Evidence oriented by the direction of interest: positive means anomalous that way. */
function oriented(z: number, direction: ResolvedOptions['direction']): number {
  return direction === 'up' ? z : direction === 'down' ? -z : Math.abs(z);
}

/**
 * Surprise (−log10 p, Bonferroni-corrected over the streams) of each evidence stream, judged against
 * its own history, which the evidence then joins. Evidence below `minEvidence` scales is never
 * surprising: a perfectly quiet series must not alert on its first wobble.
 */
function calibratedSurprises(tails: TailState[], evidence: number[], o: ResolvedOptions, stepMs: number, learning: boolean): number[] {
  const decay = Math.pow(0.5, stepMs / o.calibrationHalfLifeMs);
  const minCount = samplesIn(o.minHistoryMs, stepMs);
  const maxRun = samplesIn(o.maxIncidentMs, stepMs);
  return evidence.map((e, k) => {
    const surprise = e >= o.minEvidence ? tailSurprise(tails[k], e, minCount, o) : 0;
    if (learning) observeTail(tails[k], e, o.minEvidence, maxRun, decay);
    return Math.max(0, surprise - Math.log10(evidence.length));
  });
}

/**
 * What a departure is measured from. Watching one direction, a value must clear both the recent
 * expectation and every long-run normal: climbing back to normal after an outage is no spike.
 * Watching both, the return is itself a change worth scoring.
 */
function baselineFor(direction: ResolvedOptions['direction'], expected: number, [low, high]: [number, number]): number {
  return direction === 'up' ? Math.max(expected, high) : direction === 'down' ? Math.min(expected, low) : expected;
}

function detectorFrom(state: DetectorSnapshot, history?: CountHistory): StreamingDetector {
  const o = state.options;
  // The baselines read their subset of the detector's options.
  const params: BaselineParams = o;
  const counting = countParams(o);

  function evidenceOf(z: number, fcChosen: number, timestampMs: number, value: number, scale: number, stepMs: number): number[] {
    state.recentZ.push(z);
    while (state.recentZ.length > samplesIn(o.shortWindowMs, stepMs)) state.recentZ.shift();
    const n = state.recentZ.length;
    // No separate sustained-shift stream: the level stream is the robust one (the median offset over
    // the level window). The mean residual of the last hour that used to stand beside it was mostly
    // the spike stream again (one outlier in it, or a few ordinary ones, made a second and
    // differently calibrated chance to report the same points), and it grew with an episode's
    // duration yet could escalate, so an outage was re-reported while it lasted. Without it, NAB
    // standard / low FP / low FN: in-sample 75.81 / 66.18 / 82.15 → 76.55 / 67.99 / 82.65,
    // split-half 74.52 / 64.72 / 80.72 → 75.64 / 65.29 / 81.46.
    // Point-to-point jitter (|Δz|/√2, which is |z| for independent residuals): a level shift is one
    // jump, so it stays the level stream's business; bursts raise it and flatlines sink it.
    let jitter = 0;
    for (let i = 1; i < n; i++) jitter += Math.min(Math.abs(state.recentZ[i] - state.recentZ[i - 1]) / Math.SQRT2, VOLATILITY_CAP);
    const volatility = n > 1 ? ((jitter / (n - 1) - MEAN_ABS_NORMAL) / SD_ABS_NORMAL) * Math.sqrt(n - 1) : 0;
    const level = levelDeviation(state.baseline!, fcChosen, timestampMs, value, scale);
    // Volatility has no direction of its own: for 'up' only bursts count, otherwise flatlines too.
    // No pattern-novelty stream (a codebook of the last day's shapes, scored by distance to the nearest
    // known one): on NAB files never seen while it was built it cost more than it caught — standard,
    // thresholds from the 28 development files, on the 30 others 54.32 with it, 55.35 without; the 28
    // in sample 76.32 → 77.35, 17 AWS files 54.16 → 56.44 (swept), and the 13 files kept back until
    // the decision 67.46 → 71.99 (swept), 57.65 → 57.82 at the development thresholds. Its
    // false positives were novel-looking days in short histories (surprise 7–11 on CPU series).
    const slowLevel = slowLevelDeviation(state.baseline!, params, fcChosen, timestampMs, value, stepMs);
    return [
      oriented(z, o.direction), oriented(level, o.direction),
      o.direction === 'up' ? volatility : Math.abs(volatility), oriented(slowLevel, o.direction),
    ];
  }

  function update(timestampMs: number, value: number, holiday = false): DetectionResult {
    if (!Number.isFinite(timestampMs) || !Number.isFinite(value)) throw new Error(`detector input must be finite numbers (got ${timestampMs}, ${value})`);
    state.firstTimestampMs ??= timestampMs;
    observeTimestamp(state.cadence, timestampMs, o.cadenceGaps);
    const stepMs = state.cadence.stepMs;
    if (stepMs === null) return { score: 0, expected: value, lower: value, upper: value, isAnomaly: false, countWindow: null, windows: [] };
    state.baseline ??= newBaseline(params, stepMs);

    const fc = forecast(state.baseline, params, timestampMs, stepMs);
    // Warm-up: the first day's baselines are still guesses; their errors must not enter the histories.
    const warm = timestampMs - state.firstTimestampMs >= o.warmupMs;
    let surprise = 0;
    let slowSurprise = 0;
    if (fc && warm) {
      const centre = baselineFor(o.direction, fc.expected, fc.normalRange);
      const z = (value - centre) / fc.scaleAt(centre);
      const surprises = calibratedSurprises(state.tails, evidenceOf(z, fc.chosen, timestampMs, value, fc.scale, stepMs), o, stepMs, !holiday);
      slowSurprise = surprises.pop()!;
      surprise = Math.max(0, ...surprises);
    }
    if (!holiday) learn(state.baseline, params, timestampMs, stepMs, value, fc);
    const sparse = sparseCountTest(timestampMs, stepMs, value, timestampMs - state.firstTimestampMs >= o.warmupMs + o.minHistoryMs, holiday);
    // Too few events lately to be a pile-up (sparseMinEvents): no stream's evidence is reported. A
    // single ticket after weeks of zeros is otherwise a record on every stream.
    if (state.counts && eventsInWidestWindow(state.counts) < o.sparseMinEvents) {
      surprise = slowSurprise = sparse.surprise = 0;
      sparse.windows = [];
    }

    // Report an episode once, then again only if it gets `escalation`× more surprising than the last
    // report; the bar fades with peakHalfLifeMs so tomorrow's incident is judged afresh. Alerts keep
    // their own bar the same way, so a slowly worsening incident alerts when it crosses the alert
    // level even if its first report was below it (that point is reported too, without raising the
    // report bar). A replayed point (at or before the last alert) never re-fires.
    const fade = Math.pow(0.5, stepMs / o.peakHalfLifeMs);
    state.reportedSurprise *= fade;
    state.alertedSurprise *= fade;
    // An alerted episode ends once nothing has come near the alert level for episodeGapMs: the next
    // rise is a new incident, judged afresh instead of against the faded bar of the last alert
    // (which silenced a second, separate spike on the same topic for about a day). The report bar
    // only fades: resetting it too would re-report every minor wobble after a calm spell.
    const alertLevel = alertSurpriseOf(o);
    if (state.calmSinceMs !== null && timestampMs - state.calmSinceMs >= o.episodeGapMs) state.alertedSurprise = 0;
    const evidence = Math.max(surprise, sparse.surprise, slowSurprise);
    // A rise the count model sees lasting (countWindows.ts lastingRise) is no calm either: a sparse
    // series' windows go quiet overnight, and the same rise was paged again the next morning.
    const rising = state.counts !== null && lastingRise(state.counts, timestampMs);
    state.calmSinceMs = evidence >= alertLevel / o.escalation || rising ? null : (state.calmSinceMs ?? timestampMs);
    // A window's count evidence keeps growing for as long as its spike stays inside the window, and
    // the slow level for as long as a shift lasts: that is accumulation, not a worse incident. So
    // they may raise an alert, but never escalate one, nor raise a second one in the same episode:
    // they stay just under the last alert's bar, faded as it is (once the bar fell under half the
    // alert level, a day-long shift was paged again each day).
    const accumulationBar = state.alertedSurprise > 0 ? state.alertedSurprise : alertLevel;
    const countDriven = sparse.surprise > 0 && sparse.surprise >= Math.max(surprise, slowSurprise);
    surprise = Math.max(surprise, Math.min(Math.max(sparse.surprise, slowSurprise), 0.999 * o.escalation * accumulationBar));
    const surpriseScore = surprise / (surprise + o.scoreScale);
    const replay = state.lastAlertMs !== null && timestampMs <= state.lastAlertMs;
    const escalated = surprise > 0 && surprise > state.reportedSurprise * o.escalation;
    const isAnomaly = !replay && surpriseScore >= o.alertThreshold && surprise > state.alertedSurprise * o.escalation;
    const reported = escalated || isAnomaly;
    if (escalated) state.reportedSurprise = surprise;
    if (isAnomaly) {
      state.alertedSurprise = surprise;
      state.lastAlertMs = timestampMs;
    }
    const score = reported ? surpriseScore : 0;
    // A sparse series' expectation comes from its seasonal rate model (the median-based baselines sit at 0).
    // A count series (every value so far a non-negative integer) cannot be expected below 0, however
    // a trend extrapolates: the expectation and band people see (alerts, the Anomalies dashboard) stop at 0.
    const floor = state.baseline.countLike ? 0 : -Infinity;
    const expected = Math.max(floor, sparse.expectedNow ?? fc?.expected ?? value);
    const band = o.bandScales * (sparse.expectedNow !== null ? Math.sqrt(Math.max(sparse.expectedNow, 1)) : (fc?.scale ?? 0));
    return { score, expected, lower: Math.max(floor, expected - band), upper: expected + band, isAnomaly, countWindow: reported && countDriven ? sparse.window : null, windows: sparse.windows };
  }

  /**
   * The windowed count test, for a sparse count series watched for rises only (ticket volume: on
   * two-sided metrics such as NAB's sparse counts it lowered the score, 70.6 → 64.8). It runs from the
   * start so its dispersions learn, but counts only once `trusted` (after warm-up and evidence history).
   */
  function sparseCountTest(timestampMs: number, stepMs: number, value: number, trusted: boolean, holiday: boolean): { surprise: number; expectedNow: number | null; window: WindowEvidence | null; windows: WindowEvidence[] } {
    const none = { surprise: 0, expectedNow: null, window: null, windows: [] };
    if (!state.baseline!.countLike || o.direction !== 'up') {
      state.counts = null;
      return none;
    }
    state.counts ??= history ? fittedCountWindows(stepMs, counting, history) : newCountWindows(stepMs);
    const tested = meanPerStep(state.counts) < o.sparseBelowPerStep ? testWindows(state.counts, counting, timestampMs, value) : null;
    learnCounts(state.counts, counting, timestampMs, value, tested, holiday);
    if (!tested || !trusted) return none;
    const windows = windowsOf(state.counts, tested.perWidth);
    return {
      windows,
      surprise: (tested.surprise / tested.alertSurprise) * alertSurpriseOf(o),
      // Below one event a step the median baselines sit at 0, so the expectation shown is the rate
      // model's; above, the baselines', which follow a new level within hours (the rate model in days).
      expectedNow: meanPerStep(state.counts) < 1 ? tested.expectedNow : null,
      window: windows[tested.best]!,
    };
  }

  function amendLate(counts: ReadonlyMap<number, number>): number {
    const last = state.cadence.lastTimestampMs;
    return state.counts && last !== null ? amendLateCounts(state.counts, last, counts) : 0;
  }

  return { update, amendLate, snapshot: () => structuredClone(state), release: () => state };
}
