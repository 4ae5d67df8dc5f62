import { describe, expect, it } from 'vitest';
import { exportTimeMs, instantMs } from '../../domain/instants.js';

describe('instantMs', () => {
  it('reads RFC 3339 date-times with fractions and offsets as Date.parse does', () => {
    for (const v of ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.123Z', '2026-11-24T11:30:00+01:30', '2026-11-24T05:00:00-05:00', '1970-01-01T00:00:00Z', '2105-12-31T23:59:59Z'])
      expect(instantMs(v), v).toBe(Date.parse(v));
  });

  it('refuses what the store would mangle or refuse: impossible dates and times, leap seconds, years outside 1970–2105', () => {
    for (const v of ['2024-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '2026-11-24T24:00:00Z', '2016-12-31T23:59:60Z', '2026-11-24T10:00:00+24:00', '0000-01-01T00:00:00Z', '0000-01-01T00:30:00+01:00', '1969-12-31T23:59:59Z', '2106-01-01T00:00:00Z', '2026-11-24 10:00:00Z', '2026-11-24', 'soon'])
      expect(instantMs(v), v).toBeUndefined();
    expect(instantMs('1970-01-01T00:30:00+01:00'), 'an offset moving it before 1970').toBeUndefined();
  });

  it('takes a calendar date as its midnight UTC only where dates are allowed', () => {
    expect(instantMs('2026-11-20', { dateOnly: true })).toBe(Date.UTC(2026, 10, 20));
    expect(instantMs('2024-02-29', { dateOnly: true })).toBe(Date.UTC(2024, 1, 29));
    expect(instantMs('2023-02-29', { dateOnly: true })).toBeUndefined();
    expect(instantMs('2026-11-20T08:00:00Z', { dateOnly: true })).toBe(Date.UTC(2026, 10, 20, 8));
  });

  it('reads export times: ISO with or without T, seconds or zone (no zone = UTC), named months with a zone; nothing ambiguous', () => {
    expect(exportTimeMs('2026-11-24 10:00')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(exportTimeMs('2026-11-24')).toBe(Date.UTC(2026, 10, 24));
    expect(exportTimeMs('2026-11-24T10:00:00UTC')).toBe(Date.UTC(2026, 10, 24, 10));
    expect(exportTimeMs('2026-11-24 10:00:00 -0130')).toBe(Date.UTC(2026, 10, 24, 11, 30));
    expect(exportTimeMs('Tue, 31 Oct 2017 22:10:47 GMT')).toBe(Date.UTC(2017, 9, 31, 22, 10, 47));
    for (const v of ['01/11/2026', '24/11/2026', '1700000000', '12', 'Oct 31 2017', 'yesterday', '2026-11-24 25:00'])
      expect(exportTimeMs(v), v).toBeUndefined();
  });
});
