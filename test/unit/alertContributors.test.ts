// What drove an alert, on constructed counts: ranking by rise, the alert's own slice left out, a
// tenant without previous weeks, shares of the rise, and how Slack words it.
import { describe, expect, it } from 'vitest';
import { topContributors, usualWeeks, WEEK_MS, type SliceWeekCount } from '../../domain/alertContributors.js';
import { alertNotice, formatNotice } from '../../domain/alertNotice.js';
import type { AlertState } from '../../domain/alerts.js';

/** Counts of one slice: this hour, then the same hour 1, 2, … weeks before. */
const slice = (dimension: string, value: string, weeks: number[]): SliceWeekCount[] => weeks.map((count, week) => ({ dimension, value, week, count }));

const ALL_WEEKS = [1, 2, 3, 4];

describe('alert contributors', () => {
  const counts = [
    ...slice('', '', [60, 20, 24, 16, 20]),
    ...slice('topic', 'billing', [40, 4, 4, 4, 4]),
    ...slice('topic', 'shipping', [20, 16, 20, 12, 16]),
    ...slice('tag', 'invoice', [30, 2, 2, 2, 2]),
    ...slice('channel', 'email', [60, 20, 24, 16, 20]),
    ...slice('segment', 'enterprise', [3, 4, 4, 4, 4]),
  ];

  it('ranks slices by their rise over the mean of the previous weeks, with their share of the whole rise', () => {
    expect(topContributors(counts, ALL_WEEKS, { dimension: 'all', value: '' })).toEqual([
      { dimension: 'channel', value: 'email', observed: 60, usual: 20, shareOfRise: 1 },
      { dimension: 'topic', value: 'billing', observed: 40, usual: 4, shareOfRise: 0.9 },
      { dimension: 'tag', value: 'invoice', observed: 30, usual: 2, shareOfRise: 0.7 },
      { dimension: 'topic', value: 'shipping', observed: 20, usual: 16, shareOfRise: 0.1 },
    ]);
  });

  it("leaves out the alert's own slice, and slices that did not rise", () => {
    const billing = topContributors(counts, ALL_WEEKS, { dimension: 'topic', value: 'billing' });
    expect(billing.map((c) => `${c.dimension}=${c.value}`)).toEqual(['channel=email', 'tag=invoice', 'topic=shipping']);
  });

  it('uses only the weeks that exist; without any, counts come with no usual and no share', () => {
    expect(topContributors(counts, [1], { dimension: 'all', value: '' })[1]).toEqual({ dimension: 'topic', value: 'billing', observed: 40, usual: 4, shareOfRise: 0.9 });
    expect(topContributors(counts, [], { dimension: 'all', value: '' }).slice(0, 2)).toEqual([
      { dimension: 'channel', value: 'email', observed: 60, usual: null, shareOfRise: null },
      { dimension: 'topic', value: 'billing', observed: 40, usual: null, shareOfRise: null },
    ]);
  });

  it('keeps at most five', () => {
    const many = Array.from({ length: 8 }, (_, i) => slice('tag', `t${i}`, [10 + i, 0])).flat();
    expect(topContributors(many, [1], { dimension: 'all', value: '' }).map((c) => c.value)).toEqual(['t7', 't6', 't5', 't4', 't3']);
  });

  it('counts a previous week only when its whole window is after the first minute of data', () => {
    const first = Date.parse('2026-06-01T00:00:00Z');
    expect(usualWeeks(first + WEEK_MS + 59 * 60_000, first)).toEqual([1]);
    expect(usualWeeks(first + WEEK_MS + 58 * 60_000, first)).toEqual([]);
    expect(usualWeeks(first + 10 * WEEK_MS, first)).toEqual(ALL_WEEKS);
  });

  it('leaves out a previous week whose window touches a holiday, and the usual is the mean of the others', () => {
    const end = Date.parse('2027-01-01T10:00:00Z');
    const christmas: [number, number] = [Date.parse('2026-12-25T00:00:00Z'), Date.parse('2026-12-26T00:00:00Z')];
    expect(usualWeeks(end, 0, [christmas])).toEqual([2, 3, 4]);
    // A holiday that ends exactly where the window starts does not touch it.
    expect(usualWeeks(end, 0, [[christmas[0], end - WEEK_MS - 59 * 60_000]])).toEqual(ALL_WEEKS);
    // Billing's week 1 was a quiet holiday (4 → 0): the usual is 4, not 3.
    const quietWeek = [...slice('', '', [60, 0, 24, 16, 20]), ...slice('topic', 'billing', [40, 0, 4, 4, 4])];
    expect(topContributors(quietWeek, [2, 3, 4], { dimension: 'all', value: '' })[0]).toMatchObject({ value: 'billing', usual: 4 });
  });

  it('shows the drivers in Slack notices that fire, not in resolve notices', () => {
    const at = Date.parse('2026-11-25T10:00:00Z');
    const alert: AlertState = {
      alertId: `all@${new Date(at).toISOString()}`, series: 'all', status: 'firing', severity: 'high', score: 0.95, observed: 9, expected: 1, lower: 0, upper: 3,
      startedAtMs: at, lastAnomalyAtMs: at, resolvedAtMs: null, notifiedSeverity: 'high', quietMinutes: 0, version: 1,
      contributors: topContributors(counts, ALL_WEEKS, { dimension: 'all', value: '' }).slice(1, 3),
      countWindow: null,
    };
    const text = (kind: 'firing' | 'resolved') => JSON.stringify(formatNotice(alertNotice('acme', alert, kind), 'slack'));
    expect(text('firing')).toContain('*Driven by* (messages in the hour before, vs the same hour in previous weeks): topic “billing” 40 vs usual 4 (90% of the rise); tag “invoice” 30 vs usual 2 (70% of the rise)');
    expect(text('resolved')).not.toContain('Driven by');
    expect(alertNotice('acme', alert, 'firing').contributors).toHaveLength(2);
  });
});
