// The Outcomes dashboard shows the seeded numbers: every panel's SQL, expanded as Grafana sends it,
// runs on a real chDB holding two tenants' learning rows (learningSeed.ts + outcomesSeed.ts: drafts
// with strategies, credited and uncredited rewards written in several versions, outcome events,
// solves carrying the simulator's oracle figures), and returns exactly the figures computed from the
// seed in TypeScript, for several ranges, intervals and topic selections. (dashboards.test.ts runs
// the checks every dashboard shares: datasource, tenant and filter variables, FINAL reads.)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASELINE_DAYS } from '../../dashboards/learning.js';
import { ALL_VALUE, renderPanelSql, type QueryContext, type VariableState } from '../../dashboards/macros.js';
import { outcomesDashboard } from '../../dashboards/outcomes.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrate.js';
import { TABLES } from '../../store/tables.js';
import { ACME_LEARNING, GLOBEX_LEARNING, randomSource } from './learningProfiles.js';
import { DAY, seedLearning, type ExpectedRow, type SeededLearning } from './learningSeed.js';
import { outcomesFigures } from './outcomesSeed.js';

const DATABASE = 'supportloop';
const DATA_END = Date.parse('2026-03-06T00:00:00Z');
const HOUR = 3_600_000;

interface Panel {
  title: string;
  type: string;
  interval?: string;
  targets?: { rawSql: string }[];
}
const panels = (outcomesDashboard().panels as Panel[]).filter((p) => p.type !== 'row');

let ch: ClickHouse;
let dataDir: string;
const seeds: Record<string, SeededLearning> = {};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-outcomes-dashboard-'));
  ch = createClickHouse({ dataDir, database: DATABASE });
  await migrate(ch);
  await ch.command(`USE ${DATABASE}`);
  // Every inserted part kept apart, as before merges catch up: only FINAL reads one row per key.
  for (const table of [TABLES.suggestions, TABLES.ticketRewards, TABLES.ticketEvents]) await ch.command(`SYSTEM STOP MERGES ${ch.table(table)}`);
  // Same seeds as dashboards.test.ts, so both tests look at the same rows.
  seeds.acme = await seedLearning(ch, ACME_LEARNING, DATA_END, randomSource(4));
  seeds.globex = await seedLearning(ch, GLOBEX_LEARNING, DATA_END, randomSource(5));
});

afterAll(async () => {
  await ch?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const variables = (tenant: string, topics?: string[]): VariableState[] => [
  { name: 'tenant', current: tenant, options: [tenant] },
  { name: 'topic', current: topics ?? [ALL_VALUE], options: ['billing', 'login', 'refunds', 'shipping'] },
];

/** The panel's min interval raises Grafana's interval, as in dashboards.test.ts. */
const withMinInterval = (panel: Panel, context: QueryContext): QueryContext => (panel.interval === '1d' ? { ...context, intervalMs: Math.max(context.intervalMs, DAY) } : context);

/** Same rows, same columns, text equal and numbers equal to 1e-9 (ClickHouse sums in its own order). */
function expectRows(actual: Record<string, unknown>[], expected: ExpectedRow[], name: string) {
  expect(actual.length, `${name}: ${JSON.stringify(actual)}\nexpected ${JSON.stringify(expected)}`).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = actual[i]!;
    expect(Object.keys(got).sort(), `${name} row ${i} columns`).toEqual(Object.keys(want).sort());
    for (const [column, value] of Object.entries(want)) {
      const label = `${name} row ${i} ${column}: got ${JSON.stringify(got[column])}, expected ${JSON.stringify(value)}`;
      if (value === null) expect(got[column], label).toBeNull();
      else if (typeof value === 'string') expect(String(got[column]), label).toBe(value);
      else expect(Math.abs(Number(got[column]) - value), label).toBeLessThan(1e-9);
    }
  });
}

describe('Outcomes shows the seeded numbers', () => {
  const MONTH: QueryContext = { range: { from: new Date('2026-02-04T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: HOUR };
  const DAYS: QueryContext = { range: { from: new Date('2026-03-02T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: HOUR };
  const WEEKLY: QueryContext = { range: { from: new Date('2026-01-01T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: 7 * DAY };
  const windows = [
    { label: 'five days', context: DAYS },
    { label: 'a month', context: MONTH },
    { label: 'everything, weekly', context: WEEKLY },
    { label: 'a month, topic billing', context: MONTH, topics: ['billing'] },
    { label: 'a month, every topic but billing', context: MONTH, topics: ['login', 'refunds', 'shipping'] },
  ];
  const cases = ['acme', 'globex'].flatMap((tenant) => windows.map((window) => ({ tenant, ...window })));
  const figuresFor = (tenant: string, context: QueryContext, topics?: string[]) =>
    outcomesFigures(seeds[tenant]!, BASELINE_DAYS, { from: context.range.from.getTime(), to: context.range.to.getTime(), intervalMs: context.intervalMs, topics });

  it('has a panel for every figure computed from the seed, and figures for every panel', () => {
    expect(panels.map((p) => p.title).sort()).toEqual(Object.keys(figuresFor('acme', MONTH)).sort());
  });

  it('the seed gives every panel something to show: rewards rising with acceptance, both arms, both openings, credited and not, regret', () => {
    for (const tenant of ['acme', 'globex']) {
      const seed = seeds[tenant]!;
      const figures = figuresFor(tenant, { ...MONTH, intervalMs: DAY });
      for (const [title, rows] of Object.entries(figures)) expect(rows.length, `${tenant} › ${title}`).toBeGreaterThan(0);
      expect(new Set(seed.rewards.map((r) => r.policy))).toEqual(new Set(['bandit', 'control']));
      expect(new Set(seed.rewards.map((r) => r.credited))).toEqual(new Set([true, false]));
      expect(seed.rewards.some((r) => r.oracle > r.received)).toBe(true);
      // A few tickets reopened after their outcome have two rewards (and two solves).
      expect(new Set(seed.rewards.map((r) => r.ticketId)).size).toBeLessThan(seed.rewards.length);
      const clarify = figures['Clarify first vs answer first, per topic'];
      expect(clarify.every((r) => r.clarify_tickets > 0 && r.answer_tickets > 0)).toBe(true);
    }
    // Rewards rose with acme's acceptance: the month's daily mean reward is above the rewards' own install baseline.
    const days = figuresFor('acme', { ...MONTH, intervalMs: DAY })['Mean reward'];
    const monthMean = days.reduce((sum, d) => sum + (d.mean_reward as number), 0) / days.length;
    expect(monthMean - (days[0]!.install_baseline as number)).toBeGreaterThan(0.02);
  });

  it('reads rewards and drafts that were written in several versions', async () => {
    for (const [table, key] of [
      [TABLES.ticketRewards, 'ticket_id, outcome_event_id'],
      [TABLES.suggestions, 'ticket_id, suggestion_id'],
    ] as const) {
      const [{ rows, keys }] = await ch.query<{ rows: string; keys: string }>(`SELECT count() AS rows, uniqExact(${key}) AS keys FROM ${ch.table(table)} WHERE tenant_id = 'acme'`);
      expect(Number(rows), `${table} holds more rows than keys`).toBeGreaterThan(Number(keys));
    }
  });

  it.each(cases)('every panel matches the seeded rows: $tenant, $label', async ({ tenant, context, topics }) => {
    for (const panel of panels) {
      const effective = withMinInterval(panel, context);
      const expected = figuresFor(tenant, effective, topics)[panel.title as keyof ReturnType<typeof outcomesFigures>];
      const sql = renderPanelSql(panel.targets![0]!.rawSql, variables(tenant, topics), effective);
      const rows = await ch.query<Record<string, unknown>>(sql);
      expect(expected.length, `${panel.title}: the seed leaves nothing to compare`).toBeGreaterThan(0);
      expectRows(rows, expected, `${tenant} › ${panel.title}\n${sql}\n`);
    }
  });
});
