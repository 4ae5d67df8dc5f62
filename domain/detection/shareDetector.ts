// A rise in a share — the fraction of customer messages with negative sentiment — per series, fed
// one minute at a time: (messages, of which negative). The volume detector cannot see it: a bug that
// makes customers angry without making more of them write leaves volume flat. A share has its own
// denominator, so it is tested as a proportion: the last hour's and the last day's share against the
// series' long-run share, by a z-test on the log-odds scale whose variance is the binomial noise of
// the window's messages plus the variation of the true share between past hours (or days) of this
// series — real shares drift more than coin flips (a single angry customer writes five messages,
// evenings differ from mornings), and that part does not shrink with volume — and by the binomial
// score test, which small windows need. Pure, JSON state, no clock.
//
// Written here rather than taken from a library: simple-statistics has batch tests only, and no
// maintained package keeps a streaming proportion test's state as JSON between scheduled runs.

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** How far back before its last minute fed the share still takes late messages in: the minutes of its last hour (amendLate). */
export const SHARE_LATE_LOOKBACK_MS = HOUR_MS;

export interface ShareDetectorOptions {
  /** Half-life of the long-run share (slow: a spike of an hour barely moves it; a lasting change is adopted within weeks). */
  baselineHalfLifeMinutes: number;
  /** Messages the long-run share must rest on before anything is judged. */
  minBaselineMessages: number;
  /** Fewest messages in a window for its share to be tested (a share of 3 messages means little). */
  minWindowMessages: number;
  /** Fewest negative messages in a window that fires. */
  minWindowNegatives: number;
  /**
   * One-sided z a window must exceed. From the same budget as the sparse count test's (0.1 false
   * alerts per series-week): overlapping hour windows tested every minute are about 24 independent
   * tests a day, plus the day window, so ~175 a week, and 0.1 / 175 is z ≈ 3.25 for a normal tail;
   * 3.5 leaves room for the heavier tails of real shares.
   */
  zThreshold: number;
  /**
   * The window's odds of a negative message must also be at least this multiple of the long-run odds
   * (a rise worth a page: 10% → 14%, 45% → 55%). Odds rather than the share itself, so a topic whose
   * messages are usually half negative can still rise.
   */
  minOddsRatio: number;
  /**
   * Between-block variation of the true share before the series has shown its own, in log-odds
   * (0.3: an hour's share typically about 30% off the long-run one), weighted as this many blocks
   * without binomial noise.
   */
  priorLogOddsSpread: number;
  priorSpreadBlocks: number;
  /** Half-life, in blocks (hours for the hour window, days for the day window), of the τ² estimate. */
  spreadHalfLifeBlocks: number;
}

export const DEFAULT_SHARE_OPTIONS: ShareDetectorOptions = {
  baselineHalfLifeMinutes: 14 * 24 * 60,
  minBaselineMessages: 200,
  minWindowMessages: 20,
  minWindowNegatives: 5,
  zThreshold: 3.5,
  minOddsRatio: 1.5,
  priorLogOddsSpread: 0.3,
  priorSpreadBlocks: 4,
  spreadHalfLifeBlocks: 30,
};

/** The two windows: the last hour (fast, for busy series) and the last day (for quieter ones). */
export const SHARE_WINDOWS = ['hour', 'day'] as const;
export type ShareWindow = (typeof SHARE_WINDOWS)[number];

interface Spread {
  /** Exponentially weighted, precision-weighted sum of past blocks' squared deviation beyond binomial noise, and the weights' sum. */
  sum: number;
  weight: number;
  /** The block in progress had an anomaly or a holiday: it is not evidence of ordinary variation. */
  tainted: boolean;
}

export interface ShareSnapshot {
  kind: 'share';
  version: 1;
  options: ShareDetectorOptions;
  lastMinuteMs: number | null;
  /** Decayed messages and negatives: the long-run share is negative / messages. */
  baseline: { messages: number; negative: number };
  /** Non-zero minutes of the last hour, [minuteMs, messages, negative], oldest first. */
  minutes: [number, number, number][];
  /** Non-zero clock hours of the last day including the current one, [hourMs, messages, negative], oldest first. */
  hours: [number, number, number][];
  spread: Record<ShareWindow, Spread>;
}

export interface ShareResult {
  /** The tested window's share (0..1), or the long-run share when no window could be tested. */
  observed: number;
  expected: number;
  lower: number;
  upper: number;
  /** 0..1, 0.5 at the threshold: z² / (z² + threshold²) of the window that rose most. */
  score: number;
  isAnomaly: boolean;
  window: ShareWindow | null;
  messages: number;
  negative: number;
}

export interface ShareDetector {
  /**
   * One minute: its messages and how many were negative. Scored, then learned. A `holiday` minute is
   * scored but not learned (its customers are not the usual ones), like the volume detector's.
   */
  update(minuteMs: number, messages: number, negative: number, holiday?: boolean): ShareResult;
  /**
   * Messages stored after their minute was fed (`messages` / `negatives`: the full counts now known
   * per minute; later minutes are ignored): a minute of the last hour, the only span kept minute by
   * minute, gets what it was fed without, in its hour and day windows and, unless `isHoliday`, in the
   * long-run share. Minutes already scored keep their results. Returns the messages added.
   */
  amendLate(messages: ReadonlyMap<number, number>, negatives: ReadonlyMap<number, number> | undefined, isHoliday: (minuteMs: number) => boolean): number;
  /** A deep copy of the state. */
  snapshot(): ShareSnapshot;
  /** The state itself, not a copy, for a caller done with the detector (a scheduled pass storing it). */
  release(): ShareSnapshot;
}

export function createShareDetector(options: Partial<ShareDetectorOptions> = {}): ShareDetector {
  const fresh = (): Spread => ({ sum: 0, weight: 0, tainted: false });
  return restoreShareDetector({
    kind: 'share',
    version: 1,
    options: { ...DEFAULT_SHARE_OPTIONS, ...options },
    lastMinuteMs: null,
    baseline: { messages: 0, negative: 0 },
    minutes: [],
    hours: [],
    spread: { hour: fresh(), day: fresh() },
  });
}

export const isShareSnapshot = (snapshot: unknown): snapshot is ShareSnapshot => (snapshot as ShareSnapshot | null)?.kind === 'share';

const logit = (p: number) => Math.log(p / (1 - p));
const inverseLogit = (x: number) => 1 / (1 + Math.exp(-x));

const sumOf = (rows: readonly [number, number, number][]) => rows.reduce((t, [, n, k]) => ({ messages: t.messages + n, negative: t.negative + k }), { messages: 0, negative: 0 });

/** Continues where `snapshot()` left off (the snapshot is copied, never shared). */
export function restoreShareDetector(snapshot: ShareSnapshot): ShareDetector {
  return adoptShareDetector(structuredClone(snapshot));
}

/**
 * Continues from a snapshot handed over, which becomes the detector's state (no copy; the caller must
 * not use it again); with `current`, under those options from now on (none shapes the state).
 */
export function adoptShareDetector(snapshot: ShareSnapshot, current?: Partial<ShareDetectorOptions>): ShareDetector {
  const s = snapshot;
  if (current) s.options = { ...DEFAULT_SHARE_OPTIONS, ...current };
  const o = s.options;
  const decayPerMinute = 2 ** (-1 / o.baselineHalfLifeMinutes);
  const decayPerBlock = 2 ** (-1 / o.spreadHalfLifeBlocks);

  /** Laplace-smoothed long-run share, so a series that has never had a negative message still has a finite test. */
  const longRunShare = () => (s.baseline.negative + 0.5) / (s.baseline.messages + 1);
  /**
   * Shares are compared on the log-odds scale, where a share's drift is roughly symmetric (an hour at
   * 2× the usual share is as common as one at ½×; on the plain scale the upper tail is much heavier).
   * A window's log-odds vary by binomial noise, shrinking with its messages, plus τ², the variation of
   * the true share between past blocks of this series, which does not (the prior's until it has shown
   * its own). τ² is a method-of-moments estimate — each block's squared deviation less its binomial
   * noise — weighted by the inverse square of the block's variance, so a quiet night hour of 20
   * messages (noise ≈ 0.5) cannot outweigh a busy afternoon of 300 (noise ≈ 0.03); the prior counts as
   * priorSpreadBlocks blocks without noise.
   */
  const priorWeight = o.priorSpreadBlocks / o.priorLogOddsSpread ** 4;
  const betweenVariance = (d: Spread) => Math.max(0, (d.sum + o.priorLogOddsSpread ** 2 * priorWeight) / (d.weight + priorWeight));
  const binomialVariance = (p: number, messages: number) => 1 / (Math.max(messages, 1) * p * (1 - p));
  /** Smoothed log-odds: finite for a window with no (or only) negative messages. */
  const windowLogOdds = (messages: number, negative: number) => logit((negative + 0.5) / (messages + 1));

  /** A finished block (an hour, or a day of hours) is evidence of how much the share varies here. */
  const closeBlock = (window: ShareWindow, messages: number, negative: number) => {
    const d = s.spread[window];
    const p = longRunShare();
    if (!d.tainted && messages >= o.minWindowMessages && s.baseline.messages >= o.minBaselineMessages) {
      const noise = binomialVariance(p, messages);
      const variance = noise + betweenVariance(d);
      // The deviation is taken on the share scale, where binomial noise is exactly p(1-p)/n (the
      // smoothed log-odds of a small block are biased and noisier than that), then carried to the
      // log-odds scale by the slope p(1-p); winsorised at the threshold, so one wild block cannot
      // blind the test for weeks.
      const slope = p * (1 - p);
      const deviation = Math.min(Math.abs(negative / messages - p) / slope, o.zThreshold * Math.sqrt(variance));
      const weight = 1 / variance ** 2;
      d.sum = d.sum * decayPerBlock + weight * (deviation ** 2 - noise);
      d.weight = d.weight * decayPerBlock + weight;
    }
    d.tainted = false;
  };

  /**
   * Two tests, both must pass: the log-odds test above (beyond the series' usual drift), and the
   * binomial score test on the share itself (continuity-corrected). The log-odds test alone is
   * anti-conservative for a small window of a usually-negative series — the log-odds stretch towards
   * 1, so 23 of 26 against a usual 53% read as z 4.5 where the binomial tail is 2·10⁻⁴ (z 3.5); the
   * score test alone knows nothing of drift. z is the smaller of the two, the band the wider.
   */
  const test = (window: ShareWindow, messages: number, negative: number) => {
    const p = longRunShare();
    const n = Math.max(messages, 1);
    const error = Math.sqrt(binomialVariance(p, n) + betweenVariance(s.spread[window]));
    const share = messages > 0 ? negative / messages : 0;
    const binomialSd = Math.sqrt(n * p * (1 - p));
    const z = Math.min((windowLogOdds(messages, negative) - logit(p)) / error, (negative - n * p - 0.5) / binomialSd);
    const testable = messages >= o.minWindowMessages && s.baseline.messages >= o.minBaselineMessages;
    const oddsRatio = share >= 1 ? Infinity : share / (1 - share) / (p / (1 - p));
    const isAnomaly = testable && z >= o.zThreshold && negative >= o.minWindowNegatives && oddsRatio >= o.minOddsRatio;
    const band = (o.zThreshold * binomialSd + 0.5) / n;
    const upper = Math.min(1, Math.max(inverseLogit(logit(p) + o.zThreshold * error), p + band));
    const lower = Math.max(0, Math.min(inverseLogit(logit(p) - o.zThreshold * error), p - band));
    return { testable, isAnomaly, z, share, p, lower, upper, messages, negative };
  };

  return {
    update(minuteMs, messages, negative, holiday = false) {
      const hourMs = Math.floor(minuteMs / HOUR_MS) * HOUR_MS;
      if (s.lastMinuteMs !== null && hourMs > Math.floor(s.lastMinuteMs / HOUR_MS) * HOUR_MS) {
        // Hours (and days) that ended since the last minute: close their blocks, oldest first.
        const lastHour = Math.floor(s.lastMinuteMs / HOUR_MS) * HOUR_MS;
        for (let h = lastHour; h < hourMs; h += HOUR_MS) {
          const bucket = s.hours.find(([at]) => at === h);
          closeBlock('hour', bucket?.[1] ?? 0, bucket?.[2] ?? 0);
          if ((h + HOUR_MS) % DAY_MS === 0) {
            const day = sumOf(s.hours.filter(([at]) => at > h - DAY_MS && at <= h));
            closeBlock('day', day.messages, day.negative);
          }
        }
      }
      s.lastMinuteMs = minuteMs;
      s.minutes = s.minutes.filter(([at]) => at > minuteMs - SHARE_LATE_LOOKBACK_MS);
      s.hours = s.hours.filter(([at]) => at > hourMs - DAY_MS);
      if (messages > 0) {
        s.minutes.push([minuteMs, messages, negative]);
        const bucket = s.hours.at(-1);
        if (bucket && bucket[0] === hourMs) {
          bucket[1] += messages;
          bucket[2] += negative;
        } else s.hours.push([hourMs, messages, negative]);
      }

      const windows = { hour: sumOf(s.minutes), day: sumOf(s.hours) };
      const tests = SHARE_WINDOWS.map((w) => ({ window: w, ...test(w, windows[w].messages, windows[w].negative) }));
      const fired = tests.filter((t) => t.isAnomaly);
      for (const t of fired) s.spread[t.window].tainted = true;
      if (holiday) for (const w of SHARE_WINDOWS) s.spread[w].tainted = true;
      const candidates = fired.length ? fired : tests.filter((t) => t.testable);
      const top = candidates.reduce<(typeof tests)[number] | undefined>((best, t) => (!best || t.z > best.z ? t : best), undefined);

      if (!holiday) {
        s.baseline.messages = s.baseline.messages * decayPerMinute + messages;
        s.baseline.negative = s.baseline.negative * decayPerMinute + negative;
      }
      if (!top) {
        const p = longRunShare();
        return { observed: p, expected: p, lower: p, upper: p, score: 0, isAnomaly: false, window: null, messages: 0, negative: 0 };
      }
      const z = Math.max(0, top.z);
      return {
        observed: top.share,
        expected: top.p,
        lower: top.lower,
        upper: top.upper,
        score: (z * z) / (z * z + o.zThreshold ** 2),
        isAnomaly: top.isAnomaly,
        window: top.window,
        messages: top.messages,
        negative: top.negative,
      };
    },
    amendLate(messages, negatives, isHoliday) {
      const last = s.lastMinuteMs;
      if (last === null) return 0;
      /** The row of `atMs` in a list sorted by time, inserted (at zero) if missing. */
      const rowAt = (rows: [number, number, number][], atMs: number) => {
        const at = rows.findIndex(([t]) => t >= atMs);
        if (at >= 0 && rows[at][0] === atMs) return rows[at];
        const row: [number, number, number] = [atMs, 0, 0];
        rows.splice(at < 0 ? rows.length : at, 0, row);
        return row;
      };
      let added = 0;
      for (const [minuteMs, count] of messages) {
        if (minuteMs <= last - HOUR_MS || minuteMs > last) continue;
        const fed = s.minutes.find(([t]) => t === minuteMs);
        const extra = count - (fed?.[1] ?? 0);
        if (extra <= 0) continue;
        const extraNegative = Math.max(0, (negatives?.get(minuteMs) ?? 0) - (fed?.[2] ?? 0));
        for (const row of [rowAt(s.minutes, minuteMs), rowAt(s.hours, Math.floor(minuteMs / HOUR_MS) * HOUR_MS)]) {
          row[1] += extra;
          row[2] += extraNegative;
        }
        if (!isHoliday(minuteMs)) {
          s.baseline.messages += extra;
          s.baseline.negative += extraNegative;
        }
        added += extra;
      }
      return added;
    },
    snapshot: () => structuredClone(s),
    release: () => s,
  };
}
