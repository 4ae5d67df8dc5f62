// A new series' first pass replays its backfill; before it does, the count model's hour-of-day
// profile is fitted to that backfill (domain/spikeDetection.ts passes it to the new detector).
import { learnCounts, newCountWindows, WEEK_MS, type CountWindowParams, type CountWindowState } from './countWindows.js';

/**
 * History a new series' first pass is about to replay (the backfill): counts per step, and which
 * steps fall on a declared holiday.
 */
export interface CountHistory {
  fromMs: number;
  untilMs: number;
  count(timestampMs: number): number;
  holiday(timestampMs: number): boolean;
}

/**
 * Least history the hour-of-day profile is fitted from (every hour seen on seven days). With less the
 * fitted profile is mostly the very counts the replay then scores, so the windows look calmer than
 * the series is: fitted from 3 days, 62 false alerts in 312 spike-free simulated topic-weeks against
 * 19 unfitted (the budget, 0.1 a series-week, is 31); from 10–35 days within it (bench/HISTORY.md).
 */
export const PROFILE_FIT_MIN_HISTORY_MS = WEEK_MS;

/**
 * A new series' count memory, its hour-of-day profile fitted to the history its first pass replays.
 * Learned online, the profile starts flat and takes the first days of the replay to form; meanwhile
 * the level is learned against a wrong shape and the windows teach a dispersion that is the profile's
 * error, and both outlast it (the series then asks for far more before it pages). Fitted here, with
 * the same learning as the replay's (two rounds: the second weighs each hour by the day-of-week
 * factors the first ended with), then the replay learns as usual. Only the hours: day-of-week
 * factors fitted from one or two weeks are each a single day's accident, and doubled false alerts.
 * Measured on the live bench's streams replayed offline (`bench:detection --replay-live`, ten start
 * times, three ×4 spikes of 40 minutes each): see bench/HISTORY.md, 26 Nov twelfth session.
 */
export function fittedCountWindows(stepMs: number, p: CountWindowParams, history: CountHistory): CountWindowState {
  const fresh = newCountWindows(stepMs);
  if (history.untilMs - history.fromMs < PROFILE_FIT_MIN_HISTORY_MS) return fresh;
  const learnHistory = (s: CountWindowState): CountWindowState => {
    for (let t = history.fromMs; t <= history.untilMs; t += stepMs) learnCounts(s, p, t, history.count(t), null, history.holiday(t));
    return s;
  };
  const first = learnHistory(newCountWindows(stepMs));
  const second = learnHistory({ ...newCountWindows(stepMs), dayCounts: [...first.dayCounts], dayExposure: [...first.dayExposure], totalCounts: first.totalCounts, totalSteps: first.totalSteps });
  // The replay then learns the same minutes again: hour counts, exposures and the long-run totals hold
  // them twice, which leaves every factor and the mean (ratios) as they are.
  return { ...fresh, hourCounts: second.hourCounts, hourExposure: second.hourExposure, totalCounts: first.totalCounts, totalSteps: first.totalSteps };
}
