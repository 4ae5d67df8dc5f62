// What would page a sparse count series: the windowed count test (countWindows.ts) inverted — per
// trailing window, the fewest events at which the test alone reaches its alert level. Read-only.
import { alertSurpriseFor, heldBefore, rateOf, shapeSum, widthSurprise, type CountWindowParams, type CountWindowState } from './countWindows.js';

/** What a trailing window would have to hold for the test alone to raise an alert. */
export interface PagingCount {
  minutes: number;
  /** Events expected in the window. */
  expected: number;
  /** Events it holds already, from the steps before the one tested. */
  held: number;
  /** The fewest events (this step's included) at which the window alone reaches the alert level; null if none within 1,000× the expectation. */
  pagesAt: number | null;
}

/**
 * The count each trailing window would need at the step `timestampMs` for the test to reach its
 * alert level — what "a spike" means for this series now, given what it has learned (a young
 * series, whose rate and dispersion are still uncertain, needs more). Read-only: `s` is not changed.
 */
export function pagingCounts(s: CountWindowState, p: CountWindowParams, timestampMs: number): PagingCount[] {
  const index = Math.round(timestampMs / s.stepMs);
  const { rate, shape } = rateOf(s);
  const level = alertSurpriseFor(s, p) + Math.log10(s.widths.length);
  return s.widths.map((width, k) => {
    const expected = rate * shapeSum(s, timestampMs, width);
    const reaches = (count: number) => widthSurprise(s, k, count, expected, shape) >= level;
    // The surprise grows with the count above the expectation: double, then bisect.
    const limit = Math.ceil(1000 * Math.max(expected, 1));
    let high = Math.max(1, Math.ceil(expected));
    while (!reaches(high) && high < limit) high = Math.min(limit, high * 2);
    let pagesAt: number | null = null;
    if (reaches(high)) {
      let low = Math.floor(expected);
      while (high - low > 1) {
        const mid = Math.floor((low + high) / 2);
        if (reaches(mid)) high = mid;
        else low = mid;
      }
      pagesAt = high;
    }
    return { minutes: (width * s.stepMs) / 60_000, expected, held: heldBefore(s, index, width), pagesAt };
  });
}
