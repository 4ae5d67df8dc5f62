import { describe, expect, it } from 'vitest';
import { ResolutionTemplates } from '../../../domain/learning/resolutionTemplates.js';

const options = { joinCosine: 0.5, window: 12, recency: 0.85, kept: 50 };

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
