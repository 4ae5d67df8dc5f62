import { describe, expect, it } from 'vitest';
import { assertTicketEvent } from '../../../domain/events.js';
import { renderReply } from '../../../simulator/agentRules.js';
import type { DraftResult, WebhookEvent } from '../../../simulator/client.js';
import { csatScore, csatStars } from '../../../simulator/strategyOutcome.js';
import { summarise, RollingWindow, rollingLine } from '../../../simulator/groundTruth.js';
import { playTicket, type HelpdeskConnection } from '../../../simulator/simulatedTicket.js';
import { planSimulation, type TicketPlan } from '../../../simulator/ticketPlan.js';

/** An in-memory helpdesk endpoint: records deliveries, answers drafts from a function of the ticket. */
function recordingConnection(draftFor: (ticketId: string, call: number) => string): HelpdeskConnection & { events: WebhookEvent[]; previous: (string | undefined)[] } {
  const events: WebhookEvent[] = [];
  const previous: (string | undefined)[] = [];
  let call = 0;
  return {
    events,
    previous,
    async postEvents(_tenantId, batch) {
      events.push(...batch);
    },
    async fetchDraft(_tenantId, ticketId, previousSuggestionId): Promise<DraftResult> {
      previous.push(previousSuggestionId);
      call++;
      return { status: 'drafted', suggestionId: `sg-${call}`, draft: draftFor(ticketId, call), waitedMs: 0 };
    },
  };
}

const { tickets } = planSimulation({ seed: 5, tenantIds: ['acme'], tickets: 400, start: new Date('2025-03-03T00:00:00Z') });
const calm = (t: TicketPlan): TicketPlan => ({
  ...t,
  dice: { ...t.dice, agentLapse: false, agentForgets: false, topicFollowUp: false, escalate: false, reopen: 1, csatRated: true, csat: 0.5, strategy: { followUp: 1, secondFollowUp: 1, escalation: 1, csatPenalty: 1 } },
});
const trialTicket = calm(tickets.find((t) => t.ruleIds.includes('trial-workflow') && !t.frustrated)!);
const answerOnly = (t: TicketPlan) => renderReply(t.ideal.filter((s) => s.source === 'answer'));

describe('a simulated ticket against a helpdesk connection', () => {
  it('posts valid canonical events in time order, with unique ids, ending solved and rated', async () => {
    const connection = recordingConnection(() => '');
    const truth = await playTicket(trialTicket, connection, 5);
    for (const e of connection.events) expect(() => assertTicketEvent({ ...e, tenantId: 'acme', provider: 'generic' })).not.toThrow();
    expect(new Set(connection.events.map((e) => e.eventId)).size).toBe(connection.events.length);
    const times = connection.events.map((e) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(connection.events.map((e) => e.kind)).toEqual(['ticket.created', 'message.customer', 'reply.agent', 'message.customer', 'ticket.solved', 'csat.rated']);
    expect(connection.events[0]!.customer).toMatchObject({ plan: 'trial' });
    expect(truth).toMatchObject({ action: 'written', accepted: false, draft: '', rulesMissingFromDraft: trialTicket.ruleIds, eventsPosted: 6, reopened: false });
    expect(truth.csat).toEqual({ stars: 5, score: 1 });
  });

  it('a draft that already fits is accepted and the customer just says thanks', async () => {
    const connection = recordingConnection(() => renderReply(trialTicket.ideal));
    const truth = await playTicket(trialTicket, connection, 5);
    expect(truth).toMatchObject({ accepted: true, action: 'accepted', editDistance: 0, rulesInDraft: trialTicket.ruleIds, rulesMissingFromDraft: [] });
    expect(truth.exchanges.map((e) => e.kind)).toEqual(['first']);
  });

  it('a lapse that leaves out the trial paragraph makes the customer ask for it, and the next draft is a new suggestion', async () => {
    const lapsing = { ...trialTicket, dice: { ...trialTicket.dice, agentLapse: true } };
    const connection = recordingConnection((_id, call) => (call === 1 ? answerOnly(lapsing) : ''));
    const truth = await playTicket(lapsing, connection, 5);
    expect(truth.exchanges.map((e) => e.kind)).toEqual(['first', 'rule-follow-up']);
    expect(truth.exchanges[0]!.rulesInSent).toEqual([]);
    expect(truth.exchanges[1]!.customerMessage).toMatch(/trial/i);
    expect(truth.exchanges[1]!.rulesInSent).toEqual(lapsing.ruleIds);
    expect(connection.previous).toEqual([undefined, 'sg-1']);
    expect(truth.csat!.stars).toBeLessThan(5);
  });

  it('escalations, topic follow-ups and reopens show up as events', async () => {
    const busy = { ...trialTicket, dice: { ...trialTicket.dice, escalate: true, topicFollowUp: true, reopen: 0 } };
    const connection = recordingConnection(() => renderReply(busy.ideal));
    const truth = await playTicket(busy, connection, 5);
    const kinds = connection.events.map((e) => e.kind);
    expect(kinds).toContain('ticket.escalated');
    expect(kinds).toContain('ticket.reopened');
    expect(kinds.filter((k) => k === 'ticket.solved')).toHaveLength(2);
    expect(truth.exchanges.map((e) => e.kind)).toEqual(['first', 'topic-follow-up', 'reopen']);
    expect(truth).toMatchObject({ escalated: true, reopened: true });
  });

  it('plays the same way twice given the same drafts', async () => {
    const a = await playTicket(tickets[7]!, recordingConnection(() => ''), 5);
    const b = await playTicket(tickets[7]!, recordingConnection(() => ''), 5);
    expect(b).toEqual(a);
  });
});

describe('customer satisfaction and summaries', () => {
  it('CSAT drops with misses, escalations and reopens', () => {
    const good = csatStars({ contentFollowUp: false, escalated: false, reopened: false, csatPenalty: false, csatNoise: 0 });
    const bad = csatStars({ contentFollowUp: true, escalated: true, reopened: true, csatPenalty: true, csatNoise: 0 });
    expect(good).toBe(5);
    expect(bad).toBe(1);
    expect(csatScore(bad)).toBe(0);
  });

  it('summary and rolling line count acceptance, rule application and transfer cases', async () => {
    const played = [];
    for (const [i, t] of tickets.slice(0, 20).entries()) played.push(await playTicket(calm(t), recordingConnection(() => (i < 10 ? '' : renderReply(t.ideal))), 5));
    const summary = summarise(played);
    expect(summary.acceptanceByTenth.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    expect(summary.acceptanceByTenth.slice(5)).toEqual([1, 1, 1, 1, 1]);
    expect(summary.acceptance).toBe(0.5);
    const window = new RollingWindow(10);
    for (const t of played) window.add(t);
    expect(rollingLine(window)).toMatch(/acceptance \(last 10\): 100% · edit distance 0\.00 · rule-applied (100%|–)/);
  });
});
