// Holidays on constructed, seeded series: Christmas and New Year's Day fall on the same weekday, so a
// weekly baseline that learned both expects holiday volume on that weekday a week later and pages on
// an ordinary day. Declared holidays are scored but not learned: the week after is quiet, and a spike
// on the holiday itself or just after it is still caught. Plus the calendar's own arithmetic.
import { describe, expect, it } from 'vitest';
import { createStreamingDetector, restoreStreamingDetector } from '../../../domain/detection/streamingDetector.js';
import { holidayCalendarFor, holidayCalendarProblem, holidayDays, holidayIntervals, onHoliday } from '../../../domain/holidays.js';
import { poisson, seededRandom } from '../../helpers/seededRandom.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** A Monday, 00:00 UTC. */
const START_MS = Date.UTC(2026, 0, 5);
const WEEKS = 7;

/** Office-hours rhythm (mean ≈ 1 over a day) and quiet weekends. */
const daily = (t: number) => 1 + 0.8 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS - Math.PI / 2);
const weekly = (t: number) => (Math.floor((t - START_MS) / DAY_MS) % 7 >= 5 ? 0.35 : 1.26);
/** Two holidays on consecutive Mondays (weeks 5 and 6), at 15% of a normal day's volume. */
const HOLIDAY_DAYS = [28, 35];
const isHolidayDay = (t: number) => HOLIDAY_DAYS.includes(Math.floor((t - START_MS) / DAY_MS));
const AFTER_HOLIDAYS_MS = START_MS + 36 * DAY_MS;

interface Spike {
  fromMs: number;
  minutes: number;
  factor: number;
}

/** Alert times of a seasonal series at `perMinute` with the holidays, told about them or not. */
function alertTimes(perMinute: number, seed: number, declared: boolean, spike?: Spike): number[] {
  const random = seededRandom(seed);
  const detector = createStreamingDetector({ direction: 'up' });
  const alerts: number[] = [];
  for (let t = START_MS; t < START_MS + WEEKS * 7 * DAY_MS; t += MINUTE_MS) {
    const inSpike = spike && t >= spike.fromMs && t < spike.fromMs + spike.minutes * MINUTE_MS;
    const rate = perMinute * daily(t) * weekly(t) * (isHolidayDay(t) ? 0.15 : 1) * (inSpike ? spike.factor : 1);
    if (detector.update(t, poisson(random, rate), declared && isHolidayDay(t)).isAnomaly) alerts.push(t);
  }
  return alerts;
}

const SEEDS = [1, 2, 3];

describe('declared holidays', () => {
  it.each(SEEDS)('a busy series pages the week after two same-weekday holidays unless they are declared (seed %i)', (seed) => {
    // 100 tickets a minute at the daily mean: a large tenant's whole volume.
    const undeclared = alertTimes(100, seed, false).filter((t) => t >= AFTER_HOLIDAYS_MS);
    expect(undeclared.length).toBeGreaterThan(0);
    expect(alertTimes(100, seed, true).filter((t) => t >= AFTER_HOLIDAYS_MS)).toEqual([]);
  });

  it.each(SEEDS)('a topic at one ticket a minute stays quiet after declared holidays (seed %i)', (seed) => {
    expect(alertTimes(1, seed, true).filter((t) => t >= START_MS + 14 * DAY_MS)).toEqual([]);
  });

  it.each(SEEDS)('a spike on a declared holiday is caught when it is a spike for an ordinary day (seed %i)', (seed) => {
    // Holiday steps are not learned, so a holiday is measured against an ordinary day: ×20 the
    // holiday's volume is about 3× an ordinary afternoon (a rise that only reaches ordinary volume is not paged).
    const spike = { fromMs: START_MS + 35 * DAY_MS + 14 * HOUR_MS, minutes: 30, factor: 20 };
    const alerts = alertTimes(1, seed, true, spike).filter((t) => t >= START_MS + 14 * DAY_MS);
    expect(alerts.length).toBe(1);
    expect(alerts[0]! - spike.fromMs).toBeGreaterThanOrEqual(0);
    expect(alerts[0]! - spike.fromMs).toBeLessThan(spike.minutes * MINUTE_MS);
  });

  it.each(SEEDS)('a sparse topic rising ×4 on the Monday after the holidays is caught within the hour (seed %i)', (seed) => {
    // 0.04 a minute: a typical topic; the count windows learn nothing from the holidays either.
    const spike = { fromMs: START_MS + 42 * DAY_MS + 13 * HOUR_MS, minutes: 90, factor: 4 };
    const alerts = alertTimes(0.04, seed, true, spike).filter((t) => t >= START_MS + 36 * DAY_MS);
    expect(alerts.length).toBe(1);
    expect(alerts[0]! - spike.fromMs).toBeGreaterThanOrEqual(0);
    expect(alerts[0]! - spike.fromMs).toBeLessThan(HOUR_MS);
  });

  it('resumes identically from a snapshot taken during a holiday', () => {
    const feed = (detector: ReturnType<typeof createStreamingDetector>, from: number, to: number, random: () => number) => {
      const out = [];
      for (let t = from; t < to; t += MINUTE_MS) out.push(detector.update(t, poisson(random, 0.2 * (isHolidayDay(t) ? 0.15 : 1)), isHolidayDay(t)));
      return out;
    };
    const middle = START_MS + 28 * DAY_MS + 12 * HOUR_MS;
    const whole = createStreamingDetector({ direction: 'up' });
    const random = seededRandom(7);
    feed(whole, START_MS, middle, random);
    const copy = restoreStreamingDetector(JSON.parse(JSON.stringify(whole.snapshot())));
    expect(copy.snapshot().counts?.holidays?.length).toBe(1);
    const [r1, r2] = [seededRandom(8), seededRandom(8)];
    expect(feed(copy, middle, middle + 2 * DAY_MS, r1)).toEqual(feed(whole, middle, middle + 2 * DAY_MS, r2));
  });
});

describe('holiday calendar', () => {
  const YEAR_2026: [number, number] = [Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)];

  it("turns the tenant's local dates into UTC days, with 23- and 25-hour days at DST changes", () => {
    const days = holidayDays(holidayCalendarFor({ timeZone: 'America/New_York', dates: ['2026-12-25', '2026-03-08', '2026-11-01'] }), ...YEAR_2026);
    expect(days.map((d) => [new Date(d.startMs).toISOString(), (d.endMs - d.startMs) / HOUR_MS, d.source])).toEqual([
      ['2026-03-08T05:00:00.000Z', 23, 'dates'],
      ['2026-11-01T04:00:00.000Z', 25, 'dates'],
      ['2026-12-25T05:00:00.000Z', 24, 'dates'],
    ]);
    const intervals = holidayIntervals(days);
    expect(onHoliday(intervals, Date.parse('2026-12-25T04:59:00Z'))).toBe(false);
    expect(onHoliday(intervals, Date.parse('2026-12-25T05:00:00Z'))).toBe(true);
    expect(onHoliday(intervals, Date.parse('2026-12-26T04:59:00Z'))).toBe(true);
    expect(onHoliday(intervals, Date.parse('2026-12-26T05:00:00Z'))).toBe(false);
    expect(onHoliday([], Date.parse('2026-12-25T12:00:00Z'))).toBe(false);
    expect(holidayIntervals(holidayDays(holidayCalendarFor({ dates: ['2027-01-01'] }), ...YEAR_2026))).toEqual([]);
  });

  it("takes a country's public holidays in its own time zone, a region's too, and merges a tenant date that is one of them", () => {
    const us = holidayCalendarFor({ country: 'US', region: 'NY', dates: ['2026-12-24', '2026-12-25'] });
    expect(us.timeZone).toBe('America/New_York');
    const days = holidayDays(us, Date.UTC(2026, 11, 1), Date.UTC(2027, 0, 3));
    expect(days.map((d) => [d.name, d.source])).toEqual([
      ['2026-12-24', 'dates'],
      ['Christmas Day', 'country'],
      ['2026-12-25', 'dates'],
      ["New Year's Day", 'country'],
    ]);
    expect(holidayIntervals(days)).toEqual([
      [Date.parse('2026-12-24T05:00:00Z'), Date.parse('2026-12-26T05:00:00Z')],
      [Date.parse('2027-01-01T05:00:00Z'), Date.parse('2027-01-02T05:00:00Z')],
    ]);
    // Observances (Mother's Day) are not days off; a region adds its own (Epiphany in Bavaria, not in Berlin).
    const names = (calendar: Parameters<typeof holidayCalendarFor>[0]) => holidayDays(holidayCalendarFor(calendar), ...YEAR_2026).map((d) => d.name);
    expect(names({ country: 'DE', region: 'BY' })).toContain('Epiphany');
    expect(names({ country: 'DE', region: 'BE' })).not.toContain('Epiphany');
    expect(names({ country: 'GB', region: 'ENG' })).not.toContain("Mother's Day");
    expect(holidayCalendarFor({ country: 'DE', timeZone: 'UTC' }).timeZone).toBe('UTC');
  });

  it('names what the schema cannot see: an unknown country, region or time zone, a date not in the calendar', () => {
    expect(holidayCalendarProblem({ country: 'US', region: 'NY', timeZone: 'America/New_York', dates: ['2026-12-24'] })).toBeUndefined();
    expect(holidayCalendarProblem({ country: 'XX' })).toMatchObject({ field: 'country' });
    expect(holidayCalendarProblem({ country: 'US', region: 'ZZ' })).toMatchObject({ field: 'region' });
    expect(holidayCalendarProblem({ region: 'NY' })).toMatchObject({ field: 'region' });
    expect(holidayCalendarProblem({ timeZone: 'Mars/Olympus' })).toMatchObject({ field: 'timeZone' });
    expect(holidayCalendarProblem({ timeZone: '+05:00' })).toMatchObject({ field: 'timeZone' });
    expect(holidayCalendarProblem({ dates: ['2026-12-25', '2026-02-30'] })).toMatchObject({ field: 'dates.1' });
    expect(holidayCalendarProblem({ dates: ['1969-12-31'] })).toMatchObject({ field: 'dates.0' });
  });
});
