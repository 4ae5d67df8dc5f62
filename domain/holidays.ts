// A tenant's holiday calendar for spike detection (GET/PUT /v1/settings/holidays): the days its
// support volume is expected to run low — a country's (and region's) public holidays, plus dates of
// its own such as a company shutdown — in the tenant's time zone. On those days the detectors still
// score every minute but learn nothing from them: a quiet day must not become "what this weekday
// looks like". Christmas and New Year's Day fall on the same weekday, and a weekly baseline that
// learned both expected holiday volume on the ordinary day a week later and paged on it (README).
// Public holidays come from date-holidays (maintained data for ~200 countries, moving feasts and
// substitute days included) and local midnights become UTC instants through Luxon: neither
// calendars nor time zones are ours to hand-write.
import { Type, type Static } from '@sinclair/typebox';
import Holidays, { type HolidaysTypes } from 'date-holidays';
import { DateTime, IANAZone } from 'luxon';
import { instantMs } from './instants.js';

export const HolidayCalendar = Type.Object(
  {
    country: Type.String({ pattern: '^([A-Z]{2})?$', description: 'ISO 3166-1 alpha-2 code whose public holidays count, e.g. US, DE, GB; "" for none' }),
    region: Type.String({ pattern: '^([A-Z0-9]{1,3})?$', description: 'State or region within the country, e.g. NY, BY, ENG; "" for the country-wide holidays only' }),
    timeZone: Type.String({ minLength: 1, maxLength: 64, description: "IANA time zone the days are local to, e.g. Europe/Berlin; default the country's own, else UTC" }),
    dates: Type.Array(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'a local date, e.g. 2026-12-24' }), {
      uniqueItems: true,
      maxItems: 2000,
      description: "The tenant's own low days (a shutdown, a company holiday), from local midnight to local midnight.",
    }),
  },
  { additionalProperties: false },
);
export type HolidayCalendar = Static<typeof HolidayCalendar>;
export const HolidayCalendarOverrides = Type.Partial(HolidayCalendar, { additionalProperties: false });
export type HolidayCalendarOverrides = Static<typeof HolidayCalendarOverrides>;

export const DEFAULT_HOLIDAY_CALENDAR: HolidayCalendar = { country: '', region: '', timeZone: 'UTC', dates: [] };

/** Holiday types that close offices (date-holidays also lists observances such as Mother's Day). */
const DAYS_OFF: HolidaysTypes.HolidayType[] = ['public', 'bank'];

/**
 * date-holidays parses a country's rules when an instance is built and evaluates them on every
 * query (together ~3 ms, and a detection pass asks for every tenant every minute), so instances
 * (per country, region and time zone) and each year's days are kept: a handful per process.
 */
const instances = new Map<string, Holidays>();
function holidaysOf(country: string, region: string, timeZone?: string): Holidays {
  const key = `${country}/${region}/${timeZone ?? ''}`;
  let holidays = instances.get(key);
  if (!holidays) {
    holidays = new Holidays(country, region, { types: DAYS_OFF, languages: ['en'] });
    if (timeZone) holidays.setTimezone(timeZone);
    instances.set(key, holidays);
  }
  return holidays;
}

export function holidayCalendarFor(overrides: HolidayCalendarOverrides = {}): HolidayCalendar {
  const country = overrides.country ?? DEFAULT_HOLIDAY_CALENDAR.country;
  const region = overrides.region ?? DEFAULT_HOLIDAY_CALENDAR.region;
  const countryZone = country ? holidaysOf(country, region).getTimezones()[0] : undefined;
  return { country, region, timeZone: overrides.timeZone ?? countryZone ?? DEFAULT_HOLIDAY_CALENDAR.timeZone, dates: overrides.dates ?? DEFAULT_HOLIDAY_CALENDAR.dates };
}

/** What the schema cannot see: a country or region date-holidays does not know, a time zone that does not exist, a date not in the calendar. */
export function holidayCalendarProblem(overrides: HolidayCalendarOverrides): { field: string; message: string } | undefined {
  const directory = new Holidays();
  if (overrides.country && !(overrides.country in directory.getCountries('en'))) {
    return { field: 'country', message: `country: ${JSON.stringify(overrides.country)} is not a country with a holiday calendar (ISO 3166-1 alpha-2, e.g. US, DE, GB)` };
  }
  if (overrides.region) {
    if (!overrides.country) return { field: 'region', message: 'region: needs a country' };
    const regions = directory.getStates(overrides.country, 'en') ?? {};
    if (!(overrides.region in regions)) {
      const known = Object.keys(regions);
      return { field: 'region', message: `region: ${JSON.stringify(overrides.region)} is not a region of ${overrides.country}${known.length ? ` (one of ${known.join(', ')})` : ' (it has none)'}` };
    }
  }
  if (overrides.timeZone !== undefined && !IANAZone.isValidZone(overrides.timeZone)) {
    return { field: 'timeZone', message: `timeZone: ${JSON.stringify(overrides.timeZone)} is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)` };
  }
  const index = (overrides.dates ?? []).findIndex((date) => instantMs(date, { dateOnly: true }) === undefined);
  if (index >= 0) return { field: `dates.${index}`, message: `dates.${index}: ${JSON.stringify(overrides.dates![index])} is not a calendar date between 1970 and 2105` };
  return undefined;
}

export interface HolidayDay {
  startMs: number;
  endMs: number;
  name: string;
  /** Where it comes from: the country's public holidays, or the tenant's own dates. */
  source: 'country' | 'dates';
}

/** A country's holidays of one year in the calendar's zone: computed once (date-holidays evaluates its rules on every call). */
const years = new Map<string, readonly HolidayDay[]>();
function countryYear(calendar: HolidayCalendar, year: number): readonly HolidayDay[] {
  const key = `${calendar.country}/${calendar.region}/${calendar.timeZone}/${year}`;
  let days = years.get(key);
  if (!days) {
    days = holidaysOf(calendar.country, calendar.region, calendar.timeZone)
      .getHolidays(year)
      .map((h) => ({ startMs: h.start.getTime(), endMs: h.end.getTime(), name: h.name, source: 'country' as const }));
    years.set(key, days);
  }
  return days;
}

/** The calendar's days that overlap [fromMs, toMs), sorted by start (a DST day lasts 23 or 25 hours). */
export function holidayDays(calendar: HolidayCalendar, fromMs: number, toMs: number): HolidayDay[] {
  const days: HolidayDay[] = [];
  if (calendar.country) {
    const [first, last] = [fromMs, toMs].map((ms) => DateTime.fromMillis(ms, { zone: calendar.timeZone }).year) as [number, number];
    for (let year = first; year <= last; year++) days.push(...countryYear(calendar, year));
  }
  for (const date of calendar.dates) {
    const start = DateTime.fromISO(date, { zone: calendar.timeZone });
    days.push({ startMs: start.toMillis(), endMs: start.plus({ days: 1 }).toMillis(), name: date, source: 'dates' });
  }
  return days.filter((d) => d.endMs > fromMs && d.startMs < toMs).sort((a, b) => a.startMs - b.startMs);
}

/** The holiday days as disjoint UTC intervals [start, end), sorted (a tenant date that is also a public holiday is one interval). */
export function holidayIntervals(days: readonly HolidayDay[]): [number, number][] {
  const intervals: [number, number][] = [];
  for (const { startMs, endMs } of days) {
    const last = intervals[intervals.length - 1];
    if (last && startMs <= last[1]) last[1] = Math.max(last[1], endMs);
    else intervals.push([startMs, endMs]);
  }
  return intervals;
}

/** Whether an instant falls on one of the (sorted, disjoint) holiday intervals. */
export function onHoliday(intervals: readonly [number, number][], ms: number): boolean {
  let [low, high] = [0, intervals.length - 1];
  while (low <= high) {
    const mid = (low + high) >> 1;
    const [start, end] = intervals[mid]!;
    if (ms < start) high = mid - 1;
    else if (ms >= end) low = mid + 1;
    else return true;
  }
  return false;
}
