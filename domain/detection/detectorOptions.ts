// Every knob of the streaming detector, with its default and why. Durations are wall-clock, so the
// same defaults mean the same thing at 1-minute and 5-minute cadence. The defaults were chosen once
// for all series (support volumes, metrics, NAB); none is fitted to a particular series.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export interface ResolvedOptions {
  /** Which departures count: 'up' for ticket spikes, 'both' for generic metrics. */
  direction: 'up' | 'down' | 'both';
  /** Let a time-of-day / day-of-week baseline compete with the flat one. */
  dailySeasonality: boolean;
  weeklySeasonality: boolean;
  /** Positive timestamp gaps whose median fixes the cadence. */
  cadenceGaps: number;
  /** Nothing is scored until this much time has been seen (the baselines need it to mean anything). */
  warmupMs: number;
  /** Evidence history needed after warm-up before anything is judged rare. */
  minHistoryMs: number;
  /** Span of the robust offset from the seasonal reference: how fast the baseline follows a new level. */
  levelWindowMs: number;
  /** At coarse cadences the offset still uses at least this many samples. */
  minLevelSamples: number;
  /** Days / weeks remembered per phase bucket (their median is the seasonal reference). */
  dailyDepth: number;
  weeklyDepth: number;
  /** Upper bound on phase buckets per day / per week (keeps snapshots small at 1-minute cadence). */
  maxDailyBuckets: number;
  maxWeeklyBuckets: number;
  /** Half-life of the clipped mean absolute error that sets the residual scale. */
  errorHalfLifeMs: number;
  /** Half-life of the unclipped error that picks the baseline (long: an anomaly must not flip the choice). */
  selectionHalfLifeMs: number;
  /** Errors beyond this many scales are clipped before they update the scale. */
  clipScales: number;
  /** A seasonal baseline competes only after this much time of its own predictions. */
  minTrackRecordMs: number;
  /** Memory of the level's long-run normal. */
  levelMemoryMs: number;
  /**
   * Half-life of the slow offset (value − reference averaged over about a day): a day running
   * steadily high or low is evidence even when no hour is. One day, the cycle of most series.
   */
  slowLevelHalfLifeMs: number;
  /** For count series, measure residuals in units of √expected (quasi-Poisson scale). */
  countScaling: boolean;
  /** Span of the short-run point-to-point jitter (bursts of volatility, flatlines). */
  shortWindowMs: number;
  /** Evidence (in residual scales) below this is never surprising, whatever the series' history. */
  minEvidence: number;
  /** A run of unusual evidence longer than this is a new normal: it joins the history and stops being rare. */
  maxIncidentMs: number;
  /** Memory of each evidence stream's history (how rare is this much evidence for this series). */
  calibrationHalfLifeMs: number;
  /** Surprise of a record (evidence beyond all remembered): above any ranked value up to 10⁶ samples. */
  recordSurprise: number;
  /** Extra surprise per decade a record goes beyond the previous maximum (separates incidents from new noise highs). */
  recordIndex: number;
  /** Half-life of the bar set by the last report (how soon a similar incident is reported afresh). */
  peakHalfLifeMs: number;
  /** After a report, the next needs this many times its surprise (decayed): one report per episode unless it escalates. */
  escalation: number;
  /**
   * This long without evidence near the alert level (above alert/escalation) ends an alerted
   * episode: the alert bar resets, so the next rise is a new incident. Calm is judged on the
   * evidence itself, so a sparse topic's count windows (up to 3 h wide) are calm only once the last
   * spike's tickets no longer stand out in them; the hour on top rules out a lull inside one incident.
   */
  episodeGapMs: number;
  /** Surprise s maps to score s / (s + scoreScale): 0.5 at p = 10^−scoreScale, never saturating. */
  scoreScale: number;
  /**
   * score ≥ this raises isAnomaly. 0.64 is surprise ≥ 7.1: only a record that beats the largest
   * evidence of about the last month by roughly 2× — an incident, not the month's noisiest minute.
   */
  alertThreshold: number;
  /** Half-width of the reported lower/upper band, in residual scales. */
  bandScales: number;
  /**
   * Count series whose long-run mean per step is below this also get the windowed count test
   * (countWindows.ts). Below about one event per step a single step's residual cannot show a ×3 rise;
   * up to several it shows one only on its first minutes, before the baselines follow the new level
   * (constructed, a series at 1 a minute on average: a 3-hour ×5 rise was never paged; at 5 a minute
   * ×2 never and ×3 in 1 of 2 seeds). With the test up to 10 a minute: ×3 and ×5 paged within 0–5
   * minutes, ×2 within 4 (5 a minute) and 13–64 minutes (1 a minute); false alerts 1 in 120
   * series-weeks at 1–10 a minute with days up to 1.3× busier or quieter than usual, as before, and 1
   * in 60 at up to 1.8× (8 without the count model's misfit term). Above 10 a minute the per-minute
   * residuals see a ×2 rise at once. A stored series takes it up on its next pass (adoptStreamingDetector).
   */
  sparseBelowPerStep: number;
  /** Memory of a sparse series' rate level (windowed count test). */
  rateHalfLifeMs: number;
  /** Memory of a sparse series' hour-of-day / day-of-week profile. */
  profileHalfLifeMs: number;
  /**
   * False alerts per series-week the windowed count test may spend: a stated budget (a topic team
   * paged wrongly about once in ten weeks), not fitted; Bonferroni over a week's steps sets the level.
   */
  sparseFalseAlertsPerWeek: number;
  /**
   * A count series watched for rises reports nothing while its widest count window (the last 3 hours)
   * holds fewer events than this. After weeks of zeros one ticket in a new tag (an order number, a
   * campaign) is "improbable" under any rate the series has shown, and a tenant has many such tags;
   * one or two tickets are not the pile-up a product team must hear about, three are the fewest that
   * can be. A stated product rule, not fitted.
   */
  sparseMinEvents: number;
}

export type DetectorOptions = Partial<ResolvedOptions>;

export const DEFAULT_DETECTOR_OPTIONS: Readonly<ResolvedOptions> = {
  direction: 'both',
  dailySeasonality: true,
  weeklySeasonality: true,
  cadenceGaps: 8,
  warmupMs: DAY_MS,
  minHistoryMs: 12 * HOUR_MS,
  levelWindowMs: HOUR_MS,
  minLevelSamples: 5,
  dailyDepth: 5,
  weeklyDepth: 3,
  maxDailyBuckets: 288,
  maxWeeklyBuckets: 2016,
  errorHalfLifeMs: DAY_MS,
  selectionHalfLifeMs: 3 * DAY_MS,
  clipScales: 3,
  minTrackRecordMs: DAY_MS,
  levelMemoryMs: 7 * DAY_MS,
  slowLevelHalfLifeMs: DAY_MS,
  countScaling: true,
  shortWindowMs: HOUR_MS,
  minEvidence: 3,
  maxIncidentMs: DAY_MS,
  calibrationHalfLifeMs: 30 * DAY_MS,
  recordSurprise: 6,
  recordIndex: 6,
  peakHalfLifeMs: DAY_MS,
  escalation: 2,
  episodeGapMs: HOUR_MS,
  scoreScale: 4,
  alertThreshold: 0.64,
  bandScales: 3,
  sparseBelowPerStep: 10,
  rateHalfLifeMs: 3 * DAY_MS,
  profileHalfLifeMs: 28 * DAY_MS,
  sparseFalseAlertsPerWeek: 0.1,
  sparseMinEvents: 3,
};

const DIRECTIONS = ['up', 'down', 'both'] as const;

/** Defaults filled in and every value checked, naming the bad option. */
export function resolveOptions(options: DetectorOptions): ResolvedOptions {
  const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
  for (const [key, value] of Object.entries(o)) {
    if (!(key in DEFAULT_DETECTOR_OPTIONS)) throw new Error(`unknown detector option ${key}`);
    const expected = typeof DEFAULT_DETECTOR_OPTIONS[key as keyof ResolvedOptions];
    if (typeof value !== expected) throw new Error(`detector option ${key} must be a ${expected} (got ${JSON.stringify(value)})`);
    if (typeof value === 'number' && !(Number.isFinite(value) && value >= 0)) throw new Error(`detector option ${key} must be a non-negative finite number (got ${value})`);
  }
  if (!DIRECTIONS.includes(o.direction)) throw new Error(`detector option direction must be 'up', 'down' or 'both' (got ${o.direction})`);
  for (const key of ['cadenceGaps', 'minLevelSamples', 'dailyDepth', 'weeklyDepth', 'maxDailyBuckets', 'maxWeeklyBuckets'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 1) throw new Error(`detector option ${key} must be a positive integer (got ${o[key]})`);
  }
  for (const key of ['levelWindowMs', 'errorHalfLifeMs', 'selectionHalfLifeMs', 'levelMemoryMs', 'slowLevelHalfLifeMs', 'shortWindowMs', 'calibrationHalfLifeMs', 'peakHalfLifeMs', 'episodeGapMs', 'scoreScale', 'rateHalfLifeMs', 'profileHalfLifeMs', 'sparseFalseAlertsPerWeek'] as const) {
    if (o[key] <= 0) throw new Error(`detector option ${key} must be positive (got ${o[key]})`);
  }
  return o;
}
