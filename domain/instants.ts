// One definition of a point in time the product accepts: RFC 3339 with a real calendar date and time
// of day, inside what ClickHouse's DateTime columns hold. Anything else is refused where it enters
// (webhooks, import, query parameters), because downstream it did harm: year 0000 with an offset
// became year -1 and failed the whole insert batch it was in, year 0000 in UTC was stored as this
// year by best-effort parsing, 30 February rolled over to March, and a leap second passed the
// schema and then threw on conversion.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** DateTime (seconds, UInt32) holds 1970-01-01 to 2106-02-07; the product's range stops at the end of 2105. */
export const EARLIEST_INSTANT_MS = Date.UTC(1970, 0, 1);
export const LATEST_INSTANT_MS = Date.UTC(2106, 0, 1) - 1;

const inRange = (ms: number): boolean => ms >= EARLIEST_INSTANT_MS && ms <= LATEST_INSTANT_MS;

function calendarDayMs(year: string, month: string, day: string): number | undefined {
  const [y, m, d] = [Number(year), Number(month), Number(day)];
  const at = new Date(Date.UTC(y, m - 1, d));
  at.setUTCFullYear(y); // Date.UTC reads years 0–99 as 1900–1999
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d ? at.getTime() : undefined;
}

/**
 * Milliseconds since the epoch of an RFC 3339 date-time (`2026-11-24T10:00:00Z`, `…+01:00`), or, with
 * `dateOnly`, also of a calendar date (`2026-11-24`: its midnight UTC); undefined when it is not one
 * or lies outside the product's range.
 */
export function instantMs(value: string, options: { dateOnly?: boolean } = {}): number | undefined {
  let ms: number | undefined;
  const date = options.dateOnly ? DATE_ONLY.exec(value) : null;
  if (date) ms = calendarDayMs(date[1]!, date[2]!, date[3]!);
  else {
    const m = DATE_TIME.exec(value);
    if (!m) return undefined;
    const [hours, minutes, seconds, offsetHours, offsetMinutes] = [m[4], m[5], m[6], m[9] ?? '0', m[10] ?? '0'].map(Number) as [number, number, number, number, number];
    const day = calendarDayMs(m[1]!, m[2]!, m[3]!);
    if (day === undefined || hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
    const fraction = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
    const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
    ms = day + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction - offset;
  }
  return ms !== undefined && inRange(ms) ? ms : undefined;
}

/** What a refused instant should have looked like, for error messages. */
export const INSTANT_HINT = `an RFC 3339 date-time such as 2026-11-24T10:00:00Z, between 1970 and 2105`;

const ISO_LIKE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i;
/** "Tue Oct 31 22:10:47 +0000 2017" (Twitter), "Tue, 31 Oct 2017 22:10:47 GMT" (RFC 2822): a month name and an explicit zone. */
const NAMED_MONTH_WITH_ZONE = /^(?=.*\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)(?=.*(?:[+-]\d{4}\b|\bGMT\b|\bUTC\b)).*\d{4}.*$/i;

/**
 * A time as exports write it, in milliseconds, or undefined when it is not one. Read: ISO 8601
 * dates and date-times, with `T` or a space, with or without seconds; a zone as `Z`, `UTC`,
 * `±hh:mm` or `±hhmm` — and **without a zone as UTC** (exports from one account usually share a
 * zone we cannot know; UTC at least reads the same on every machine); and dates with a month name
 * and an explicit zone (RFC 2822, Twitter). Refused: numeric dates like 01/11/2026 (day or month
 * first?), bare numbers, and anything JavaScript's Date.parse would guess at ("foo 1" was 2001).
 */
export function exportTimeMs(value: string): number | undefined {
  const text = value.trim();
  const iso = ISO_LIKE.exec(text);
  if (iso) {
    const zone = iso[4] === undefined || /^(z|utc)$/i.test(iso[4]) ? 'Z' : iso[4].includes(':') ? iso[4] : `${iso[4].slice(0, 3)}:${iso[4].slice(3)}`;
    return instantMs(`${iso[1]}T${iso[2] ?? '00:00'}${iso[3] ?? ':00'}${zone}`);
  }
  if (!NAMED_MONTH_WITH_ZONE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && inRange(ms) ? ms : undefined;
}

export const EXPORT_TIME_HINT = 'use ISO 8601 such as 2026-11-24T10:00:00Z (a time without a zone is read as UTC), or a date with a month name and its zone';
