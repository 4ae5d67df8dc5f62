import { describe, expect, it } from 'vitest';
import { assertTicketEvent, InvalidEventError } from '../../domain/events.js';

const valid = {
  eventId: 'e1', kind: 'message.customer', tenantId: 'acme', ticketId: 't1', occurredAt: '2026-01-02T03:04:05Z',
  provider: 'generic', channel: 'email', tags: ['billing'], body: 'hello',
};

describe('canonical ticket event', () => {
  it('accepts a valid event', () => {
    expect(assertTicketEvent(valid).eventId).toBe('e1');
  });
  it('names the bad field', () => {
    expect(() => assertTicketEvent({ ...valid, occurredAt: 'yesterday' })).toThrow(/occurredAt/);
    expect(() => assertTicketEvent({ ...valid, kind: 'sla.breached' })).toThrow(InvalidEventError);
    expect(() => assertTicketEvent({ ...valid, customer: { signupAt: 'x' } })).toThrow(/customer\.signupAt/);
    expect(() => assertTicketEvent({ ...valid, extra: 1 })).toThrow(/extra|root/);
    expect(() => assertTicketEvent({ ...valid, kind: 'csat.rated' })).toThrow(/csat/);
  });
});
