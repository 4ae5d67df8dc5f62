import { describe, expect, it } from 'vitest';
import { silencesCovering, silenceState, type AlertSilence } from '../../domain/alertSilences.js';

const MIN = 60_000;
const t0 = Date.UTC(2026, 2, 2, 9, 0);

const silence = (over: Partial<AlertSilence> = {}): AlertSilence => ({
  silenceId: 's1',
  dimension: 'topic',
  values: ['billing'],
  metrics: [],
  startsAtMs: t0,
  endsAtMs: t0 + 60 * MIN,
  comment: 'INC-42: payment provider outage',
  createdBy: 'ana',
  createdAtMs: t0,
  ...over,
});

describe('alert silences', () => {
  it('are pending before their start, active from it, expired from their end', () => {
    const s = silence();
    expect([t0 - 1, t0, t0 + 60 * MIN - 1, t0 + 60 * MIN].map((at) => silenceState(s, at))).toEqual(['pending', 'active', 'active', 'expired']);
  });

  it('cover the series their filter takes (dimension, value case-insensitively, metric) while active', () => {
    const s = silence({ values: ['Billing'], metrics: ['volume', 'escalations'] });
    const covered = (series: string, at = t0 + MIN) => silencesCovering([s], series, at).length > 0;
    expect(covered('topic=billing')).toBe(true);
    expect(covered('escalations:topic=billing')).toBe(true);
    expect(covered('negative_share:topic=billing')).toBe(false);
    expect(covered('topic=login')).toBe(false);
    expect(covered('tag=billing')).toBe(false);
    expect(covered('topic=billing', t0 - MIN)).toBe(false);
    expect(covered('topic=billing', t0 + 60 * MIN)).toBe(false);
    // An empty filter mutes everything (a maintenance window).
    expect(silencesCovering([silence({ dimension: '', values: [] })], 'all', t0 + MIN)).toHaveLength(1);
  });
});
