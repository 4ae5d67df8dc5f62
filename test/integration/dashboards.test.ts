// Every panel and annotation query of every dashboard in dashboards/ runs, as Grafana would send
// it, on a real chDB seeded with several tenants' tickets, learning rows (suggestions, corrections,
// feedback, ticket rewards) and spike-detection rows (classified customer messages, alerts, deliveries): its SQL
// expands (variables + the plugin's macros), runs, returns the columns its visualization needs and
// data on the seeded rows, reads only tables the store defines (the Replacing ones with FINAL), uses
// only the provisioned datasource uid, honours its dashboard's filter variables, and shows one
// tenant's numbers only. Each dashboard's numbers are checked against figures computed from the
// seeded rows.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { ANOMALIES_DASHBOARD } from '../../domain/dashboardLinks.js';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RISING_MIN_MESSAGES } from '../../dashboards/anomalies.js';
import { DASHBOARDS, renderDashboard } from '../../dashboards/build.js';
import { BASELINE_DAYS } from '../../dashboards/learning.js';
import { BAND_SCALES, BAND_WEEKS } from '../../dashboards/volumeBand.js';
import { ALL_VALUE, applyConditionalAll, expandMacros, renderPanelSql, replaceTemplateVariables, type QueryContext, type VariableState } from '../../dashboards/macros.js';
import type { AlertSilence } from '../../domain/alertSilences.js';
import type { CustomerContext, DerivedEvent, TicketEvent } from '../../domain/events.js';
import { applyEvent, newTicketState, outcomeEvent, slaBreachEvent, type LifecycleTimers, type TicketState } from '../../domain/ticketState.js';
import { BatchingWriter } from '../../store/batchingWriter.js';
import { createClickHouse, type ClickHouse } from '../../store/clickhouse.js';
import { migrate } from '../../store/migrate.js';
import { TABLES } from '../../store/tables.js';
import { writeTicketEvents } from '../../store/ticketEvents.js';
import { writeTicketState } from '../../store/tickets.js';
import { anomalyFigures, seedAnomalies, type AnomalyProfile, type SeededAnomalies } from './anomaliesSeed.js';
import { ACME_LEARNING, GLOBEX_LEARNING, INITECH_LEARNING, randomSource } from './learningProfiles.js';
import { DAY, learningFigures, seedLearning, type ExpectedRow, type SeededLearning } from './learningSeed.js';
import { writeInTimeOrder, type TimedWrite } from '../helpers/timedWrites.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DASHBOARDS_DIR = path.join(ROOT, 'dashboards');
const PROVISIONING = path.join(ROOT, 'infra/grafana/provisioning');
const DATABASE = 'supportloop';

// ---------------------------------------------------------------------------------------------
// Dashboards as Grafana loads them

interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  rawSql: string;
  format: number;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  /** Min interval ("1d"): Grafana never sends a smaller $__interval for the panel. */
  interval?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  query?: string | { rawSql?: string };
  multi?: boolean;
  includeAll?: boolean;
}
/** A dashboard annotation query (Grafana maps its columns time, timeEnd, text, tags by name). */
interface Annotation {
  name: string;
  enable: boolean;
  datasource?: { type?: string; uid?: string };
  target?: Target;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  annotations?: { list: Annotation[] };
}

const dashboardFiles = readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort();
const dashboards = dashboardFiles.map((file) => ({ file, dashboard: JSON.parse(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard }));

/** Panels including those nested in collapsed rows. */
const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
const queryPanels = dashboards.flatMap(({ file, dashboard }) =>
  allPanels(dashboard.panels)
    .filter((p) => p.type !== 'row')
    .map((panel) => ({ file, dashboard, panel })),
);
const panelName = (file: string, panel: Panel) => `${file} › ${panel.title}`;
/** Annotation queries on a datasource (not Grafana's built-in one). */
const annotationQueries = dashboards.flatMap(({ file, dashboard }) => (dashboard.annotations?.list ?? []).filter((a) => a.target?.rawSql).map((annotation) => ({ file, dashboard, annotation })));
const variableSql = (v: Variable) => (typeof v.query === 'string' ? v.query : (v.query?.rawSql ?? ''));
/** A dashboard's filter variables: its multi-value query variables (All by default). */
const filterVariables = (dashboard: Dashboard) => dashboard.templating.list.filter((v) => v.type === 'query' && v.multi).map((v) => v.name);

/** The context Grafana queries a panel with: the dashboard's, with the interval raised to the panel's min interval. */
function panelContext(panel: Panel, context: QueryContext): QueryContext {
  if (!panel.interval) return context;
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(panel.interval);
  if (!match) throw new Error(`${panel.title}: min interval "${panel.interval}" is not a plain Grafana interval`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'ms' | 's' | 'm' | 'h' | 'd' | 'w'];
  return { ...context, intervalMs: Math.max(context.intervalMs, Number(match[1]) * unitMs) };
}

// ---------------------------------------------------------------------------------------------
// Seed data: tickets run through the real ticket state machine and written by the store's own
// row mappers, so the rows look exactly like the product's.

const SEED_START = Date.parse('2026-03-01T00:00:00Z');
const DATA_END = Date.parse('2026-03-06T00:00:00Z');
/** The dashboard time range of the test: starts a day after the first tickets, so the backlog has an opening balance. */
const CONTEXT: QueryContext = { range: { from: new Date('2026-03-02T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: 3_600_000 };
const TIMERS: LifecycleTimers = { slaFirstResponseMs: 3_600_000, outcomeWindowMs: 24 * 3_600_000 };
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface TenantProfile {
  tenantId: string;
  tickets: number;
  channels: TicketEvent['channel'][];
  /** Customer segments; '' = no segment, so the plan stands in. */
  segments: string[];
  plans: string[];
  breachShare: number;
  escalationShare: number;
  solveShare: number;
}

const ACME: TenantProfile = { tenantId: 'acme', tickets: 70, channels: ['email', 'chat', 'web'], segments: ['enterprise', 'smb', ''], plans: ['pro', 'trial'], breachShare: 0.3, escalationShare: 0.25, solveShare: 0.8 };
const GLOBEX: TenantProfile = { tenantId: 'globex', tickets: 30, channels: ['email', 'phone'], segments: ['consumer'], plans: ['basic'], breachShare: 0.5, escalationShare: 0.4, solveShare: 0.6 };
/** Inserted only by the isolation test: a larger tenant with the same channels and segments. */
const INITECH: TenantProfile = { tenantId: 'initech', tickets: 200, channels: ['email', 'chat', 'web', 'phone'], segments: ['enterprise', 'smb', 'consumer'], plans: ['pro'], breachShare: 0.7, escalationShare: 0.6, solveShare: 0.4 };

// Spike-detection rows: five weeks of classified customer messages before the ticket seed's last
// day (the expected band looks three weeks back from the range start), spikes before and inside the
// test's range and one in its last hour that is still firing, a topic first seen inside the range,
// and subscriptions whose endpoints deliver, fail, come back or answer 410 Gone.
const ANOMALY_FROM = Date.parse('2026-02-01T00:00:00Z');
/** A spike's extra messages per minute: up to `peak` in three minutes, then easing off to 40%. */
const spikeShape = (peak: number, minutes: number) =>
  Array.from({ length: minutes }, (_, i) => Math.round(peak * (i < 3 ? (i + 1) / 3 : Math.max(0.4, 1 - (i - 3) / minutes))));
/** A silence made as POST /v1/alerts/silences makes it (created at its start). */
const silence = (silenceId: string, s: Pick<AlertSilence, 'startsAtMs' | 'endsAtMs' | 'comment'> & Partial<AlertSilence>): AlertSilence => ({ silenceId, dimension: '', values: [], metrics: [], createdBy: '', createdAtMs: s.startsAtMs, ...s });
const ACME_ANOMALIES: AnomalyProfile = {
  tenantId: 'acme',
  from: ANOMALY_FROM,
  channels: ['email', 'chat', 'web'],
  segments: ['enterprise', 'smb'],
  topics: [
    { name: 'billing', peakPerHour: 24, tag: { name: 'checkout', share: 0.3 } },
    { name: 'login', peakPerHour: 14 },
    { name: 'shipping', peakPerHour: 10 },
    { name: 'data-export', peakPerHour: 6, since: Date.parse('2026-03-04T09:00:00Z') },
  ],
  spikes: [
    { topic: 'shipping', channel: 'email', at: Date.parse('2026-02-25T14:20:00Z'), perMinute: spikeShape(9, 6), series: ['topic=shipping'] },
    // The seed steps every series with volume figures; its negative_share and escalations series only check that the panels tell metrics apart.
    { topic: 'login', channel: 'web', at: Date.parse('2026-03-03T10:05:00Z'), perMinute: spikeShape(14, 8), series: ['topic=login', 'channel=web', 'negative_share:topic=login'] },
    { topic: 'login', channel: 'chat', at: Date.parse('2026-03-04T16:30:00Z'), perMinute: [4, 4], series: ['topic=login', 'escalations:topic=login'], countWindowMinutes: 15 },
    { topic: 'billing', channel: 'web', tag: 'checkout', at: Date.parse('2026-03-05T23:20:00Z'), perMinute: spikeShape(30, 40), series: ['topic=billing', 'tag=checkout', 'channel=web', 'all', 'area=Payments'] },
  ],
  subscriptions: [
    { id: 'billing-team', name: 'Billing team', dimension: 'topic', values: ['billing'], metrics: [], minSeverity: 'low', groupRelated: true, target: { kind: 'ok' } },
    { id: 'on-call', name: 'On call', dimension: '', values: [], metrics: [], minSeverity: 'medium', groupRelated: true, target: { kind: 'flaky', failures: 2 } },
    { id: 'legacy-hook', name: 'Legacy hook', dimension: 'tag', values: [], metrics: [], minSeverity: 'low', groupRelated: true, target: { kind: 'gone' } },
    { id: 'status-page', name: 'Status page', dimension: '', values: [], metrics: ['volume'], minSeverity: 'high', groupRelated: false, target: { kind: 'down-from', at: Date.parse('2026-03-05T22:00:00Z') } },
  ],
  // Payments holds billing and every checkout-tagged message (each once); tags and topics match without case.
  areas: [
    { name: 'Payments', tags: ['Checkout'], topics: ['billing'] },
    { name: 'Checkout ', tags: ['CHECKOUT'], topics: [] },
    { name: 'Account', tags: [], topics: ['LOGIN', 'data-export'] },
  ],
  // The web login spike's topic alerts (volume and share) are silenced while it rises; the silence ends
  // before they resolve, so they are announced then and their all-clear is sent. One ended before it
  // began draws nothing.
  silences: [
    silence('acme-login-incident', { dimension: 'topic', values: ['Login'], startsAtMs: Date.parse('2026-03-03T10:00:00Z'), endsAtMs: Date.parse('2026-03-03T10:15:00Z'), comment: 'SSO provider incident', createdBy: 'ana' }),
    silence('acme-never', { startsAtMs: Date.parse('2026-03-04T08:00:00Z'), endsAtMs: Date.parse('2026-03-04T08:00:00Z'), comment: 'planned, then called off' }),
  ],
};
const GLOBEX_ANOMALIES: AnomalyProfile = {
  tenantId: 'globex',
  from: ANOMALY_FROM,
  channels: ['email', 'phone'],
  segments: ['consumer'],
  topics: [
    { name: 'billing', peakPerHour: 12 },
    { name: 'refunds', peakPerHour: 8 },
    { name: 'gift-cards', peakPerHour: 5, since: Date.parse('2026-03-03T12:00:00Z') },
  ],
  spikes: [
    { topic: 'billing', channel: 'email', at: Date.parse('2026-03-04T15:00:00Z'), perMinute: spikeShape(10, 6), series: ['topic=billing'] },
    { topic: 'refunds', channel: 'phone', at: Date.parse('2026-03-05T23:35:00Z'), perMinute: spikeShape(16, 25), series: ['topic=refunds', 'all'], countWindowMinutes: 60 },
  ],
  subscriptions: [
    { id: 'finance', name: 'Finance', dimension: 'topic', values: ['refunds', 'billing'], metrics: [], minSeverity: 'low', groupRelated: true, target: { kind: 'ok' } },
    { id: 'pager', name: 'Pager', dimension: '', values: [], metrics: [], minSeverity: 'high', groupRelated: true, target: { kind: 'gone' } },
  ],
  areas: [{ name: 'Money back', tags: [], topics: ['refunds', 'gift-cards'] }],
  silences: [silence('globex-migration', { metrics: ['escalations'], startsAtMs: Date.parse('2026-03-02T02:00:00Z'), endsAtMs: Date.parse('2026-03-02T04:30:00Z'), comment: 'helpdesk migration' })],
};
/** Inserted only by the isolation test: the other tenants' topics (data-export long before their range), busier. */
const INITECH_ANOMALIES: AnomalyProfile = {
  tenantId: 'initech',
  from: ANOMALY_FROM,
  channels: ['email', 'chat', 'web', 'phone'],
  segments: ['enterprise', 'smb', 'consumer'],
  topics: [
    { name: 'billing', peakPerHour: 30, tag: { name: 'checkout', share: 0.2 } },
    { name: 'login', peakPerHour: 20 },
    { name: 'refunds', peakPerHour: 12 },
    { name: 'shipping', peakPerHour: 16 },
    { name: 'data-export', peakPerHour: 8 },
    { name: 'gift-cards', peakPerHour: 6, since: Date.parse('2026-03-05T06:00:00Z') },
  ],
  spikes: [
    { topic: 'login', channel: 'chat', at: Date.parse('2026-03-02T09:30:00Z'), perMinute: spikeShape(20, 10), series: ['topic=login'] },
    { topic: 'shipping', channel: 'web', at: Date.parse('2026-03-05T23:10:00Z'), perMinute: spikeShape(25, 50), series: ['topic=shipping', 'channel=web'] },
  ],
  subscriptions: [
    { id: 'ops', name: 'Ops', dimension: '', values: [], metrics: [], minSeverity: 'low', groupRelated: false, target: { kind: 'flaky', failures: 1 } },
    { id: 'shipping-team', name: 'Shipping team', dimension: 'topic', values: ['shipping'], metrics: [], minSeverity: 'medium', groupRelated: true, target: { kind: 'down-from', at: Date.parse('2026-03-05T23:00:00Z') } },
  ],
  areas: [{ name: 'Payments', tags: ['checkout'], topics: ['refunds', 'billing'] }],
  silences: [silence('initech-shipping', { dimension: 'topic', values: ['shipping'], startsAtMs: Date.parse('2026-03-05T23:00:00Z'), endsAtMs: Date.parse('2026-03-06T01:00:00Z'), comment: 'carrier outage' })],
};

/** What was seeded, to check the panels' numbers against. */
interface SeededTenant {
  tickets: TicketState[];
  events: { kind: string; at: number; csat?: number }[];
}

/** Rows reach ClickHouse in one insert per table per window of simulated time, as the batching writer spreads them. */
const INSERT_WINDOW_MS = 6 * HOUR;

async function seedTenant(ch: ClickHouse, profile: TenantProfile, seed: number): Promise<SeededTenant> {
  const random = randomSource(seed);
  const writer = new BatchingWriter(ch, { maxRows: 100_000, flushMs: 60_000 });
  const writes: TimedWrite[] = [];
  const later = (at: number, write: () => Promise<void>) => writes.push({ at, write });
  const seeded: SeededTenant = { tickets: [], events: [] };
  for (let n = 0; n < profile.tickets; n++) {
    // Helpdesk ticket numbers repeat across tenants, as they do in real installs.
    const ticketId = String(1000 + n);
    const channel = random.pick(profile.channels);
    const customer: CustomerContext = {
      customerId: `${ticketId}-customer`,
      accountId: `${profile.tenantId}-account-${n % 7}`,
      plan: random.pick(profile.plans),
      ...(() => {
        const segment = random.pick(profile.segments);
        return segment ? { segment } : {};
      })(),
    };
    const createdAt = Math.round(random.between(SEED_START, DATA_END - 8 * HOUR));
    let state: TicketState = newTicketState(profile.tenantId, ticketId);
    let sequence = 0;
    const record = (kind: TicketEvent['kind'], at: number, extra: Partial<TicketEvent> = {}) => {
      if (at >= DATA_END) return false;
      const event: TicketEvent = {
        eventId: `${ticketId}:${sequence++}`,
        kind,
        tenantId: profile.tenantId,
        ticketId,
        occurredAt: new Date(at).toISOString(),
        provider: 'generic',
        channel,
        tags: [],
        ...extra,
      };
      state = applyEvent(state, event);
      seeded.events.push({ kind, at, csat: event.csat?.score });
      const rows = { inbound: [{ event }], derived: [], context: derivedContext() };
      const snapshot = state;
      later(at, () => writeTicketEvents(writer, rows, at));
      later(at, () => writeTicketState(writer, snapshot));
      // Some deliveries are retried in a later batch (same event id, later recorded_at): FINAL must collapse them.
      if (random.chance(0.2)) later(at + INSERT_WINDOW_MS, () => writeTicketEvents(writer, rows, at + INSERT_WINDOW_MS));
      return true;
    };
    const derive = (event: DerivedEvent) => {
      const at = Date.parse(event.occurredAt);
      seeded.events.push({ kind: event.kind, at });
      const rows = { inbound: [], derived: [event], context: derivedContext() };
      later(at, () => writeTicketEvents(writer, rows, at));
    };
    const saveState = (at: number) => {
      const snapshot = state;
      later(at, () => writeTicketState(writer, snapshot));
    };
    const derivedContext = () => ({ channel, provider: 'generic', segment: state.customer.segment ?? '', plan: state.customer.plan ?? '', topic: state.topic });

    // One ticket's life, as its lifecycle would record it; it stops where the seeded period ends.
    const live = () => {
      record('ticket.created', createdAt, { subject: `Question ${n}`, customer });
      record('message.customer', createdAt + 1000, { body: 'Hello, I need help.', customer });
      const breaches = random.chance(profile.breachShare);
      const firstReplyAt = createdAt + (breaches ? random.between(1.5, 5) * HOUR : random.between(5, 50) * MINUTE);
      if (breaches) {
        // The lifecycle's SLA timer fires before the late reply: it records the breach and bumps the state.
        const breach = slaBreachEvent(state, TIMERS);
        if (Date.parse(breach.occurredAt) < DATA_END) {
          derive(breach);
          state = { ...state, slaBreached: true, version: state.version + 1 };
          saveState(Date.parse(breach.occurredAt));
        }
      }
      if (!record('reply.agent', firstReplyAt, { body: 'Thanks, looking into it.', authorId: 'agent-1' })) return;
      let last = firstReplyAt;
      if (random.chance(profile.escalationShare)) {
        last += 30 * MINUTE;
        record('ticket.escalated', last, { escalationTier: 'tier-2' });
      }
      if (random.chance(0.3)) {
        last += random.between(10, 90) * MINUTE;
        record('message.customer', last, { body: 'Any update?', customer });
      }
      if (!random.chance(profile.solveShare)) return;
      let solvedAt = last + random.between(1, 30) * HOUR;
      if (!record('ticket.solved', solvedAt, { status: 'solved' })) return;
      if (random.chance(0.15)) {
        // The customer writes back: the ticket reopens and is solved again later.
        if (!record('message.customer', solvedAt + 2 * HOUR, { body: 'Still broken.', customer })) return;
        solvedAt += random.between(4, 12) * HOUR;
        if (!record('ticket.solved', solvedAt, { status: 'solved' })) return;
      }
      if (random.chance(0.7)) {
        const score = Math.round(random.between(0.2, 1) * 100) / 100;
        record('csat.rated', solvedAt + HOUR, { csat: { score, raw: Math.round(score * 5) } });
      }
      const windowClosesAt = solvedAt + TIMERS.outcomeWindowMs;
      if (windowClosesAt < DATA_END) {
        derive(outcomeEvent(state, windowClosesAt));
        state = { ...state, outcomeRecorded: true, version: state.version + 1 };
        saveState(windowClosesAt);
      }
    };
    live();
    seeded.tickets.push(state);
  }
  await writeInTimeOrder(writer, writes, INSERT_WINDOW_MS);
  await writer.close();
  return seeded;
}

// ---------------------------------------------------------------------------------------------
// Running panels

type Row = Record<string, unknown>;
interface Column {
  name: string;
  type: string;
}

type Filters = Partial<Record<'channel' | 'segment' | 'topic', string[]>>;

const dashboardVariables = (tenant: string, filters: Filters = {}): VariableState[] => [
  { name: 'tenant', current: tenant, options: [tenant] },
  { name: 'channel', current: filters.channel ?? [ALL_VALUE], options: ['email', 'chat', 'web', 'phone'] },
  { name: 'segment', current: filters.segment ?? [ALL_VALUE], options: ['enterprise', 'smb', 'consumer', 'pro', 'trial', 'basic'] },
  { name: 'topic', current: filters.topic ?? [ALL_VALUE], options: ['billing', 'data-export', 'gift-cards', 'login', 'refunds', 'shipping'] },
];

/** Per filter variable: a selection no seeded row matches, and a real one short of All. */
const FILTER_CHECKS: Record<string, { none: string[]; some: string[] }> = {
  channel: { none: ['fax'], some: ['email', 'chat'] },
  segment: { none: ['no-such-segment'], some: ['enterprise', 'smb', 'pro', 'trial'] },
  // data-export: the Anomalies dashboard's New topics panel shows only topics first seen in the range.
  topic: { none: ['no-such-topic'], some: ['billing', 'login', 'data-export'] },
};

const NUMERIC = /^(Nullable\()?(U?Int\d+|Float\d+|Decimal)/;
const TIME = /^(Nullable\()?DateTime/;
const LABEL = /^(LowCardinality\()?(Nullable\()?String/;

let ch: ClickHouse;
let dataDir: string;
let acmeSeed: SeededTenant;
const learningSeeds: Record<string, SeededLearning> = {};
const anomalySeeds: Record<string, SeededAnomalies> = {};

async function runPanel(rawSql: string, variables: VariableState[], context: QueryContext = CONTEXT): Promise<{ sql: string; columns: Column[]; rows: Row[] }> {
  const sql = renderPanelSql(rawSql, variables, context);
  const columns = (await ch.query<Column>(`DESCRIBE (${sql})`)).map(({ name, type }) => ({ name, type }));
  const rows = await ch.query<Row>(sql);
  return { sql, columns, rows };
}

const numberOf = (value: unknown) => (value === null || value === undefined ? null : Number(value));
/** The numbers a panel shows: every numeric cell, in row order. */
const valuesOf = (columns: Column[], rows: Row[]) => rows.flatMap((row) => columns.filter((c) => NUMERIC.test(c.type)).map((c) => numberOf(row[c.name])));

/** Same rows, same columns, text equal and numbers equal to 1e-9 (ClickHouse sums in its own order). */
function expectRows(actual: Row[], expected: ExpectedRow[], name: string) {
  expect(actual.length, `${name}: ${JSON.stringify(actual)}\nexpected ${JSON.stringify(expected)}`).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = actual[i];
    expect(Object.keys(got).sort(), `${name} row ${i} columns`).toEqual(Object.keys(want).sort());
    for (const [column, value] of Object.entries(want)) {
      const label = `${name} row ${i} ${column}: got ${JSON.stringify(got[column])}, expected ${JSON.stringify(value)}`;
      if (value === null) expect(got[column], label).toBeNull();
      else if (typeof value === 'string') expect(String(got[column]), label).toBe(value);
      else {
        expect(got[column], label).not.toBeNull();
        expect(Math.abs(Number(got[column]) - value), label).toBeLessThan(1e-9);
      }
    }
  });
}

/** Every table a query reads is one the store defines and migrations create; the ReplacingMergeTree ones are read with FINAL. */
async function expectStoreTablesWithFinal(name: string, rawSql: string, context: QueryContext) {
  const known = new Set<string>(Object.values(TABLES));
  const engines = new Map(
    (await ch.query<{ name: string; engine: string }>(`SELECT name, engine FROM system.tables WHERE database = {db:String}`, { db: DATABASE })).map((r) => [r.name, r.engine]),
  );
  // Every variable set to a value, so no filter (and no subquery in one) drops out as All.
  const sql = renderPanelSql(rawSql, dashboardVariables(ACME.tenantId, { channel: ['email'], segment: ['smb'], topic: ['billing'] }), context);
  const references = tableReferences(sql);
  expect(references.length).toBeGreaterThan(0);
  for (const { table, final } of references) {
    expect(known.has(table), `${name} reads ${table}, which is not in store/tables.ts`).toBe(true);
    expect(engines.has(table), `${name} reads ${table}, which migrations do not create`).toBe(true);
    if (engines.get(table)!.includes('ReplacingMergeTree')) expect(final, `${name} reads ${table} (${engines.get(table)}) without FINAL`).toBe(true);
  }
}

/** Expanded SQL's table references (FROM / JOIN), without its own CTE names, and whether each reads FINAL. */
function tableReferences(sql: string): { table: string; final: boolean }[] {
  const cteNames = new Set([...sql.matchAll(/(?:\bWITH|,)\s*(\w+)\s+AS\s*\(/gi)].map((m) => m[1]));
  return [...sql.matchAll(/\b(?:FROM|JOIN)\s+(`[^`]+`|[A-Za-z_][\w.]*)(?:\s+(?:AS\s+)?(?!FINAL\b)\w+)?(\s+FINAL\b)?/gi)]
    .map((m) => ({ table: m[1].replace(/`/g, ''), final: Boolean(m[2]) }))
    .filter((ref) => !cteNames.has(ref.table));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-dashboards-'));
  ch = createClickHouse({ dataDir, database: DATABASE });
  await migrate(ch);
  // The provisioned datasource's defaultDatabase: panels name tables without a database.
  await ch.command(`USE ${DATABASE}`);
  // Keep every inserted part apart, as recent data is before merges catch up: panels must read
  // the Replacing tables with FINAL to see one row per ticket and per event.
  for (const table of [TABLES.tickets, TABLES.ticketEvents, TABLES.suggestions, TABLES.corrections, TABLES.suggestionFeedback, TABLES.ticketRewards, TABLES.alerts, TABLES.alertDeliveries]) {
    await ch.command(`SYSTEM STOP MERGES ${ch.table(table)}`);
  }
  acmeSeed = await seedTenant(ch, ACME, 1);
  await seedTenant(ch, GLOBEX, 2);
  learningSeeds.acme = await seedLearning(ch, ACME_LEARNING, DATA_END, randomSource(4));
  learningSeeds.globex = await seedLearning(ch, GLOBEX_LEARNING, DATA_END, randomSource(5));
  anomalySeeds.acme = await seedAnomalies(ch, ACME_ANOMALIES, DATA_END, randomSource(7));
  anomalySeeds.globex = await seedAnomalies(ch, GLOBEX_ANOMALIES, DATA_END, randomSource(8));
});

afterAll(async () => {
  await ch?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboards as code', () => {
  it('finds dashboards with panels to test', () => {
    expect(dashboardFiles.length).toBeGreaterThan(0);
    expect(queryPanels.length).toBeGreaterThan(0);
  });

  it('the committed JSON is exactly what dashboards/build.ts builds', () => {
    expect(dashboardFiles).toEqual(Object.keys(DASHBOARDS).sort());
    for (const [file, build] of Object.entries(DASHBOARDS)) {
      expect(readFileSync(path.join(DASHBOARDS_DIR, file), 'utf8'), `${file} is stale: run npx tsx dashboards/build.ts`).toBe(renderDashboard(build()));
    }
  });

  it("alert links (domain/dashboardLinks.ts) open a provisioned dashboard by its uid and set variables it has", () => {
    const linked = dashboards.find((d) => d.dashboard.uid === ANOMALIES_DASHBOARD.uid);
    expect(linked?.file).toBe('anomalies.json');
    const variables = linked!.dashboard.templating.list.map((v) => v.name);
    expect(variables).toEqual(expect.arrayContaining([ANOMALIES_DASHBOARD.tenantVariable, ANOMALIES_DASHBOARD.topicVariable]));
  });
});

describe('macro expansion matches grafana-clickhouse-datasource', () => {
  // Vectors from the plugin's pkg/macros/macros_test.go and CHDatasource tests, and Grafana's format registry tests.
  const plugin: QueryContext = { range: { from: new Date('2014-11-12T11:45:26.371Z'), to: new Date('2015-11-12T11:45:26.371Z') }, intervalMs: 20_000 };

  it('expands the backend time macros as the plugin does', () => {
    expect(expandMacros('$__timeFilter(col)', plugin)).toBe('col >= toDateTime(1415792726) AND col <= toDateTime(1447328726)');
    expect(expandMacros('$__timeFilter_ms(col)', plugin)).toBe('col >= fromUnixTimestamp64Milli(1415792726371) AND col <= fromUnixTimestamp64Milli(1447328726371)');
    expect(expandMacros('$__fromTime $__toTime $__fromTime_ms $__toTime_ms', plugin)).toBe(
      'toDateTime(1415792726) toDateTime(1447328726) fromUnixTimestamp64Milli(1415792726371) fromUnixTimestamp64Milli(1447328726371)',
    );
    expect(expandMacros('$__timeInterval(col)', plugin)).toBe('toStartOfInterval(toDateTime(col), INTERVAL 20 second)');
    expect(expandMacros('$__timeInterval_ms(col)', plugin)).toBe('toStartOfInterval(toDateTime64(col, 3), INTERVAL 20000 millisecond)');
    expect(expandMacros('$__interval_s', plugin)).toBe('20');
    expect(expandMacros('$__interval_s', { ...plugin, intervalMs: 200 })).toBe('1');
    expect(expandMacros('$__dateFilter(dateCol)', plugin)).toBe("dateCol >= toDate('2014-11-12') AND dateCol <= toDate('2015-11-12')");
    expect(expandMacros('$__dt(d, t)', plugin)).toBe(
      "(d >= toDate('2014-11-12') AND d <= toDate('2015-11-12')) AND (t >= toDateTime(1415792726) AND t <= toDateTime(1447328726))",
    );
    expect(expandMacros('$__timeFrom(ts) AND $__timeTo(ts)', plugin)).toBe('ts >= toDateTime(1415792726) AND ts <= toDateTime(1447328726)');
    expect(expandMacros('$__timeGroup(ts, 5m) $__timeGroup(ts, 1h)', plugin)).toBe(
      'toStartOfInterval(toDateTime(ts), INTERVAL 300 second) toStartOfInterval(toDateTime(ts), INTERVAL 3600 second)',
    );
    expect(expandMacros('$__timeInterval(if(a, b, c))', plugin)).toBe('toStartOfInterval(toDateTime(if(a, b, c)), INTERVAL 20 second)');
    expect(() => expandMacros('$__timeFilter(a, b)', plugin)).toThrow(/expected 1 argument/);
    expect(() => renderPanelSql('SELECT $__columns(t, k, v) FROM x', [], plugin)).toThrow(/unexpanded/);
  });

  it('applies $__conditionalAll and variable formats as the plugin and Grafana do', () => {
    const channel = (current: string | string[]): VariableState[] => [{ name: 'channel', current, options: ['email', "o'brien"] }];
    const sql = 'WHERE $__conditionalAll(channel IN (${channel:singlequote}), $channel)';
    expect(applyConditionalAll(sql, channel([ALL_VALUE]))).toBe('WHERE 1=1');
    expect(replaceTemplateVariables(applyConditionalAll(sql, channel(['email'])), channel(['email']))).toBe("WHERE channel IN ('email')");
    expect(replaceTemplateVariables('${channel:singlequote}', channel(['email', "o'brien"]))).toBe("'email','o\\'brien'");
    expect(replaceTemplateVariables('${channel:sqlstring}', channel("o'brien"))).toBe("'o''brien'");
    expect(replaceTemplateVariables('IN ($channel)', channel([ALL_VALUE]))).toBe("IN ('email','o'brien')");
    expect(replaceTemplateVariables('$channel $unknown', channel('chat'))).toBe('chat $unknown');
  });
});

describe('Grafana provisioning', () => {
  const datasourceYaml = readFileSync(path.join(PROVISIONING, 'datasources/clickhouse.yaml'), 'utf8');
  const provisionedUid = /^\s+uid:\s*(\S+)\s*$/m.exec(datasourceYaml)?.[1];

  it('provisions the ClickHouse plugin datasource with a fixed uid', () => {
    expect(provisionedUid).toBeTruthy();
    expect(datasourceYaml).toMatch(/^\s+type:\s*grafana-clickhouse-datasource\s*$/m);
    expect(datasourceYaml).toMatch(/^\s+protocol:\s*http\s*$/m);
    expect(datasourceYaml).toMatch(/^\s+defaultDatabase:\s*\S+/m);
  });

  it('lets panels filter Distributed tables with IN (SELECT …) on a cluster (distributed_product_mode=global)', () => {
    expect(datasourceYaml).toMatch(/customSettings:\s*\n\s+- setting: distributed_product_mode\s*\n\s+value: global\s*$/m);
  });

  it('loads dashboards from the folder docker-compose mounts dashboards/ on', () => {
    const provider = readFileSync(path.join(PROVISIONING, 'dashboards/supportloop.yaml'), 'utf8');
    const providerPath = /^\s+path:\s*(\S+)\s*$/m.exec(provider)?.[1];
    const compose = readFileSync(path.join(ROOT, 'infra/docker-compose.yml'), 'utf8');
    expect(providerPath).toBeTruthy();
    expect(compose).toContain(`../dashboards:${providerPath}:ro`);
    expect(compose).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
  });

  it.each(dashboards)('$file uses only the provisioned datasource uid (panels, targets, variables)', ({ dashboard }) => {
    const uids = [
      ...allPanels(dashboard.panels)
        .filter((p) => p.type !== 'row')
        .flatMap((p) => [p.datasource?.uid, ...(p.targets ?? []).map((t) => t.datasource?.uid)]),
      ...dashboard.templating.list.filter((v) => v.type === 'query').map((v) => v.datasource?.uid),
      ...(dashboard.annotations?.list ?? []).flatMap((a) => [a.datasource?.uid, a.target?.datasource?.uid]),
    ];
    expect(uids.length).toBeGreaterThan(0);
    for (const uid of uids) expect(uid).toBe(provisionedUid);
  });
});

describe.each(queryPanels)('panel $panel.title ($file)', ({ file, dashboard, panel }) => {
  const name = panelName(file, panel);
  const context = panelContext(panel, CONTEXT);
  const filters = filterVariables(dashboard);

  it('filters on the tenant and on every filter variable of its dashboard', () => {
    expect(panel.targets?.length, `${name} has no query`).toBeGreaterThan(0);
    for (const filter of filters) expect(FILTER_CHECKS[filter], `the test has no selections for the ${filter} filter`).toBeDefined();
    for (const target of panel.targets ?? []) {
      expect(target.rawSql).toContain('tenant_id = ${tenant:singlequote}');
      for (const filter of filters) expect(target.rawSql, `${name} ignores $${filter}`).toContain(`$${filter})`);
    }
  });

  it('runs on chDB and returns what its visualization needs on the seeded data', async () => {
    for (const target of panel.targets ?? []) {
      const { sql, columns, rows } = await runPanel(target.rawSql, dashboardVariables(ACME.tenantId), context);
      expect(rows.length, `${name} returned no rows:\n${sql}`).toBeGreaterThan(0);
      const numeric = columns.filter((c) => NUMERIC.test(c.type));
      expect(numeric.length, `${name} has no numeric value column: ${JSON.stringify(columns)}`).toBeGreaterThan(0);
      if (target.format === 0) {
        // Time series: a time column first, value columns, and string label columns at most.
        expect(columns[0].name).toBe('time');
        expect(columns[0].type).toMatch(TIME);
        for (const column of columns.slice(1)) expect(column.type, `${name}: column ${column.name}`).toMatch(new RegExp(`${NUMERIC.source}|${LABEL.source}`));
        const times = rows.map((r) => Date.parse(`${String(r.time).replace(' ', 'T')}Z`));
        expect(times).toEqual([...times].sort((a, b) => a - b));
        for (const t of times) {
          expect(t).toBeGreaterThanOrEqual(context.range.from.getTime() - context.intervalMs);
          expect(t).toBeLessThanOrEqual(context.range.to.getTime());
          expect(t % context.intervalMs, `${name}: buckets follow the panel's interval`).toBe(0);
        }
      } else if (panel.type === 'stat') {
        // Stat: one row with its values.
        expect(rows.length).toBe(1);
      }
      const values = valuesOf(columns, rows);
      expect(values.some((v) => v !== null && Number.isFinite(v) && v > 0), `${name} shows no data: ${JSON.stringify(rows)}`).toBe(true);
    }
  });

  it('reads only tables the store defines, and the ReplacingMergeTree ones with FINAL', async () => {
    for (const target of panel.targets ?? []) await expectStoreTablesWithFinal(name, target.rawSql, context);
  });

  it('honours its dashboard’s filter variables', async () => {
    for (const target of panel.targets ?? []) {
      for (const filter of filters) {
        const selection = { [filter]: FILTER_CHECKS[filter].none };
        const { columns, rows } = await runPanel(target.rawSql, dashboardVariables(ACME.tenantId, selection), context);
        const values = valuesOf(columns, rows).filter((v) => v !== null && v !== 0);
        expect(values, `${name} ignores ${JSON.stringify(selection)}`).toEqual([]);
      }
      // A real selection still shows data.
      const selection = Object.fromEntries(filters.map((filter) => [filter, FILTER_CHECKS[filter].some]));
      const { columns, rows } = await runPanel(target.rawSql, dashboardVariables(ACME.tenantId, selection), context);
      expect(valuesOf(columns, rows).some((v) => v !== null && v > 0), `${name} shows nothing for ${JSON.stringify(selection)}`).toBe(true);
    }
  });
});

describe.each(annotationQueries)('annotation $annotation.name ($file)', ({ file, dashboard, annotation }) => {
  const name = `${file} › annotation ${annotation.name}`;
  const rawSql = annotation.target!.rawSql;
  const filters = filterVariables(dashboard);
  const seconds = (text: unknown) => Date.parse(`${String(text).replace(' ', 'T')}Z`);

  it('is enabled, queries as a table and filters on the tenant and on every filter variable of its dashboard', () => {
    expect(annotation.enable).toBe(true);
    expect(annotation.target!.format, `${name}: Grafana maps annotation columns from a table frame`).toBe(1);
    expect(rawSql).toContain('tenant_id = ${tenant:singlequote}');
    for (const filter of filters) expect(rawSql, `${name} ignores $${filter}`).toContain(`$${filter})`);
  });

  it('runs on chDB and returns the columns Grafana maps to annotations: time, timeEnd, text, tags', async () => {
    const { sql, columns, rows } = await runPanel(rawSql, dashboardVariables(ACME.tenantId), CONTEXT);
    expect(rows.length, `${name} returned no rows:\n${sql}`).toBeGreaterThan(0);
    expect(columns.map((c) => c.name)).toEqual(['time', 'timeEnd', 'text', 'tags']);
    expect(columns[0].type).toMatch(TIME);
    expect(columns[1].type).toMatch(TIME);
    expect(columns[2].type).toMatch(LABEL);
    expect(columns[3].type).toMatch(LABEL);
    for (const row of rows) {
      // A region overlapping the range, with text and comma-separated tags.
      expect(seconds(row.time)).toBeLessThanOrEqual(seconds(row.timeEnd));
      expect(seconds(row.time)).toBeLessThanOrEqual(CONTEXT.range.to.getTime());
      expect(seconds(row.timeEnd)).toBeGreaterThanOrEqual(CONTEXT.range.from.getTime());
      expect(String(row.text).length).toBeGreaterThan(0);
      expect(String(row.tags).split(',').length).toBeGreaterThan(1);
    }
  });

  it('reads only tables the store defines, and the ReplacingMergeTree ones with FINAL', async () => {
    await expectStoreTablesWithFinal(name, rawSql, CONTEXT);
  });

  it('honours its dashboard’s filter variables', async () => {
    for (const filter of filters) {
      const selection = { [filter]: FILTER_CHECKS[filter].none };
      expect((await runPanel(rawSql, dashboardVariables(ACME.tenantId, selection), CONTEXT)).rows, `${name} ignores ${JSON.stringify(selection)}`).toEqual([]);
    }
    const selection = Object.fromEntries(filters.map((filter) => [filter, FILTER_CHECKS[filter].some]));
    expect((await runPanel(rawSql, dashboardVariables(ACME.tenantId, selection), CONTEXT)).rows.length, `${name} shows nothing for ${JSON.stringify(selection)}`).toBeGreaterThan(0);
  });
});

describe('Support operations shows the seeded numbers', () => {
  const supportOperations = dashboards.find((d) => d.file === 'support-operations.json')?.dashboard;
  const from = CONTEXT.range.from.getTime();
  const to = CONTEXT.range.to.getTime();
  const inRange = (at: number) => at >= from && at <= to;
  const isClosed = (t: TicketState) => t.status === 'solved' || t.status === 'closed';
  const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
  /** Daily buckets hold enough tickets for p50 and p90 to differ. */
  const DAILY: QueryContext = { ...CONTEXT, intervalMs: 24 * HOUR };
  const bucketOf = (iso: string) => new Date(Math.floor(Date.parse(iso) / DAILY.intervalMs) * DAILY.intervalMs).toISOString().slice(0, 19).replace('T', ' ');
  /** ClickHouse quantileExact: the element at floor(level × n) of the sorted values. */
  const quantileExact = (level: number, values: number[]) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(level * values.length))];

  async function run(title: string, context: QueryContext = CONTEXT) {
    const panel = allPanels(supportOperations?.panels ?? []).find((p) => p.title === title);
    if (!panel?.targets?.[0]) throw new Error(`no panel "${title}" in support-operations.json`);
    return runPanel(panel.targets[0].rawSql, dashboardVariables(ACME.tenantId), context);
  }
  const stat = async (title: string) => {
    const { columns, rows } = await run(title);
    return numberOf(rows[0][columns[0].name]);
  };
  const column = async (title: string, name: string) => (await run(title)).rows.map((r) => Number(r[name]));
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  it('stats match the seeded tickets', async () => {
    const tickets = acmeSeed.tickets;
    const created = tickets.filter((t) => inRange(Date.parse(t.createdAt!)));
    const ratings = acmeSeed.events.filter((e) => e.kind === 'csat.rated' && inRange(e.at)).map((e) => e.csat!);
    expect(await stat('Open tickets now')).toBe(tickets.filter((t) => !isClosed(t)).length);
    expect(await stat('Tickets created')).toBe(created.length);
    expect(await stat('Tickets solved')).toBe(tickets.filter((t) => isClosed(t) && t.solvedAt && inRange(Date.parse(t.solvedAt))).length);
    expect(await stat('SLA breach rate')).toBeCloseTo(created.filter((t) => t.slaBreached).length / created.length, 10);
    expect(await stat('Escalation rate')).toBeCloseTo(created.filter((t) => t.escalations > 0).length / created.length, 10);
    const solved = tickets.filter((t) => isClosed(t) && t.solvedAt && inRange(Date.parse(t.solvedAt)));
    expect(solved.some((t) => t.reopens > 0), 'the seed reopens some solved tickets').toBe(true);
    expect(await stat('Reopen rate')).toBeCloseTo(solved.filter((t) => t.reopens > 0).length / solved.length, 10);
    expect(await stat('CSAT average')).toBeCloseTo(sum(ratings) / ratings.length, 5);
  });

  it('time series add up to the seeded events, and the backlog ends at the open tickets', async () => {
    const created = acmeSeed.tickets.filter((t) => inRange(Date.parse(t.createdAt!))).length;
    const eventsInRange = (kind: string) => acmeSeed.events.filter((e) => e.kind === kind && inRange(e.at)).length;
    expect(sum(await column('New tickets by channel', 'new_tickets'))).toBe(created);
    expect(sum(await column('New tickets by segment', 'new_tickets'))).toBe(created);
    expect(sum(await column('SLA breaches', 'sla_breaches'))).toBe(eventsInRange('sla.breached'));
    expect(sum(await column('Escalations', 'escalations'))).toBe(eventsInRange('ticket.escalated'));
    expect(sum(await column('CSAT', 'ratings'))).toBe(eventsInRange('csat.rated'));
    expect((await column('Backlog', 'open_tickets')).at(-1)).toBe(acmeSeed.tickets.filter((t) => !isClosed(t)).length);
  });

  it('first-response and resolution percentiles match the seeded tickets per interval', async () => {
    const expected = (at: (t: TicketState) => string | undefined, include: (t: TicketState) => boolean) => {
      const byBucket = new Map<string, number[]>();
      for (const t of acmeSeed.tickets) {
        const end = at(t);
        if (!end || !include(t) || !inRange(Date.parse(end))) continue;
        byBucket.set(bucketOf(end), [...(byBucket.get(bucketOf(end)) ?? []), seconds(end) - seconds(t.createdAt!)]);
      }
      return [...byBucket.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([time, waits]) => ({ time, p50: quantileExact(0.5, waits), p90: quantileExact(0.9, waits) }));
    };
    const shown = async (title: string) => (await run(title, DAILY)).rows.map((r) => ({ time: String(r.time), p50: Number(r.p50), p90: Number(r.p90) }));
    expect(await shown('First response time')).toEqual(expected((t) => t.firstResponseAt, () => true));
    expect(await shown('Resolution time')).toEqual(expected((t) => t.solvedAt, isClosed));
  });
});

describe('Learning shows the seeded numbers', () => {
  const learning = dashboards.find((d) => d.file === 'learning.json')?.dashboard;
  const learningPanels = allPanels(learning?.panels ?? []).filter((p) => p.type !== 'row');
  /** A month of the learning rows: after acme's install baseline window, overlapping globex's. */
  const MONTH: QueryContext = { range: { from: new Date('2026-02-04T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: HOUR };
  const windows = [
    { label: 'the ticket seed’s days', context: CONTEXT },
    { label: 'a month', context: MONTH },
    { label: 'a month, topic billing', context: MONTH, topics: ['billing'] },
    { label: 'a month, every topic but billing', context: MONTH, topics: ['login', 'refunds', 'shipping'] },
  ];
  const cases = [ACME.tenantId, GLOBEX.tenantId].flatMap((tenant) => windows.map((window) => ({ tenant, ...window })));

  it('has a panel for every figure computed from the seed, and figures for every panel', () => {
    const figures = learningFigures(learningSeeds.acme, BASELINE_DAYS, { from: 0, to: 0, intervalMs: DAY });
    expect(learningPanels.map((p) => p.title).sort()).toEqual(Object.keys(figures).filter((k) => k !== 'installedAt').sort());
  });

  it('the seed gives the install baseline something to show: tenants installed on different days, and acceptance moved since', () => {
    const acme = learningFigures(learningSeeds.acme, BASELINE_DAYS, { from: MONTH.range.from.getTime(), to: DATA_END, intervalMs: DAY });
    const globex = learningFigures(learningSeeds.globex, BASELINE_DAYS, { from: MONTH.range.from.getTime(), to: DATA_END, intervalMs: DAY });
    expect(acme.installedAt).not.toBe(globex.installedAt);
    for (const figures of [acme, globex]) {
      const [{ acceptance_rate, install_baseline }] = figures['Acceptance vs install baseline'];
      expect(acceptance_rate! - install_baseline!).toBeGreaterThan(0.1);
      expect(figures['Draft acceptance rate'].length).toBeGreaterThan(20);
    }
  });

  it('panels with an install baseline say how it is computed', () => {
    for (const panel of learningPanels.filter((p) => p.targets?.some((t) => t.rawSql.includes('install_baseline')))) {
      expect(panel.description, panel.title).toContain(`first ${BASELINE_DAYS} days of corrections`);
    }
    const automation = learningPanels.filter((p) => p.title.startsWith('Automation rate'));
    expect(automation.length).toBe(2);
    for (const panel of automation) expect(panel.description).toMatch(/escalations excluded.*accepted or lightly-edited/);
  });

  it.each(cases)('every panel matches the seeded rows: $tenant, $label', async ({ tenant, context, topics }) => {
    for (const panel of learningPanels) {
      const effective = panelContext(panel, context);
      const figures = learningFigures(learningSeeds[tenant], BASELINE_DAYS, { from: effective.range.from.getTime(), to: effective.range.to.getTime(), intervalMs: effective.intervalMs, topics });
      const expected = figures[panel.title as Exclude<keyof typeof figures, 'installedAt'>];
      const { sql, rows } = await runPanel(panel.targets![0].rawSql, dashboardVariables(tenant, topics ? { topic: topics } : {}), effective);
      expect(expected.length, `${panel.title}: the seed leaves nothing to compare`).toBeGreaterThan(0);
      expectRows(rows, expected, `${tenant} › ${panel.title}\n${sql}\n`);
    }
  });
});

describe('Anomalies shows the seeded numbers', () => {
  const anomalies = dashboards.find((d) => d.file === 'anomalies.json')?.dashboard;
  const anomalyPanels = allPanels(anomalies?.panels ?? []).filter((p) => p.type !== 'row');
  const anomalyAnnotations = anomalies?.annotations?.list ?? [];
  const DEFINITIONS = { bandWeeks: BAND_WEEKS, bandScales: BAND_SCALES, risingMinMessages: RISING_MIN_MESSAGES };
  /** The last four hours minute by minute: the end spike, and the alerts' own figures at their minutes. */
  const LAST_HOURS: QueryContext = { range: { from: new Date(DATA_END - 4 * HOUR), to: new Date(DATA_END) }, intervalMs: MINUTE };
  /** Two weeks at 6-hour intervals, acme's shipping spike before the ticket seed's days included. */
  const WEEKS: QueryContext = { range: { from: new Date('2026-02-20T00:00:00Z'), to: new Date(DATA_END) }, intervalMs: 6 * HOUR };
  /** A range starting and ending mid-minute, ending inside the end spikes: partial first and last intervals. */
  const RAGGED: QueryContext = { range: { from: new Date('2026-03-03T08:07:30Z'), to: new Date('2026-03-05T23:41:10Z') }, intervalMs: 15 * MINUTE };
  const windows = [
    { label: 'the ticket seed’s days', context: CONTEXT },
    { label: 'the last four hours, per minute', context: LAST_HOURS },
    { label: 'two weeks, 6-hourly', context: WEEKS },
    { label: 'a ragged range, 15-minute intervals', context: RAGGED },
    { label: 'the ticket seed’s days, topic billing', context: CONTEXT, topics: ['billing'] },
    { label: 'a ragged range, every topic but billing', context: RAGGED, topics: ['data-export', 'gift-cards', 'login', 'refunds', 'shipping'] },
  ];
  const cases = [ACME.tenantId, GLOBEX.tenantId].flatMap((tenant) => windows.map((window) => ({ tenant, ...window })));
  const figuresFor = (tenant: string, context: QueryContext, topics?: string[]) =>
    anomalyFigures(anomalySeeds[tenant], DEFINITIONS, { from: context.range.from.getTime(), to: context.range.to.getTime(), intervalMs: context.intervalMs, topics });

  it('has a panel (or an annotation: alerts, silences) for every figure computed from the seed, and figures for every one', () => {
    expect(anomalyAnnotations.map((a) => a.name)).toEqual(['Alerts', 'Silences']);
    for (const a of anomalyAnnotations) expect(a.target?.rawSql).toBeTruthy();
    expect([...anomalyPanels.map((p) => p.title), ...anomalyAnnotations.map((a) => a.name)].sort()).toEqual(Object.keys(figuresFor('acme', CONTEXT)).sort());
  });

  it('the seed gives every panel something to show: spikes over the band, every severity and delivery outcome, firing and resolved alerts, a new topic', () => {
    for (const tenant of [ACME.tenantId, GLOBEX.tenantId]) {
      const figures = figuresFor(tenant, CONTEXT);
      for (const [title, rows] of Object.entries(figures)) expect(rows.length, `${tenant} › ${title}`).toBeGreaterThan(0);
      const seed = anomalySeeds[tenant];
      expect(new Set(seed.alerts.map((a) => a.status))).toEqual(new Set(['firing', 'resolved']));
      // A firing alert names its drivers (acme's two: the Driven by column joins them).
      expect(seed.alerts.some((a) => a.status === 'firing' && a.contributors.length === (tenant === ACME.tenantId ? 2 : 1)), tenant).toBe(true);
      // Alerts a count window raised, and alerts the minute raised (the annotation and the Count window column tell them apart).
      expect(seed.alerts.some((a) => a.countWindow !== null) && seed.alerts.some((a) => a.countWindow === null), tenant).toBe(true);
      // The end spike rises above its band at the alert's minute, which carries the alert's figures.
      const minutes = figuresFor(tenant, LAST_HOURS)['Volume with expected band per topic'];
      const spikes = minutes.filter((r) => r.alert_upper !== null);
      expect(spikes.length).toBeGreaterThan(0);
      for (const r of spikes) expect(r.observed as number, JSON.stringify(r)).toBeGreaterThan(Math.max(r.upper as number, r.alert_upper as number));
    }
    // The product-area panel: a band for each of acme's areas, and the Payments alert's points over it.
    const areaMinutes = figuresFor(ACME.tenantId, LAST_HOURS)['Volume with expected band per product area'];
    expect(new Set(areaMinutes.map((r) => r.area))).toEqual(new Set(['Account', 'Checkout', 'Payments']));
    const areaPoints = areaMinutes.filter((r) => r.alert_upper !== null);
    expect(areaPoints.map((r) => r.area)).toContain('Payments');
    for (const r of areaPoints) expect(r.observed as number, JSON.stringify(r)).toBeGreaterThan(Math.max(r.upper as number, r.alert_upper as number));
    const acme = anomalySeeds.acme;
    expect(new Set(acme.alerts.map((a) => a.severity))).toEqual(new Set(['low', 'medium', 'high']));
    expect(new Set(acme.deliveries.map((d) => d.status))).toEqual(new Set(['delivered', 'failed', 'abandoned', 'silenced', 'grouped']));
    // The login silence withheld the login alert's firing notices; it outlived the silence, so it was
    // announced when the silence ended (no longer silenced), and its all-clear was sent.
    const silencedLogin = acme.alerts.find((a) => a.series === 'topic=login' && a.startedAtMs >= Date.parse('2026-03-03T10:00:00Z') && a.startedAtMs < Date.parse('2026-03-03T10:15:00Z'));
    expect(silencedLogin?.status).toBe('resolved');
    expect(silencedLogin!.resolvedAtMs!).toBeGreaterThan(Date.parse('2026-03-03T10:15:00Z'));
    const loginLog = acme.deliveries.filter((d) => d.alertId === silencedLogin!.alertId);
    const silencedAt = loginLog.filter((d) => d.status === 'silenced').map((d) => d.atMs);
    expect(silencedAt.length).toBeGreaterThan(0);
    expect(Math.max(...silencedAt)).toBeLessThanOrEqual(Date.parse('2026-03-03T10:15:00Z'));
    expect(loginLog.filter((d) => d.status !== 'silenced').map((d) => d.atMs).every((at) => at > Date.parse('2026-03-03T10:15:00Z'))).toBe(true);
    expect(loginLog.length).toBeGreaterThan(silencedAt.length);
    expect(acme.deliveries.some((d) => d.status === 'delivered' && d.attempts > 1), 'a delivery that succeeded after retries').toBe(true);
    expect(new Set(acme.notices.map((n) => n.kind))).toEqual(new Set(['firing', 'escalated', 'resolved']));
    expect(acme.alerts.some((a) => a.status === 'resolved' && a.countWindow !== null), 'a resolved alert a count window raised').toBe(true);
    expect(anomalySeeds.globex.alerts.some((a) => a.status === 'firing' && a.countWindow !== null), 'a firing alert a count window raised').toBe(true);
    // Weeks of messages behind the band, not a handful.
    expect(acme.messages.length).toBeGreaterThan(10_000);
  });

  it('the volume panel says its band is an SQL approximation, and where the alert points come from', () => {
    const volume = anomalyPanels.find((p) => p.title === 'Volume with expected band per topic');
    expect(volume?.description).toContain("SQL approximation of the detector's band");
    expect(volume?.description).toContain('last anomalous minute');
    expect(volume?.interval).toBe('1m');
  });

  it('reads alerts and deliveries that were written in several versions', async () => {
    for (const table of [TABLES.alerts, TABLES.alertDeliveries]) {
      const [{ rows, keys }] = await ch.query<{ rows: string; keys: string }>(
        `SELECT count() AS rows, uniqExact(tenant_id, ${table === TABLES.alerts ? 'alert_id' : 'delivery_id'}) AS keys FROM ${ch.table(table)} WHERE tenant_id = 'acme'`,
      );
      expect(Number(rows), `${table} holds more rows than keys (versions not yet merged)`).toBeGreaterThan(Number(keys));
    }
  });

  it.each(cases)('every panel and the alert annotations match the seeded rows: $tenant, $label', async ({ tenant, context, topics }) => {
    const variables = dashboardVariables(tenant, topics ? { topic: topics } : {});
    const queries = [...anomalyPanels.map((p) => ({ title: p.title, rawSql: p.targets![0].rawSql, context: panelContext(p, context) })), ...anomalyAnnotations.map((a) => ({ title: a.name, rawSql: a.target!.rawSql, context }))];
    for (const query of queries) {
      const figures = figuresFor(tenant, query.context, topics);
      const expected = figures[query.title as keyof typeof figures];
      const { sql, rows } = await runPanel(query.rawSql, variables, query.context);
      expectRows(rows, expected, `${tenant} › ${query.title}\n${sql}\n`);
    }
  });
});

describe('template variables', () => {
  const variables = dashboards.flatMap(({ file, dashboard }) => dashboard.templating.list.filter((v) => v.type === 'query').map((variable) => ({ file, variable })));

  it('every dashboard has the tenant variable', () => {
    for (const { dashboard } of dashboards) expect(dashboard.templating.list.map((v) => v.name)).toContain('tenant');
  });

  it.each(variables)('$variable.name ($file) runs and lists the selected tenant’s values only', async ({ file, variable }) => {
    const sql = renderPanelSql(variableSql(variable), dashboardVariables(ACME.tenantId), CONTEXT);
    const values = (await ch.query<Row>(sql)).map((row) => String(Object.values(row)[0]));
    if (variable.name === 'tenant') {
      expect(values).toEqual([ACME.tenantId, GLOBEX.tenantId]);
      return;
    }
    expect(variable.multi && variable.includeAll).toBe(true);
    expect(values.length).toBeGreaterThan(0);
    const globex = (await ch.query<Row>(renderPanelSql(variableSql(variable), dashboardVariables(GLOBEX.tenantId), CONTEXT))).map((row) => String(Object.values(row)[0]));
    expect(values).not.toEqual(globex);
    if (variable.name === 'channel') {
      expect(values).toEqual([...ACME.channels].sort());
      expect(globex).toEqual([...GLOBEX.channels].sort());
    }
    if (variable.name === 'topic' && file === 'anomalies.json') {
      // Topics of customer messages (events_per_minute), not of corrections.
      expect(values).toEqual(ACME_ANOMALIES.topics.map((t) => t.name).sort());
      expect(globex).toEqual(GLOBEX_ANOMALIES.topics.map((t) => t.name).sort());
    } else if (variable.name === 'topic') {
      expect(values).toEqual([...ACME_LEARNING.topics].sort());
      expect(globex).toEqual([...GLOBEX_LEARNING.topics].sort());
    }
  });
});

describe('tenant isolation', () => {
  it('a panel shows one tenant’s numbers: another tenant’s rows change nothing, and an unknown tenant sees nothing', async () => {
    const runAll = async (tenant: string) => {
      const results: Record<string, unknown> = {};
      for (const { file, panel } of queryPanels) {
        for (const target of panel.targets ?? []) {
          const { columns, rows } = await runPanel(target.rawSql, dashboardVariables(tenant), panelContext(panel, CONTEXT));
          results[`${panelName(file, panel)} ${target.refId}`] = { values: valuesOf(columns, rows), rows };
        }
      }
      for (const { file, annotation } of annotationQueries) {
        const { rows } = await runPanel(annotation.target!.rawSql, dashboardVariables(tenant), CONTEXT);
        // An annotation query has no numbers: how many annotations it draws stands in.
        results[`${file} › annotation ${annotation.name}`] = { values: [rows.length], rows };
      }
      return results;
    };

    const acmeBefore = await runAll(ACME.tenantId);
    const globexBefore = await runAll(GLOBEX.tenantId);
    for (const key of Object.keys(acmeBefore)) expect(acmeBefore[key], `${key} shows the same for acme and globex`).not.toEqual(globexBefore[key]);

    // A third, busier tenant arrives in the same hours, channels, segments and topics (and the same
    // ticket and suggestion ids for its learning rows, the same event ids for its customer messages).
    await seedTenant(ch, INITECH, 3);
    await seedLearning(ch, INITECH_LEARNING, DATA_END, randomSource(6));
    await seedAnomalies(ch, INITECH_ANOMALIES, DATA_END, randomSource(9));
    expect(await runAll(ACME.tenantId)).toEqual(acmeBefore);
    expect(await runAll(GLOBEX.tenantId)).toEqual(globexBefore);
    const initech = await runAll(INITECH.tenantId);
    for (const key of Object.keys(initech)) {
      const { values } = initech[key] as { values: (number | null)[] };
      expect(values.some((v) => v !== null && v > 0), `${key} shows nothing for initech`).toBe(true);
    }

    const nobody = await runAll('nobody');
    for (const key of Object.keys(nobody)) {
      const { values } = nobody[key] as { values: (number | null)[] };
      expect(values.filter((v) => v !== null && v !== 0), `${key} shows numbers for a tenant without data`).toEqual([]);
    }
    // Every panel of every dashboard five times over, plus a third tenant's seed: minutes on a busy 2-core machine.
  }, 300_000);
});
