// One scheduled detection pass over one series: feed every complete minute since the last pass
// (zeros included — a count series is mostly zeros) to its detector — the streaming detector for
// counts (messages, escalations, reopens), the share detector for the negative-sentiment share —
// and step the series' alert lifecycle minute by minute. Pure; the detection activity does the I/O
// around it.
import { DEFAULT_ALERT_POLICY, METRIC_SOURCES, parseSeries, stepAlert, type AlertPolicy, type AlertState, type MinuteResult, type NoticeKind } from './alerts.js';
import { adoptShareDetector, createShareDetector, isShareSnapshot, type ShareSnapshot } from './detection/shareDetector.js';
import { adoptStreamingDetector, createStreamingDetector, type DetectorSnapshot } from './detection/streamingDetector.js';
import { COUNT_WINDOWS_MS } from './detection/countWindows.js';
import { resolveOptions, type DetectorOptions } from './detection/detectorOptions.js';
import { onHoliday } from './holidays.js';

export const MINUTE_MS = 60_000;

/**
 * How far before a series' last minute fed each pass re-reads its counts: as far back as a count
 * window reaches, the only memory that can still take a late event in (countWindows.ts).
 */
export const LATE_EVENTS_LOOKBACK_MS = Math.max(...COUNT_WINDOWS_MS);

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
  const volume = snapshot && !isShareSnapshot(snapshot) ? adoptStreamingDetector(snapshot, options) : createStreamingDetector(options);
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
  const detector = detectorFor(pass, options);
  // Rows stored after the last pass read their minute: `counts` re-reads the minutes already fed too.
  const lateEvents = pass.previous ? detector.amendLate() : 0;
  let minute = pass.previous ? pass.previous.lastMinuteMs + MINUTE_MS : pass.newSeriesFromMs;
  let alert = pass.alert;
  const changed = new Map<string, AlertState>();
  const notices: SeriesPassResult['notices'] = [];
  let minutesFed = 0;
  for (; minute <= pass.untilMs; minute += MINUTE_MS) {
    const r = detector.update(minute, onHoliday(pass.holidays ?? [], minute));
    minutesFed++;
    const step = stepAlert(pass.series, alert, { minuteMs: minute, ...r }, nowMs, policy);
    alert = step.alert;
    if (step.changed && alert) changed.set(alert.alertId, alert);
    if (step.notice && alert) notices.push({ kind: step.notice, alert });
  }
  return { lastMinuteMs: Math.max(minute - MINUTE_MS, pass.previous?.lastMinuteMs ?? minute - MINUTE_MS), snapshot: detector.release(), alert, changedAlerts: [...changed.values()], notices, minutesFed, lateEvents };
}
