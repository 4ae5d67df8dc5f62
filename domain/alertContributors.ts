// What drove an alert: the slices of the alerting series (topics, tags, product areas, channels,
// segments) whose events rose the most over the hour up to its latest report, against the same hour of
// the same weekday in the previous weeks. "Ticket spike in all tickets" is actionable only with
// "mostly topic billing, tag invoice". A plain seasonal-naive comparison, independent of the
// detectors: it says where the extra events came from, not whether they are anomalous. Pure; the
// counts come from the per-minute rollups (store/alertContributors.ts).

/** The hour up to the report: long enough for a sparse topic's rise to show, short enough to be this incident. */
export const CONTRIBUTOR_WINDOW_MINUTES = 60;
/** Same hour of the same weekday in up to this many previous weeks (fewer for a young tenant). */
export const CONTRIBUTOR_USUAL_WEEKS = 4;
export const MAX_CONTRIBUTORS = 5;
export const WEEK_MS = 7 * 24 * 3_600_000;
const MINUTE_MS = 60_000;

/**
 * Which previous weeks (1 … CONTRIBUTOR_USUAL_WEEKS) make the usual for the window whose last minute
 * is `endMs`: those wholly on or after the tenant's first minute of data and touching none of its
 * holidays (domain/holidays.ts intervals, [start, end)): a quiet Christmas week would make an
 * ordinary hour look like a rise.
 */
export function usualWeeks(endMs: number, firstMinuteMs: number, holidays: readonly [number, number][] = []): number[] {
  const weeks: number[] = [];
  for (let w = 1; w <= CONTRIBUTOR_USUAL_WEEKS; w++) {
    const from = endMs - w * WEEK_MS - (CONTRIBUTOR_WINDOW_MINUTES - 1) * MINUTE_MS;
    const to = endMs - w * WEEK_MS + MINUTE_MS;
    if (from >= firstMinuteMs && !holidays.some(([start, end]) => start < to && end > from)) weeks.push(w);
  }
  return weeks;
}

export interface Contributor {
  dimension: string;
  value: string;
  /** Events in the window (for negative_share: negative messages). */
  observed: number;
  /** Mean of the same window in the previous weeks; null when the tenant has no such week yet. */
  usual: number | null;
  /** This slice's share of the whole series' rise (0..1); null when the series did not rise against a known usual. */
  shareOfRise: number | null;
}

/** One slice's events per window: week 0 is the window itself, week w the same window w weeks before. */
export interface SliceWeekCount {
  /** '' for the alerting series as a whole. */
  dimension: string;
  value: string;
  week: number;
  count: number;
}

/**
 * The slices that rose most, largest rise first, at most MAX_CONTRIBUTORS, each with a rise above
 * zero; the alerting series' own slice (`own`, e.g. topic=billing for a billing alert) is left out,
 * since every event of the series is in it. `weeks`: the previous weeks the usual is the mean of (usualWeeks).
 */
export function topContributors(counts: readonly SliceWeekCount[], weeks: readonly number[], own: { dimension: string; value: string }): Contributor[] {
  const slices = new Map<string, { dimension: string; value: string; observed: number; before: number }>();
  for (const c of counts) {
    const key = `${c.dimension}\u0000${c.value}`;
    const slice = slices.get(key) ?? slices.set(key, { dimension: c.dimension, value: c.value, observed: 0, before: 0 }).get(key)!;
    if (c.week === 0) slice.observed += c.count;
    else if (weeks.includes(c.week)) slice.before += c.count;
  }
  const usualOf = (s: { before: number }) => (weeks.length > 0 ? s.before / weeks.length : null);
  const riseOf = (s: { observed: number; before: number }) => s.observed - (usualOf(s) ?? 0);
  const whole = slices.get('\u0000');
  const wholeRise = whole && weeks.length > 0 ? riseOf(whole) : 0;
  return [...slices.values()]
    .filter((s) => s.dimension !== '' && !(s.dimension === own.dimension && s.value === own.value) && riseOf(s) > 0)
    .sort((a, b) => riseOf(b) - riseOf(a) || a.dimension.localeCompare(b.dimension) || a.value.localeCompare(b.value))
    .slice(0, MAX_CONTRIBUTORS)
    .map((s) => {
      const usual = usualOf(s);
      return {
        dimension: s.dimension,
        value: s.value,
        observed: s.observed,
        usual: usual === null ? null : Number(usual.toFixed(2)),
        shareOfRise: wholeRise > 0 ? Number(Math.min(1, riseOf(s) / wholeRise).toFixed(3)) : null,
      };
    });
}

/** "topic “billing” 42 vs usual 8 (68% of the rise)" — for Slack and logs. */
export function describeContributor(c: Contributor, dimensionName: (dimension: string) => string): string {
  const usual = c.usual === null ? '' : ` vs usual ${c.usual}`;
  const share = c.shareOfRise === null ? '' : ` (${Math.round(c.shareOfRise * 100)}% of the rise)`;
  return `${dimensionName(c.dimension)} “${c.value}” ${c.observed}${usual}${share}`;
}
