// The simulator against the real product, over real HTTP: two tenants, ~20 tickets; every event it
// says it posted is in the product's ticket history, and the ground truth is written.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Supportloop } from '../../runtime/supportloop.js';
import { parseGroundTruth } from '../../simulator/groundTruth.js';
import { GROUND_TRUTH_FILE, runSimulation, SUMMARY_FILE, type SimulationResult } from '../../simulator/simulation.js';
import { PRODUCT_AREAS, topicById } from '../../simulator/topics.js';
import { createTenant, eventually, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let tenants: TestTenant[];
let result: SimulationResult;
const outDir = mkdtempSync(path.join(os.tmpdir(), 'supportloop-simulate-'));
const GLOBEX_AREAS = [{ name: 'Money', tags: ['billing'], topics: [] }];

beforeAll(async () => {
  sl = await startTestSupportloop();
  tenants = [await createTenant(sl, 'acme'), await createTenant(sl, 'globex')];
  // globex's product team has its own areas: the run must leave them alone.
  const saved = await fetch(`${sl.url}/v1/settings/product-areas`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${apiKeyOf('globex')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ areas: GLOBEX_AREAS }),
  });
  expect(saved.status).toBe(200);
  result = await runSimulation({
    url: sl.url!,
    tenants: tenants.map((t) => ({ tenantId: t.tenantId, apiKey: t.apiKey, webhookSecret: t.webhookSecrets.generic! })),
    tickets: 20,
    seed: 11,
    concurrency: 4,
    draftTimeoutMs: 2000,
    outDir,
    productAreas: PRODUCT_AREAS,
  });
});
afterAll(async () => {
  await sl?.cleanup();
  rmSync(outDir, { recursive: true, force: true });
});

const apiKeyOf = (tenantId: string) => tenants.find((t) => t.tenantId === tenantId)!.apiKey;
const get = async (tenantId: string, route: string) => {
  const response = await fetch(`${sl.url}${route}`, { headers: { authorization: `Bearer ${apiKeyOf(tenantId)}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('simulate against the running product', () => {
  it('plays every ticket through the real webhooks for both tenants', () => {
    expect(result.tickets).toHaveLength(20);
    expect(new Set(result.tickets.map((t) => t.tenantId))).toEqual(new Set(['acme', 'globex']));
    expect(result.summary.http.webhooks).toBeGreaterThanOrEqual(60);
    expect(result.summary.http.events).toBe(result.tickets.reduce((n, t) => n + t.eventsPosted, 0));
    for (const t of result.tickets) expect(t.sent.length).toBeGreaterThan(0);
  });

  it("reads the product's drafts from its suggestion route", () => {
    expect(result.summary.drafts.unavailable).toBe(0);
    expect(result.summary.drafts.drafted).toBeGreaterThan(0);
    const drafted = result.tickets.flatMap((t) => t.exchanges).filter((e) => e.draftStatus === 'drafted');
    expect(drafted.every((e) => typeof e.suggestionId === 'string' && e.suggestionId.length > 0)).toBe(true);
    // Each draft comes in a response strategy the product chose, and the ground truth weighs what the customer received against the oracle.
    expect(drafted.every((e) => e.strategy !== undefined && /^(answer|clarify)\.(concise|detailed)\.(plain|acknowledge)$/.test(e.strategy.id) && ['bandit', 'control'].includes(e.strategy.policy!))).toBe(true);
    for (const t of result.tickets) {
      expect(t.strategy.regret).toBeGreaterThanOrEqual(0);
      expect(t.strategy.oracleExpectedReward).toBeCloseTo(Math.max(...Object.values(t.strategy.byStrategy)), 12);
    }
  });

  it("every posted event is in the product's history and the ticket state reflects it", async () => {
    for (const ticket of result.tickets) {
      const expected = Array.from({ length: ticket.eventsPosted }, (_, i) => `${ticket.ticketId}-e${i + 1}`);
      const history = await eventually(async () => {
        const { status, body } = await get(ticket.tenantId, `/v1/tickets/${ticket.ticketId}/events`);
        const ids = status === 200 ? (body.events as { eventId: string }[]).map((e) => e.eventId) : [];
        return expected.every((id) => ids.includes(id)) ? body : undefined;
      }, 60_000);
      expect((history.events as { kind: string }[]).some((e) => e.kind === 'ticket.solved')).toBe(true);
      const state = await eventually(async () => {
        const { status, body } = await get(ticket.tenantId, `/v1/tickets/${ticket.ticketId}`);
        return status === 200 && body.status === 'solved' ? body : undefined;
      }, 30_000);
      expect(state).toMatchObject({ ticketId: ticket.ticketId, customer: { plan: ticket.customer.plan, role: ticket.customer.role } });
      expect(state.customerMessages).toBeGreaterThanOrEqual(1);
      expect(state.agentReplies).toBe(ticket.exchanges.length);
    }
  });

  it("a tenant's key does not see the other tenant's simulated tickets", async () => {
    const ticket = result.tickets.find((t) => t.tenantId === 'acme')!;
    const response = await fetch(`${sl.url}/v1/tickets/${ticket.ticketId}`, { headers: { authorization: `Bearer ${apiKeyOf('globex')}` } });
    expect(response.status).toBe(404);
  });

  it("saves the catalogue's product areas for a tenant without its own, and the simulated messages fill their series", async () => {
    expect(result.summary.productAreasSavedFor).toEqual(['acme']);
    expect((await get('acme', '/v1/settings/product-areas')).body.overrides).toEqual({ areas: PRODUCT_AREAS });
    expect((await get('globex', '/v1/settings/product-areas')).body.overrides).toEqual({ areas: GLOBEX_AREAS });
    // Customer messages per area, from each ticket's own history and its topic's tags.
    const expected = new Map<string, number>();
    for (const ticket of result.tickets.filter((t) => t.tenantId === 'acme')) {
      const { body } = await get('acme', `/v1/tickets/${ticket.ticketId}/events`);
      const messages = (body.events as { kind: string }[]).filter((e) => e.kind === 'message.customer').length;
      for (const area of PRODUCT_AREAS.filter((a) => a.tags.some((tag) => topicById(ticket.topicId).tags.includes(tag)))) expected.set(area.name, (expected.get(area.name) ?? 0) + messages);
    }
    expect(expected.size).toBeGreaterThan(1);
    const [from, to] = [new Date(Date.parse(result.summary.simulatedFrom) - 86_400_000).toISOString(), new Date(Date.parse(result.summary.simulatedTo) + 86_400_000).toISOString()];
    const volume = await eventually(async () => {
      const { status, body } = await get('acme', `/v1/metrics/volume?from=${from}&to=${to}&interval=day&groupBy=area&kind=message.customer`);
      const byArea = new Map<string, number>();
      for (const p of status === 200 ? (body.points as { key: string; count: number }[]) : []) byArea.set(p.key, (byArea.get(p.key) ?? 0) + p.count);
      return [...expected].every(([area, n]) => byArea.get(area) === n) ? byArea : undefined;
    }, 30_000);
    expect(volume).toEqual(expected);
  });

  it('writes the ground truth and summary files', () => {
    const lines = parseGroundTruth(readFileSync(path.join(outDir, GROUND_TRUTH_FILE), 'utf8'));
    expect(lines.map((t) => t.ticketId).sort()).toEqual(result.tickets.map((t) => t.ticketId).sort());
    const summary = JSON.parse(readFileSync(path.join(outDir, SUMMARY_FILE), 'utf8')) as { tickets: number; seed: number };
    expect(summary).toMatchObject({ tickets: 20, seed: 11 });
  });
});
