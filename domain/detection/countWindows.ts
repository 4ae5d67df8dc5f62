// Spike evidence for sparse count series (a topic at a few tickets an hour). Minute by minute such a
// series is mostly zeros, and a ×4 rise is invisible in any single minute; it shows only as "N
// tickets in the last W minutes where about M were expected". So every step, for a small ladder of
// trailing windows (sliding: re-evaluated each step, so latency is not window-bound), the observed
// count is tested against a negative-binomial predictive whose mean comes from a seasonal rate model
// (level × hour-of-day × day-of-week, from decayed counts) and whose spread adds the rate's own
// uncertainty (few events seen → wide) and the dispersion the series has shown at that window width.
// A sliding count re-tested every step crosses a level k about k·P(X = k)/w times per step (the
// upcrossing rate of a scan count: an arrival while the window holds k − 1), so that — never more
// than P(X ≥ k) — is each width's false-alert rate; the rarest width is Bonferroni-corrected over the
// widths, and the level that means "alert" is a stated false-alert budget per series-week.
// The model learns a step only once it has left the widest window, so a window's own counts never
// raise its expectation. Plain JSON state, no look-ahead: a point is scored before it is learned.
import { tailAndMass } from './negativeBinomial.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Trailing windows tested: a burst, a short rise, an hour, a few hours (≈3× apart). */
export const COUNT_WINDOWS_MS = [5 * 60_000, 15 * 60_000, HOUR_MS, 3 * HOUR_MS] as const;
/** Jeffreys prior on the rate (shape ½, no prior exposure): no history means no certainty. */
const PRIOR_SHAPE = 0.5;
/** Pseudo-events pulling each hour-of-day / day-of-week factor towards 1 until it has data… */
const PROFILE_PSEUDO_EVENTS = 5;
/**
 * …and at least an hour of steps at the mean: on a series at 10 a minute 5 events are half a minute,
 * so a weekday's first learned minute set its factor for every window (one quiet minute at 00:00 and
 * the next three hours were expected at 0.6×: a page at 03:00 on a flat series).
 */
const PROFILE_PSEUDO_STEPS = 60;
/** Pseudo weight (in expected events) of the Poisson assumption in each width's dispersion. */
const DISPERSION_PRIOR = 10;
/** A window adds at most this many Pearson units to its dispersion (one spike must not teach "spikes are normal"). */
const DISPERSION_CLIP = 25;
/** Windows expecting fewer events than this teach no misfit: their log-ratio is mostly Poisson noise. */
const MISFIT_MIN_EXPECTED = 20;
/**
 * The misfit starts at none, with the weight of a day of windows (sliding windows a step apart are
 * far from independent): a few busy windows of a sparse series cannot teach it.
 */
const MISFIT_PRIOR_STEPS = DAY_MS;
/** A window adds at most a ×1.5 error to the misfit (one spike must not teach "spikes are normal"). */
const MISFIT_CLIP = Math.log(1.5) ** 2;
/**
 * Memory of the recent rate that tells a lasting level shift from the rate model's slow drift: twice
 * the widest window, so a shifted level is carried through a night of few events and known within
 * hours of the shift.
 */
const RECENT_RATE_HALF_LIFE_MS = 6 * HOUR_MS;
/** A shift: the recent rate is above the level by more than this many Poisson standard errors… */
const SHIFT_Z = 3;
/** …and by at least this factor (a day busier than usual is not a new level). */
const SHIFT_FACTOR = 1.5;

export interface CountWindowParams {
  /** Memory of the rate level (follows slow growth; long enough to be a calm estimate). */
  rateHalfLifeMs: number;
  /** A shift of the rate that lasts this long is the new normal: the level takes the recent rate. */
  newNormalAfterMs: number;
  /** Memory of the hour-of-day and day-of-week profile. */
  profileHalfLifeMs: number;
  /** False alerts per series-week the count test may spend (sets its alert level). */
  falseAlertsPerWeek: number;
}

export interface CountWindowState {
  stepMs: number;
  /** Window widths in steps (deduplicated, at least 1). */
  widths: number[];
  /** Decayed events and decayed seasonal exposure (Σ shape): the rate's gamma posterior. */
  events: number;
  exposure: number;
  /**
   * Decayed counts per UTC hour of day and per UTC day of week, and the exposure each had: steps
   * weighted by the other factor (one online backfitting step), so a day seen only through its
   * quiet night hours is not taken for a quiet day.
   */
  hourCounts: number[];
  hourExposure: number[];
  dayCounts: number[];
  dayExposure: number[];
  totalCounts: number;
  totalSteps: number;
  /** Step index of the first point (steps before it are not zeros, they are unknown). */
  firstIndex: number | null;
  /** Non-zero counts inside the widest window, not yet learned: [step index, count], oldest first. */
  recent: [number, number][];
  /** Per width: decayed Σ min((X − Λ)², clip·Λ) and Σ Λ (quasi-Poisson dispersion = their ratio). */
  dispersionNum: number[];
  dispersionDen: number[];
  /**
   * Per width: decayed Σ (squared log-ratio of observed to expected, less its Poisson part) over the
   * windows expecting at least MISFIT_MIN_EXPECTED events, and their number — the rate model's
   * relative misfit (a day busier than usual, the hour profile's steps), which grows with the count
   * while Poisson noise grows with its root. Absent in snapshots from before it.
   */
  misfitNum?: number[];
  misfitDen?: number[];
  /**
   * Holiday steps not yet learned, as [first, last] step-index runs, oldest first: they are counted
   * in the windows (scored) but never learned, and a window that holds one teaches no dispersion (a
   * quiet day is not noise). Absent in snapshots from before holiday calendars.
   */
  holidays?: [number, number][];
  /**
   * The recent rate's gamma posterior (RECENT_RATE_HALF_LIFE_MS), and since which step it has stayed
   * above the level (followShift): a ×4 rise for good took the level days to learn (3-day half-life),
   * and meanwhile the windows paged about it again each day. Absent in snapshots from before it.
   */
  recentEvents?: number;
  recentExposure?: number;
  shiftSince?: number | null;
}

/** The trailing window whose count was most surprising: how many minutes, what it held, what was expected. */
export interface WindowEvidence {
  minutes: number;
  observed: number;
  expected: number;
}

export interface WindowTest {
  /** −log10 of the Bonferroni-corrected smallest p-value over the widths (0 when nothing is high). */
  surprise: number;
  /** Surprise at which the test alone spends its false-alert budget. */
  alertSurprise: number;
  /** Which width's window was the most surprising (an index into perWidth; 0 when none was). */
  best: number;
  /** Expected count in the current step. */
  expectedNow: number;
}

export function newCountWindows(stepMs: number): CountWindowState {
  const widths = [...new Set(COUNT_WINDOWS_MS.map((w) => Math.max(1, Math.round(w / stepMs))))];
  return {
    stepMs, widths, events: 0, exposure: 0,
    hourCounts: new Array<number>(24).fill(0), hourExposure: new Array<number>(24).fill(0),
    dayCounts: new Array<number>(7).fill(0), dayExposure: new Array<number>(7).fill(0),
    totalCounts: 0, totalSteps: 0, firstIndex: null, recent: [],
    dispersionNum: widths.map(() => DISPERSION_PRIOR), dispersionDen: widths.map(() => DISPERSION_PRIOR),
  };
}

/** Long-run mean count per step. */
export function meanPerStep(s: CountWindowState): number {
  return s.totalSteps > 0 ? s.totalCounts / s.totalSteps : 0;
}

/** A profile factor from its decayed counts and exposure, shrunk towards 1 by the prior. */
function profileFactor(s: CountWindowState, counts: number, exposure: number): number {
  const mean = meanPerStep(s);
  const prior = Math.max(PROFILE_PSEUDO_EVENTS, PROFILE_PSEUDO_STEPS * mean);
  return (counts + prior) / (exposure * mean + prior);
}
const hourFactor = (s: CountWindowState, h: number): number => profileFactor(s, s.hourCounts[h], s.hourExposure[h]);
const dayFactor = (s: CountWindowState, d: number): number => profileFactor(s, s.dayCounts[d], s.dayExposure[d]);

/** UTC hour of day and day of week (0 = Sunday; 1970-01-01 was a Thursday). */
const utcHour = (timestampMs: number) => Math.floor(timestampMs / HOUR_MS) % 24;
const utcDay = (timestampMs: number) => (Math.floor(timestampMs / DAY_MS) + 4) % 7;

/** Seasonal shape at a time (≈1 on average): hour-of-day × day-of-week factors, shrunk towards 1. */
function shapeAt(s: CountWindowState, timestampMs: number): number {
  return hourFactor(s, utcHour(timestampMs)) * dayFactor(s, utcDay(timestampMs));
}

/** Σ shape over the `steps` steps ending at `endMs`, one term per clock hour the window touches (the shape is constant within an hour). */
export function shapeSum(s: CountWindowState, endMs: number, steps: number): number {
  let sum = 0;
  let remaining = steps;
  let t = endMs;
  while (remaining > 0) {
    const inHour = Math.min(remaining, Math.floor((t - Math.floor(t / HOUR_MS) * HOUR_MS) / s.stepMs) + 1);
    sum += inHour * shapeAt(s, t);
    remaining -= inHour;
    t -= inHour * s.stepMs;
  }
  return sum;
}

/**
 * Scores the step at `timestampMs` with `value` counted in, before learning it. `window` sums go
 * back over the previous steps kept in `recent` (no look-ahead).
 */
export interface WidthTest {
  observed: number;
  expected: number;
  /** −log10 of this width's false-alert rate per step at the observed count. */
  surprise: number;
}

/** Each width's window at this step: its minutes, what it holds and what was expected. */
export function windowsOf(s: CountWindowState, perWidth: readonly WidthTest[]): WindowEvidence[] {
  return perWidth.map((w, k) => ({ minutes: (s.widths[k] * s.stepMs) / 60_000, observed: w.observed, expected: Number(w.expected.toFixed(2)) }));
}

/** Events in the widest window, this step included (after learnCounts). */
export function eventsInWidestWindow(s: CountWindowState): number {
  return s.recent.reduce((sum, [, count]) => sum + count, 0);
}

export function testWindows(s: CountWindowState, p: CountWindowParams, timestampMs: number, value: number): WindowTest & { perWidth: WidthTest[] } {
  const index = Math.round(timestampMs / s.stepMs);
  const { rate, shape } = rateOf(s);
  let best = 0;
  let bestSurprise = 0;
  const perWidth = s.widths.map((width, k): WidthTest => {
    const observed = value + heldBefore(s, index, width);
    const expected = rate * shapeSum(s, timestampMs, width);
    const surprise = widthSurprise(s, k, observed, expected, shape);
    if (surprise > bestSurprise) [best, bestSurprise] = [k, surprise];
    return { observed, expected, surprise };
  });
  return { best, surprise: Math.max(0, bestSurprise - Math.log10(s.widths.length)), alertSurprise: alertSurpriseFor(s, p), expectedNow: rate * shapeAt(s, timestampMs), perWidth };
}

/** Events expected in the step at `timestampMs`. */
export function expectedAt(s: CountWindowState, timestampMs: number): number {
  return rateOf(s).rate * shapeAt(s, timestampMs);
}

/** Events expected in the `steps` steps ending at `endMs`. */
export function expectedOver(s: CountWindowState, endMs: number, steps: number): number {
  return rateOf(s).rate * shapeSum(s, endMs, steps);
}

/** Surprise at which the test alone spends its false-alert budget (per step, over a week of steps). */
export const alertSurpriseFor = (s: CountWindowState, p: CountWindowParams) => Math.log10(WEEK_MS / s.stepMs / p.falseAlertsPerWeek);

/** The rate per unit of seasonal shape, with its gamma posterior's shape. */
export function rateOf(s: CountWindowState): { rate: number; shape: number } {
  const shape = s.events + PRIOR_SHAPE;
  return { rate: s.exposure > 0 ? shape / s.exposure : 0, shape };
}

/** Events the window of `width` steps ending at step `index` holds before that step. */
export function heldBefore(s: CountWindowState, index: number, width: number): number {
  let held = 0;
  for (const [i, c] of s.recent) if (i > index - width && i < index) held += c;
  return held;
}

/** −log10 of width k's false-alert rate per step at `observed` events where `expected` were (0 unless above). */
export function widthSurprise(s: CountWindowState, k: number, observed: number, expected: number, shape: number): number {
  if (!(expected > 0 && observed > expected)) return 0;
  // Moment-matched NB: variance = φΛ (dispersion at this width) + Λ²/shape (rate uncertainty)
  // + misfit·Λ² (the rate model's relative misfit, which dominates once a window holds many events).
  const dispersion = Math.max(1, s.dispersionNum[k] / s.dispersionDen[k]);
  const misfit = s.misfitNum && s.misfitDen ? Math.max(0, s.misfitNum[k] / (s.misfitDen[k] + MISFIT_PRIOR_STEPS / s.stepMs)) : 0;
  const extra = (dispersion - 1) / expected + misfit + 1 / shape;
  const { tail, mass } = tailAndMass(observed, expected, 1 / extra);
  const perStep = Math.min(tail, (observed * mass) / s.widths[k]);
  return -Math.log10(Math.max(perStep, 1e-300));
}

/**
 * Late events: `counts` holds the full counts now known for steps already fed (up to the last step
 * fed, `lastTimestampMs`); a step still inside the widest window gets the events it was fed without
 * (a row stored after the pass that read its minute), so every window tested from now on holds them
 * and the rate model learns them when the step leaves. A step already learned cannot change, and a
 * count below what was fed changes nothing (events are counted by id, so counts only grow). Returns
 * the events added.
 */
export function amendLateCounts(s: CountWindowState, lastTimestampMs: number, counts: ReadonlyMap<number, number>): number {
  if (s.firstIndex === null) return 0;
  const lastIndex = Math.round(lastTimestampMs / s.stepMs);
  const oldestOpen = Math.max(s.firstIndex, lastIndex - s.widths[s.widths.length - 1] + 1);
  let added = 0;
  for (const [timestampMs, count] of counts) {
    const index = Math.round(timestampMs / s.stepMs);
    if (index < oldestOpen || index > lastIndex) continue;
    const at = s.recent.findIndex(([i]) => i >= index);
    const fed = at >= 0 && s.recent[at][0] === index ? s.recent[at][1] : 0;
    if (count <= fed) continue;
    if (fed > 0) s.recent[at][1] = count;
    else s.recent.splice(at < 0 ? s.recent.length : at, 0, [index, count]);
    added += count - fed;
  }
  return added;
}

/**
 * Learns one step after it was scored (`tested` = the scoring's per-width windows and alert level, or
 * null while not scoring); a `holiday` step is kept for the windows but never learned.
 */
export function learnCounts(s: CountWindowState, p: CountWindowParams, timestampMs: number, value: number, tested: { perWidth: WidthTest[]; alertSurprise: number } | null, holiday = false): void {
  const rateDecay = Math.pow(0.5, s.stepMs / p.rateHalfLifeMs);
  const profileDecay = Math.pow(0.5, s.stepMs / p.profileHalfLifeMs);
  const dispersionDecay = rateDecay;
  const index = Math.round(timestampMs / s.stepMs);
  const holidays = (s.holidays ??= []);
  const lastRun = holidays[holidays.length - 1];
  if (holiday && lastRun && lastRun[1] >= index - 1) lastRun[1] = Math.max(lastRun[1], index);
  else if (holiday) holidays.push([index, index]);
  /** Whether a holiday step lies in the `steps` steps ending at `end`. */
  const holidayIn = (end: number, steps: number) => holidays.some(([first, last]) => first <= end && last > end - steps);
  tested?.perWidth.forEach(({ observed, expected, surprise }, k) => {
    if (holidayIn(index, s.widths[k])) return;
    // Misfit is learned from every window, not only calm ones: a misfit not yet learned makes ordinary
    // windows look alarming, and excluding those would keep it unlearned for good. The clip bounds a spike's share.
    if (expected >= MISFIT_MIN_EXPECTED) {
      const num = (s.misfitNum ??= s.widths.map(() => 0));
      const den = (s.misfitDen ??= s.widths.map(() => 0));
      const logRatio = Math.log((observed + 0.5) / (expected + 0.5));
      num[k] = num[k] * dispersionDecay + Math.min(logRatio ** 2, MISFIT_CLIP) - 1 / expected;
      den[k] = den[k] * dispersionDecay + 1;
    }
    // A window already halfway to an alert is not evidence of how noisy normal windows are.
    if (expected <= 0 || surprise > tested.alertSurprise / 2) return;
    s.dispersionNum[k] = s.dispersionNum[k] * dispersionDecay + Math.min((observed - expected) ** 2, DISPERSION_CLIP * expected);
    s.dispersionDen[k] = s.dispersionDen[k] * dispersionDecay + expected;
  });
  s.firstIndex ??= index;
  if (value > 0) s.recent.push([index, value]);
  // The step leaving the widest window is learned now (counts skipped over by a gap in the timestamps too).
  const leaving = index - s.widths[s.widths.length - 1];
  let left = 0;
  while (s.recent.length > 0 && s.recent[0][0] <= leaving) left += s.recent.shift()![1];
  if (leaving >= s.firstIndex && !holidayIn(leaving, 1)) {
    const shape = learnStep(s, leaving * s.stepMs, left, rateDecay, profileDecay);
    followShift(s, p, leaving, left, shape);
  }
  while (holidays.length > 0 && holidays[0][1] <= leaving) holidays.shift();
}

/** Learns one step into the level and the profile; returns the step's seasonal shape (its exposure). */
function learnStep(s: CountWindowState, timestampMs: number, value: number, rateDecay: number, profileDecay: number): number {
  const shape = shapeAt(s, timestampMs);
  s.events = s.events * rateDecay + value;
  s.exposure = s.exposure * rateDecay + shape;
  const h = utcHour(timestampMs);
  const d = utcDay(timestampMs);
  const [hour, day] = [hourFactor(s, h), dayFactor(s, d)];
  for (let i = 0; i < 24; i++) {
    s.hourCounts[i] *= profileDecay;
    s.hourExposure[i] *= profileDecay;
  }
  for (let i = 0; i < 7; i++) {
    s.dayCounts[i] *= profileDecay;
    s.dayExposure[i] *= profileDecay;
  }
  s.hourCounts[h] += value;
  s.hourExposure[h] += day;
  s.dayCounts[d] += value;
  s.dayExposure[d] += hour;
  s.totalCounts = s.totalCounts * profileDecay + value;
  s.totalSteps = s.totalSteps * profileDecay + 1;
  return shape;
}

/**
 * Whether the recent rate has stood above the level (a shift, see followShift) over at least its own
 * half-life of learned steps: a rise still going on, not the trace of a burst, which lifts the recent
 * rate for a few hours only.
 */
export function lastingRise(s: CountWindowState, timestampMs: number): boolean {
  if (s.shiftSince === null || s.shiftSince === undefined) return false;
  const lastLearned = Math.round(timestampMs / s.stepMs) - s.widths[s.widths.length - 1];
  return (lastLearned - s.shiftSince) * s.stepMs >= RECENT_RATE_HALF_LIFE_MS;
}

/**
 * A lasting rise becomes the new normal, as a run of unusual evidence does for the detector's other
 * streams (maxIncidentMs): once the recent rate has stayed above the level by SHIFT_FACTOR and
 * SHIFT_Z Poisson standard errors for `newNormalAfterMs`, the level takes the recent rate (keeping its
 * weight). Constructed (test/unit/detection/levelShift.test.ts): a permanent ×4 rise on a day-seasonal
 * topic was paged again 1–4 times in the next 6 days (48 extra pages in 32 runs at 0.04–5 a minute),
 * now 5, all at 0.04 a minute. Only rises: a level taken down to a quiet day's made the next ordinary
 * day a page (constructed, days up to 1.5× off at 10 a minute), while a level left too high for a few
 * days only dulls the test, as it did before.
 */
function followShift(s: CountWindowState, p: CountWindowParams, index: number, value: number, shape: number): void {
  const decay = Math.pow(0.5, s.stepMs / RECENT_RATE_HALF_LIFE_MS);
  s.recentEvents = (s.recentEvents ?? 0) * decay + value;
  s.recentExposure = (s.recentExposure ?? 0) * decay + shape;
  const recentRate = (s.recentEvents + PRIOR_SHAPE) / s.recentExposure;
  const logRatio = Math.log(recentRate / ((s.events + PRIOR_SHAPE) / s.exposure));
  const z = logRatio * Math.sqrt(s.recentEvents + PRIOR_SHAPE);
  if (z < SHIFT_Z || logRatio < Math.log(SHIFT_FACTOR)) {
    s.shiftSince = null;
    return;
  }
  s.shiftSince ??= index;
  if ((index - s.shiftSince) * s.stepMs < p.newNormalAfterMs) return;
  s.events = Math.max(0, recentRate * s.exposure - PRIOR_SHAPE);
  // The profile's counts are rescaled with the level: its factors stay as they were (counts over the
  // long-run mean), and the days to come, counted at the new level, are compared with a memory at that level
  // instead of each weekday looking busy when first seen after the shift.
  const factor = Math.exp(logRatio);
  s.hourCounts = s.hourCounts.map((c) => c * factor);
  s.dayCounts = s.dayCounts.map((c) => c * factor);
  s.totalCounts *= factor;
  s.shiftSince = null;
}
