// One scheduled detection pass over one series: feed every complete minute since the last pass
// (zeros included — a count series is mostly zeros) to its detector — the streaming detector for
// counts (messages, escalations, reopens), the share detector for the negative-sentiment share —
// and step the series' alert lifecycle minute by minute. Pure; the detection activity does the I/O
// around it.
import { DEFAULT_ALERT_POLICY, METRIC_SOURCES, parseSeries, stepAlert, type AlertPolicy, type AlertState, type MinuteResult, type NoticeKind } from './alerts.js';
import { adoptShareDetector, createShareDetector, isShareSnapshot, SHARE_LATE_LOOKBACK_MS, type ShareSnapshot } from './detection/shareDetector.js';
import { adoptStreamingDetector, countParams, createStreamingDetector, type DetectorSnapshot } from './detection/streamingDetector.js';
import { COUNT_WINDOWS_MS, expectedAt, meanPerStep } from './detection/countWindows.js';
import { pagingCounts, type PagingCount } from './detection/pagingCounts.js';
import { resolveOptions, type DetectorOptions } from './detection/detectorOptions.js';
import { onHoliday } from './holidays.js';

export const MINUTE_MS = 60_000;

/**
 * How far before a series' last minute fed each pass re-reads its counts: as far back as a count
 * window reaches, the only memory that can still take a late event in (countWindows.ts).
 */
export const LATE_EVENTS_LOOKBACK_MS = Math.max(...COUNT_WINDOWS_MS);

/**
 * History reaching no further back before a series' last minute fed than this is read again by the
 * next pass and taken in as late rows by every detector (the counts re-read 3 hours, the negative
 * share its last hour): only older history starts a series over, or makes series wait for an import
 * (activities/detection.ts). So a tenant that imports its recently solved tickets every minute (a
 * sync) is detected as usual. Two minutes inside the reach, for the boundary.
 */
export const LATE_ROWS_REACH_MS = Math.min(LATE_EVENTS_LOOKBACK_MS, SHARE_LATE_LOOKBACK_MS) - 2 * MINUTE_MS;

/**
 * Ticket volume only matters when it rises. Five remembered weeks, not three: Christmas and New
 * Year's Day fall on the same weekday, and with three the weekly reference of the next one was two
 * holidays out of three, so a large tenant was paged on an ordinary day (bench:detection's holiday
 * section: 1 false page per seed on the whole volume → 0; state +30%, pass +20%). A declared
 * holiday calendar (domain/holidays.ts) covers what the median cannot.
 */
export const VOLUME_DETECTOR_OPTIONS: DetectorOptions = { direction: 'up', weeklyDepth: 5 };

/**
 * A series with fewer events than this in the history a new series replays could not alert in that
 * replay (a count detector reports nothing while its last 3 hours hold fewer: sparseMinEvents), so
 * its detector is not started yet: a one-off tag costs neither a replay nor a state rewritten every
 * minute. It starts, on the same history, once it has this many.
 */
export const MIN_EVENTS_TO_WATCH = resolveOptions(VOLUME_DETECTOR_OPTIONS).sparseMinEvents;

export interface SeriesPass {
  series: string;
  /**
   * Absent for a series never seen before. The snapshot is handed over: the pass continues from this
   * very object (parsed from storage, or the last pass's result), so it must not be used again.
   */
  previous?: { lastMinuteMs: number; snapshot: SeriesSnapshot };
  /**
   * Non-zero minute counts (customer messages) in the window; for a stored series also of the minutes
   * it has already fed that its count windows still hold, so events stored after their minute was
   * fed are added (lateEvents).
   */
  counts: ReadonlyMap<number, number>;
  /** Of those, the negative ones per minute (read by a negative-share series only). */
  negatives?: ReadonlyMap<number, number>;
  /** Where a new series starts (its history before it existed is zeros). */
  newSeriesFromMs: number;
  /** The last complete minute to feed. */
  untilMs: number;
  alert: AlertState | undefined;
  /** The tenant's holidays as sorted UTC intervals (domain/holidays.ts): their minutes are scored, not learned. */
  holidays?: readonly [number, number][];
  /**
   * A series starting over on history that arrived after it fed these minutes: minutes up to this one
   * rebuild its detector but were judged already, so they neither change nor notify alerts again (an
   * alert notified and resolved would otherwise be raised and notified a second time).
   */
  judgedUntilMs?: number;
}

export interface SeriesPassResult {
  lastMinuteMs: number;
  snapshot: SeriesSnapshot;
  alert: AlertState | undefined;
  /** Every alert that changed during the pass, latest state (one pass can resolve one and open another). */
  changedAlerts: AlertState[];
  notices: { kind: NoticeKind; alert: AlertState }[];
  minutesFed: number;
  /** Events counted in minutes an earlier pass had already fed (stored after that pass read them), added to the count windows. */
  lateEvents: number;
}

/** What a series' detector keeps between passes: a streaming detector's (volume) or a share detector's. */
export type SeriesSnapshot = DetectorSnapshot | ShareSnapshot;

interface MinuteDetector {
  update(minuteMs: number, holiday: boolean): Omit<MinuteResult, 'minuteMs'>;
  /** Adds the events of minutes already fed that were not there when they were fed; returns how many. */
  amendLate(): number;
  /** The detector's state at the end of the pass (not copied: the detector is discarded). */
  release(): SeriesSnapshot;
}

function detectorFor(pass: SeriesPass, options: DetectorOptions): MinuteDetector {
  const snapshot = pass.previous?.snapshot;
  if (METRIC_SOURCES[parseSeries(pass.series).metric].measure === 'negativeShare') {
    // A stored series runs under the current options (an upgrade's thresholds reach series created before it).
    const share = isShareSnapshot(snapshot) ? adoptShareDetector(snapshot, {}) : createShareDetector();
    return {
      update: (minute, holiday) => share.update(minute, pass.counts.get(minute) ?? 0, pass.negatives?.get(minute) ?? 0, holiday),
      amendLate: () => share.amendLate(pass.counts, pass.negatives, (minute) => onHoliday(pass.holidays ?? [], minute)),
      release: share.release,
    };
  }
  // A new series' first pass replays its backfill: its hour-of-day profile is fitted to it first.
  const volume =
    snapshot && !isShareSnapshot(snapshot)
      ? adoptStreamingDetector(snapshot, options)
      : createStreamingDetector(options, { fromMs: pass.newSeriesFromMs, untilMs: pass.untilMs, count: (minute) => pass.counts.get(minute) ?? 0, holiday: (minute) => onHoliday(pass.holidays ?? [], minute) });
  return {
    update: (minute, holiday) => {
      const observed = pass.counts.get(minute) ?? 0;
      return { observed, ...volume.update(minute, observed, holiday) };
    },
    amendLate: () => volume.amendLate(pass.counts),
    release: volume.release,
  };
}

export function runSeriesPass(pass: SeriesPass, nowMs: number, policy: AlertPolicy = DEFAULT_ALERT_POLICY, options: DetectorOptions = VOLUME_DETECTOR_OPTIONS): SeriesPassResult {
  const steps = seriesPassSteps(pass, nowMs, policy, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Minutes a series pass feeds between two of its steps (seriesPassSteps). */
export const MINUTES_PER_PASS_STEP = 360;

/**
 * runSeriesPass in steps: it pauses after every MINUTES_PER_PASS_STEP minutes fed and returns the
 * same result at the end. A series starting over replays five weeks of minutes, a second or more of
 * CPU; a caller that lets other work run between steps (activities/detection.ts) keeps drafts and
 * workflow tasks moving during it. The detector is the pass's own object: nothing else touches it
 * between steps.
 */
export function* seriesPassSteps(pass: SeriesPass, nowMs: number, policy: AlertPolicy = DEFAULT_ALERT_POLICY, options: DetectorOptions = VOLUME_DETECTOR_OPTIONS): Generator<void, SeriesPassResult, void> {
  const detector = detectorFor(pass, options);
  // Rows stored after the last pass read their minute: `counts` re-reads the minutes already fed too.
  const lateEvents = pass.previous ? detector.amendLate() : 0;
  let minute = pass.previous ? pass.previous.lastMinuteMs + MINUTE_MS : pass.newSeriesFromMs;
  let alert = pass.alert;
  const changed = new Map<string, AlertState>();
  const notices: SeriesPassResult['notices'] = [];
  let minutesFed = 0;
  for (; minute <= pass.untilMs; minute += MINUTE_MS) {
    if (minutesFed > 0 && minutesFed % MINUTES_PER_PASS_STEP === 0) yield;
    const r = detector.update(minute, onHoliday(pass.holidays ?? [], minute));
    minutesFed++;
    if (pass.judgedUntilMs !== undefined && minute <= pass.judgedUntilMs) continue;
    const step = stepAlert(pass.series, alert, { minuteMs: minute, ...r }, nowMs, policy);
    alert = step.alert;
    if (step.changed && alert) changed.set(alert.alertId, alert);
    if (step.notice && alert) notices.push({ kind: step.notice, alert });
  }
  return { lastMinuteMs: Math.max(minute - MINUTE_MS, pass.previous?.lastMinuteMs ?? minute - MINUTE_MS), snapshot: detector.release(), alert, changedAlerts: [...changed.values()], notices, minutesFed, lateEvents };
}

/**
 * How a series is judged at its next minute, and for a sparse count series what would page: the
 * count each trailing window would need for its detector to fire (the windowed count test at the
 * current options, as the next pass would run it; detection/pagingCounts.ts). It answers a
 * product team's "how big must a spike be?" and "why did this not page?", and shows a young series
 * needing more than a seasoned one. The severity of such an alert also weighs the minute's figures
 * (domain/alerts.ts severityOf): these are the counts at which it fires at all.
 */
export interface SeriesSensitivity {
  /**
   * `count-windows`: a sparse count series, paged by its trailing windows' counts; `warming-up`: not
   * until `countingFromMs`; `per-minute`: ten or more events a minute, each minute judged against
   * its band; `share`: the negative-sentiment share, judged by its own detector.
   */
  test: 'count-windows' | 'warming-up' | 'per-minute' | 'share';
  /** When a warming-up series' count test starts counting. */
  countingFromMs: number | null;
  /** The series' expected events per minute at its next minute (null for a share). */
  expectedPerMinute: number | null;
  /** Per trailing window (count-windows only): expected events, events held, the count that pages. */
  windows: PagingCount[];
  /**
   * An alerted episode is on (the detector's alert bar is up until an hour passes without evidence
   * near the alert level, streamingDetector.ts episodeGapMs): the counts above raise no new alert
   * meanwhile — a window may already hold more — and a firing alert is re-notified only by severity.
   */
  inEpisode: boolean;
}

export function seriesSensitivity(snapshot: SeriesSnapshot, nextMinuteMs: number, options: DetectorOptions = VOLUME_DETECTOR_OPTIONS): SeriesSensitivity {
  if (isShareSnapshot(snapshot)) return { test: 'share', expectedPerMinute: null, countingFromMs: null, windows: [], inEpisode: false };
  const none = { countingFromMs: null, windows: [], inEpisode: snapshot.alertedSurprise > 0 };
  const o = resolveOptions(options);
  const counts = snapshot.counts;
  if (!counts || meanPerStep(counts) >= o.sparseBelowPerStep) return { ...none, test: 'per-minute', expectedPerMinute: counts ? expectedAt(counts, nextMinuteMs) : null };
  const expectedPerMinute = expectedAt(counts, nextMinuteMs);
  const countingFromMs = (snapshot.firstTimestampMs ?? nextMinuteMs) + o.warmupMs + o.minHistoryMs;
  if (nextMinuteMs < countingFromMs) return { ...none, test: 'warming-up', expectedPerMinute, countingFromMs };
  const windows = pagingCounts(counts, countParams(o), nextMinuteMs);
  // The detector reports nothing while its widest window holds fewer than sparseMinEvents: this
  // minute's events must bring it there, and they count in every window.
  const heldWidest = windows[windows.length - 1]?.held ?? 0;
  return {
    ...none,
    test: 'count-windows',
    expectedPerMinute,
    windows: windows.map((w) => ({ ...w, pagesAt: w.pagesAt === null ? null : Math.max(w.pagesAt, w.held + o.sparseMinEvents - heldWidest) })),
  };
}
