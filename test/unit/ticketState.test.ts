import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../domain/events.js';
import { applyEvent, newTicketState, outcomeDeadline, outcomeEvent, slaDeadline, withClassifiedTopic } from '../../domain/ticketState.js';

const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 10, minute)).toISOString();
let n = 0;
const ev = (kind: TicketEvent['kind'], minute: number, extra: Partial<TicketEvent> = {}): TicketEvent => ({
  eventId: `e${++n}`, kind, tenantId: 't', ticketId: 'k', occurredAt: at(minute), provider: 'generic', channel: 'email', tags: [], ...extra,
});
const timers = { slaFirstResponseMs: 60 * 60_000, outcomeWindowMs: 7 * 24 * 3600_000 };
const fold = (events: TicketEvent[]) => events.reduce(applyEvent, newTicketState('t', 'k'));

describe('ticket state machine', () => {
  it('counts messages, first response and follow-ups', () => {
    const s = fold([ev('ticket.created', 0), ev('message.customer', 0), ev('reply.agent', 10), ev('message.customer', 20), ev('reply.agent', 25)]);
    expect(s).toMatchObject({ status: 'open', customerMessages: 2, agentReplies: 2, followUps: 1, firstResponseAt: at(10), version: 5 });
    expect(slaDeadline(s, timers)).toBeUndefined();
  });

  it('runs the SLA clock from the first unanswered customer message', () => {
    const s = fold([ev('message.customer', 5)]);
    expect(slaDeadline(s, timers)).toBe(Date.parse(at(5)) + timers.slaFirstResponseMs);
  });

  it('solve opens the outcome window; a customer message on a solved ticket reopens it', () => {
    let s = fold([ev('message.customer', 0), ev('reply.agent', 5), ev('ticket.solved', 6, { status: 'solved' })]);
    expect(outcomeDeadline(s, timers)).toBe(Date.parse(at(6)) + timers.outcomeWindowMs);
    s = applyEvent(s, ev('message.customer', 30));
    expect(s).toMatchObject({ status: 'open', reopens: 1, solvedAt: undefined });
    expect(outcomeDeadline(s, timers)).toBeUndefined();
  });

  it('a reply that leaves the ticket solved sets solvedAt', () => {
    const s = fold([ev('message.customer', 0), ev('reply.agent', 5, { status: 'solved' })]);
    expect(s.solvedAt).toBe(at(5));
  });

  it('the outcome carries its components', () => {
    const s = fold([ev('message.customer', 0), ev('reply.agent', 5), ev('ticket.escalated', 6), ev('csat.rated', 7, { csat: { score: 0, raw: 'bad' } }), ev('ticket.solved', 8, { status: 'solved' })]);
    expect(outcomeEvent(s, Date.parse(at(60))).details).toMatchObject({ resolutionSeconds: 480, firstResponseSeconds: 300, escalated: true, reopened: false, csat: 0, followUps: 0 });
  });

  it("an agent's topic tag beats the classifier", () => {
    const tagged = fold([ev('message.customer', 0, { tags: ['topic:billing'] })]);
    expect(withClassifiedTopic(tagged, 'refund').topic).toBe('billing');
    expect(withClassifiedTopic(fold([ev('message.customer', 0)]), 'refund').topic).toBe('refund');
  });
});
