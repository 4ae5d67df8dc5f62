import { describe, expect, it } from 'vitest';
import { formatNotice, alertNotice } from '../../domain/alertNotice.js';
import type { AlertState } from '../../domain/alerts.js';
import { areaDefinition, areaMatchers, productAreasFor, productAreasProblem } from '../../domain/productAreas.js';

describe('product areas', () => {
  it('are matched without case, trimmed, each tag once, in one order', () => {
    const [payments] = areaMatchers(productAreasFor({ areas: [{ name: ' Payments ', tags: ['Invoice', 'billing', 'BILLING ', 'invoice'], topics: ['Refund'] }] }));
    expect(payments).toEqual({ name: 'Payments', tags: ['billing', 'invoice'], topics: ['refund'] });
  });

  it('have a definition that changes with their tags or topics only', () => {
    const [a, b, c, d] = areaMatchers({
      areas: [
        { name: 'Payments', tags: ['billing', 'invoice'], topics: [] },
        { name: 'Money', tags: ['Invoice', 'billing'], topics: [] },
        { name: 'Payments', tags: ['billing'], topics: [] },
        { name: 'Payments', tags: ['billing'], topics: ['invoice'] },
      ],
    });
    expect(areaDefinition(a)).toBe(areaDefinition(b));
    expect(new Set([a, c, d].map(areaDefinition)).size).toBe(3);
    expect(areaDefinition(undefined)).toBe('');
  });

  it('name the field of a duplicate name or an area that matches nothing', () => {
    expect(productAreasProblem({ areas: [{ name: 'Payments', tags: ['billing'], topics: [] }, { name: 'Logistics', tags: [], topics: ['shipping'] }] })).toBeUndefined();
    expect(productAreasProblem({ areas: [{ name: 'Payments', tags: ['billing'], topics: [] }, { name: ' PAYMENTS', tags: ['invoice'], topics: [] }] })?.field).toBe('areas.1.name');
    expect(productAreasProblem({ areas: [{ name: 'Payments', tags: [], topics: [] }] })?.field).toBe('areas.0');
    expect(productAreasProblem({})).toBeUndefined();
  });

  it('are worded as product areas in Slack notices', () => {
    const alert: AlertState = {
      alertId: 'area=Payments@2026-11-25T10:00:00.000Z',
      series: 'area=Payments',
      status: 'firing',
      severity: 'high',
      score: 0.95,
      observed: 6,
      expected: 0.5,
      lower: 0,
      upper: 2.1,
      startedAtMs: Date.parse('2026-11-25T10:00:00Z'),
      lastAnomalyAtMs: Date.parse('2026-11-25T10:00:00Z'),
      resolvedAtMs: null,
      notifiedSeverity: 'high',
      quietMinutes: 0,
      version: 1,
      contributors: [],
      countWindow: null,
    };
    const notice = alertNotice('acme', alert, 'firing');
    expect(notice.series).toEqual({ dimension: 'area', value: 'Payments' });
    expect((formatNotice(notice, 'slack') as { text: string }).text).toBe('[HIGH] Ticket spike in product area “Payments”: 6 messages/min vs expected 0.5 (band ≤ 2.1)');
  });
});
