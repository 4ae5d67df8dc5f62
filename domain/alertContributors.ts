// What drove an alert: the slices of the alerting series (topics, tags, product areas, channels,
// segments) whose events rose the most over the hour before the notice, against the same hour of
// the same weekday in the previous weeks. "Ticket spike in all tickets" is actionable only with
// "mostly topic billing, tag invoice". A plain seasonal-naive comparison, independent of the
// detectors: it says where the extra events came from, not whether they are anomalous. Pure; the
// counts come from the per-minute rollups (store/alertContributors.ts).

/** The hour before the notice: long enough for a sparse topic's rise to show, short enough to be this incident. */
export const CONTRIBUTOR_WINDOW_MINUTES = 60;
/** Same hour of the same weekday in up to this many previous weeks (fewer for a young tenant). */
export const CONTRIBUTOR_USUAL_WEEKS = 4;
export const MAX_CONTRIBUTORS = 5;
export const WEEK_MS = 7 * 24 * 3_600_000;
const MINUTE_MS = 60_000;

/** How many previous weeks' windows (ending `endMs`) lie wholly on or after the tenant's first minute of data. */
export function usualWeeksAvailable(endMs: number, firstMinuteMs: number): number {
  let weeks = 0;
  while (weeks < CONTRIBUTOR_USUAL_WEEKS && endMs - (weeks + 1) * WEEK_MS - (CONTRIBUTOR_WINDOW_MINUTES - 1) * MINUTE_MS >= firstMinuteMs) weeks++;
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
 * since every event of the series is in it. `usualWeeks` = how many previous weeks exist.
 */
export function topContributors(counts: readonly SliceWeekCount[], usualWeeks: number, own: { dimension: string; value: string }): Contributor[] {
  const slices = new Map<string, { dimension: string; value: string; observed: number; before: number }>();
  for (const c of counts) {
    const key = `${c.dimension}\u0000${c.value}`;
    const slice = slices.get(key) ?? slices.set(key, { dimension: c.dimension, value: c.value, observed: 0, before: 0 }).get(key)!;
    if (c.week === 0) slice.observed += c.count;
    else if (c.week <= usualWeeks) slice.before += c.count;
  }
  const usualOf = (s: { before: number }) => (usualWeeks > 0 ? s.before / usualWeeks : null);
  const riseOf = (s: { observed: number; before: number }) => s.observed - (usualOf(s) ?? 0);
  const whole = slices.get('\u0000');
  const wholeRise = whole && usualWeeks > 0 ? riseOf(whole) : 0;
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
