import { describe, expect, it } from 'vitest';
import { createLearner } from '../../../domain/learning/learner.js';
import { correctionClass, diffSentences } from '../../../domain/learning/correctionMining.js';
import { DEFAULT_THRESHOLDS } from '../../../domain/learning/thresholds.js';
import type { TicketMessage } from '../../../domain/learning/records.js';

const REPLY = [
  'Thanks for reaching out about your invoice.',
  'You can download every invoice from Settings, then Billing, then History.',
  'Each invoice lists the plan, the period and the tax applied.',
  'If a charge looks wrong, reply to this message and we will correct it within a day.',
].join(' ');

const message = (ticketId: string, text: string): TicketMessage => ({ ticketId, text, at: '2026-02-01T10:00:00Z', channel: 'email', customer: { plan: 'Pro' } });

function draftFor(reply = REPLY) {
  const learner = createLearner();
  learner.learn({ kind: 'ticket', id: 'r1', at: '2026-01-01T10:00:00Z', message: message('t1', 'Where can I download my invoice?'), topic: 'invoices', reply });
  const suggestion = learner.draft(message('t2', 'How do I download an invoice for last month?'));
  return { learner, suggestion };
}

describe('correction mining', () => {
  it('drafts the learned reply, so the cases below start from a known draft', () => {
    expect(draftFor().suggestion.draft).toBe(REPLY);
  });

  it('classes an unchanged reply as accepted with distance 0 and no sentence changes', () => {
    const { learner, suggestion } = draftFor();
    const correction = learner.compare(suggestion, REPLY);
    expect(correction).toMatchObject({ class: 'accepted', editDistance: 0, accepted: true, additions: [], removals: [], kept: 4 });
  });

  it('records a small wording change as a sentence edit, still accepted', () => {
    const { learner, suggestion } = draftFor();
    const sent = REPLY.replace('within a day', 'within one day');
    const correction = learner.compare(suggestion, sent);
    expect(correction.class).toBe('accepted');
    expect(correction.edits).toEqual([{ from: 'If a charge looks wrong, reply to this message and we will correct it within a day.', to: 'If a charge looks wrong, reply to this message and we will correct it within one day.' }]);
  });

  it('classes an added sentence as lightly edited and reports it as the addition', () => {
    const { learner, suggestion } = draftFor();
    const added = 'Since you are on an annual plan, your invoices are issued once a year.';
    const correction = learner.compare(suggestion, `${REPLY} ${added}`);
    expect(correction.class).toBe('lightly-edited');
    expect(correction.accepted).toBe(true);
    expect(correction.additions).toEqual([added]);
    expect(correction.removals).toEqual([]);
  });

  it('classes a reply that kept one sentence and replaced the rest as rewritten, with the removals', () => {
    const { learner, suggestion } = draftFor();
    const sent = 'Thanks for reaching out about your invoice. I have attached the invoice for March to this message. Our finance team has also refunded the duplicate charge.';
    const correction = learner.compare(suggestion, sent);
    expect(correction.class).toBe('rewritten');
    expect(correction.accepted).toBe(false);
    expect(correction.kept).toBe(1);
    expect(correction.removals).toHaveLength(3);
    expect(correction.additions).toEqual(['I have attached the invoice for March to this message.', 'Our finance team has also refunded the duplicate charge.']);
  });

  it('classes a reply that shares no sentence with the draft as ignored', () => {
    const { learner, suggestion } = draftFor();
    const correction = learner.compare(suggestion, 'Please call us on the phone so we can verify your identity first.');
    expect(correction.class).toBe('ignored');
    expect(correction.kept).toBe(0);
  });

  it('gives distance 1 and class ignored when there was no draft at all', () => {
    const learner = createLearner();
    const suggestion = learner.draft(message('t9', 'Where is my invoice?'));
    expect(suggestion.draft).toBe('');
    const correction = learner.compare(suggestion, REPLY);
    expect(correction).toMatchObject({ class: 'ignored', editDistance: 1, accepted: false });
    expect(correction.additions).toHaveLength(4);
  });

  it('counts escalating a ticket the draft was confident about as a correction', () => {
    const { learner, suggestion } = draftFor();
    const confident = { ...suggestion, confidence: 0.9 };
    expect(learner.compare(confident, '', { escalated: true }).escalatedWhileConfident).toBe(true);
    expect(learner.compare({ ...suggestion, confidence: 0.1 }, '', { escalated: true }).escalatedWhileConfident).toBe(false);
  });

  it('keys the correction by the context of the ticket', () => {
    const { learner, suggestion } = draftFor();
    const correction = learner.compare(suggestion, REPLY, { topic: 'invoices' });
    expect(correction.topic).toBe('invoices');
    expect(correction.context).toMatchObject({ plan: 'pro', channel: 'email' });
  });
});

describe('class boundaries and sentence diff', () => {
  it('uses the documented thresholds', () => {
    expect(correctionClass(0.02, 5, DEFAULT_THRESHOLDS)).toBe('accepted');
    expect(correctionClass(0.021, 5, DEFAULT_THRESHOLDS)).toBe('lightly-edited');
    expect(correctionClass(0.3, 5, DEFAULT_THRESHOLDS)).toBe('lightly-edited');
    expect(correctionClass(0.31, 1, DEFAULT_THRESHOLDS)).toBe('rewritten');
    expect(correctionClass(0.31, 0, DEFAULT_THRESHOLDS)).toBe('ignored');
  });

  it('pairs edited sentences and separates additions and removals in order', () => {
    const diff = diffSentences(['One sentence here.', 'Two is removed.', 'Three stays put.'], ['One sentence here!', 'Three stays put.', 'Four is new.'], 0.25);
    expect(diff.removals).toEqual(['Two is removed.']);
    expect(diff.additions).toEqual(['Four is new.']);
    expect(diff.edits).toEqual([{ from: 'One sentence here.', to: 'One sentence here!' }]);
    expect(diff.kept).toHaveLength(2);
  });
});
