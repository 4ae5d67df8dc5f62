// The learning loop through real webhooks, Temporal and chDB: a resolved ticket changes the next
// draft with no retraining step, corrections are stored, asOf shows what it would have said before.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Suggestion } from '../../domain/learning/records.js';
import type { Supportloop } from '../../runtime/supportloop.js';
import { TABLES } from '../../store/tables.js';
import { createTenant, eventually, signGeneric, startTestSupportloop, type TestTenant } from '../helpers/supportloop.js';

let sl: Supportloop & { cleanup(): Promise<void> };
let acme: TestTenant;
const RESET_ANSWER = 'Go to Settings, then Security, and click Reset password. You will receive an email with a link that is valid for one hour.';

beforeAll(async () => {
  sl = await startTestSupportloop();
  acme = await createTenant(sl, 'acme');
});
afterAll(async () => sl?.cleanup());

let seq = 0;
async function post(ticketId: string, kind: string, extra: Record<string, unknown> = {}) {
  const body = JSON.stringify({ eventId: `${ticketId}-${++seq}`, kind, ticketId, occurredAt: new Date().toISOString(), channel: 'email', tags: [], ...extra });
  const res = await sl.app!.inject({ method: 'POST', url: '/v1/webhooks/acme/generic', headers: signGeneric(acme.webhookSecrets.generic!, body), payload: body });
  expect(res.statusCode, res.body).toBe(202);
}

const auth = () => ({ authorization: `Bearer ${acme.apiKey}` });
async function suggestionFor(ticketId: string): Promise<{ suggestion: Suggestion }> {
  return eventually(async () => {
    const res = await sl.app!.inject({ method: 'GET', url: `/v1/tickets/${ticketId}/suggestion`, headers: auth() });
    return res.statusCode === 200 ? (res.json() as { suggestion: Suggestion }) : undefined;
  });
}

describe('learning from agents', () => {
  let beforeAnything: string;

  it('drafts nothing useful before it has seen a resolution, and records the correction', async () => {
    beforeAnything = new Date().toISOString();
    await post('L-1', 'message.customer', { body: 'I forgot my password, how do I reset it?', customer: { plan: 'pro' } });
    const first = await suggestionFor('L-1');
    expect(first.suggestion.basis.kind).toBe('none');
    expect(first.suggestion.explanation.summary).toEqual(expect.any(String));

    await post('L-1', 'reply.agent', { body: RESET_ANSWER });
    await post('L-1', 'ticket.solved', { status: 'solved', tags: ['topic:password'] });
    const [correction] = await eventually(async () => {
      const rows = await sl.ch.query<{ class: string; accepted: number }>(`SELECT class, accepted FROM ${sl.ch.table(TABLES.corrections)} FINAL WHERE tenant_id = {t:String} AND ticket_id = 'L-1'`, { t: 'acme' });
      return rows.length ? rows : undefined;
    });
    expect(Number(correction!.accepted)).toBe(0);
  });

  it('the next similar ticket gets a draft built from that resolution, and sending it is an acceptance', async () => {
    // The solve refreshed the learner inside the lifecycle: no retraining command.
    await new Promise((r) => setTimeout(r, 500));
    await post('L-2', 'message.customer', { body: 'How can I reset my password? I cannot remember it.', customer: { plan: 'pro' } });
    const second = await suggestionFor('L-2');
    expect(second.suggestion.basis.kind).not.toBe('none');
    expect(second.suggestion.draft).toContain('Reset password');
    expect(second.suggestion.explanation.similarTickets.map((t: { ticketId: string }) => t.ticketId)).toContain('L-1');

    await post('L-2', 'reply.agent', { body: second.suggestion.draft });
    const [correction] = await eventually(async () => {
      const rows = await sl.ch.query<{ class: string; accepted: number }>(`SELECT class, accepted FROM ${sl.ch.table(TABLES.corrections)} FINAL WHERE tenant_id = {t:String} AND ticket_id = 'L-2'`, { t: 'acme' });
      return rows.length ? rows : undefined;
    });
    expect(correction!.class).toBe('accepted');

    // The message was classified and the classification stored on its event.
    const [event] = await sl.ch.query<{ language: string }>(
      `SELECT language FROM ${sl.ch.table(TABLES.ticketEvents)} FINAL WHERE tenant_id = {t:String} AND ticket_id = 'L-2' AND kind = 'message.customer'`,
      { t: 'acme' },
    );
    expect(event!.language).not.toBe('');
  });

  it('asOf redrafts with only what was known then and shows the difference', async () => {
    const res = await sl.app!.inject({ method: 'GET', url: `/v1/tickets/L-2/suggestion?asOf=${encodeURIComponent(beforeAnything)}`, headers: auth() });
    expect(res.statusCode, res.body).toBe(200);
    const { asOf } = res.json();
    expect(asOf.then.basis.kind).toBe('none');
    expect(asOf.today.draft).toContain('Reset password');
    expect(asOf.difference.sameDraft).toBe(false);
    expect(asOf.difference.addedSentences.join(' ')).toContain('Reset password');

    const bad = await sl.app!.inject({ method: 'GET', url: '/v1/tickets/L-2/suggestion?asOf=last-tuesday', headers: auth() });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/asOf/);
  });

  it('shows what the learner has learned, today and as it was at a date', async () => {
    const model = (query = '') => sl.app!.inject({ method: 'GET', url: `/v1/learning/model${query}`, headers: auth() });
    const today = (await model()).json();
    expect(today).toMatchObject({ asOf: null, topics: 1, labelledTickets: 1, templates: 1, replyChoice: { rule: 'similar' } });
    expect(today.records.ticket).toBeGreaterThanOrEqual(1);
    expect(today.modelVersion).not.toMatch(/^m0-/);
    const then = (await model(`?asOf=${encodeURIComponent(beforeAnything)}`)).json();
    expect(then).toMatchObject({ asOf: beforeAnything, records: { ticket: 0 }, topics: 0, templates: 0, activeRules: [] });
    expect(then.modelVersion).toMatch(/^m0-/);
    const bad = await model('?asOf=last-tuesday');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toMatch(/asOf/);
  });

  it('takes thumbs up/down on a suggestion and rejects bad feedback', async () => {
    const { suggestion } = await suggestionFor('L-2');
    const ok = await sl.app!.inject({ method: 'POST', url: `/v1/suggestions/${encodeURIComponent(suggestion.suggestionId)}/feedback`, headers: auth(), payload: { rating: 'up', comment: 'spot on' } });
    expect(ok.statusCode, ok.body).toBe(201);
    const unknown = await sl.app!.inject({ method: 'POST', url: '/v1/suggestions/nope/feedback', headers: auth(), payload: { rating: 'up' } });
    expect(unknown.statusCode).toBe(404);
    const badRating = await sl.app!.inject({ method: 'POST', url: `/v1/suggestions/${encodeURIComponent(suggestion.suggestionId)}/feedback`, headers: auth(), payload: { rating: 'meh' } });
    expect(badRating.statusCode).toBe(400);
    expect(badRating.json().field).toMatch(/rating/);
    const [row] = await eventually(async () => {
      const rows = await sl.ch.query<{ n: string }>(`SELECT count() AS n FROM ${sl.ch.table(TABLES.suggestionFeedback)} FINAL WHERE tenant_id = {t:String}`, { t: 'acme' });
      return Number(rows[0]!.n) > 0 ? rows : undefined;
    });
    expect(Number(row!.n)).toBe(1);
  });
});
