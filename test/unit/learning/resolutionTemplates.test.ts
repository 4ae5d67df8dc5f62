import { describe, expect, it } from 'vitest';
import { groupCandidates, type ComposeInputs } from '../../../domain/learning/draftComposer.js';
import { ResolutionTemplates } from '../../../domain/learning/resolutionTemplates.js';
import { UNKNOWN_TOPIC } from '../../../domain/learning/topicClassifier.js';

const options = { joinCosine: 0.5, window: 12, recency: 0.85, kept: 50, creditHalfLife: 10 };

describe('resolution templates: reply choices', () => {
  it("the nearest rule takes an earlier near-duplicate's reply, even from another template than the one asked about", () => {
    const templates = new ResolutionTemplates(options);
    const refund = templates.add({ recordId: 'r1', ticketId: 't1', topic: 'billing', text: 'Your refund was issued today and reaches your card within five working days.' });
    const invoice = templates.add({ recordId: 'r2', ticketId: 't2', topic: 'billing', text: 'Invoices are under Settings, Billing, Documents; each one downloads as a PDF.' });
    expect(refund.id).not.toBe(invoice.id);
    const duplicate = { item: { templateId: refund.id, member: templates.member('r1')! }, jaccard: 0.9 };
    const choices = templates.choices(invoice, new Map(), [duplicate])!;
    expect(choices.nearest).toMatchObject({ templateId: refund.id, chosenBy: 'nearest', questionOverlap: 0.9 });
    expect(choices.nearest.member.recordId).toBe('r1');
    expect(choices.typical).toMatchObject({ templateId: invoice.id, chosenBy: 'typical' });
  });

  it('without a near-duplicate, the nearest rule takes the reply to the best retrieved question of the template', () => {
    const templates = new ResolutionTemplates(options);
    const template = templates.add({ recordId: 'r1', ticketId: 't1', topic: 'billing', text: 'Invoices are under Settings, Billing, Documents; each one downloads as a PDF.' });
    templates.add({ recordId: 'r2', ticketId: 't2', topic: 'billing', text: 'Invoices are under Settings, Billing, Documents; each one downloads as a CSV file.' });
    const choices = templates.choices(template, new Map([['r1', 1], ['r2', 0.4]]), [])!;
    expect(choices.nearest).toMatchObject({ templateId: template.id, chosenBy: 'nearest' });
    expect(choices.nearest.member.recordId).toBe('r1');
    expect(choices.nearest.questionOverlap).toBeUndefined();
  });
});

describe('reply groups stand in for topics when a tenant has no topic labels', () => {
  it('the group the question’s words point to wins over one with a slightly better single hit', () => {
    const templates = new ResolutionTemplates(options);
    const refund = templates.add({ recordId: 'r1', ticketId: 't1', topic: UNKNOWN_TOPIC, text: 'Your refund was issued today and reaches your card within five working days.' });
    const delivery = templates.add({ recordId: 'r2', ticketId: 't2', topic: UNKNOWN_TOPIC, text: 'Your parcel left our warehouse; the tracking link in your email shows where it is.' });
    const hit = (id: string, templateId: string, score: number) => ({ candidate: { kind: 'resolution' as const, id, ticketId: `t-${id}`, topic: UNKNOWN_TOPIC, templateId, question: '' }, score });
    const inputs = {
      topic: { topic: UNKNOWN_TOPIC, confidence: 0, best: UNKNOWN_TOPIC },
      retrieved: [hit('r2', delivery.id, 10), hit('r1', refund.id, 9)],
      templates,
      articleRecord: () => ({ wins: 0, losses: 0 }),
    } as unknown as ComposeInputs;
    expect(groupCandidates(inputs)[0]!.templateId).toBe(delivery.id);
    const pointed = groupCandidates({ ...inputs, replyGroup: { topic: refund.id, confidence: 0.8, best: refund.id, templateIds: [refund.id] } });
    expect(pointed[0]!.templateId).toBe(refund.id);
    expect(pointed[0]!.score).toBeGreaterThan(pointed[1]!.score);
  });
});

describe('resolution templates: recent acceptance', () => {
  it('a run of rejected drafts outweighs any long record of accepted ones', () => {
    for (const accepted of [10, 300]) {
      const templates = new ResolutionTemplates(options);
      const template = templates.add({ recordId: 'r1', ticketId: 't1', topic: 'billing', text: 'Invoices are under Settings, Billing, Documents; each one downloads as a PDF.' });
      for (let i = 0; i < accepted; i += 1) templates.credit('r1', true);
      expect(templates.quality(template)).toBeGreaterThan(0.85);
      for (let i = 0; i < 10; i += 1) templates.credit('r1', false);
      // Lifetime counts stay what the explanation reports; the estimate drafts compete on is recent.
      expect(template).toMatchObject({ wins: accepted, losses: 10 });
      expect(templates.quality(template)).toBeLessThan(0.5);
    }
  });

  it('a counterfactual credit moves the recent estimate only: it was not a draft', () => {
    const templates = new ResolutionTemplates(options);
    const template = templates.add({ recordId: 'r1', ticketId: 't1', topic: 'billing', text: 'Invoices are under Settings, Billing, Documents; each one downloads as a PDF.' });
    for (let i = 0; i < 5; i += 1) templates.credit('r1', true, true);
    expect(template).toMatchObject({ wins: 0, losses: 0 });
    expect(templates.member('r1')).toMatchObject({ wins: 0, losses: 0 });
    expect(templates.quality(template)).toBeGreaterThan(0.8);
  });
});
